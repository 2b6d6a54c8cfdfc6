"""The MSP's staff and its customers: Roles, Resources, Companies and Contacts (duplicate names, e-mail plants)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.synth.arrays import (_at, _cat, _exact, _expand, _frame, _groups, _ids, _money, _n, _opt_int,
                                    _opt_text, _rng, _slug, _spread, _uniform_days)
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import (CITIES, CONTACT_TITLES, EXPORT_DATE, FIRST_NAMES, HISTORY_START, LAST_NAMES,
                                        NAME_FIRST, NAME_SECOND, NAME_SUFFIX, ROLES, SPECIAL_NAMES, STREETS,
                                        TECH_ROLES, VENDORS)


def _roles(s: Sample) -> None:
    rng = _rng(s.seed, "roles")
    ids = _ids(rng, len(ROLES), 29682832, 2)
    s.tables["Roles"] = _frame({
        "id": ids,
        "name": np.array([r[0] for r in ROLES], dtype=object),
        "description": np.array([f"{r[0]} labour" for r in ROLES], dtype=object),
        "hourlyRate": _money([r[1] for r in ROLES]),
        "hourlyFactor": np.array([r[2] for r in ROLES], float),
        "isActive": np.array([r[3] for r in ROLES]),
        "isSystemRole": np.zeros(len(ROLES), bool),
        "isExcludedFromNewContracts": ~np.array([r[3] for r in ROLES]),
    })
    s.aux["role_ids"] = ids
    s.aux["role_rate"] = np.array([r[1] for r in ROLES], float)


def _resources(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "resources")
    n = z["resources"]
    # Non-technical staff first: two admins, two managers, sales, an API user, a bookkeeper, a coordinator.
    staff = np.array([1, 1, 2, 2, 4, 13, 9, 27])
    staff_lic = np.array([1, 1, 2, 2, 3, 7, 5, 3])
    n_tech = n - len(staff)
    tech_levels = _exact(rng, [5, 7, 6], [0.65, 0.25, 0.10], n_tech)
    tech_levels[:3] = 5  # three long-serving Team Members cover the whole history
    user_type = np.concatenate([staff, tech_levels])
    license_type = np.concatenate([staff_lic, np.select([tech_levels == 5, tech_levels == 7], [3, 4], 8)])
    is_tech = np.concatenate([np.zeros(len(staff), bool), np.ones(n_tech, bool)])
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    first[5], last[5] = "API", "Datto RMM Integration"
    hire = _uniform_days(rng, np.datetime64("2012-01-01"), EXPORT_DATE - 120, n)
    hire[len(staff):len(staff) + 3] = _uniform_days(rng, np.datetime64("2012-01-01"), np.datetime64("2015-06-30"), 3)
    # Leavers: a few technicians (not the three long-serving ones) and one former manager.
    n_leave = max(2, n_tech // 6)
    leavers = np.concatenate([len(staff) + 3 + rng.choice(n_tech - 3, n_leave, replace=False), [3]])
    active = np.ones(n, bool)
    active[leavers] = False
    leave = np.full(n, np.datetime64("9999-12-31"), dtype="datetime64[D]")
    leave[leavers] = _uniform_days(rng, EXPORT_DATE - 1500, EXPORT_DATE - 200, len(leavers))
    hire[leavers] = np.minimum(hire[leavers], leave[leavers] - 400)
    default_role = np.where(is_tech, TECH_ROLES[rng.integers(0, len(TECH_ROLES), n)], 10)
    default_role[[2, 3]] = 9  # managers run projects
    default_role[4] = 8
    ids = _ids(rng, n, 29682885, 3)
    email_local = _cat(_slug(first), ".", _slug(last))
    titles = np.select([user_type == 1, user_type == 2, user_type == 4, user_type == 13, user_type == 9,
                        user_type == 27, user_type == 6, user_type == 7],
                       ["Operations Director", "Service Manager", "Account Manager", "API User", "Bookkeeper",
                        "Service Coordinator", "Contract Engineer", "Service Desk Analyst"], "Systems Engineer")
    s.tables["Resources"] = _frame({
        "id": ids, "firstName": first, "lastName": last,
        "userName": email_local, "email": _cat(email_local, "@" + s.aux["domain"]),
        "title": titles.astype(object), "isActive": active, "licenseType": license_type, "userType": user_type,
        "resourceType": np.where(user_type == 6, "Contractor", "Employee").astype(object),
        "hireDate": hire, "defaultServiceDeskRoleID": s.aux["role_ids"][default_role],
        "internalCost": _money(rng.uniform(32, 85, n)), "locationID": np.full(n, 1, np.int64),
    })
    s.aux.update(res_ids=ids, res_active=active, res_hire=hire, res_leave=leave, res_role=default_role,
                 res_tech=np.flatnonzero(is_tech), res_email=_cat(email_local, "@" + s.aux["domain"]),
                 res_name=_cat(first, " ", last), res_fallback=len(staff))
    s.client["technicians"] = int((is_tech & active).sum())


def _companies(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "companies")
    n = z["companies"]
    ctype = _exact(rng, [1, 2, 3, 4, 6, 7, 8], [0.80, 0.06, 0.04, 0.03, 0.02, 0.04, 0.01], n)
    vendor_rows = np.flatnonzero(ctype == 7)
    ctype[vendor_rows[len(VENDORS):]] = 1  # only as many vendors as there are vendor names
    combos = rng.choice(len(NAME_FIRST) * len(NAME_SECOND) * len(NAME_SUFFIX), n, replace=False)
    i1, rest = np.divmod(combos, len(NAME_SECOND) * len(NAME_SUFFIX))
    i2, i3 = np.divmod(rest, len(NAME_SUFFIX))
    names = _cat(NAME_FIRST[i1], " ", NAME_SECOND[i2], NAME_SUFFIX[i3])
    vendors = np.flatnonzero(ctype == 7)
    names[vendors] = VENDORS[np.arange(len(vendors))]
    active = ~np.isin(ctype, [4, 6]) & (rng.random(n) > 0.03)
    customers = np.flatnonzero((ctype == 1) & active)
    special = customers[rng.choice(len(customers), len(SPECIAL_NAMES), replace=False)]
    names[special] = SPECIAL_NAMES
    # Planted: active customers whose names differ only in case or spacing. The duplicate is a stray record
    # (no contacts, contracts, tickets or devices), as typically left behind by an import.
    k = _n(n, 1 / 150, 2)
    pool = np.setdiff1d(customers, special)
    pick = pool[rng.choice(len(pool), 2 * k, replace=False)]
    orig, dup = pick[:k], pick[k:]
    variant = np.arange(k) % 3
    upper = pd.Series(names[orig], dtype="string").str.upper().to_numpy(dtype=object)
    lower = pd.Series(names[orig], dtype="string").str.lower().to_numpy(dtype=object)
    spaced = pd.Series(names[orig], dtype="string").str.replace(" ", "  ", n=1, regex=False).to_numpy(dtype=object)
    names[dup] = np.select([variant == 0, variant == 1], [upper, spaced], lower)
    ids = _ids(rng, n, 173, 3)
    s.plant("company_duplicate_name", "Companies", np.concatenate([ids[orig], ids[dup]]))
    weight = np.where((ctype == 1) & active, rng.lognormal(0, 0.9, n), 0.0)
    weight[dup] = 0.0
    create = _uniform_days(rng, np.datetime64("2011-03-01"), EXPORT_DATE - 200, n)
    city = CITIES[rng.integers(0, len(CITIES), n)]
    parent = np.full(n, -1)
    kids = customers[rng.random(len(customers)) < 0.03]
    parent[kids] = ids[customers[rng.integers(0, len(customers), len(kids))]]
    parent[parent == ids[np.arange(n)]] = -1
    domain = _slug(names)
    s.tables["Companies"] = _frame({
        "id": ids, "companyName": names, "companyNumber": _cat("C", (10000 + np.arange(n)).astype(str)),
        "companyType": ctype, "classification": _opt_int(rng.choice([1, 2, 3], n, p=[0.2, 0.5, 0.3]), ctype != 1),
        "isActive": active, "parentCompanyID": _opt_int(parent),
        "ownerResourceID": s.aux["res_ids"][rng.choice([2, 3, 4], n)],
        "phone": _cat("(0", rng.integers(2, 9, n).astype(str), ") ", rng.integers(8000, 9999, n).astype(str), " ",
                      rng.integers(1000, 9999, n).astype(str)),
        "address1": _cat(rng.integers(1, 400, n).astype(str), " ", STREETS[rng.integers(0, len(STREETS), n)]),
        "city": np.array([c[0] for c in city], dtype=object), "state": np.array([c[1] for c in city], dtype=object),
        "postalCode": np.array([c[2] for c in city], dtype=object), "countryID": np.full(n, 14, np.int64),
        "webAddress": _cat("www.", domain, ".com.au"),
        "createDate": _at(create, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastActivityDate": _at(np.where(active, _uniform_days(rng, EXPORT_DATE - 90, EXPORT_DATE, n),
                                         _uniform_days(rng, create + 30, EXPORT_DATE - 400, n)),
                                rng.integers(8 * 3600, 17 * 3600, n)),
        "lastTrackedModifiedDateTime": _at(_uniform_days(rng, create, EXPORT_DATE, n), rng.integers(0, 86400, n)),
    })
    s.aux.update(co_ids=ids, co_type=ctype, co_active=active, co_weight=weight, co_names=names, co_domain=domain,
                 co_create=create, co_dup=dup)


def _contacts(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "contacts")
    ctype, active, weight = s.aux["co_type"], s.aux["co_active"], s.aux["co_weight"].copy()
    eligible = np.isin(ctype, [1, 2, 3, 7, 8])
    eligible[s.aux["co_dup"]] = False
    base = (eligible & (weight > 0)).astype(int)  # every active customer has at least one contact
    w = np.where(eligible, np.maximum(weight, 0.25), 0.0)
    counts = base + rng.multinomial(z["contacts"] - base.sum(), w / w.sum())
    comp, pos = _expand(counts)
    n = len(comp)
    order = np.argsort(rng.random(n))  # ids follow creation order, not company order
    comp, pos = comp[order], pos[order]
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    local = _cat(_slug(first), ".", _slug(last))
    email = pd.Series(_cat(local, "@", s.aux["co_domain"][comp], ".com.au"), dtype="string")
    clash = email.groupby(email).cumcount().to_numpy()
    email = np.where(clash > 0, _cat(local, (clash + 1).astype(str), "@", s.aux["co_domain"][comp], ".com.au"),
                     email.to_numpy(dtype=object))
    is_active = (rng.random(n) > 0.08).astype(np.int64)
    is_active[~active[comp]] = 0
    ids = _ids(rng, n, 30011000, 3)
    on = np.flatnonzero(is_active == 1)
    # Planted: active contacts without e-mail, and pairs of active contacts (different companies) sharing one.
    k_missing = _n(n, 1 / 80, 3)
    missing = _spread(rng, on, comp, k_missing)
    email[missing] = None
    inactive_missing = np.flatnonzero(is_active == 0)[:3]  # clean distractors: inactive contacts may lack e-mail
    email[inactive_missing] = None
    k_dup = _n(n, 1 / 150, 2)
    pool = np.setdiff1d(on, missing)
    pair = _spread(rng, pool, comp, 2 * k_dup)
    a, b = pair[:k_dup], pair[k_dup:2 * k_dup]
    email[b] = email[a]
    s.plant("contact_missing_email", "Contacts", ids[missing])
    s.plant("contact_duplicate_email", "Contacts", np.concatenate([ids[a], ids[b]]))
    create = _uniform_days(rng, np.maximum(s.aux["co_create"][comp], HISTORY_START - 1500), EXPORT_DATE - 10, n)
    primary = np.zeros(n, bool)
    _, first_of_company = np.unique(comp, return_index=True)
    primary[first_of_company] = True
    s.tables["Contacts"] = _frame({
        "id": ids, "companyID": s.aux["co_ids"][comp], "firstName": first, "lastName": last, "emailAddress": email,
        "title": CONTACT_TITLES[rng.integers(0, len(CONTACT_TITLES), n)],
        "phone": _cat("(0", rng.integers(2, 9, n).astype(str), ") ", rng.integers(8000, 9999, n).astype(str), " ",
                      rng.integers(1000, 9999, n).astype(str)),
        "mobilePhone": _opt_text(_cat("04", rng.integers(10, 99, n).astype(str), " ",
                                      rng.integers(100, 999, n).astype(str), " ",
                                      rng.integers(100, 999, n).astype(str)), rng.random(n) < 0.3),
        "isActive": is_active, "primaryContact": primary,
        "createDate": _at(create, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastModifiedDate": _at(_uniform_days(rng, create, EXPORT_DATE, n), rng.integers(0, 86400, n)),
    })
    s.aux.update(ct_ids=ids, ct_comp=comp, ct_email=email, ct_name=_cat(first, " ", last),
                 ct_groups=_groups(comp, len(s.aux["co_ids"])))
    prim = np.full(len(s.aux["co_ids"]), -1)
    prim[comp[primary]] = np.flatnonzero(primary)
    s.aux["co_primary_contact"] = prim
