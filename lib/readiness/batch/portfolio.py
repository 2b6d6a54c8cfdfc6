"""The batch's portfolio: one row per client (portfolio.csv) and a self-contained index.html.

index.html embeds its chart as a base64 PNG and its sort script inline: no external URL, so it opens offline
and can be mailed as one file with the client folders. Every value from the data is HTML-escaped (Jinja2
autoescape); client names in the chart have matplotlib's mathtext `$` escaped so a name cannot break the render.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from readiness.batch.worker import LOGS_DIR
from readiness.config import TEMPLATES_DIR
from readiness.report.charts import png_base64

PORTFOLIO_COLUMNS = ["client", "slug", "readiness", "score", "coverage", "blockers", "fails", "reviews",
                     "effort_weeks_low", "effort_weeks_high", "status", "report_path"]
LEDGER_COLUMNS = ["client", "slug", "export", "status", "started", "finished", "seconds", "attempts", "error",
                  "failing_cell", "partial_notebook", "report_path"]
CLASS_ORDER = ["Ready", "Ready with conditions", "Not ready", "Unknown"]
CLASS_COLOURS = {"Ready": "#2e7d32", "Ready with conditions": "#f9a825", "Not ready": "#c62828", "Unknown": "#9e9e9e"}
CHART_MAX_CLIENTS = 40  # beyond this one bar per client is unreadable; the chart counts clients per class instead


def _number(value):
    """A float from JSON/CSV values; None for missing or non-numeric."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


# What a client without finished outputs shows in the portfolio.
NO_FIGURES = {"readiness": "Unknown", "score": None, "coverage": None, "blockers": None, "fails": None,
              "reviews": None, "effort_weeks_low": None, "effort_weeks_high": None}


def client_figures(folder: Path) -> dict:
    """Readiness, score, coverage, counts and effort of one client's finished outputs in `folder`.

    blockers = unmuted FAIL findings of severity blocker (from findings.csv); fails / reviews = unmuted FAIL /
    REVIEW counts (summary.json `counts`). Missing or unreadable files give empty values, never an error.
    """
    out = dict(NO_FIGURES)
    try:
        s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return out
    counts = s.get("counts") or {}
    effort = s.get("effort") or {}
    out.update(readiness=str(s.get("readiness") or "Unknown"), score=_number(s.get("score")),
               coverage=_number(s.get("coverage")), fails=_number(counts.get("FAIL")),
               reviews=_number(counts.get("REVIEW")), effort_weeks_low=_number(effort.get("weeks_low")),
               effort_weeks_high=_number(effort.get("weeks_high")))
    try:
        f = pd.read_csv(folder / "findings.csv", usecols=["severity", "status", "muted"], dtype="string")
        muted = f["muted"].str.strip().str.lower().isin(["true", "1", "yes"])
        out["blockers"] = int((f["severity"].eq("blocker") & f["status"].eq("FAIL") & ~muted).sum())
    except (OSError, ValueError, KeyError):
        pass
    return out


