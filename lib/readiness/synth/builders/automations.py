"""Automations and notifications: the NotificationTemplates and WorkflowRules capture sheets and
NotificationHistory (unused template, inactive, stale and duplicate rule plants)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.synth.arrays import _at, _cat, _frame, _ids, _n, _rng, _secs, _spread, _uniform_days
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import (EXPORT_DATE, TEMPLATE_BASE, TEMPLATE_VARIANTS, WORKFLOW_BASE,
                                        WORKFLOW_COLUMNS)


def _templates(s: Sample) -> None:
    """NotificationTemplates capture sheet; decides which templates are used (sent within the last 180 days)."""
    z, rng = s.aux["z"], _rng(s.seed, "templates")
    n = z["templates"]
    variant, base = np.divmod(np.arange(n), len(TEMPLATE_BASE))
    tb = TEMPLATE_BASE
    names = _cat(np.array([x[0] for x in tb], dtype=object)[base], TEMPLATE_VARIANTS[variant % len(TEMPLATE_VARIANTS)])
    active = np.ones(n, bool)
    active[rng.choice(n, _n(n, 0.12, 2), replace=False)] = False
    # Planted unused: every inactive template, plus active ones with only old sends or none at all.
    unused_active = rng.choice(np.flatnonzero(active), _n(n, 1 / 6, 3), replace=False)
    used = active.copy()
    used[unused_active] = False
    old_only = np.concatenate([unused_active[::2], np.flatnonzero(~active)[::3]])
    s.tables["NotificationTemplates"] = _frame({
        "template_name": names, "area_tab": np.array([x[1] for x in tb], dtype=object)[base],
        "event": np.array([x[2] for x in tb], dtype=object)[base], "active": active,
        "recipients": np.array([x[3] for x in tb], dtype=object)[base],
        "subject": np.array([x[4] for x in tb], dtype=object)[base],
        "last_modified": _uniform_days(rng, np.datetime64("2017-01-01"), EXPORT_DATE - 20, n),
    })
    s.aux.update(nt_names=names, nt_used=np.flatnonzero(used), nt_old=old_only,
                 nt_client=np.array([x[3] == "client" for x in tb])[base])
    s.plant("notification_template_unused", "NotificationTemplates", names[~used])


def _notification_history(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "notification_history")
    n = z["notification_sends"]
    day, created = s.aux["t_day"], s.aux["t_created"]
    recent = np.flatnonzero(day >= EXPORT_DATE - 150)
    last_two_years = np.flatnonzero(day >= EXPORT_DATE - 730)
    old = np.flatnonzero((day < EXPORT_DATE - 230) & (day >= EXPORT_DATE - 1000))
    used, olds = s.aux["nt_used"], s.aux["nt_old"]
    popularity = rng.lognormal(0, 1.2, len(used))
    n_old = min(len(old), len(olds) * 5)
    n_rand = n - len(used) - n_old
    # Each used template sends at least once in the last 150 days; old-only ones stopped 230+ days ago.
    tmpl = np.concatenate([used, used[rng.choice(len(used), n_rand, p=popularity / popularity.sum())],
                           olds[np.arange(n_old) % max(len(olds), 1)]])
    ticket = np.concatenate([recent[rng.integers(0, len(recent), len(used))],
                             last_two_years[rng.integers(0, len(last_two_years), n_rand)],
                             old[rng.integers(0, max(len(old), 1), n_old)] if n_old else np.array([], int)])
    end_of_export = _at(np.array([EXPORT_DATE]), [23 * 3600])[0]
    sent = np.minimum(created[ticket] + _secs(rng.integers(1, 48 * 60, len(ticket)) * 60), end_of_export)
    order = np.lexsort((tmpl, sent))
    tmpl, ticket, sent = tmpl[order], ticket[order], sent[order]
    client = s.aux["nt_client"][tmpl]
    contact = s.aux["t_contact"][ticket]
    res = s.aux["t_resource"][ticket]
    res = np.where(res >= 0, res, s.aux["res_fallback"])
    c_mail = np.where(contact >= 0, s.aux["ct_email"][np.maximum(contact, 0)], None)
    to_client = client & (contact >= 0) & pd.notna(c_mail)
    m = len(tmpl)
    s.tables["NotificationHistory"] = _frame({
        "id": _ids(rng, m, 500000000, 2), "templateName": s.aux["nt_names"][tmpl], "notificationSentTime": sent,
        "notificationHistoryTypeID": np.where(client, 1, 2).astype(np.int64),
        "recipientEmailAddress": np.where(to_client, c_mail, s.aux["res_email"][res]),
        "recipientDisplayName": np.where(to_client, s.aux["ct_name"][np.maximum(contact, 0)], s.aux["res_name"][res]),
        "companyID": s.aux["co_ids"][s.aux["t_comp"][ticket]], "ticketID": s.aux["t_ids"][ticket],
        "entityNumber": s.aux["t_number"][ticket],
        "entityTitle": s.tables["Tickets"]["title"].to_numpy(dtype=object)[ticket],
        "isTemplateJob": np.zeros(m, bool),
    })


def _workflow_rules(s: Sample) -> None:
    """WorkflowRules capture sheet, with inactive, stale and duplicated rules planted."""
    z, rng = s.aux["z"], _rng(s.seed, "workflow_rules")
    n = z["workflow_rules"]
    n_dup = _n(n, 1 / 15, 2)
    n_base = n - n_dup
    wb = WORKFLOW_BASE
    base = np.concatenate([np.arange(min(n_base, len(wb))), rng.integers(0, len(wb), max(0, n_base - len(wb)))])
    customers = np.flatnonzero(s.aux["co_weight"] > 0)
    company = np.full(n_base, -1)
    extra = np.arange(len(wb), n_base)
    company[extra] = customers[rng.choice(len(customers), len(extra), replace=len(extra) > len(customers))]
    # Customer-specific copies name the customer in the rule and in its conditions (unique per base + customer).
    cname = np.where(company >= 0, s.aux["co_names"][np.maximum(company, 0)], "")
    pairs = pd.DataFrame({"b": base, "c": company}).drop_duplicates()
    base, company, cname = base[pairs.index], company[pairs.index], cname[pairs.index]
    col = lambda i: np.array([x[i] for x in wb], dtype=object)[base]  # noqa: E731
    special = company >= 0
    names = np.where(special, _cat(col(0), " - ", cname), col(0))
    conditions = np.where(special, _cat(col(4), "|Organization equal to '", cname, "'"), col(4))
    m = len(base)
    max_active = 195 - n_dup if n > 250 else int(round(m * 0.72))  # Autotask allows 200 active rules
    active = np.zeros(m, bool)
    active[rng.choice(m, min(max_active, m), replace=False)] = True
    last_trig = _uniform_days(rng, EXPORT_DATE - 30, EXPORT_DATE, m).astype("datetime64[D]")
    flags = np.full(m, "", dtype=object)
    inactive = ~active
    last_trig = np.where(inactive & (rng.random(m) < 0.6), _uniform_days(rng, EXPORT_DATE - 1500, EXPORT_DATE - 300, m),
                         last_trig)
    last_trig = np.where(inactive & (last_trig > EXPORT_DATE - 200), np.datetime64("NaT"), last_trig)
    # Planted stale: last fired 200+ days ago and/or flagged by Autotask's Workflow Rule Audit.
    stale = _spread(rng, np.flatnonzero(active), base, _n(int(active.sum()), 1 / 8, 3))
    kind = np.arange(len(stale)) % 3
    last_trig[stale] = np.where(kind == 1, np.datetime64("NaT"),
                                _uniform_days(rng, EXPORT_DATE - 900, EXPORT_DATE - 200, len(stale)))
    flags[stale[kind < 2]] = "Has not triggered recently"
    fresh = np.setdiff1d(np.flatnonzero(active), stale)
    other = fresh[rng.random(len(fresh)) < 0.08]
    flags[other] = "Has Inactive Static Notification Recipients"
    if active.sum() >= 190:
        flags[active] = np.where(flags[active] == "", "Approaching Active Rule Capacity",
                                 _cat(flags[active], "|Approaching Active Rule Capacity"))
    modified = _uniform_days(rng, np.datetime64("2016-06-01"), EXPORT_DATE - 15, m)
    frame = pd.DataFrame({
        "rule_name": names, "area_tab": col(1), "entity": col(2), "active": active,
        "description": _cat("Sends or updates on ", col(2), " events: ", col(3)), "events": col(3),
        "conditions": conditions, "actions": col(5), "notification_template": col(6), "notify": col(7),
        "time_offset": col(8), "last_triggered": last_trig, "last_modified": modified, "audit_flags": flags,
    })
    # Planted duplicates: "Copy of ..." rules repeating another active rule's entity, events and conditions.
    src = _spread(rng, fresh, base, n_dup)
    copies = frame.iloc[src].copy()
    copies["rule_name"] = _cat("Copy of ", copies["rule_name"].to_numpy(dtype=object))
    copies["last_modified"] = _uniform_days(rng, EXPORT_DATE - 700, EXPORT_DATE - 15, len(src))
    frame = pd.concat([frame, copies], ignore_index=True).sort_values(["area_tab", "rule_name"], kind="stable")
    for c in ("last_triggered", "last_modified"):
        frame[c] = frame[c].to_numpy().astype("datetime64[ms]")
    s.tables["WorkflowRules"] = _frame({c: frame[c].to_numpy() for c in WORKFLOW_COLUMNS})
    s.plant("workflow_rule_inactive", "WorkflowRules", names[~active])
    s.plant("workflow_rule_stale", "WorkflowRules", names[stale])
    s.plant("workflow_rule_duplicate", "WorkflowRules",
            np.concatenate([names[src], copies["rule_name"].to_numpy(dtype=object)]))
