"""What the MSP sells: BillingCodes, Services, ServiceBundles and Products (inactive and retired service plants)."""

from __future__ import annotations

import numpy as np

from readiness.synth.arrays import _at, _cat, _frame, _ids, _money, _n, _opt_int, _opt_text, _rng, _topk, _uniform_days
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import (BC, BILLING_CODES, BILLING_PRODUCTS, BUNDLES, EXPORT_DATE, HARDWARE,
                                        LEGACY_SERVICES, SERVICE_TIERS, SERVICES)


def _billing_codes(s: Sample) -> None:
    rng = _rng(s.seed, "billing_codes")
    ids = _ids(rng, len(BILLING_CODES), 29682700, 2)
    use = np.array([b[1] for b in BILLING_CODES])
    s.tables["BillingCodes"] = _frame({
        "id": ids,
        "name": np.array([b[0] for b in BILLING_CODES], dtype=object),
        "description": np.array([b[0] for b in BILLING_CODES], dtype=object),
        "useType": use,
        "billingCodeType": np.where(np.array([b[0] for b in BILLING_CODES]) == "Warranty Work", 2, 0),
        "unitPrice": _money([b[2] for b in BILLING_CODES]),
        "unitCost": np.zeros(len(BILLING_CODES)),
        "isActive": np.array([b[3] for b in BILLING_CODES]),
        "isExcludedFromNewContracts": np.zeros(len(BILLING_CODES), bool),
        "generalLedgerAccount": np.where(use == 1, "4000", np.where(use == 5, "4100", "4200")).astype(object),
    })
    s.aux["bc_ids"] = ids