def portfolio_frame(ledger: pd.DataFrame, out: Path) -> pd.DataFrame:
    """One portfolio row per ledger row. Figures come from OUT/<slug>/ for ok and skipped clients; a failed
    client is `Unknown` with no figures (its last good outputs, if any, are not passed off as this run's)."""
    rows = []
    for rec in ledger.to_dict("records"):
        figures = client_figures(out / rec["slug"]) if rec["status"] in ("ok", "skipped") else dict(NO_FIGURES)
        rows.append({"client": rec["client"], "slug": rec["slug"], **figures, "status": rec["status"],
                     "report_path": rec["report_path"]})
    frame = pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)
    for col in ("blockers", "fails", "reviews"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    for col in ("score", "coverage", "effort_weeks_low", "effort_weeks_high"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    return frame


def _chart_label(name: str, width: int = 32) -> str:
    """A client name safe for a matplotlib label: shortened, `$` escaped so mathtext never parses it.

    With every `$` escaped matplotlib shows the text as written (backslashes included) and turns `\\$` back
    into `$`."""
    text = name if len(name) <= width else name[: width - 1] + "…"
    return text.replace("$", r"\$")


def readiness_chart(portfolio: pd.DataFrame) -> str:
    """Base64 PNG: each client's score coloured by readiness class (or clients per class when there are many).

    Built on a plain `Figure` (no pyplot state), so a long batch keeps no figures open between charts.
    """
    n = len(portfolio)
    if 0 < n <= CHART_MAX_CLIENTS:
        fig = Figure(figsize=(8, 1.2 + 0.32 * n), dpi=100)
        ax = fig.add_subplot()
        score = portfolio["score"].astype("Float64").fillna(0).astype(float).to_numpy()
        colours = [CLASS_COLOURS.get(r, CLASS_COLOURS["Unknown"]) for r in portfolio["readiness"]]
        y = range(n)
        ax.barh(y, score, color=colours)
        for i, (sc, has) in enumerate(zip(score, portfolio["score"].notna())):
            ax.text(sc + 1, i, f"{sc:.0f}" if has else "no score", va="center", fontsize=8)
        ax.set_yticks(list(y), [_chart_label(str(c)) for c in portfolio["client"]], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xlabel("readiness score (0–100); colour = readiness class")
        # Above the bars, so it never hides a client's bar.
        ax.legend(handles=[Patch(color=CLASS_COLOURS[c], label=c) for c in CLASS_ORDER], fontsize=8,
                  loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, frameon=False)
    else:
        counts = portfolio["readiness"].value_counts().reindex(CLASS_ORDER, fill_value=0)
        fig = Figure(figsize=(8, 2.6), dpi=100)
        ax = fig.add_subplot()
        ax.barh(CLASS_ORDER, counts.to_numpy(), color=[CLASS_COLOURS[c] for c in CLASS_ORDER])
        ax.invert_yaxis()
        ax.set_xlabel("clients")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return png_base64(fig, dpi=100)


def _fmt(value, digits: int = 0) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return f"{float(value):.{digits}f}" if digits else f"{float(value):g}"


def render_index(portfolio: pd.DataFrame, ledger: pd.DataFrame, meta: dict, out: Path | None = None) -> str:
    """The portfolio page as one HTML string (template templates/portfolio.html.j2, autoescaped).

    `out` (the batch folder) lets the page link each problem client's kernel log when there is one."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    errors = {r["slug"]: r for r in ledger.to_dict("records")}
    rows = []
    for rec in portfolio.to_dict("records"):
        led = errors.get(rec["slug"], {})
        folder = rec["slug"] + "/"
        log = f"{LOGS_DIR}/{rec['slug']}.log"
        report = str(rec["report_path"] or "")
        html = folder + "report.html" if report else ""
        rows.append({
            "client": rec["client"], "slug": rec["slug"], "readiness": rec["readiness"],
            "colour": CLASS_COLOURS.get(rec["readiness"], CLASS_COLOURS["Unknown"]),
            "readiness_rank": CLASS_ORDER.index(rec["readiness"]) if rec["readiness"] in CLASS_ORDER else 9,
            "score": _fmt(rec["score"], 1), "coverage": _fmt(rec["coverage"]),
            "blockers": _fmt(rec["blockers"]), "fails": _fmt(rec["fails"]), "reviews": _fmt(rec["reviews"]),
            "effort": (f"{_fmt(rec['effort_weeks_low'])}–{_fmt(rec['effort_weeks_high'])}"
                       if rec["effort_weeks_low"] is not None and rec["effort_weeks_low"] is not pd.NA else ""),
            "effort_low": _fmt(rec["effort_weeks_low"]),
            "status": rec["status"], "html": html, "pdf": report if report.endswith(".pdf") else "",
            "error": str(led.get("error") or ""), "failing_cell": str(led.get("failing_cell") or ""),
            "partial_notebook": str(led.get("partial_notebook") or ""),
            "log": log if out is not None and (out / log).is_file() else "",
        })
    counts = portfolio["readiness"].value_counts().reindex(CLASS_ORDER, fill_value=0)
    return env.get_template("portfolio.html.j2").render(
        rows=rows, failures=[r for r in rows if r["status"] == "failed" or r["error"]],
        class_counts=[(c, int(counts[c]), CLASS_COLOURS[c]) for c in CLASS_ORDER],
        chart=readiness_chart(portfolio) if len(portfolio) else "", meta=meta)
