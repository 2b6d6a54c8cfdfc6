"""Effort and timeline estimate: weeks per migration phase as a low–high range, from what the audit counted.

Model: each phase takes a fixed floor (weeks) plus the hours of its countable work divided by the hours the
migration team spends on the project each week. Low uses the low hours per item, high the high ones. Phases
run one after another, as in the practitioner guide (audit and planning; platform foundation; billing and
integrations; automations and templates; parallel run and cutover). Calibrated so that a mid-sized MSP
(10–30 technicians, ~80 active contracts, ~40 automations to rebuild) lands near the guide's 10 weeks,
a small simple one near 6, and a large complex one at 12 or more.
"""

from __future__ import annotations

import math

import pandas as pd

from readiness.rules.base import feeding
from readiness.vocabulary import OPEN_STATUSES

# --- model constants -------------------------------------------------------------------------------------------
# Focused hours per week the migration team (PSA owner + consultant) puts into the project: a base plus a
# little per technician, because larger MSPs can put more people on it; capped at two people full time.
TEAM_HOURS_BASE = 30.0
TEAM_HOURS_PER_TECHNICIAN = 0.5
TEAM_HOURS_MAX = 80.0
# Technicians assumed when client.yaml gives none.
DEFAULT_TECHNICIANS = 15

PHASES = (
    "Audit and planning",
    "Platform foundation",
    "Billing and integrations",
    "Automations and templates",
    "Parallel run and cutover",
)

# Floor per phase in weeks (low, high): the calendar time a phase takes however small the client is
# (workshops, sign-offs, one full billing cycle, a parallel run the team can trust).
PHASE_FLOOR_WEEKS = {
    "Audit and planning": (1.0, 1.0),
    "Platform foundation": (1.0, 1.0),
    "Billing and integrations": (0.5, 0.5),
    "Automations and templates": (0.5, 0.5),
    # The practitioner's guide (shared/seeds/000_2da4e058ca527f66.txt, https://kinesys.it/blog/autotask-to-halopsa-migration):
    # line 14 "Plan for a parallel operation period — typically 2 to 4 weeks"; line 40 "run a parallel billing cycle
    # in HaloPSA for at least one full billing period" (a month for a monthly biller: the high end).
    "Parallel run and cutover": (2.0, 4.0),
}

# Hours per counted item (low, high), the phase it lands in, and the sentence stating it in the output.
# The count key names what the audit counted (see effort_counts).
WORK_ITEMS = (
    # key, phase, low h, high h, assumption text
    ("contracts_to_decide", "Audit and planning", 0.25, 0.4,
     "Mapping decision per contract that needs rethinking, manual handling or has an edge case"),
    ("workflow_rules_total", "Audit and planning", 0.1, 0.15, "Reviewing each captured workflow rule (keep or retire)"),
    ("security_levels", "Audit and planning", 1.0, 1.5,
     "Defining the HaloPSA role for each Autotask security level in use"),
    ("technicians", "Platform foundation", 0.5, 0.75, "Setting up each technician (agent, roles, teams, first login)"),
    ("data_quality_issues", "Platform foundation", 0.1, 0.15,
     "Fixing each data-quality finding (duplicate name or email, missing email or serial, orphan row) before import"),
    ("contracts_direct", "Billing and integrations", 0.15, 0.25,
     "Configuring an active contract with a direct HaloPSA equivalent"),
    ("contracts_rethink", "Billing and integrations", 0.5, 0.75,
     "Rebuilding an active contract that must be rethought (agreement, pre-pay or project)"),
    ("contracts_manual", "Billing and integrations", 2.0, 3.0,
     "Designing and building a workaround for an active contract with no HaloPSA equivalent"),
    ("edge_case_contracts", "Billing and integrations", 1.0, 1.5,
     "Extra work on each active contract hit by an edge-case rule (exclusions, block-hour factors, rate overrides)"),
    ("integrations_native", "Billing and integrations", 3.0, 4.5,
     "Configuring and testing an integration that HaloPSA supports natively"),
    ("integrations_other", "Billing and integrations", 12.0, 18.0,
     "Building and testing an integration without a known native HaloPSA module (webhook, runbook or API)"),
    ("workflow_rules_rebuild", "Automations and templates", 1.0, 1.5,
     "Rebuilding and testing a workflow rule in HaloPSA"),
    ("templates_rebuild", "Automations and templates", 0.5, 0.75,
     "Re-authoring and testing a notification template in use"),
    ("open_tickets", "Parallel run and cutover", 0.02, 0.03,
     "Checking that each migrated open ticket landed with the right team and agent"),
    ("technicians_training", "Parallel run and cutover", 1.0, 1.5,
     "Training each technician and having them handle at least one ticket in HaloPSA"),
)
# Items done in bulk once a pattern exists (import template, spreadsheet fix, one design reused): after the
# first BULK_AFTER of a kind, each further one takes BULK_SHARE of the time. Rules, templates, integrations,
# roles and people stay one by one.
BULK_ITEMS = frozenset({"contracts_to_decide", "workflow_rules_total", "data_quality_issues", "contracts_direct",
                        "contracts_rethink", "contracts_manual", "edge_case_contracts", "open_tickets"})
