"""Workflow rule rules (captured WorkflowRules sheet): what to rebuild in HaloPSA, as what, and what to drop."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness import halo
from readiness.rules.base import rule
from readiness.rules.frames import (blank, col, day, flag, fold_space, group_join, is_active, judged, named, norm_list,
                                    result)


def _name(w: pd.DataFrame) -> pd.Series:
    """ "Workflow rule 'name'" for each captured row."""
    return named("Workflow rule", w["rule_name"])


@rule(
    id="workflow_rule_inactive", area="automations", severity="info", entity_type="WorkflowRule",
    feeds=("retire:automations", "checklist:workflows"), tally="inactive",
    title="Workflow rule is inactive",
    impact="Inactive rules do nothing today; rebuilding them in HaloPSA adds work and ticket rules that may "
           "start firing.",
    remediation="Do not rebuild it; list it in the migration notes in case someone asks.",
    requires=("WorkflowRules",),
    sources=("https://autotask.net/help/content/4_admin/3Automation/WorkflowRules/Managing_WFR.htm",
             "https://usehalo.com/guide/ticket-rules/1923"),
)
def workflow_rule_inactive(ctx):
    """Rule with active = false: REVIEW (don't rebuild); active: PASS."""
    w = ctx.need("WorkflowRules", "active")
    w = w[w["active"].notna()]  # a blank active cell is unknown: not judged
    return judged(w["rule_name"], w["active"].eq(False), "REVIEW", _name(w) + " is inactive", _name(w) + " is active")


@rule(
    id="workflow_rule_stale", area="automations", severity="low", entity_type="WorkflowRule",
    feeds=("retire:automations", "checklist:workflows"), tally="stale",
    title="Active workflow rule has not triggered for a long time",
    impact="A rule that no longer fires is usually obsolete; rebuilding it as a HaloPSA ticket rule or "
           "notification adds work and rule collisions for nothing.",
    remediation="Confirm with the service desk lead and retire it instead of rebuilding it in HaloPSA.",
    requires=("WorkflowRules",), params={"stale_days": 180},
    sources=("https://ww1.autotask.net/help/Content/4_Admin/3Automation/WorkflowRules/Audit_WFRs.htm",
             "https://autotask.net/help/content/4_admin/3Automation/WorkflowRules/AUTOTASK_WFR.htm"),
)
def workflow_rule_stale(ctx):
    """Active rule with last_triggered older than `stale_days` (default 180), or no last_triggered and
    last_modified that old, or audit flag "Has not triggered recently": REVIEW. Recently triggered or
    modified: PASS. Rules with neither date nor flag are not judged (no row)."""
    days = int(ctx.param("stale_days"))
    w = ctx.t("WorkflowRules")
    stale = ctx.workflow_stale(days)
    keep = (is_active(w, "active") & stale.notna()).to_numpy()
    w, stale, flagged = w[keep], stale[keep].astype(bool), ctx.workflow_audit_flagged()[keep]
    trig = col(w, "last_triggered", "datetime64[ms]")
    reason = np.select(
        [(stale & flagged).to_numpy(), (stale & trig.notna()).to_numpy(), stale.to_numpy(), trig.notna().to_numpy()],
        [(_name(w) + " is flagged 'Has not triggered recently' by the workflow rule audit").to_numpy(),
         (_name(w) + " last triggered on " + day(trig) + f", over {days} days ago").to_numpy(),
         (_name(w) + " has no trigger on record and was last modified on "
          + day(col(w, "last_modified", "datetime64[ms]"))).to_numpy(),
         (_name(w) + " last triggered on " + day(trig)).to_numpy()],
        (_name(w) + " was modified on " + day(col(w, "last_modified", "datetime64[ms]"))).to_numpy(),
    )
    return result(w["rule_name"], pd.Series(np.where(stale, "REVIEW", "PASS")), pd.Series(reason))


@rule(
    id="workflow_rule_duplicate", area="automations", severity="medium", entity_type="WorkflowRule",
    feeds=("checklist:workflows",), tally="duplicated (merge before rebuilding)",
    title="Active workflow rule has the same entity, events and conditions as another active rule",
    impact="HaloPSA ticket rules are matched in precedence order and several can fire on one ticket unless 'stop "
           "matching other rules' is set; duplicated triggers rebuilt as separate rules collide or double-send.",
    remediation="Merge the duplicates into one HaloPSA ticket rule or notification with all their actions, or "
                "retire the redundant one.",
    requires=("WorkflowRules",),
    sources=("https://usehalo.com/guide/ticket-rules/1923", "https://halocrm.io/guides/article?kbid=1620"),
)
def workflow_rule_duplicate(ctx):
    """Active rules sharing entity + events + conditions (case, spacing and `|` order ignored): REVIEW each;
    unique: PASS. Rules with no events captured are not judged."""
    w = ctx.need("WorkflowRules", "events")
    w = w[is_active(w, "active") & ~blank(w["events"])]
    key = (fold_space(col(w, "entity", "string")).fillna("") + "#" + norm_list(w["events"]) + "#"
           + norm_list(col(w, "conditions", "string")))
    dup = flag(key.duplicated(keep=False))
    names = group_join(key, "'" + w["rule_name"].astype("string") + "'")
    n = key.map(key.value_counts())
    return judged(w["rule_name"], dup, "REVIEW",
                  (_name(w) + " shares entity, events and conditions with " + (n - 1).astype("string")
                   + " other active rule(s): " + names),
                  _name(w) + " has a unique trigger")


@rule(
    id="workflow_rule_rebuild", area="automations", severity="medium", entity_type="WorkflowRule",
    feeds=("rebuild:workflow_rules", "effort:workflow_rules_rebuild", "checklist:workflows"), tally="to rebuild",
    title="Active workflow rule must be rebuilt by hand in HaloPSA",
    impact="No tool migrates Autotask workflow rules; every live one is a redesign in HaloPSA (ticket rule, "
           "notification and email template, SLA, or workflow/runbook) and has to be tested end to end.",
    remediation="Rebuild it as the HaloPSA counterpart named in the finding, improving it rather than copying, "
                "and test it before go-live.",
    requires=("WorkflowRules",), params={"stale_days": 180},
    sources=("https://autotask.net/help/content/4_admin/3Automation/WorkflowRules/Managing_WFR.htm",
             "https://usehalo.com/guide/ticket-rules/1923", "https://halopsa.com/guides/article/?kbid=891",
             "https://halopsa.com/guides/article/?kbid=1630"),
)
def workflow_rule_rebuild(ctx):
    """Every active rule not judged stale (see workflow_rule_stale, same `stale_days`): REVIEW, with what
    it is rebuilt as (halo.workflow_rebuild_as)."""
    w = ctx.t("WorkflowRules")
    stale = ctx.workflow_stale(int(ctx.param("stale_days")))
    keep = (is_active(w, "active") & ~flag(stale.eq(True))).to_numpy()
    w = w[keep]
    kind = halo.workflow_rebuild_as(w)
    template = col(w, "notification_template", "string").astype("string")
    uses = pd.Series(np.where(blank(template), "", "; sends template '" + template.fillna("") + "'"),
                     index=w.index, dtype="string")
    entity = col(w, "entity", "string").astype("string").fillna("?")
    reason = _name(w) + " (" + entity + ") is active: rebuild as " + kind + uses
    return result(w["rule_name"], "REVIEW", reason)
