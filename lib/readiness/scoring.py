"""Readiness roll-up, weighted score and data coverage (after Azure Migrate's classes and Prowler's ThreatScore).

Classes, per area and overall (Azure Migrate's four buckets):
- ``Unknown``: the export fails the gate (no readable Companies or Contracts rows) or no rule could judge.
- ``Not ready``: any unmuted FAIL with severity ``blocker``.
- ``Ready with conditions``: any other unmuted FAIL or REVIEW, or any ERROR (a rule that crashed is never Ready).
- ``Ready``: none of the above.

The score and coverage are shown beside the class, never instead of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.vocabulary import (AREAS, CLASSES, CONDITIONS, NOT_READY, READY, SEVERITIES,  # noqa: F401
                                  STATUSES, UNKNOWN)

# Severity weight for score and coverage: a blocker check counts 20x an informational one.
SEVERITY_WEIGHT = {"blocker": 10.0, "high": 5.0, "medium": 3.0, "low": 1.0, "info": 0.5}
# Open work a finding leaves: a FAIL must be dealt with, a REVIEW half of that (a person may accept it as it is).
STATUS_WORK = {"FAIL": 1.0, "REVIEW": 0.5}
# Remaining work that halves the score: 100 points of weighted work (for example ten blocker rules with one
# FAIL each, or twenty high ones) give 50.
SCORE_HALF_WORK = 100.0
# The highest score a Not ready export can have: the number must never read as "mostly fine" beside the class.
NOT_READY_CEILING = 49.0

# Tables without which the audit cannot say anything about billing: the gate.
GATE_TABLES = ("Companies", "Contracts")

SCORE_METHOD = (
    "score = 100 x 100 / (100 + work): it measures the work left, so clean records never raise it; "
    "work = sum over rules and severities of w x log2(1 + open), open = unmuted FAIL findings + 0.5 x unmuted "
    "REVIEW findings, w = severity weight (blocker 10, high 5, medium 3, low 1, info 0.5) x rule weight "
    "(default 1); log2 because the hundredth finding of one rule is less new work than the first of another; "
    "a Not ready export (an unmuted blocker FAIL) scores at most 49; no score when the export fails the gate or "
    "no finding was judged."
)
COVERAGE_METHOD = (
    "coverage = 100 x sum(w x judged x load_quality) / sum(w) over all rules in the catalogue; "
    "w = the rule's severity weight x rule weight; judged = 1 when the rule could run on the export (0 when its "
    "tables were missing or it crashed); load_quality = the lowest loaded/read row ratio among the tables the rule "
    "needs (1 when nothing was read)."
)


def _lookup(values: pd.Series, table: dict, default) -> pd.Series:
    """Map each value through `table` (missing -> default), looking up each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([table.get(u, default) for u in uniques] + [default], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)  # code -1 (missing) picks the default


def _rule_attr(rules: dict | None, rule_ids: pd.Series, attr: str, default) -> pd.Series:
    """One attribute of each row's rule (default for rules not in the catalogue)."""
    table = {rid: getattr(rule, attr, default) for rid, rule in (rules or {}).items()}
    return _lookup(rule_ids, table, default)


def weights(findings: pd.DataFrame, rules: dict | None = None) -> pd.Series:
    """Weight per finding: severity weight x rule weight (unknown severity counts as 1, unknown rule weight 1)."""
    sev = _lookup(findings["severity"], SEVERITY_WEIGHT, 1.0).astype(float)
    rule_w = _rule_attr(rules, findings["rule_id"], "weight", 1.0).astype(float)
    return sev * rule_w


def _unmuted(findings: pd.DataFrame) -> pd.Series:
    return ~findings["muted"].astype(bool) if "muted" in findings else pd.Series(True, index=findings.index)


