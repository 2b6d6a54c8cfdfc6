"""Facts about the captured workflow rules: staleness as of the audit day and what each is rebuilt as."""

from __future__ import annotations

import pandas as pd

from readiness import halo
from readiness.columns import captured_flag, col, flag, is_active


def audit_flagged(facts) -> pd.Series:
    """Per WorkflowRules row: True when Autotask's rule audit says "Has not triggered recently" (any case)."""
    w = facts.table("WorkflowRules")
    return flag(col(w, "audit_flags", "string").astype("string").str.casefold()
                .str.contains("has not triggered recently", regex=False))


def stale(facts, stale_days: int) -> pd.Series:
    """Per WorkflowRules row: True when the active rule looks stale, False when recently alive, NA unknown.

    Stale = last_triggered older than `stale_days` before as-of; or no last_triggered and last_modified
    that old; or Autotask's rule audit flagged "Has not triggered recently". Inactive rules are False.
    """
    w = facts.table("WorkflowRules")
    cut = facts.as_of - pd.Timedelta(days=int(stale_days))
    trig = col(w, "last_triggered", "datetime64[ms]")
    mod = col(w, "last_modified", "datetime64[ms]")
    old_trig = flag(trig.lt(cut))
    old_mod = flag(trig.isna() & mod.lt(cut))
    out_stale = facts.workflow_audit_flagged() | old_trig | old_mod
    known = out_stale | trig.notna() | mod.notna()
    out = pd.Series(out_stale, dtype="boolean").where(known, pd.NA)
    return out.where(is_active(w, "active"), False)


def workflow_rules(facts) -> pd.DataFrame:
    """One row per captured rule: rule_name, entity, events, notification_template, active (as captured; NA when
    blank), rebuild_as (halo.workflow_rebuild_as) and days_since_triggered (as of the audit day)."""
    w = facts.table("WorkflowRules")
    out = pd.DataFrame({c: col(w, c, "string").astype("string")
                        for c in ("rule_name", "entity", "events", "notification_template")}, index=w.index)
    out["active"] = captured_flag(w).to_numpy()
    out["rebuild_as"] = halo.workflow_rebuild_as(w).astype("string").to_numpy()
    last = pd.to_datetime(col(w, "last_triggered", "datetime64[ms]"), errors="coerce")
    out["days_since_triggered"] = (facts.as_of - last).dt.days.astype("Float64").to_numpy()
    return out.reset_index(drop=True)
