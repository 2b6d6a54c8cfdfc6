"""Run the rule catalogue over one export: findings (PASS rows included) and coverage per rule.

A rule whose required tables are missing, or that raises CannotJudge, is not judged: coverage says why
and it adds no findings. A rule that raises anything else becomes one ERROR finding (shown, never
hidden) and the other rules still run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from readiness.rules.base import ENTITY_TYPES, RULE_STATUSES, RULES, SEVERITIES, CannotJudge, Rule
from readiness.facts import Facts
from readiness.rules.context import Context
from readiness.rules.frames import col, repeat_text
from readiness.vocabulary import RUN_COLUMNS

COVERAGE_COLUMNS = ["rule_id", "area", "severity", "judged", "note"]


@dataclass
class RuleRun:
    """The result of one run: findings, coverage per rule, the as-of date used, seconds per rule."""

    findings: pd.DataFrame
    coverage: pd.DataFrame
    as_of: pd.Timestamp
    seconds: dict = field(default_factory=dict)
    facts: Facts | None = None  # the audit's facts, with the parameters this run used


def resolve_params(params: dict | None, rules: dict[str, Rule]) -> dict[str, dict]:
    """Each rule's parameters: its defaults, then run-wide overrides, then per-rule overrides.

    `params` maps a rule id to {param: value} (that rule only) or a parameter name to a value (every rule
    that has the parameter, e.g. {"stale_days": 90}). Unknown names raise ValueError.
    """
    out = {rid: dict(r.params) for rid, r in rules.items()}
    params = dict(params or {})
    per_rule = {k: v for k, v in params.items() if k in rules}
    run_wide = {k: v for k, v in params.items() if k not in rules}
    for name, value in run_wide.items():
        owners = [rid for rid, r in rules.items() if name in r.params]
        if not owners:
            raise ValueError(f"unknown rule or parameter {name!r}")
        for rid in owners:
            out[rid][name] = _coerce(rules[rid].params[name], value, f"{rid}.{name}")
    for rid, values in per_rule.items():
        if not isinstance(values, dict):
            raise ValueError(f"parameters for rule {rid!r} must be a mapping of name -> value")
        for name, value in values.items():
            if name not in rules[rid].params:
                known = ", ".join(rules[rid].params) or "none"
                raise ValueError(f"rule {rid!r} has no parameter {name!r} (it has: {known})")
            out[rid][name] = _coerce(rules[rid].params[name], value, f"{rid}.{name}")
    return out


def _coerce(default, value, where: str):
    """`value` converted to the default's number type (values from YAML or the CLI may be text)."""
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        return value
    try:
        return type(default)(value)
    except (TypeError, ValueError):
        raise ValueError(f"parameter {where} must be a number, got {value!r}") from None


def _normalise(r: Rule, out) -> pd.DataFrame:
    """Check a rule's returned frame and give it the engine's columns; raises on a malformed result."""
    if not isinstance(out, pd.DataFrame):
        raise TypeError(f"rule returned {type(out).__name__}, expected a DataFrame")
    missing = [c for c in ("entity_id", "status", "reason") if c not in out.columns]
    if missing:
        raise ValueError(f"rule result lacks column(s) {missing}")
    out = out.reset_index(drop=True)
    n = len(out)
    status = out["status"].astype("string")
    bad = set(status.dropna().unique()) - set(RULE_STATUSES) | ({"<missing>"} if status.isna().any() else set())
    if bad:
        raise ValueError(f"rule returned status values {sorted(bad)}; allowed {RULE_STATUSES}")
    severity = col(out, "severity").astype("string").fillna(r.severity)
    bad = set(severity.unique()) - set(SEVERITIES)
    if bad:
        raise ValueError(f"rule returned severities {sorted(bad)}")
    etype = col(out, "entity_type").astype("string").fillna(r.entity_type)
    bad = set(etype.unique()) - ENTITY_TYPES
    if bad:
        raise ValueError(f"rule returned entity types {sorted(bad)}")
    eid = out["entity_id"]
    if pd.api.types.is_float_dtype(eid) or pd.api.types.is_integer_dtype(eid):
        eid = eid.astype("Int64")
    eid = eid.astype("string")
    if eid.isna().any() or eid.str.strip().eq("").any():
        raise ValueError("rule returned a finding without an entity id")
    company = pd.to_numeric(col(out, "company_id"), errors="coerce").astype("Int64")
    reason = out["reason"].astype("string").fillna(r.title)
    return pd.DataFrame({
        "rule_id": repeat_text(r.id, n),
        "area": repeat_text(r.area, n),
        "severity": severity.array,
        "status": status.array,
        "entity_type": etype.array,
        "entity_id": eid.array,
        "company_id": company.array,
        "reason": reason.array,
        "remediation": repeat_text(r.remediation, n),
        "title": repeat_text(r.title, n),
    }, copy=False)



