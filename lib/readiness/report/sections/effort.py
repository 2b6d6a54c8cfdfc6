"""Effort and timeline: weeks per phase, the total range and the estimate's assumptions."""

from __future__ import annotations

import pandas as pd

from readiness.report import charts
from readiness.report.sections.common import Block, _section, _table, e


def _effort_phases(effort) -> pd.DataFrame:
    """Phases as a frame (phase, low, high, drivers) from the summary's effort block (effort.estimate_effort)."""
    rows = [{"phase": p["phase"], "low": p["weeks_low"], "high": p["weeks_high"], "drivers": p.get("drivers") or []}
            for p in (effort or {}).get("phases", [])]
    df = pd.DataFrame(rows, columns=["phase", "low", "high", "drivers"])
    df["low"] = pd.to_numeric(df["low"], errors="coerce").fillna(0.0)
    df["high"] = pd.to_numeric(df["high"], errors="coerce").fillna(df["low"])
    return df


def _effort_total(effort) -> tuple[float, float]:
    """(low, high) weeks overall, as effort.estimate_effort totals them (0, 0 without an estimate)."""
    return (float(effort["weeks_low"]), float(effort["weeks_high"])) if effort else (0.0, 0.0)


def effort_timeline(result) -> Block:
    """Phase chart (low–high weeks per phase), the total range and the estimate's assumptions."""
    if result.summary.get("readiness") == "Unknown":
        return Block("")
    effort = result.summary.get("effort") or {}
    ph = _effort_phases(effort)
    if ph.empty:
        return Block("")
    low, high = _effort_total(effort)
    parts = [charts.figure_html(charts.effort_phases(ph), "Bar chart: weeks per migration phase, low to high",
                                "Each phase's low estimate (solid) and the range up to its high estimate (hatched).")]
    table = pd.DataFrame({"Phase": ph["phase"], "Low (weeks)": ph["low"].map(charts._num),
                          "High (weeks)": ph["high"].map(charts._num),
                          "What drives it": ph["drivers"].map(lambda d: "; ".join(map(str, d)) or "fixed floor")})
    parts.append(_table(table, [22, 10, 10, 58], num=("Low (weeks)", "High (weeks)")))
    assumptions = effort.get("assumptions") if isinstance(effort, dict) else None
    if assumptions:
        items = assumptions.values() if isinstance(assumptions, dict) else assumptions
        parts.append('<h3>Assumptions</h3><ul class="assumptions">'
                     + "".join(f"<li>{e(str(a))}</li>" for a in items) + "</ul>")
    return _section("effort", "Effort and timeline", "".join(parts),
                    lead=f"Estimated <b>{charts._num(low)}–{charts._num(high)} weeks</b> from audit to cutover, "
                         "including a parallel billing cycle. The range widens with edge-case contracts, "
                         "automations to rebuild and integrations to test.")