def remaining_work(findings: pd.DataFrame, rules: dict | None = None) -> float:
    """Weighted open work in the findings (see SCORE_METHOD): muted, PASS and ERROR findings add none."""
    open_ = findings[_unmuted(findings) & findings["status"].isin(list(STATUS_WORK))]
    if open_.empty:
        return 0.0
    units = _lookup(open_["status"], STATUS_WORK, 0.0).astype(float)
    per = pd.DataFrame({"rule_id": open_["rule_id"].astype(str).to_numpy(),
                        "severity": open_["severity"].astype(str).to_numpy(),
                        "units": units.to_numpy(), "w": weights(open_, rules).to_numpy()})
    groups = per.groupby(["rule_id", "severity"], sort=False).agg(units=("units", "sum"), w=("w", "first"))
    return float((groups["w"] * np.log2(1.0 + groups["units"])).sum())


def score(findings: pd.DataFrame, rules: dict | None = None) -> float | None:
    """0–100 rounded to 0.1, falling as work remains (see SCORE_METHOD); None when nothing was judged."""
    if findings.empty:
        return None
    judged = findings[_unmuted(findings) & findings["status"].isin(["PASS", *STATUS_WORK])]
    if judged.empty:
        return None
    value = 100.0 * SCORE_HALF_WORK / (SCORE_HALF_WORK + remaining_work(findings, rules))
    if classify(findings) == NOT_READY:
        value = min(value, NOT_READY_CEILING)
    return round(value, 1)


def gate(export) -> tuple[bool, list[str]]:
    """Check the tables readiness cannot be judged without; returns (passed, reasons naming what is missing)."""
    ledger = getattr(export, "ledger", None)
    reasons = []
    for entity in GATE_TABLES:
        if not export.has(entity):
            reasons.append(f"no readable {entity} table (file missing or unreadable)")
            continue
        if len(export.tables[entity]) == 0:
            read = 0
            if ledger is not None and len(ledger):
                read = int(pd.to_numeric(ledger.loc[ledger["entity"] == entity, "read"], errors="coerce").sum())
            reasons.append(
                f"all {read} {entity} rows were rejected on load" if read else f"the {entity} table has no rows"
            )
    return not reasons, reasons


def classify(findings: pd.DataFrame) -> str:
    """Class of a set of findings, muted ones ignored; does not decide Unknown (see area_results)."""
    live = _unmuted(findings)
    status = findings["status"]
    if (live & status.eq("FAIL") & findings["severity"].eq("blocker")).fillna(False).any():
        return NOT_READY
    if (live & status.isin(["FAIL", "REVIEW", "ERROR"])).any():
        return CONDITIONS
    return READY


def judged_rules(findings: pd.DataFrame, coverage: pd.DataFrame | None) -> set[str]:
    """Rule ids that could judge: judged in the coverage table or with a non-ERROR finding, and without an ERROR."""
    error = findings["status"].eq("ERROR").fillna(False)
    judged = set(map(str, findings.loc[~error, "rule_id"].unique()))
    if coverage is not None and len(coverage):
        judged |= set(coverage.loc[coverage["judged"].astype(bool), "rule_id"].astype(str))
    errored = set(map(str, findings.loc[error, "rule_id"].unique()))
    return judged - errored


def _rule_areas(findings: pd.DataFrame, coverage: pd.DataFrame | None) -> dict[str, str]:
    pairs = findings[["rule_id", "area"]].drop_duplicates()
    table = dict(zip(pairs["rule_id"].astype(str), pairs["area"].astype(str)))
    if coverage is not None and len(coverage):
        table.update(zip(coverage["rule_id"].astype(str), coverage["area"].astype(str)))
    return table


def status_counts(findings: pd.DataFrame) -> dict:
    """Counts of unmuted findings per status plus the muted count (ints)."""
    muted = findings["muted"].astype(bool)
    live = findings.loc[~muted, "status"].value_counts()
    out = {s: int(live.get(s, 0)) for s in STATUSES}
    out["muted"] = int(muted.sum())
    return out


