"""Posted BillingItems and the Invoices that group them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.synth.arrays import _add_months, _at, _cat, _frame, _ids, _money, _month, _opt_int, _rng
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import BC, EXPORT_DATE, ROLES


def _billing(s: Sample) -> None:
    """Posted BillingItems for the last `billing_months` months and one invoice per customer per month."""
    z, rng = s.aux["z"], _rng(s.seed, "billing")
    first_month = _add_months(_month(np.array([EXPORT_DATE])), -(z["billing_months"] - 1))[0]
    kid, kcomp, ktype = s.aux["k_ids"], s.aux["k_comp"], s.aux["k_type"]
    parts = []
    # 1. Recurring services (one item per contract service per month).
    owner, period = s.aux["csu_owner"], s.aux["csu_period"]
    keep = period >= first_month
    o, p = owner[keep], period[keep]
    c = s.aux["cs_contract"][o]
    sv = s.aux["cs_service"][o]
    q = s.aux["csu_units"][keep].astype(float)
    rate = s.aux["cs_price"][o]
    parts.append(pd.DataFrame({"comp": kcomp[c], "contractID": kid[c], "serviceID": s.aux["sv_ids"][sv],
                               "productID": -1, "ticketID": -1, "timeEntryID": -1, "roleID": -1,
                               "billingCodeID": s.aux["bc_ids"][BC["Managed Services"]], "itemDate": p,
                               "description": s.aux["sv_names"][sv], "quantity": q, "rate": rate,
                               "ourCost": q * s.aux["sv_cost"][sv], "billingItemType": 3}))
    # 2. Labour on Time & Materials contracts (and tickets without a contract), at the contract's role rate.
    te_c = s.aux["te_contract"]
    tm = (s.aux["te_day"] >= first_month) & ~s.aux["te_nonbill"] & ((te_c < 0) | (ktype[np.maximum(te_c, 0)] == 1))
    idx = np.flatnonzero(tm)
    role = s.aux["te_role"][idx]
    override = pd.Series(s.aux["rate_value"],
                         index=pd.MultiIndex.from_arrays([s.aux["rate_contract"], s.aux["rate_role"]]))
    override = override[~override.index.duplicated()]
    key = pd.MultiIndex.from_arrays([te_c[idx], role])
    rate = override.reindex(key).to_numpy()
    rate = np.where(np.isnan(rate), s.aux["role_rate"][role], rate)
    t = s.aux["te_ticket"][idx]
    parts.append(pd.DataFrame({"comp": s.aux["t_comp"][t],
                               "contractID": np.where(te_c[idx] >= 0, kid[np.maximum(te_c[idx], 0)], -1),
                               "serviceID": -1, "productID": -1, "ticketID": s.aux["t_ids"][t],
                               "timeEntryID": s.aux["te_ids"][idx], "roleID": s.aux["role_ids"][role],
                               "billingCodeID": s.aux["bc_ids"][s.aux["te_worktype"][idx]],
                               "itemDate": s.aux["te_day"][idx],
                               "description": _cat(np.array([r[0] for r in ROLES], dtype=object)[role], " - ",
                                                   s.aux["t_number"][t]),
                               "quantity": s.aux["te_hours"][idx], "rate": rate,
                               "ourCost": s.aux["te_hours"][idx] * 45.0,
                               "billingItemType": 1}))
    # 3. Contract charges (billing-rule units and hardware).
    ch = np.flatnonzero((s.aux["ch_date"] >= first_month) & (s.aux["ch_date"] <= EXPORT_DATE))
    c, prod = s.aux["ch_contract"][ch], s.aux["ch_product"][ch]
    parts.append(pd.DataFrame({"comp": kcomp[c], "contractID": kid[c], "serviceID": -1,
                               "productID": s.aux["pr_ids"][prod],
                               "ticketID": -1, "timeEntryID": -1, "roleID": -1,
                               "billingCodeID": s.aux["bc_ids"][BC["Hardware"]], "itemDate": s.aux["ch_date"][ch],
                               "description": s.aux["pr_names"][prod], "quantity": s.aux["ch_qty"][ch],
                               "rate": s.aux["pr_price"][prod], "ourCost": s.aux["ch_qty"][ch] * s.aux["pr_cost"][prod],
                               "billingItemType": 2}))
    items = pd.concat(parts, ignore_index=True)
    items["itemDate"] = items["itemDate"].to_numpy().astype("datetime64[D]")
    items = items.sort_values(["itemDate", "comp", "billingItemType"], kind="stable").reset_index(drop=True)
    month = _month(items["itemDate"].to_numpy())
    month_end = _add_months(month, 1) - 1
    inv_key = pd.MultiIndex.from_arrays([month, items["comp"].to_numpy()])
    codes, uniques = pd.factorize(inv_key, sort=True)
    n_inv = len(uniques)
    inv_ids = _ids(rng, n_inv, 600000, 2)
    ext = _money(items["quantity"].to_numpy() * items["rate"].to_numpy())
    n = len(items)
    posted = month_end
    s.tables["BillingItems"] = _frame({
        "id": _ids(rng, n, 700000000, 2), "companyID": s.aux["co_ids"][items["comp"].to_numpy()],
        "contractID": _opt_int(items["contractID"].to_numpy()), "serviceID": _opt_int(items["serviceID"].to_numpy()),
        "productID": _opt_int(items["productID"].to_numpy()), "ticketID": _opt_int(items["ticketID"].to_numpy()),
        "timeEntryID": _opt_int(items["timeEntryID"].to_numpy()), "roleID": _opt_int(items["roleID"].to_numpy()),
        "billingCodeID": items["billingCodeID"].to_numpy().astype(np.int64), "invoiceID": inv_ids[codes],
        "itemDate": items["itemDate"].to_numpy(), "postedDate": _at(posted, np.full(n, 20 * 3600)),
        "description": items["description"].to_numpy(dtype=object), "quantity": items["quantity"].to_numpy(float),
        "rate": _money(items["rate"].to_numpy()), "extendedPrice": ext, "totalAmount": ext,
        "ourCost": _money(items["ourCost"].to_numpy()), "nonBillable": np.zeros(n, np.int64),
        "billingItemType": items["billingItemType"].to_numpy().astype(np.int64),
    })
    subtotal = np.bincount(codes, weights=ext, minlength=n_inv)
    inv_month = np.asarray(uniques.get_level_values(0)).astype("datetime64[D]")
    inv_comp = np.asarray(uniques.get_level_values(1)).astype(np.int64)
    inv_end = _add_months(inv_month, 1) - 1
    tax = _money(subtotal * 0.1)
    paid = inv_end + 21
    s.tables["Invoices"] = _frame({
        "id": inv_ids, "invoiceNumber": _cat("INV-", (10000 + np.arange(n_inv)).astype(str)),
        "companyID": s.aux["co_ids"][inv_comp], "invoiceDateTime": _at(inv_end, np.full(n_inv, 20 * 3600)),
        "fromDate": inv_month, "toDate": inv_end, "dueDate": inv_end + 30,
        "invoiceTotal": _money(subtotal + tax), "totalTaxValue": tax, "isVoided": np.zeros(n_inv, bool),
        "paymentTerm": np.ones(n_inv, np.int64), "paidDate": np.where(paid <= EXPORT_DATE, paid, np.datetime64("NaT")),
        "batchID": _opt_int((inv_month.astype("datetime64[M]").astype(np.int64) - 600)),
    })
