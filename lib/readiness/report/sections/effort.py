"""Effort and timeline: weeks per phase, the total range and the estimate's assumptions."""

from __future__ import annotations

import pandas as pd

from readiness.report import charts
from readiness.report.sections.common import Block, _n, _section, _table, e
from readiness.report.sections.common import money as money_text

EFFORT_SHEET = "workbook.xlsx (Effort sheet)"


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
    """Phase chart (low–high weeks per phase), one line per phase and the total, in weeks, team hours and (with an
    hourly rate) money. What drives each phase and every assumption are in the workbook's Effort sheet."""
    if result.summary.get("readiness") == "Unknown":
        return Block("")
    effort = result.summary.get("effort") or {}
    ph = _effort_phases(effort)
    if ph.empty:
        return Block("")
    low, high = _effort_total(effort)
    parts = [charts.figure_html(charts.effort_phases(ph), "Bar chart: weeks per migration phase, low to high",
                                "Each phase's low estimate (solid) and the range up to its high estimate (hatched).")]
    drivers = ph["drivers"].map(len)
    table = pd.DataFrame({"Phase": ph["phase"],
                          "Weeks": [f"{charts._num(lo)}–{charts._num(hi)}" if hi != lo else charts._num(lo)
                                    for lo, hi in zip(ph["low"], ph["high"])],
                          "What drives it": [f"{n} counted work item(s)" if n else "fixed floor" for n in drivers]})
    parts.append(_table(table, [40, 15, 45], num=("Weeks",)))
    money = ""
    if effort.get("team_hours_high"):
        money = (f" That is {_n(effort['team_hours_low'])}–{_n(effort['team_hours_high'])} hours of the migration "
                 f"team's time at {charts._num(float(effort.get('team_hours_per_week') or 0))} hours a week")
        if effort.get("cost_high"):
            cur = effort.get("currency") or ""
            money += (f", or {e(money_text(effort['cost_low'], cur))}–{e(money_text(effort['cost_high'], cur))} at "
                      f"{e(money_text(effort['hourly_rate'], cur))} an hour (rate from {e(effort.get('rate_from', ''))})")
        money += "."
    parts.append(f'<p>What drives each phase (items counted and hours per item) and every assumption of the '
                 f'estimate are in {EFFORT_SHEET}.</p>')
    return _section("effort", "Effort and timeline", "".join(parts), major=False,
                    lead=f"Estimated <b>{charts._num(low)}–{charts._num(high)} weeks</b> from audit to cutover, "
                         "including a parallel run of at least one full billing period." + money)