def area_results(
    findings: pd.DataFrame, coverage: pd.DataFrame | None = None, rules: dict | None = None, scored: bool = True
) -> dict[str, dict]:
    """Per area: readiness, score, counts per status (unmuted) and muted count.

    An area where no rule could judge (tables missing, or every rule crashed) is Unknown unless it still has
    unmuted FAIL/REVIEW findings. `scored=False` leaves every area score None (used when the gate fails).
    """
    judged = judged_rules(findings, coverage)
    area_of = _rule_areas(findings, coverage)
    judged_areas = {area_of[r] for r in judged if r in area_of}
    # Areas outside the fixed list (a new rule family) are reported too rather than silently dropped.
    extra = sorted((set(map(str, findings["area"].dropna().unique())) | set(area_of.values())) - set(AREAS))
    out = {}
    # One split of the findings instead of a full scan per area.
    parts = dict(tuple(findings.groupby(findings["area"].astype(str), sort=False)))
    empty = findings.iloc[0:0]
    for area in (*AREAS, *extra):
        part = parts.get(area, empty)
        counts = status_counts(part)
        if area in judged_areas or counts["FAIL"] or counts["REVIEW"]:
            cls = classify(part)
        else:
            cls = UNKNOWN
        out[area] = {"readiness": cls, "score": score(part, rules) if scored else None, **counts}
    return out


def readiness(findings: pd.DataFrame, coverage: pd.DataFrame | None, export, rules: dict | None = None) -> dict:
    """Overall and per-area readiness: {readiness, readiness_reason, areas, gate_passed, score}.

    Gate first: failing it gives Unknown with the reason and no score (never a made-up one).
    """
    passed, missing = gate(export)
    areas = area_results(findings, coverage, rules, scored=passed)
    live = findings[~findings["muted"].astype(bool)]
    n_err = int(live["status"].eq("ERROR").sum())
    err_note = f"; {n_err} rule(s) failed to run (ERROR)" if n_err else ""
    if not passed:
        return {"readiness": UNKNOWN, "readiness_reason": "Cannot judge readiness: " + "; ".join(missing) + ".",
                "areas": areas, "gate_passed": False, "score": None}
    if all(a["readiness"] == UNKNOWN for a in areas.values()):
        return {"readiness": UNKNOWN, "readiness_reason": "No rule could judge this export" + err_note + ".",
                "areas": areas, "gate_passed": True, "score": None}
    cls = classify(findings)
    blockers = live[live["status"].eq("FAIL") & live["severity"].eq("blocker")]
    if cls == NOT_READY:
        rules_hit = ", ".join(sorted(blockers["rule_id"].astype(str).unique()))
        reason = f"{len(blockers)} blocker FAIL finding(s) must be fixed before go-live ({rules_hit}){err_note}."
    elif cls == CONDITIONS:
        n_fail, n_rev = int(live["status"].eq("FAIL").sum()), int(live["status"].eq("REVIEW").sum())
        reason = f"{n_fail} FAIL and {n_rev} REVIEW finding(s) to resolve or decide before go-live{err_note}."
    else:
        reason = "No unmuted FAIL, REVIEW or ERROR findings."
    return {"readiness": cls, "readiness_reason": reason, "areas": areas, "gate_passed": True,
            "score": score(findings, rules)}


def load_quality(ledger: pd.DataFrame | None) -> dict[str, float]:
    """Per entity: rows loaded / rows read (1.0 when nothing was read), from the load ledger."""
    if ledger is None or ledger.empty:
        return {}
    agg = ledger.assign(
        read=pd.to_numeric(ledger["read"], errors="coerce").fillna(0),
        loaded=pd.to_numeric(ledger["loaded"], errors="coerce").fillna(0),
    ).groupby("entity")[["read", "loaded"]].sum()
    ratio = (agg["loaded"] / agg["read"].where(agg["read"] > 0)).fillna(1.0).clip(0, 1)
    return {str(k): round(float(v), 4) for k, v in ratio.items()}