def _services(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "services")
    n = z["services"]
    n_retired = min(len(LEGACY_SERVICES), _n(n, 1 / 20, 3))
    n_in_use_inactive = _n(n, 1 / 30, 2)
    n_base = n - n_retired
    tier, base = np.divmod(np.arange(n_base), len(SERVICES))
    names = _cat(np.array([x[0] for x in SERVICES], dtype=object)[base], SERVICE_TIERS[tier % len(SERVICE_TIERS)])
    factor = np.array([1.0, 0.8, 1.3, 1.6, 0.9])[tier % len(SERVICE_TIERS)]
    price = np.array([x[1] for x in SERVICES], float)[base] * factor
    cost = np.array([x[2] for x in SERVICES], float)[base] * factor
    code = np.array([BC[x[3]] for x in SERVICES])[base]
    period = np.array([x[4] for x in SERVICES])[base]
    leg = LEGACY_SERVICES[:n_retired]
    names = np.concatenate([names, np.array([x[0] for x in leg], dtype=object)])
    price = np.concatenate([price, [x[1] for x in leg]])
    cost = np.concatenate([cost, [x[2] for x in leg]])
    code = np.concatenate([code, np.full(n_retired, BC["Managed Services"])])
    period = np.concatenate([period, np.full(n_retired, 2)])
    category = np.concatenate([np.zeros(n_base, int), np.full(n_retired, 2)])  # 0 in use, 1 inactive in use, 2 retired
    category[rng.choice(n_base, n_in_use_inactive, replace=False)] = 1
    active = category == 0
    active[np.flatnonzero(category == 2)[::2]] = True  # half the retired ones are still active in the catalogue
    order = rng.permutation(n)  # catalogue ids do not reveal the category
    names, price, cost, code, period, category, active = (a[order] for a in
                                                         (names, price, cost, code, period, category, active))
    ids = _ids(rng, n, 29683300, 2)
    create = _uniform_days(rng, np.datetime64("2015-06-01"), EXPORT_DATE - 400, n)
    vendors = np.flatnonzero(s.aux["co_type"] == 7)
    vendor = np.where(rng.random(n) < 0.3, s.aux["co_ids"][vendors[rng.integers(0, len(vendors), n)]], -1)
    s.tables["Services"] = _frame({
        "id": ids, "name": names, "description": _cat(names, " (per unit, per period)"), "invoiceDescription": names,
        "periodType": period, "unitPrice": _money(price), "unitCost": _money(cost),
        "markupRate": _money((price - cost) / np.maximum(cost, 0.01) * 100),
        "billingCodeID": s.aux["bc_ids"][code], "vendorCompanyID": _opt_int(vendor),
        "serviceLevelAgreementID": np.full(n, 1, np.int64), "isActive": active,
        "createDate": _at(create, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastModifiedDate": _at(_uniform_days(rng, create, EXPORT_DATE - 30, n), rng.integers(8 * 3600, 17 * 3600, n)),
    })
    s.aux.update(sv_ids=ids, sv_cat=category, sv_active=active, sv_price=price, sv_cost=cost, sv_names=names)
    s.plant("service_inactive_in_use", "Services", ids[category == 1])
    s.plant("service_retired", "Services", ids[category == 2])


def _bundles(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "bundles")
    n = z["bundles"]
    names = _cat(BUNDLES[np.arange(n) % len(BUNDLES)],
                 np.where(np.arange(n) < len(BUNDLES), "", _cat(" ", (np.arange(n) // len(BUNDLES) + 1).astype(str))))
    usable = np.flatnonzero(s.aux["sv_cat"] == 0)
    k = rng.integers(2, 6, n)
    rows, pick = _topk(rng, k, np.ones(len(usable)))
    member = usable[pick]
    # Planted: bundles holding one inactive service (a retired or replaced one).
    inactive = np.flatnonzero(~s.aux["sv_active"])
    k_bad = _n(n, 1 / 4, 2)
    bad = rng.choice(n, k_bad, replace=False)
    rows = np.concatenate([rows, bad])
    member = np.concatenate([member, inactive[rng.integers(0, len(inactive), k_bad)]])
    order = np.lexsort((member, rows))
    rows, member = rows[order], member[order]
    ids = _ids(rng, n, 29683900, 2)
    price = np.bincount(rows, weights=s.aux["sv_price"][member], minlength=n) * 0.9
    cost = np.bincount(rows, weights=s.aux["sv_cost"][member], minlength=n)
    s.tables["ServiceBundles"] = _frame({
        "id": ids, "name": names, "description": _cat(names, " - bundled managed services"),
        "invoiceDescription": names, "periodType": np.full(n, 2, np.int64), "unitPrice": _money(price),
        "unitCost": _money(cost), "unitDiscount": _money(price / 9), "percentageDiscount": np.full(n, 10.0),
        "billingCodeID": np.full(n, s.aux["bc_ids"][BC["Managed Services"]]),
        "isActive": np.ones(n, bool),
        "createDate": _at(_uniform_days(rng, np.datetime64("2017-01-01"), EXPORT_DATE - 365, n),
                          rng.integers(8 * 3600, 17 * 3600, n)),
    })
    s.tables["ServiceBundleServices"] = _frame({
        "id": _ids(rng, len(rows), 29684400, 2), "serviceBundleID": ids[rows], "serviceID": s.aux["sv_ids"][member]})
    s.aux.update(sb_ids=ids, sb_price=price)
    s.plant("service_bundle_inactive_member", "ServiceBundles", ids[bad])


def _products(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "products")
    n = z["products"]
    n_hw = n - len(BILLING_PRODUCTS)
    gen, base = np.divmod(np.arange(n_hw), len(HARDWARE))
    hw = HARDWARE
    names = _cat(np.array([h[0] for h in hw], dtype=object)[base],
                 np.where(gen == 0, "", _cat(" (Rev ", (gen + 1).astype(str), ")")))
    names = np.concatenate([names, np.array([b[0] for b in BILLING_PRODUCTS], dtype=object)])
    btype = np.concatenate([np.ones(n_hw, int), [b[1] for b in BILLING_PRODUCTS]])
    newer = 1 + 0.05 * gen  # later revisions cost a little more
    price = np.concatenate([np.array([h[2] for h in hw], float)[base] * newer, [b[2] for b in BILLING_PRODUCTS]])
    cost = np.concatenate([np.array([h[3] for h in hw], float)[base] * newer, [b[3] for b in BILLING_PRODUCTS]])
    manufacturer = np.concatenate([np.array([h[1] for h in hw], dtype=object)[base],
                                   np.full(len(BILLING_PRODUCTS), None, dtype=object)])
    ci_type = np.concatenate([np.array([h[4] for h in hw])[base], np.zeros(len(BILLING_PRODUCTS), int)])
    ids = _ids(rng, n, 29684000, 2)
    vendors = s.aux["co_ids"][np.flatnonzero(s.aux["co_type"] == 7)]
    hardware = btype == 1
    s.tables["Products"] = _frame({
        "id": ids, "name": names, "sku": _cat("SKU-", (100000 + np.arange(n) * 7).astype(str)),
        "description": names, "billingType": btype,
        "productCategory": np.where(hardware, ci_type, 9).astype(np.int64),
        "periodType": _opt_int(np.full(n, 2), hardware),
        "unitPrice": _money(price), "unitCost": _money(cost), "msrp": _money(price * 1.1),
        "manufacturerName": manufacturer, "manufacturerProductName": _opt_text(names, ~hardware),
        "isActive": rng.random(n) > 0.05 * hardware, "isSerialized": hardware,
        "productBillingCodeID": np.full(n, s.aux["bc_ids"][BC["Hardware"]]),
        "chargeBillingCodeID": np.where(hardware, s.aux["bc_ids"][BC["Hardware"]],
                                        s.aux["bc_ids"][BC["Managed Services"]]),
        "defaultVendorID": _opt_int(np.where(hardware, vendors[rng.integers(0, len(vendors), n)], -1)),
    })
    s.aux.update(pr_ids=ids, pr_hw=np.flatnonzero(hardware), pr_bill=np.flatnonzero(~hardware), pr_price=price,
                 pr_cost=cost, pr_type=btype, pr_ci_type=ci_type, pr_names=names)
