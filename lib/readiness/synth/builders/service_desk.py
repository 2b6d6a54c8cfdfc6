"""The service desk: ConfigurationItems, Tickets and TimeEntries (missing serials, open-ticket plants)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.synth.arrays import (_add_months, _at, _cat, _days, _expand, _frame, _groups, _ids, _member, _month,
                                    _n, _opt_int, _rng, _secs, _slug, _spread, _uniform_days, _work_seconds)
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import (BC, EXPORT_DATE, HISTORY_START, QUEUES, TECH_ROLES, TICKET_TITLES,
                                        TIME_NOTES)


def _configuration_items(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "configuration_items")
    n = z["configuration_items"]
    w = s.aux["co_weight"]
    comp = rng.choice(len(w), n, p=w / w.sum())
    prod = s.aux["pr_hw"][rng.integers(0, len(s.aux["pr_hw"]), n)]
    ci_type = s.aux["pr_ci_type"][prod]
    active = rng.random(n) > 0.1
    install = _uniform_days(rng, HISTORY_START, EXPORT_DATE - 30, n)
    chars = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", dtype=np.uint8)
    serial = chars[rng.integers(0, len(chars), (n, 10))].copy().view("S10").ravel().astype(str).astype(object)
    missing = _spread(rng, np.flatnonzero(active), comp, _n(n, 1 / 50, 4))
    serial[missing] = None
    serial[np.flatnonzero(~active)[:3]] = None  # clean distractors: inactive devices may lack a serial
    ids = _ids(rng, n, 37000000, 2)
    s.plant("configuration_item_missing_serial", "ConfigurationItems", ids[missing])
    # Devices are covered by the customer's first live recurring contract, when there is one.
    live = (s.aux["k_type"] == 7) & s.aux["k_active"]
    cover = pd.Series(np.flatnonzero(live), index=s.aux["k_comp"][live])
    cover = cover[~cover.index.duplicated()]
    contract = pd.Series(comp).map(cover).fillna(-1).astype(int).to_numpy()
    contract = np.where(rng.random(n) < 0.8, contract, -1)
    contact = _member(rng, s.aux["ct_groups"], comp)
    contact = np.where(rng.random(n) < 0.4, contact, -1)
    prefix = np.array(["", "WS", "SRV", "NET", "PRN", "MOB"], dtype=object)[ci_type]
    abbr = pd.Series(_slug(s.aux["co_names"]), dtype="string").str.slice(0, 4).str.upper().to_numpy(dtype=object)
    seq = pd.Series(comp).groupby(comp).cumcount().to_numpy() + 1
    s.tables["ConfigurationItems"] = _frame({
        "id": ids, "companyID": s.aux["co_ids"][comp], "productID": s.aux["pr_ids"][prod],
        "configurationItemType": ci_type.astype(np.int64), "serialNumber": serial,
        "referenceTitle": _cat(abbr[comp], "-", prefix, "-",
                               pd.Series(seq.astype(str)).str.zfill(3).to_numpy(dtype=object)),
        "isActive": active, "installDate": install,
        "warrantyExpirationDate": _add_months(install, 36) + (install - _month(install)),
        "contractID": _opt_int(np.where(contract >= 0, s.aux["k_ids"][np.maximum(contract, 0)], -1)),
        "contactID": _opt_int(np.where(contact >= 0, s.aux["ct_ids"][np.maximum(contact, 0)], -1)),
        "rmmDeviceID": _opt_int(rng.integers(100000, 999999, n), rng.random(n) < 0.25),
        "createDate": _at(install, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastModifiedTime": _at(_uniform_days(rng, install, EXPORT_DATE), rng.integers(0, 86400, n)),
    })
    s.aux["ci_groups"] = _groups(comp, len(s.aux["co_ids"]))
    s.aux["ci_ids"] = ids


def _pick_technician(rng: np.random.Generator, s: Sample, days: np.ndarray, prefer=None) -> np.ndarray:
    """A technician employed on each day (the preferred one when employed then); rejection sampling, no row loop."""
    hire, leave, techs = s.aux["res_hire"], s.aux["res_leave"], s.aux["res_tech"]
    out = np.full(len(days), -1)
    if prefer is not None:
        p = np.maximum(prefer, 0)
        ok = (prefer >= 0) & (hire[p] <= days) & (days < leave[p])
        out[ok] = prefer[ok]
    todo = np.flatnonzero(out < 0)
    for _ in range(10):
        if not len(todo):
            break
        cand = techs[rng.integers(0, len(techs), len(todo))]
        good = (hire[cand] <= days[todo]) & (days[todo] < leave[cand])
        out[todo[good]] = cand[good]
        todo = todo[~good]
    out[todo] = s.aux["res_fallback"]
    return out


def _tickets(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "tickets")
    ids_k, ctype, active, start, end, dormant = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_start",
                                                                        "k_end", "k_dormant"))
    # Every live non-recurring contract gets at least one ticket in the last 150 days (recurring ones bill units),
    # so "no activity" means only the planted dormant contracts.
    forced = np.flatnonzero(active & ~dormant & (ctype != 7))
    f_lo = np.maximum(start[forced], EXPORT_DATE - 150)
    f_day = _uniform_days(rng, f_lo, np.maximum(np.minimum(end[forced], EXPORT_DATE), f_lo))
    n_rand = z["tickets"] - len(forced)
    u = rng.random(n_rand)
    growth = (-1 + np.sqrt(1 + 8 * u)) / 2  # ticket volume grows linearly with the MSP
    span = (EXPORT_DATE - HISTORY_START).astype(int)
    r_day = HISTORY_START + _days(np.floor(growth * (span + 1)))
    w = s.aux["co_weight"]
    r_comp = rng.choice(len(w), n_rand, p=w / w.sum())
    # Random tickets bill to a contract of their customer in force that day (never to a dormant one recently).
    t = pd.DataFrame({"t": np.arange(n_rand), "comp": r_comp, "day": r_day})
    k = pd.DataFrame({"comp": s.aux["k_comp"], "k": np.arange(len(ids_k)), "ks": start, "ke": end, "dorm": dormant})
    m = t.merge(k, on="comp")
    ok = (m["ks"].to_numpy() <= m["day"].to_numpy()) & (m["day"].to_numpy() <= m["ke"].to_numpy())
    ok &= ~(m["dorm"].to_numpy() & (m["day"].to_numpy() > EXPORT_DATE - 210))
    m = m[ok]
    m = m.assign(r=rng.random(len(m))).sort_values(["t", "r"]).drop_duplicates("t")
    r_contract = np.full(n_rand, -1)
    r_contract[m["t"].to_numpy()] = m["k"].to_numpy()
    r_contract[rng.random(n_rand) < 0.08] = -1
    comp = np.concatenate([r_comp, s.aux["k_comp"][forced]])
    day = np.concatenate([r_day, f_day])
    contract = np.concatenate([r_contract, forced])
    is_forced = np.concatenate([np.zeros(n_rand, bool), np.ones(len(forced), bool)])
    created = _at(day, _work_seconds(rng, len(day)))
    order = np.lexsort((rng.random(len(day)), created))
    comp, day, contract, is_forced, created = (a[order] for a in (comp, day, contract, is_forced, created))
    n = len(comp)
    ids = _ids(rng, n, 100000, 2)
    # Open tickets: mostly the last two months, a tail of stale ones.
    recent = np.flatnonzero((day >= EXPORT_DATE - 60) & ~is_forced)
    older = np.flatnonzero((day < EXPORT_DATE - 60) & (day >= EXPORT_DATE - 400) & ~is_forced)
    n_open = min(z["open_tickets"], len(recent) + len(older))
    n_recent = min(len(recent), n_open - n_open // 8)
    opened = np.concatenate([rng.choice(recent, n_recent, replace=False),
                             rng.choice(older, n_open - n_recent, replace=False)])
    is_open = np.zeros(n, bool)
    is_open[opened] = True
    status = np.full(n, 5)
    status[opened] = rng.choice([1, 8, 7, 12, 13, 9, 10, 11], len(opened),
                                p=[0.25, 0.33, 0.15, 0.08, 0.06, 0.04, 0.04, 0.05])
    queue_codes = np.array(list(QUEUES))
    queue = queue_codes[rng.choice(len(queue_codes), n, p=[0.1, 0.15, 0.45, 0.12, 0.08, 0.05, 0.05])]
    queue = np.where(~is_open & (rng.random(n) < 0.03), -1, queue)
    resource = _pick_technician(rng, s, day)
    resource = np.where(is_open & (rng.random(n) < 0.25), -1, resource)
    # Open tickets are held by people still employed (only the planted ones break this).
    held_by_leaver = is_open & (resource >= 0) & ~s.aux["res_active"][np.maximum(resource, 0)]
    active_techs = s.aux["res_tech"][s.aux["res_active"][s.aux["res_tech"]]]
    resource[held_by_leaver] = active_techs[rng.integers(0, len(active_techs), held_by_leaver.sum())]
    # Planted: open tickets with neither queue nor resource; open tickets held by a leaver.
    k_un = _n(len(opened), 1 / 12, 3)
    unassigned = _spread(rng, opened, comp, k_un)
    queue[unassigned] = -1
    resource[unassigned] = -1
    leavers = np.flatnonzero(~s.aux["res_active"] & np.isin(np.arange(len(s.aux["res_ids"])), s.aux["res_tech"]))
    k_lv = _n(len(opened), 1 / 15, 3)
    held = _spread(rng, np.setdiff1d(opened, unassigned), comp, k_lv)
    resource[held] = leavers[np.arange(len(held)) % len(leavers)]
    s.plant("ticket_open_unassigned", "Tickets", ids[unassigned])
    s.plant("ticket_open_inactive_resource", "Tickets", ids[held])
    role = np.where(resource >= 0, s.aux["res_role"][np.maximum(resource, 0)], -1)
    duration = np.minimum(rng.lognormal(2.6, 1.3, n) * 3600, 20 * 86400).astype(np.int64)  # seconds, <= 20 days
    end_of_export = _at(np.array([EXPORT_DATE]), [18 * 3600])[0]
    completed = np.minimum(created + _secs(duration), end_of_export)
    completed = np.where(is_open, np.datetime64("NaT"), completed)
    contact = _member(rng, s.aux["ct_groups"], comp)
    contact = np.where(rng.random(n) < 0.92, contact, -1)
    ci = _member(rng, s.aux["ci_groups"], comp)
    ci = np.where(rng.random(n) < 0.3, ci, -1)
    worktype = np.array([BC["Remote Support"], BC["Onsite Support"], BC["After Hours Support"], BC["Project Labour"]])
    bcode = worktype[rng.choice(4, n, p=[0.75, 0.12, 0.05, 0.08])]
    first_resp = created + _secs(rng.integers(5, 240, n) * 60)
    last_act = np.where(is_open, np.minimum(created + _secs(rng.integers(0, 10 * 86400, n)), end_of_export), completed)
    # Ticket numbers as Autotask prints them: T<yyyymmdd>.<sequence of the day>.
    ymd = pd.Series(day.astype(str)).str.replace("-", "", regex=False).to_numpy(dtype=object)
    seq = pd.Series((pd.Series(day).groupby(day).cumcount().to_numpy() + 1).astype(str)).str.zfill(4)
    s.tables["Tickets"] = _frame({
        "id": ids,
        "ticketNumber": _cat("T", ymd, ".", seq.to_numpy(dtype=object)),
        "title": TICKET_TITLES[rng.integers(0, len(TICKET_TITLES), n)],
        "companyID": s.aux["co_ids"][comp],
        "contactID": _opt_int(np.where(contact >= 0, s.aux["ct_ids"][np.maximum(contact, 0)], -1)),
        "status": status.astype(np.int64), "priority": rng.choice([2, 3, 1, 4], n, p=[0.6, 0.25, 0.12, 0.03]),
        "queueID": _opt_int(queue), "ticketType": rng.choice([1, 2, 5, 3, 4], n, p=[0.55, 0.28, 0.12, 0.02, 0.03]),
        "source": rng.choice([4, 2, -1, 8, 6], n, p=[0.5, 0.2, 0.12, 0.15, 0.03]),
        "contractID": _opt_int(np.where(contract >= 0, ids_k[np.maximum(contract, 0)], -1)),
        "configurationItemID": _opt_int(np.where(ci >= 0, s.aux["ci_ids"][np.maximum(ci, 0)], -1)),
        "billingCodeID": s.aux["bc_ids"][bcode],
        "assignedResourceID": _opt_int(np.where(resource >= 0, s.aux["res_ids"][np.maximum(resource, 0)], -1)),
        "assignedResourceRoleID": _opt_int(np.where(role >= 0, s.aux["role_ids"][np.maximum(role, 0)], -1)),
        "serviceLevelAgreementID": rng.choice([1, 2, 3, 4], n, p=[0.6, 0.2, 0.05, 0.15]),
        "createDate": created, "dueDateTime": created + _secs(rng.choice([4, 8, 24, 48, 72], n) * 3600),
        "firstResponseDateTime": first_resp, "completedDate": completed,
        "lastActivityDate": last_act, "creatorType": rng.choice([1, 2], n, p=[0.4, 0.6]),
    })
    s.aux.update(t_ids=ids, t_comp=comp, t_day=day, t_created=created, t_completed=completed, t_open=is_open,
                 t_status=status, t_resource=resource, t_contract=contract, t_bcode=bcode, t_contact=contact,
                 t_number=s.tables["Tickets"]["ticketNumber"].to_numpy(dtype=object))


def _time_entries(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "time_entries")
    is_open, status = s.aux["t_open"], s.aux["t_status"]
    n_closed = int((~is_open).sum())
    n_working = int((is_open & (status != 1)).sum())
    lam = max(0.0, (z["time_entries"] - 0.8 * n_working) / max(n_closed, 1) - 1)
    count = np.where(is_open, np.where(status == 1, 0, rng.poisson(0.8, len(status))),
                     1 + rng.poisson(lam, len(status)))  # New tickets have no time yet; closed ones at least one
    t, _ = _expand(count)
    n = len(t)
    created, completed = s.aux["t_created"][t], s.aux["t_completed"][t]
    end_of_export = _at(np.array([EXPORT_DATE]), [18 * 3600])[0]
    stop = np.where(np.isnat(completed), end_of_export, completed)
    window = np.maximum((stop - created).astype(np.int64), 0)
    begin = created + _secs(np.floor(rng.random(n) * window / 900) * 900)
    hours = rng.choice([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0], n,
                       p=[0.22, 0.26, 0.12, 0.16, 0.09, 0.08, 0.04, 0.03])
    begin = np.minimum(begin, end_of_export - _secs(hours * 3600))
    day = begin.astype("datetime64[D]")
    prefer = np.where(rng.random(n) < 0.75, s.aux["t_resource"][t], -1)
    resource = _pick_technician(rng, s, day, prefer)
    role = np.where(rng.random(n) < 0.85, s.aux["res_role"][resource], TECH_ROLES[rng.integers(0, len(TECH_ROLES), n)])
    nonbill = rng.random(n) < 0.06
    worktype = np.where(rng.random(n) < 0.7, s.aux["t_bcode"][t],
                        np.array([BC["Remote Support"], BC["Onsite Support"], BC["Travel"], BC["After Hours Support"]])
                        [rng.choice(4, n, p=[0.6, 0.2, 0.1, 0.1])])
    finish = begin + _secs(hours * 3600)
    entered = finish + _secs(rng.integers(0, 120, n) * 60)
    approved = np.where(day < EXPORT_DATE - 7, entered + _secs(rng.integers(1, 6, n) * 86400), np.datetime64("NaT"))
    order = np.lexsort((t, begin))
    t, begin, finish, entered, approved, hours, day, resource, role, nonbill, worktype = (
        a[order] for a in (t, begin, finish, entered, approved, hours, day, resource, role, nonbill, worktype))
    contract = s.aux["t_contract"][t]
    ids = _ids(rng, n, 200000000, 2)
    s.tables["TimeEntries"] = _frame({
        "id": ids, "ticketID": s.aux["t_ids"][t], "resourceID": s.aux["res_ids"][resource],
        "roleID": s.aux["role_ids"][role], "dateWorked": day, "startDateTime": begin, "endDateTime": finish,
        "hoursWorked": hours, "hoursToBill": np.where(nonbill, 0.0, hours),
        "billingCodeID": s.aux["bc_ids"][worktype],
        "contractID": _opt_int(np.where(contract >= 0, s.aux["k_ids"][np.maximum(contract, 0)], -1)),
        "isNonBillable": nonbill, "showOnInvoice": ~nonbill, "timeEntryType": np.full(n, 2, np.int64),
        "summaryNotes": TIME_NOTES[rng.integers(0, len(TIME_NOTES), n)],
        "createDateTime": entered, "billingApprovalDateTime": approved,
    })
    s.aux.update(te_ticket=t, te_day=day, te_hours=hours, te_role=role, te_nonbill=nonbill, te_contract=contract,
                 te_ids=ids, te_worktype=worktype)