def coverage(
    coverage_table: pd.DataFrame | None,
    findings: pd.DataFrame,
    ledger: pd.DataFrame | None = None,
    rules: dict | None = None,
    present: set[str] | None = None,
) -> tuple[float | None, dict]:
    """Data coverage 0–100 (see COVERAGE_METHOD) and its detail.

    `present` is the set of tables the export holds (default: the entities in the ledger).
    Detail: rules_judged, rules_total, missing_tables (needed by a rule that could not judge, not in the
    export), not_judged [{rule_id, note}], load_quality {entity: loaded/read}.
    """
    rules = rules or {}
    if coverage_table is None or coverage_table.empty:
        # Without the engine's coverage table, the catalogue and the findings are all there is.
        ids = sorted(set(rules) | set(findings["rule_id"].astype(str)))
        coverage_table = pd.DataFrame({
            "rule_id": ids,
            "severity": [getattr(rules.get(r), "severity", "medium") for r in ids],
            "judged": [r in set(findings["rule_id"].astype(str)) for r in ids],
            "note": "",
        })
    cov = coverage_table.copy()
    judged_set = judged_rules(findings, cov)
    cov["judged"] = cov["rule_id"].astype(str).isin(judged_set)
    quality = load_quality(ledger)
    requires = {r: tuple(getattr(rule, "requires", ()) or ()) for r, rule in rules.items()}
    cov["load_quality"] = cov["rule_id"].astype(str).map(
        {r: min([quality.get(e, 1.0) for e in req] or [1.0]) for r, req in requires.items()}
    ).fillna(1.0).astype(float)
    w = weights(cov, rules)
    total = w.sum()
    value = None if total <= 0 else round(100.0 * float((w * cov["judged"] * cov["load_quality"]).sum() / total), 1)

    present = set(quality) if present is None else set(present)
    missing = sorted({e for r in cov.loc[~cov["judged"], "rule_id"].astype(str) for e in requires.get(r, ())}
                     - present)
    note = cov["note"] if "note" in cov else pd.Series("", index=cov.index)
    not_judged = [
        {"rule_id": str(r), "note": "" if pd.isna(n) else str(n)}
        for r, n in zip(cov.loc[~cov["judged"], "rule_id"], note[~cov["judged"]])
    ]
    detail = {
        "rules_judged": int(cov["judged"].sum()),
        "rules_total": int(len(cov)),
        "missing_tables": missing,
        "not_judged": not_judged,
        "load_quality": quality,
        "method": COVERAGE_METHOD,
    }
    return value, detail


def top_findings(findings: pd.DataFrame, rules: dict | None = None, n: int = 5) -> list[dict]:
    """The findings that matter most, grouped by rule, status and severity: blocker FAILs first, then high
    FAILs, other FAILs, then REVIEWs; within each tier the group hitting most entities first. Muted findings
    are ignored. Each entry: rule_id, title, status, severity, count (distinct entities), remediation."""
    live = findings[~findings["muted"].astype(bool) & findings["status"].isin(["FAIL", "REVIEW"])]
    if live.empty:
        return []
    sev_rank = live["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES)).astype(int)
    is_fail = live["status"].eq("FAIL")
    live = live.assign(
        _sev=sev_rank,
        # tiers: 0 blocker FAIL, 1 high FAIL, 2 other FAIL, 3 REVIEW
        _tier=(~is_fail).astype(int) * 3 + is_fail.astype(int) * sev_rank.clip(upper=2),
    )
    if "title" not in live:
        live["title"] = _rule_attr(rules, live["rule_id"].astype("string"), "title", "")
    agg = live.rename(columns={"_sev": "sev"}).groupby(["rule_id", "status", "sev"], sort=False).agg(
        tier=("_tier", "min"), n_entities=("entity_id", "nunique"),
        title=("title", "first"), remediation=("remediation", "first"),
    ).reset_index()
    agg = agg.sort_values(["tier", "n_entities", "sev", "rule_id"], ascending=[True, False, True, True]).head(n)
    return [
        {
            "rule_id": str(r.rule_id),
            "title": "" if pd.isna(r.title) else str(r.title),
            "status": str(r.status),
            "severity": SEVERITIES[int(r.sev)] if int(r.sev) < len(SEVERITIES) else "unknown",
            "count": int(r.n_entities),
            "remediation": "" if pd.isna(r.remediation) else str(r.remediation),
        }
        for r in agg.itertuples(index=False)
    ]