def _error_row(r: Rule, exc: BaseException) -> pd.DataFrame:
    """The single ERROR finding recorded when a rule raises."""
    return pd.DataFrame({
        "rule_id": [r.id], "area": [r.area], "severity": [r.severity], "status": ["ERROR"],
        "entity_type": [r.entity_type], "entity_id": ["-"], "company_id": pd.array([pd.NA], dtype="Int64"),
        "reason": [_describe(exc)], "remediation": [r.remediation], "title": [r.title],
    })


def _describe(exc: BaseException) -> str:
    """Exception type and message on one line."""
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def empty_findings() -> pd.DataFrame:
    """A findings frame with no rows and the contract's columns and dtypes."""
    return _typed(pd.DataFrame({c: [] for c in RUN_COLUMNS}))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Findings columns in contract order and dtype: text as string, company_id as Int64."""
    df = df.reindex(columns=RUN_COLUMNS)
    for c in RUN_COLUMNS:
        df[c] = df[c].astype("Int64") if c == "company_id" else df[c].astype("string")
    return df.reset_index(drop=True)


def run_rules(export, as_of=None, params: dict | None = None, only: Iterable[str] | str | None = None,
              rules: dict[str, Rule] | None = None, progress=None) -> RuleRun:
    """Run the rules over `export` as of `as_of` (default: newest date in the export, else today).

    params: overrides, {rule_id: {param: value}} or {param: value} for every rule having it.
    only: rule ids to run (default all). rules: the rule set (default the catalogue, RULES).
    progress: if given, called with each rule's id just before that rule runs.
    Returns RuleRun(findings, coverage, as_of, seconds).
    """
    rules = RULES if rules is None else rules
    if only is not None:
        only = [only] if isinstance(only, str) else list(only)
        unknown = [rid for rid in only if rid not in rules]
        if unknown:
            raise ValueError(f"unknown rule id(s): {', '.join(unknown)}")
        selected = [rules[rid] for rid in only]
    else:
        selected = list(rules.values())
    resolved = resolve_params(params, rules)
    if as_of is None:
        newest = export.newest_date() if hasattr(export, "newest_date") else None
        as_of = newest if newest is not None else pd.Timestamp.today()
    as_of = pd.Timestamp(as_of).normalize()
    facts = Facts(export, as_of, resolved)
    ctx = Context(facts)

    frames, coverage, seconds = [], [], {}
    for r in selected:
        if progress is not None:
            progress(r.id)
        start = time.perf_counter()
        missing = [e for e in r.requires if not export.has(e)]
        judged, note = True, ""
        if missing:
            judged, note = False, "missing " + ", ".join(f"{e}.csv" for e in missing)
        else:
            try:
                frames.append(_normalise(r, r.func(ctx.bind(resolved[r.id]))))
            except CannotJudge as exc:
                judged, note = False, str(exc)
            except Exception as exc:  # a broken rule must show as ERROR, never stop the audit
                judged, note = False, _describe(exc)
                frames.append(_error_row(r, exc))
        seconds[r.id] = time.perf_counter() - start
        coverage.append({"rule_id": r.id, "area": r.area, "severity": r.severity, "judged": judged, "note": note})

    frames = [f for f in frames if len(f)]
    findings = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RUN_COLUMNS)
    if len(findings):
        base = findings["rule_id"] + ":" + findings["entity_type"] + ":" + findings["entity_id"]
        # Two rows of one rule on the same entity id (e.g. captured sheets with a repeated name) stay
        # distinct and stable: the second and later get #2, #3 ... in export order.
        # counting factor codes is several times faster than duplicated() on text; no part of base is
        # missing (_normalise refuses a finding without an entity id), so every code is >= 0
        codes, _ = pd.factorize(base)
        repeated = np.bincount(codes)[codes] > 1
        finding_id = base.copy()
        if repeated.any():  # rare: number only the repeated ids rather than grouping every finding
            part = base[repeated]
            n = part.groupby(part).cumcount()
            finding_id[repeated] = part.where(n.eq(0), part + "#" + (n + 1).astype("string"))
        findings["finding_id"] = finding_id
        findings["company_name"] = findings["company_id"].map(ctx.company_names())
    findings = _typed(findings)
    cov = pd.DataFrame(coverage, columns=COVERAGE_COLUMNS).astype(
        {"rule_id": "string", "area": "string", "severity": "string", "judged": bool, "note": "string"})
    return RuleRun(findings=findings, coverage=cov, as_of=as_of, seconds=seconds, facts=facts)
