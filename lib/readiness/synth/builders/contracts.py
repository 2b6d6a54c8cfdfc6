"""Contracts and what hangs off them: exclusions, contract services and units, prepaid purchases, rates,
milestones, billing rules and charges (most contract plants)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.synth.arrays import (_add_months, _at, _cat, _days, _exact, _expand, _frame, _ids, _money, _month, _n,
                                    _opt_int, _opt_text, _rng, _spread, _topk, _uniform_days)
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import BC, EXPORT_DATE, HISTORY_START, OPEN_ENDED, ROLES, TECH_ROLES


def _contracts(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "contracts")
    n = z["contracts"]
    weight = s.aux["co_weight"]
    eligible = np.flatnonzero(weight > 0)
    first = rng.permutation(eligible)[:n]
    extra = rng.choice(eligible, n - len(first), p=weight[eligible] / weight[eligible].sum())
    comp = rng.permutation(np.concatenate([first, extra]))
    ctype = _exact(rng, [7, 1, 4, 3, 6, 8], [0.45, 0.28, 0.08, 0.07, 0.05, 0.07], n)
    active = _exact(rng, [True, False], [0.76, 0.24], n)
    # Fixed Price split: projects with milestones, or the device-billing setup (no milestones, billing rules).
    fixed = np.flatnonzero(ctype == 3)
    device_setup = np.zeros(n, bool)
    device_setup[fixed[: max(1, len(fixed) // 4)]] = True
    device_setup[fixed[np.flatnonzero(active[fixed])[:1]]] = True  # at least one active one

    # Planted exclusion chains inside one customer each: A -> B -> C (length 2) and D <-> E (circular).
    excl = np.full(n, -1)
    free = np.ones(n, bool)
    chain_long, chain_circular = [], []
    cands = np.flatnonzero(active & ~device_setup)
    for length, bucket in ((3, chain_long), (2, chain_circular)):
        for _ in range(max(1, n // (2000 if length == 3 else 4000))):
            avail = cands[free[cands]]
            rows = avail[rng.choice(len(avail), length, replace=False)]
            free[rows] = False
            comp[rows] = comp[rows[0]]
            ctype[rows] = [7, 7, 1][:length] if length == 3 else [7, 4]
            excl[rows[:-1]] = rows[1:]
            if length == 2:
                excl[rows[-1]] = rows[0]
            bucket.append(rows)
    chained = ~free
    # Planted: dormant active contracts (no activity), active contracts past their end date.
    dormant = np.zeros(n, bool)
    pool = np.flatnonzero(active & free & np.isin(ctype, [1, 4, 6, 8]))
    dormant[_spread(rng, pool, comp, _n(n, 1 / 40, 3))] = True
    expired = np.zeros(n, bool)
    pool = np.flatnonzero(active & free & ~dormant & ~device_setup)
    expired[_spread(rng, pool, comp, _n(n, 1 / 50, 3))] = True

    # Dates: active contracts roll forward in whole terms so the current term covers the export date.
    term = rng.choice([12, 24, 36], n, p=[0.5, 0.3, 0.2])
    project = (ctype == 3) & ~device_setup
    term = np.where(project, rng.integers(3, 10, n), term)
    start = np.where(active, _month(_uniform_days(rng, HISTORY_START, EXPORT_DATE - 120, n)),
                     _month(_uniform_days(rng, HISTORY_START, EXPORT_DATE - 420, n)))
    start = np.where(project & active, _month(_uniform_days(rng, EXPORT_DATE - 540, EXPORT_DATE - 90, n)), start)
    elapsed = (EXPORT_DATE.astype("datetime64[M]") - start.astype("datetime64[M]")).astype(int) + 1
    rolled = _add_months(start, -(-elapsed // term) * term) - 1
    end = np.where(active, rolled, np.minimum(_add_months(start, term) - 1, EXPORT_DATE - 30))
    end = np.where(project & active, np.maximum(_add_months(start, term) - 1, EXPORT_DATE + 45), end)
    evergreen = active & ~project & (rng.random(n) < np.select([ctype == 1, ctype == 7], [0.4, 0.1], 0.15))
    end = np.where(evergreen, OPEN_ENDED, end)
    end = np.where(expired, EXPORT_DATE - _days(rng.integers(15, 151, n)), end)
    start = np.minimum(start, _month(end - 60))

    # Planted: setup fees, mostly on active contracts.
    setup = np.zeros(n)
    fee_rows = _spread(rng, np.flatnonzero(active), comp, _n(n, 0.06, 4))
    fee_rows = np.concatenate([fee_rows, rng.choice(np.flatnonzero(~active), _n(n, 0.02, 1), replace=False)])
    setup[fee_rows] = rng.choice([250, 500, 750, 1000, 1500, 2500, 4950], len(fee_rows))

    # Ordinary length-1 exclusion links: recurring contracts roll excluded labour to the customer's T&M contract.
    tm = pd.DataFrame({"comp": comp, "row": np.arange(n)})[(ctype == 1) & active & free]
    first_tm = tm.drop_duplicates("comp").set_index("comp")["row"]
    target = pd.Series(comp).map(first_tm).fillna(-1).astype(int).to_numpy()
    link = (ctype == 7) & active & free & (target >= 0) & (rng.random(n) < 0.3)
    excl = np.where(link, target, excl)

    # Ids follow start dates, as Autotask assigns them on creation.
    order = np.lexsort((rng.random(n), start))
    inv = np.empty(n, int)
    inv[order] = np.arange(n)
    ids = np.empty(n, np.int64)
    ids[order] = _ids(rng, n, 29690000, 3)
    excl_id = np.where(excl >= 0, ids[np.maximum(excl, 0)], -1)
    names = s.aux["co_names"][comp]
    kind = np.select([ctype == 7, ctype == 1, ctype == 4, ctype == 3, ctype == 6],
                     ["Managed Services Agreement", "Time & Materials", "Prepaid Block Hours", "Project",
                      "Support Retainer"], "Per Ticket Support")
    project_name = np.array(["Office Relocation", "Server Migration", "Microsoft 365 Migration", "Network Refresh",
                             "Firewall Upgrade", "Device Rollout"], dtype=object)[rng.integers(0, 6, n)]
    cname = _cat(names, " - ", np.where(project, project_name, kind).astype(object), " ",
                 start.astype("datetime64[Y]").astype(str))
    cname = np.where(device_setup, _cat(names, " - Managed Devices (per device) ",
                                        start.astype("datetime64[Y]").astype(str)), cname)
    est_rev = np.select([ctype == 7, ctype == 3, ctype == 4], [rng.uniform(6000, 90000, n),
                        rng.uniform(4000, 60000, n), rng.uniform(2000, 15000, n)], 0.0)
    category = np.select([ctype == 7, ctype == 1, ctype == 3, np.isin(ctype, [4, 6, 8])], [16, 17, 18, 19], 20)
    contact = s.aux["co_primary_contact"][comp]
    s.tables["Contracts"] = _frame({
        "id": ids, "contractName": cname, "contractNumber": _cat("AT-", start.astype("datetime64[Y]").astype(str), "-",
                                                                 (1000 + inv).astype(str)),
        "companyID": s.aux["co_ids"][comp], "contactID": _opt_int(np.where(contact >= 0, s.aux["ct_ids"][contact], -1)),
        "contractType": ctype, "contractCategory": category, "status": active.astype(np.int64),
        "contractPeriodType": _opt_int(np.where(rng.random(n) < 0.85, 2, 5), (ctype != 7) & ~device_setup),
        "billingPreference": rng.choice([1, 2, 3], n, p=[0.5, 0.4, 0.1]), "startDate": start, "endDate": end,
        "setupFee": _money(setup), "setupFeeBillingCodeID": _opt_int(np.full(n, s.aux["bc_ids"][BC["Setup Fees"]]),
                                                                     setup == 0),
        "overageBillingRate": _money(np.where(ctype == 4, rng.choice([140.0, 150.0, 165.0], n), np.nan)),
        "estimatedCost": _money(est_rev * 0.55), "estimatedHours": np.round(est_rev / 150, 0),
        "estimatedRevenue": _money(est_rev), "exclusionContractID": _opt_int(excl_id),
        "contractExclusionSetID": _opt_int(np.full(n, -1)), "isDefaultContract": (ctype == 1) & (rng.random(n) < 0.5),
        "isCompliant": np.ones(n, bool), "serviceLevelAgreementID": rng.choice([1, 2, 3, 4], n, p=[0.5, 0.2, 0.1, 0.2]),
        "purchaseOrderNumber": _opt_text(_cat("PO", rng.integers(10000, 99999, n).astype(str)), rng.random(n) < 0.7),
        "timeReportingRequiresStartAndStopTimes": np.zeros(n, np.int64),
    })
    # Autotask's Contract has no modification time; the draw stays so every later value of a seed is unchanged.
    _at(_uniform_days(rng, np.minimum(start, EXPORT_DATE), EXPORT_DATE), rng.integers(0, 86400, n))
    s.aux.update(k_ids=ids, k_comp=comp, k_type=ctype, k_active=active, k_start=start, k_end=end, k_dormant=dormant,
                 k_expired=expired, k_device=device_setup, k_chained=chained, k_excl=excl)
    s.plant("contract_type_mapping", "Contracts", ids[active & (ctype == 8)])
    s.plant("contract_setup_fee", "Contracts", ids[setup > 0])
    s.plant("contract_expired_active", "Contracts", ids[expired])
    s.plant("contract_no_activity", "Contracts", ids[dormant])
    s.plant("contract_exclusion_chain", "Contracts", ids[excl >= 0])
    s.planted["contract_exclusion_chain"]["long"] = sorted(int(ids[r[0]]) for r in chain_long)  # chain heads
    s.planted["contract_exclusion_chain"]["circular"] = sorted(int(x) for r in chain_circular for x in ids[r])
    per_company = np.bincount(comp[active], minlength=len(s.aux["co_ids"]))
    s.plant("contract_multiple_active", "Companies", s.aux["co_ids"][per_company > 1])


def _exclusions(s: Sample) -> None:
    """Exclusion sets and contract-level excluded roles / work types."""
    rng = _rng(s.seed, "exclusions")
    role_ids, bc_ids = s.aux["role_ids"], s.aux["bc_ids"]
    R = {r[0]: i for i, r in enumerate(ROLES)}
    sets = [("Standard MSA exclusions", True, ["Project Engineer", "vCIO / Consultant"], ["Travel", "Training"]),
            ("Projects and after hours excluded", True, ["Project Engineer", "After Hours Support"], []),
            ("Travel and training excluded", True, [], ["Travel", "Training", "Emergency Callout"]),
            ("Legacy 2018 exclusions", False, ["Legacy Desktop Support"], ["Legacy Break/Fix"])]
    set_ids = _ids(rng, len(sets), 29684700, 2)
    s.tables["ContractExclusionSets"] = _frame({
        "id": set_ids, "name": np.array([x[0] for x in sets], dtype=object),
        "description": np.array(["Labour not covered by the agreement: " + ", ".join(x[2] + x[3]) for x in sets],
                                dtype=object),
        "isActive": np.array([x[1] for x in sets])})
    sr = [(set_ids[i], role_ids[R[r]]) for i, x in enumerate(sets) for r in x[2]]
    sw = [(set_ids[i], bc_ids[BC[w]]) for i, x in enumerate(sets) for w in x[3]]
    s.tables["ContractExclusionSetExcludedRoles"] = _frame({
        "id": _ids(rng, len(sr), 29684720, 2), "contractExclusionSetID": np.array([a for a, _ in sr]),
        "excludedRoleID": np.array([b for _, b in sr])})
    s.tables["ContractExclusionSetExcludedWorkTypes"] = _frame({
        "id": _ids(rng, len(sw), 29684740, 2), "contractExclusionSetID": np.array([a for a, _ in sw]),
        "excludedWorkTypeID": np.array([b for _, b in sw])})

    k = s.tables["Contracts"]
    n = len(k)
    comp, ctype, active, chained = s.aux["k_comp"], s.aux["k_type"], s.aux["k_active"], s.aux["k_chained"]
    recurring = np.flatnonzero(active & (ctype == 7) & ~chained)
    # Each contract gets at most one kind of exclusion so the rules' classes stay clean.
    taken = np.zeros(n, bool)
    set_of = np.full(n, -1)

    def take(pool, count):
        rows = _spread(rng, pool[~taken[pool]], comp, count)
        taken[rows] = True
        return rows

    for i, frac, minimum in ((0, 0.06, 2), (1, 0.03, 1), (2, 0.05, 2)):
        set_of[take(recurring, _n(len(recurring), frac, minimum))] = i
    old = np.flatnonzero(~active & (ctype == 7))
    set_of[old[: max(1, len(old) // 20)]] = 3
    direct_roles = take(recurring, _n(len(recurring), 0.04, 2))
    direct_wt = take(recurring, _n(len(recurring), 0.04, 2))
    k["contractExclusionSetID"] = _opt_int(np.where(set_of >= 0, set_ids[np.maximum(set_of, 0)], -1))
    nr = rng.integers(1, 3, len(direct_roles))
    owner, pos = _expand(nr)
    role_pick = np.array([R["Project Engineer"], R["vCIO / Consultant"]])[pos]
    s.tables["ContractExclusionRoles"] = _frame({
        "id": _ids(rng, len(owner), 29684800, 2), "contractID": s.aux["k_ids"][direct_roles[owner]],
        "roleID": role_ids[role_pick]})
    nw = rng.integers(1, 3, len(direct_wt))
    owner, pos = _expand(nw)
    wt_pick = np.array([BC["Travel"], BC["After Hours Support"]])[pos]
    s.tables["ContractExclusionBillingCodes"] = _frame({
        "id": _ids(rng, len(owner), 29684900, 2), "contractID": s.aux["k_ids"][direct_wt[owner]],
        "billingCodeID": bc_ids[wt_pick]})
    ids = s.aux["k_ids"]
    s.plant("contract_role_exclusions", "Contracts",
            np.concatenate([ids[np.isin(set_of, [0, 1]) & active], ids[direct_roles]]))
    s.plant("contract_worktype_exclusions", "Contracts", np.concatenate([ids[set_of == 2], ids[direct_wt]]))


def _contract_services(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "contract_services")
    ctype, active, end = s.aux["k_type"], s.aux["k_active"], s.aux["k_end"]
    cat = s.aux["sv_cat"]
    usable = np.flatnonzero(cat == 0)
    recurring = np.flatnonzero(ctype == 7)
    k = 1 + rng.poisson(z["services_per_contract"] - 1, len(recurring))
    popularity = rng.lognormal(0, 1.0, len(usable))
    rows, pick = _topk(rng, k, popularity)
    contract, service = recurring[rows], usable[pick]
    live = np.flatnonzero(active & (ctype == 7) & ~s.aux["k_expired"])
    # Planted: inactive services still on active contracts (one to three contracts each, different customers).
    add_c, add_s = [], []
    for sv in np.flatnonzero(cat == 1):
        c = _spread(rng, live, s.aux["k_comp"], int(rng.integers(1, 4)))
        add_c.append(c)
        add_s.append(np.full(len(c), sv))
    # Retired services: only on contracts that ended 200+ days ago (some on none at all).
    old = np.flatnonzero(~active & (ctype == 7) & (end < EXPORT_DATE - 200))
    retired = np.flatnonzero(cat == 2)
    if len(old):
        use = retired[: (len(retired) + 1) // 2 + 1]
        c = old[rng.integers(0, len(old), len(use) * 2)]
        add_c.append(c)
        add_s.append(np.repeat(use, 2))
    # Every in-use service sits on at least one live contract (so "retired" means only the planted ones).
    on_live = np.zeros(len(cat), bool)
    on_live[service[np.isin(contract, live)]] = True
    missing = np.flatnonzero((cat == 0) & ~on_live)
    add_c.append(live[rng.integers(0, len(live), len(missing))])
    add_s.append(missing)
    contract = np.concatenate([contract] + add_c)
    service = np.concatenate([service] + add_s)
    pairs = pd.DataFrame({"c": contract, "s": service}).drop_duplicates()
    start = s.aux["k_start"][pairs["c"].to_numpy()]
    order = np.lexsort((pairs["s"].to_numpy(), pairs["c"].to_numpy(), start))
    contract, service = pairs["c"].to_numpy()[order], pairs["s"].to_numpy()[order]
    n = len(contract)
    price = _money(s.aux["sv_price"][service] * rng.choice([1.0, 1.0, 0.95, 0.9, 1.1], n))
    ids = _ids(rng, n, 31000000, 3)
    names = s.aux["sv_names"][service]
    s.tables["ContractServices"] = _frame({
        "id": ids, "contractID": s.aux["k_ids"][contract], "serviceID": s.aux["sv_ids"][service],
        "unitPrice": price, "unitCost": _money(s.aux["sv_cost"][service]), "invoiceDescription": names,
        "internalDescription": _opt_text(_cat(names, " - quoted ", s.aux["k_start"][contract].astype(str)),
                                         rng.random(n) < 0.6),
    })
    s.aux.update(cs_ids=ids, cs_contract=contract, cs_service=service, cs_price=price)


def _service_units(s: Sample) -> None:
    """One row per contract service per month, for the last `unit_months` months the contract ran."""
    z, rng = s.aux["z"], _rng(s.seed, "service_units")
    c, sv = s.aux["cs_contract"], s.aux["cs_service"]
    window = _add_months(_month(np.array([EXPORT_DATE])), -(z["unit_months"] - 1))[0]
    lo = np.maximum(_month(s.aux["k_start"][c]), window)
    hi = _month(np.minimum(s.aux["k_end"][c], EXPORT_DATE))
    months = np.maximum((hi.astype("datetime64[M]") - lo.astype("datetime64[M]")).astype(int) + 1, 0)
    owner, pos = _expand(months)
    period = _add_months(lo[owner], pos)
    pend = np.minimum(_add_months(period, 1) - 1, s.aux["k_end"][c][owner])
    base = np.maximum(1, np.round(rng.lognormal(2.0, 0.9, len(c)))).astype(int)
    step = np.where(rng.random(len(owner)) < 0.07, rng.integers(-3, 4, len(owner)), 0)
    step[pos == 0] = 0
    walk = np.cumsum(step)
    group_start = np.repeat(np.cumsum(months) - months, months)
    walk = walk - walk[group_start]  # running change within each contract service (first step is 0)
    units = np.maximum(1, base[owner] + walk)
    order = np.lexsort((owner, period))
    owner, period, pend, units = owner[order], period[order], pend[order], units[order]
    n = len(owner)
    s.tables["ContractServiceUnits"] = _frame({
        "id": _ids(rng, n, 40000000, 2), "contractID": s.aux["k_ids"][c[owner]],
        "contractServiceID": s.aux["cs_ids"][owner], "serviceID": s.aux["sv_ids"][sv[owner]],
        "startDate": period, "endDate": pend, "units": units.astype(float),
        "price": _money(units * s.aux["cs_price"][owner]), "cost": _money(units * s.aux["sv_cost"][sv[owner]]),
        "approveAndPostDate": _at(period + 2, np.full(n, 6 * 3600)),
    })
    s.aux.update(csu_owner=owner, csu_period=period, csu_units=units)
    # Contract-level bundles on about a fifth of recurring contracts.
    rec = np.flatnonzero(s.aux["k_type"] == 7)
    pick = rec[rng.random(len(rec)) < 0.2]
    b = rng.integers(0, len(s.aux["sb_ids"]), len(pick))
    price = s.aux["sb_price"][b]
    s.tables["ContractServiceBundles"] = _frame({
        "id": _ids(rng, len(pick), 31900000, 2), "contractID": s.aux["k_ids"][pick],
        "serviceBundleID": s.aux["sb_ids"][b], "unitPrice": _money(price),
        "adjustedPrice": _money(price * rng.choice([1.0, 0.95, 0.9], len(pick))),
        "invoiceDescription": s.tables["ServiceBundles"]["name"].to_numpy(dtype=object)[b],
    })


def _prepaid(s: Sample) -> None:
    """Blocks (Block Hours), retainers (Retainer) and ticket purchases (Per Ticket), newest purchase covering today
    on active contracts; about 70% of current purchases still hold a balance."""
    rng = _rng(s.seed, "prepaid")
    ids, ctype, active, start, end = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_start", "k_end"))
    open_balance = []
    families = ((4, "ContractBlocks", 6, 32000000), (6, "ContractRetainers", 3, 32500000),
                (8, "ContractTicketPurchases", 6, 32800000))  # contract type, entity, months per purchase, id base
    for typ, entity, period, id_base in families:
        rows = np.flatnonzero(ctype == typ)
        last_end = np.minimum(end[rows], EXPORT_DATE)
        anchor = np.maximum(_add_months(last_end, -rng.integers(0, period, len(rows))), _month(start[rows]))
        count = 1 + np.minimum(rng.poisson(1.2, len(rows)), 3)
        owner, pos = _expand(count)
        pstart = _add_months(anchor[owner], -pos * period)
        keep = (pstart >= _month(start[rows][owner])) | (pos == 0)
        owner, pstart = owner[keep], pstart[keep]
        pend = _add_months(pstart, period) - 1
        contract = rows[owner]
        current = (pend >= EXPORT_DATE) & active[contract]
        used = np.where(current, np.where(rng.random(len(owner)) < 0.7, rng.uniform(0.1, 0.9, len(owner)), 1.0),
                        rng.uniform(0.7, 1.0, len(owner)))
        with_balance = current & (used < 1.0)
        open_balance.append(ids[contract[with_balance]])
        order = np.lexsort((contract, pstart))
        contract, pstart, pend, used, current = (a[order] for a in (contract, pstart, pend, used, current))
        n = len(contract)
        paid = np.where(current, rng.random(n) < 0.85, True)
        common = {"id": _ids(rng, n, id_base, 2),
                  "contractID": ids[contract], "datePurchased": pstart, "startDate": pstart, "endDate": pend}
        if typ == 4:
            hours = rng.choice([10.0, 20.0, 25.0, 40.0, 50.0, 100.0], n)
            s.tables[entity] = _frame({**common, "hours": hours, "hourlyRate": _money(rng.choice([120, 135, 150], n)),
                                       "hoursApproved": np.round(hours * used * 4) / 4, "isPaid": paid,
                                       "invoiceNumber": _opt_text(_cat("INV-B", rng.integers(10000, 99999, n)
                                                                       .astype(str)), ~paid),
                                       "paymentType": rng.choice([1, 2, 3], n), "status": current.astype(np.int64)})
        elif typ == 6:
            amount = rng.choice([2500.0, 5000.0, 7500.0, 10000.0, 20000.0], n)
            s.tables[entity] = _frame({**common, "amount": _money(amount), "amountApproved": _money(amount * used),
                                       "isPaid": paid, "paymentID": _opt_int(rng.integers(1, 4, n), ~paid),
                                       "status": current.astype(np.int64)})
        else:
            bought = rng.choice([10, 20, 25, 50], n)
            s.tables[entity] = _frame({**common, "ticketsPurchased": bought.astype(float),
                                       "ticketsUsed": np.floor(bought * used),
                                       "perTicketRate": _money(rng.choice([75, 95, 120, 150], n)),
                                       "isPaid": paid, "status": current.astype(np.int64)})
    s.plant("contract_open_prepaid_balance", "Contracts", np.unique(np.concatenate(open_balance)))


def _contract_extras(s: Sample) -> None:
    """Block-hour factors, role rate overrides and Fixed Price milestones."""
    rng = _rng(s.seed, "contract_extras")
    ids, ctype, active, comp = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_comp"))
    R = {r[0]: i for i, r in enumerate(ROLES)}
    role_ids = s.aux["role_ids"]
    # Block-hour multipliers per role on about 40% of Block Hours contracts (mostly active ones).
    blocks = np.flatnonzero(ctype == 4)
    chosen = np.concatenate([_spread(rng, blocks[active[blocks]], comp, _n(int(active[blocks].sum()), 0.4, 2)),
                             _spread(rng, blocks[~active[blocks]], comp, 1)])
    k = rng.integers(1, 4, len(chosen))
    rows, pick = _topk(rng, k, np.ones(4))
    factor_roles = np.array([R["After Hours Support"], R["Senior Engineer"], R["Project Engineer"],
                             R["Network Engineer"]])
    s.tables["ContractBlockHourFactors"] = _frame({
        "id": _ids(rng, len(rows), 33000000, 2), "contractID": ids[chosen[rows]],
        "roleID": role_ids[factor_roles[pick]], "blockHourMultiplier": rng.choice([1.25, 1.5, 2.0], len(rows))})
    s.plant("contract_block_hour_factors", "Contracts", ids[chosen[active[chosen]]])
    # Role rate overrides on about 12% of active non-recurring contracts, plus a few recurring ones.
    pool = np.flatnonzero(active & np.isin(ctype, [1, 4, 6, 8]))
    chosen = np.concatenate([_spread(rng, pool, comp, _n(len(pool), 0.12, 3)),
                             _spread(rng, np.flatnonzero(active & (ctype == 7)), comp, 1)])
    k = rng.integers(1, 4, len(chosen))
    rows, pick = _topk(rng, k, np.ones(len(TECH_ROLES)))
    role = TECH_ROLES[pick]
    rate = _money(s.aux["role_rate"][role] * rng.choice([0.8, 0.85, 0.9, 0.95], len(rows)))
    s.tables["ContractRates"] = _frame({
        "id": _ids(rng, len(rows), 33500000, 2), "contractID": ids[chosen[rows]], "roleID": role_ids[role],
        "contractHourlyRate": rate, "internalCurrencyContractHourlyRate": rate})
    s.plant("contract_rate_overrides", "Contracts", ids[chosen])
    s.aux.update(rate_contract=chosen[rows], rate_role=role, rate_value=rate)
    # Milestones on Fixed Price projects (the device-billing Fixed Price contracts have none).
    proj = np.flatnonzero((ctype == 3) & ~s.aux["k_device"])
    m = rng.integers(2, 6, len(proj))
    owner, pos = _expand(m)
    c = proj[owner]
    start, end = s.aux["k_start"][c], np.minimum(s.aux["k_end"][c], EXPORT_DATE + 365)
    span = (end - start).astype(int)
    due = start + _days(span * (pos + 1) / (m[owner] + 1))
    est = s.tables["Contracts"]["estimatedRevenue"].to_numpy()[c]
    titles = np.array(["Deposit", "Design signed off", "Hardware delivered", "Go-live", "Project close-out"],
                      dtype=object)
    s.tables["ContractMilestones"] = _frame({
        "id": _ids(rng, len(c), 34000000, 2), "contractID": ids[c], "title": titles[np.minimum(pos, 4)],
        "description": _cat("Milestone ", (pos + 1).astype(str), " of ", m[owner].astype(str)),
        "amount": _money(est / m[owner]), "dateDue": due,
        "billingCodeID": np.full(len(c), s.aux["bc_ids"][BC["Project Milestone"]]),
        "isInitialPayment": pos == 0, "status": np.where(due < EXPORT_DATE, 3, 1).astype(np.int64),
        "createDate": _at(start, np.full(len(c), 9 * 3600)), "creatorResourceID": np.full(len(c), s.aux["res_ids"][2]),
    })
    s.plant("contract_milestones", "Contracts", ids[proj[active[proj]]])


def _billing_rules(s: Sample) -> None:
    """Per-contact / per-device billing rules: all device-billing Fixed Price contracts and ~10% of recurring ones."""
    rng = _rng(s.seed, "billing_rules")
    ids, ctype, active, comp = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_comp"))
    rec = np.flatnonzero(active & (ctype == 7) & ~s.aux["k_expired"])
    chosen = np.concatenate([np.flatnonzero(s.aux["k_device"]), _spread(rng, rec, comp, _n(len(rec), 0.1, 2))])
    k = rng.integers(1, 3, len(chosen))
    rows, pick = _topk(rng, k, np.ones(len(s.aux["pr_bill"])))
    c, prod = chosen[rows], s.aux["pr_bill"][pick]
    n = len(c)
    minimum = np.where(rng.random(n) < 0.5, rng.choice([5.0, 10.0, 15.0, 20.0], n), np.nan)
    maximum = np.where(rng.random(n) < 0.3, np.nan_to_num(minimum) + rng.choice([20.0, 50.0, 100.0], n), np.nan)
    prorate = rng.random(n) < 0.4
    price, cost = s.aux["pr_price"][prod], s.aux["pr_cost"][prod]
    s.tables["ContractBillingRules"] = _frame({
        "id": _ids(rng, n, 35000000, 2), "contractID": ids[c], "productID": s.aux["pr_ids"][prod],
        "isActive": active[c], "startDate": s.aux["k_start"][c], "endDate": s.aux["k_end"][c],
        "determineUnits": np.ones(n, np.int64), "minimumUnits": minimum, "maximumUnits": maximum,
        "createChargesAsBillable": np.ones(n, bool), "includeItemsInChargeDescription": rng.random(n) < 0.5,
        "isDailyProrationEnabled": prorate, "dailyProratedPrice": _money(np.where(prorate, price / 30, np.nan)),
        "dailyProratedCost": _money(np.where(prorate, cost / 30, np.nan)),
        "executionMethod": rng.choice([1, 2, 3], n, p=[0.6, 0.3, 0.1]),
        "invoiceDescription": s.aux["pr_names"][prod],
    })
    s.aux.update(br_contract=c, br_product=prod, br_min=minimum, br_max=maximum)
    s.plant("contract_billing_rule_units", "Contracts", ids[c[active[c]]])


def _charges(s: Sample) -> None:
    """Monthly charges created by billing rules in the billing window, plus ad-hoc hardware charges."""
    z, rng = s.aux["z"], _rng(s.seed, "charges")
    ids, active = s.aux["k_ids"], s.aux["k_active"]
    first_month = _add_months(_month(np.array([EXPORT_DATE])), -(z["billing_months"] - 1))[0]
    c, prod = s.aux["br_contract"], s.aux["br_product"]
    owner, pos = _expand(np.full(len(c), z["billing_months"]))
    month = _add_months(np.full(len(owner), first_month), pos)
    keep = active[c[owner]] & (month >= _month(s.aux["k_start"][c[owner]])) & (month <= s.aux["k_end"][c[owner]])
    owner, month = owner[keep], month[keep]
    base = np.round(rng.lognormal(2.5, 0.7, len(c)))
    qty = base[owner] + rng.integers(-2, 3, len(owner))
    qty = np.clip(qty, np.nan_to_num(s.aux["br_min"][owner], nan=1.0), np.nan_to_num(s.aux["br_max"][owner], nan=1e9))
    rule_c, rule_p = c[owner], prod[owner]
    # Ad-hoc hardware on live, non-dormant contracts over the last two years.
    live = np.flatnonzero(active & ~s.aux["k_dormant"])
    m = _n(len(ids), 0.25, 5)
    adhoc_c = live[rng.integers(0, len(live), m)]
    adhoc_p = s.aux["pr_hw"][rng.integers(0, len(s.aux["pr_hw"]), m)]
    adhoc_d = _uniform_days(rng, np.maximum(s.aux["k_start"][adhoc_c], EXPORT_DATE - 730), EXPORT_DATE - 1)
    contract = np.concatenate([rule_c, adhoc_c])
    product = np.concatenate([rule_p, adhoc_p])
    date = np.concatenate([month, adhoc_d])
    quantity = np.concatenate([qty, rng.integers(1, 6, m).astype(float)])
    order = np.lexsort((contract, date))
    contract, product, date, quantity = contract[order], product[order], date[order], quantity[order]
    n = len(contract)
    price, cost = s.aux["pr_price"][product], s.aux["pr_cost"][product]
    hardware = s.aux["pr_type"][product] == 1
    s.tables["ContractCharges"] = _frame({
        "id": _ids(rng, n, 36000000, 2), "contractID": ids[contract], "name": s.aux["pr_names"][product],
        "description": np.where(hardware, "Hardware supplied", "Billing rule charge").astype(object),
        "datePurchased": date, "unitQuantity": quantity, "unitPrice": _money(price), "unitCost": _money(cost),
        "extendedCost": _money(quantity * cost), "billableAmount": _money(quantity * price),
        "billingCodeID": np.where(hardware, s.aux["bc_ids"][BC["Hardware"]], s.aux["bc_ids"][BC["Managed Services"]]),
        "productID": s.aux["pr_ids"][product], "chargeType": np.ones(n, np.int64), "status": np.full(n, 2, np.int64),
        "isBillableToCompany": np.ones(n, bool), "isBilled": np.ones(n, bool),
        "createDate": _at(date, np.full(n, 2 * 3600)),
    })
    s.aux.update(ch_contract=contract, ch_product=product, ch_date=date, ch_qty=quantity)