BULK_AFTER = 50
BULK_SHARE = 0.25
# Beyond this many weeks (low end) published migrations give no reference: the output says to plan in waves.
GUIDE_MAX_WEEKS = 16
# Phase weeks are rounded to this step so phases add up to the total shown.
ROUND_TO_WEEKS = 0.5


def effective_count(key: str, n: float) -> float:
    """Items counted at full time: all of them, or for bulk items the first BULK_AFTER plus BULK_SHARE of the rest."""
    if key not in BULK_ITEMS or n <= BULK_AFTER:
        return n
    return BULK_AFTER + (n - BULK_AFTER) * BULK_SHARE


def team_hours_per_week(technicians: float) -> float:
    """Focused project hours per week for an MSP with `technicians` technicians."""
    return min(TEAM_HOURS_BASE + TEAM_HOURS_PER_TECHNICIAN * float(technicians), TEAM_HOURS_MAX)


def _round(weeks: float) -> float:
    # Nearest step, halves up (round() would round 0.25 down to 0 by banker's rounding).
    return max(ROUND_TO_WEEKS, math.floor(weeks / ROUND_TO_WEEKS + 0.5) * ROUND_TO_WEEKS)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _range(low: float, high: float) -> str:
    return _fmt(low) if low == high else f"{_fmt(low)}–{_fmt(high)}"


def estimate_effort(counts: dict) -> dict:
    """Weeks per phase and in total as a low–high range.

    `counts` holds the keys used by WORK_ITEMS (missing keys count 0); `technicians` defaults to
    DEFAULT_TECHNICIANS and `technicians_assumed` (bool) says whether that default was used.
    Returns {"weeks_low", "weeks_high", "phases": [{"phase", "weeks_low", "weeks_high", "drivers"}],
    "assumptions": [sentences], "counts": counts used}.
    """
    counts = dict(counts)
    if counts.get("technicians") in (None, 0) or pd.isna(counts.get("technicians")):
        counts["technicians"] = DEFAULT_TECHNICIANS
        counts["technicians_assumed"] = True
    counts.setdefault("technicians_assumed", False)
    counts["technicians_training"] = counts["technicians"]

    team_hours = team_hours_per_week(counts["technicians"])
    phases = []
    for phase in PHASES:
        floor_low, floor_high = PHASE_FLOOR_WEEKS[phase]
        hours_low = hours_high = 0.0
        drivers = []
        for key, item_phase, low, high, text in WORK_ITEMS:
            n = float(counts.get(key) or 0)
            if item_phase != phase or n <= 0:
                continue
            eff = effective_count(key, n)
            hours_low += eff * low
            hours_high += eff * high
            bulk = f"; beyond {BULK_AFTER}, {_fmt(BULK_SHARE * 100)} % of that" if eff < n else ""
            drivers.append(f"{int(n):,} × {text[0].lower() + text[1:]} "
                           f"({_range(low, high)} h each{bulk})")
        phases.append({
            "phase": phase,
            "weeks_low": _round(floor_low + hours_low / team_hours),
            "weeks_high": _round(floor_high + hours_high / team_hours),
            "hours_low": round(hours_low, 1),
            "hours_high": round(hours_high, 1),
            "drivers": drivers,
        })

    assumptions = [
        f"The migration team spends {_fmt(team_hours)} focused hours a week on the project "
        f"({_fmt(TEAM_HOURS_BASE)} plus {_fmt(TEAM_HOURS_PER_TECHNICIAN)} per technician, at most "
        f"{_fmt(TEAM_HOURS_MAX)}); phases run one after another.",
        "Each phase has a floor whatever the counts: "
        + "; ".join(f"{p.lower()} {_range(lo, hi)} week(s)" for p, (lo, hi) in PHASE_FLOOR_WEEKS.items()) + ".",
        *[f"{text}: {_range(low, high)} hours each." for _, _, low, high, text in WORK_ITEMS],
        (f"Technicians: {DEFAULT_TECHNICIANS} assumed, because client.yaml does not give a number."
         if counts["technicians_assumed"] else f"Technicians: {int(counts['technicians'])}, from client.yaml."),
        f"Contracts, contract decisions, data-quality fixes, workflow-rule reviews and open-ticket checks go in bulk "
        f"once a pattern exists: after the first {BULK_AFTER} of a kind, each further one takes "
        f"{_fmt(BULK_SHARE * 100)} % of the time.",
        "Retired automations, unused templates and inactive contracts are reviewed but not rebuilt.",
        f"Phase weeks are rounded to the nearest {_fmt(ROUND_TO_WEEKS)} week; the total is the sum of the phases.",
    ]
    weeks_low = float(sum(p["weeks_low"] for p in phases))
    weeks_high = float(sum(p["weeks_high"] for p in phases))
    if weeks_low > GUIDE_MAX_WEEKS:
        assumptions.append(
            f"At {_range(weeks_low, weeks_high)} weeks this is beyond the usual range (6 to 12+ weeks in the "
            f"practitioner guide, up to {GUIDE_MAX_WEEKS} weeks in consultants' accounts of real migrations): plan "
            "the migration in waves (e.g. by client group) and re-estimate each wave.")
    return {
        "weeks_low": weeks_low,
        "weeks_high": weeks_high,
        "phases": phases,
        "assumptions": assumptions,
        "team_hours_per_week": team_hours,
        "counts": {k: (bool(v) if isinstance(v, bool) else int(v) if float(v) == int(v) else float(v))
                   for k, v in counts.items()},
    }


def _count(findings: pd.DataFrame, placement: str, statuses=OPEN_STATUSES) -> int | None:
    """Distinct entities in `statuses` (muted included: the work exists either way) found by the rules feeding
    `placement` (an effort work item), None if those rules produced no finding at all."""
    part = findings[findings["rule_id"].isin(feeding(placement))]
    if part.empty:
        return None
    return int(part.loc[part["status"].isin(list(statuses)), "entity_id"].nunique())


def effort_counts(facts, findings: pd.DataFrame, contract_map: pd.DataFrame, integrations=None) -> dict:
    """The counts the effort model needs, from the audit's facts, the findings and the contract map.

    Rule findings are preferred (the rules define stale, unused and duplicate); the raw tables are the
    fallback when a rule did not run. `integrations` is a {"native": n, "other": n} dict if already known.
    """
    from readiness.contract_map import verdict_counts

    active = contract_map[contract_map["status"].eq("Active").fillna(False)]
    verdicts = verdict_counts(contract_map)
    edge = int(active["edge_cases"].fillna("").ne("").sum())
    counts = {
        "contracts_direct": verdicts["direct"],
        "contracts_rethink": verdicts["rethink"],
        "contracts_manual": verdicts["manual"],
        "contracts_retire": int(contract_map["verdict"].eq("retire").fillna(False).sum()),
        "edge_case_contracts": edge,
    }
    counts["contracts_to_decide"] = int(
        (active["verdict"].isin(["rethink", "manual"]).fillna(False) | active["edge_cases"].fillna("").ne("")).sum()
    )

    wf = facts.workflow_rules() if facts.has("WorkflowRules") else None
    wf_total = 0 if wf is None else len(wf)
    rebuild = _count(findings, "effort:workflow_rules_rebuild")
    if rebuild is None and wf is not None and facts.has("WorkflowRules", "active"):
        rebuild = int(wf["active"].fillna(False).astype(bool).sum())
    counts["workflow_rules_total"] = wf_total
    counts["workflow_rules_rebuild"] = rebuild or 0
    counts["workflow_rules_retire"] = max(wf_total - (rebuild or 0), 0)

    nt = facts.templates() if facts.has("NotificationTemplates") else None
    templates = _count(findings, "effort:templates_rebuild")
    if templates is None and nt is not None and facts.has("NotificationTemplates", "active"):
        templates = int(nt["active"].fillna(False).astype(bool).sum())
    counts["templates_total"] = 0 if nt is None else len(nt)
    counts["templates_rebuild"] = templates or 0

    integrations = integrations or {}
    counts["integrations_native"] = int(integrations.get("native", 0))
    counts["integrations_other"] = int(integrations.get("other", 0))

    techs = facts.client.get("technicians")
    try:
        techs = int(techs) if techs is not None else None
    except (TypeError, ValueError):
        techs = None
    counts["technicians"] = techs if techs and techs > 0 else DEFAULT_TECHNICIANS
    counts["technicians_assumed"] = not (techs and techs > 0)

    counts["security_levels"] = _count(findings, "effort:security_levels") or 0
    dq = findings[findings["area"].eq("data_quality") & findings["status"].isin(["FAIL", "REVIEW"])]
    counts["data_quality_issues"] = int(len(dq))
    counts["open_tickets"] = int(len(facts.open_tickets()))
    return counts
