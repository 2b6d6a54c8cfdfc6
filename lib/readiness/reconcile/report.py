"""Write a reconciliation: reconciliation.csv, client_totals.csv, summary.json and the sign-off page as HTML + PDF.

The sign-off page is self-contained (inline CSS, no external URL), every value from the data is HTML-escaped by
the template engine, and it prints on A4 with a signature block for the billing administrator.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from readiness.config import TEMPLATES_DIR
from readiness.reconcile.match import COLUMNS, STATUSES, Reconciliation
from readiness.safe import inside, write_csv

TEMPLATE = "reconciliation.html.j2"
STATUS_LABELS = {"match": "Match", "quantity": "Quantity differs", "price": "Price differs",
                 "quantity_and_price": "Quantity and price differ", "missing_in_halo": "Missing in HaloPSA",
                 "missing_in_autotask": "Missing in Autotask"}
TOTAL_COLUMNS = ["client", "autotask_amount", "halo_amount", "difference", "lines", *STATUSES]


def write_outputs(rec: Reconciliation, out_dir: str | Path, pdf: bool = True) -> dict[str, Path]:
    """Write every output into `out_dir` (created if needed); returns name -> path of what was written.
    A failing PDF renderer leaves the HTML in place and is recorded in summary.json (``pdf_error``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: inside(out_dir, name) for name in
             ("reconciliation.csv", "client_totals.csv", "summary.json", "reconciliation.html", "reconciliation.pdf")}
    write_csv(rec.lines[COLUMNS], paths["reconciliation.csv"])
    write_csv(rec.client_totals[TOTAL_COLUMNS], paths["client_totals.csv"])
    html = render_html(rec)
    paths["reconciliation.html"].write_text(html, encoding="utf-8")
    written = {k: paths[k] for k in ("reconciliation.csv", "client_totals.csv", "reconciliation.html")}
    rec.summary.pop("pdf_error", None)
    if pdf:
        error = write_pdf(html, paths["reconciliation.pdf"], base_url=out_dir)
        if error is None:
            written["reconciliation.pdf"] = paths["reconciliation.pdf"]
        else:
            rec.summary["pdf_error"] = error
    rec.summary["outputs"] = sorted([*written, "summary.json"])
    paths["summary.json"].write_text(json.dumps(rec.summary, indent=2, default=_jsonable) + "\n", encoding="utf-8")
    written["summary.json"] = paths["summary.json"]
    return written


def write_pdf(html: str, path: Path, base_url: str | Path) -> str | None:
    """Render `html` to `path` with WeasyPrint; None on success, else the reason it failed."""
    for name in ("weasyprint", "fontTools"):  # their font and CSS chatter is not the user's concern
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import weasyprint

        weasyprint.HTML(string=html, base_url=str(base_url)).write_pdf(str(path))
    except Exception as exc:  # noqa: BLE001 - any renderer failure must leave the HTML usable
        return f"{type(exc).__name__}: {exc}"
    return None


def render_html(rec: Reconciliation) -> str:
    """The sign-off page as one HTML string."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(TEMPLATE).render(**page_context(rec))


def page_context(rec: Reconciliation) -> dict:
    """Everything the template shows, already formatted as text (the template only lays it out)."""
    s = rec.summary
    diff = rec.differences()
    totals = rec.client_totals
    differing = totals[STATUSES[1:]].sum(axis=1)
    counts = s["counts"]
    n_diff = sum(counts[k] for k in STATUSES[1:])
    net = s["totals"]["difference"]
    if n_diff == 0:
        verdict = (f"Autotask and HaloPSA agree on all {s['lines']} lines within the tolerance of "
                   f"{money(rec.tolerance)}.")
    else:
        direction = "more" if net > 0 else "less"
        verdict = (f"{n_diff} of {s['lines']} lines differ. For the period HaloPSA invoices {money(abs(net))} "
                   f"{direction} than Autotask." if net else
                   f"{n_diff} of {s['lines']} lines differ; the differences cancel out in the period total.")
    files = s.get("files_read", {})
    return {
        "period": rec.period if rec.period != "all" else "(all dates)",
        "period_phrase": rec.period if rec.period != "all" else "all dates in both files",
        "tolerance": money(rec.tolerance),
        "verdict": verdict,
        "clean": n_diff == 0,
        "totals": {"autotask": money(s["totals"]["autotask_amount"]), "halo": money(s["totals"]["halo_amount"]),
                   "difference": signed(net)},
        "counts": [{"label": STATUS_LABELS[k], "n": counts[k], "status": k} for k in STATUSES],
        "lines": s["lines"],
        "clients": s["clients"],
        "client_rows": pd.DataFrame({
            "client": totals["client"], "autotask": totals["autotask_amount"].map(money),
            "halo": totals["halo_amount"].map(money), "difference": totals["difference"].map(signed),
            "lines": totals["lines"], "differing": differing, "flag": differing > 0}).to_dict("records"),
        "diff_rows": pd.DataFrame({
            "client": diff["client"], "item": diff["item"], "status": diff["status"].map(STATUS_LABELS),
            "status_key": diff["status"],
            "autotask": diff["autotask_amount"].map(money),
            "autotask_calc": calc(diff["autotask_qty"], diff["autotask_unit_price"]),
            "halo": diff["halo_amount"].map(money),
            "halo_calc": calc(diff["halo_qty"], diff["halo_unit_price"]),
            "difference": diff["difference"].map(signed)}).to_dict("records"),
        "matched": counts["match"],
        "sources": [
            {"label": "Autotask export", "value": files.get("autotask", {}).get("folder", ""),
             "detail": _at_detail(files.get("autotask", {}), s)},
            {"label": "HaloPSA invoice lines", "value": files.get("halo", {}).get("file", ""),
             "detail": f"{files.get('halo', {}).get('lines', 0)} lines read, " + _compared(s["source_lines"]["halo"])},
            *([{"label": "Client map", "value": files["client_map"]["file"],
                "detail": f"{s['client_map']['entries']} renamed client(s)"}] if files.get("client_map") else []),
        ],
        "warnings": s.get("warnings", []),
    }


def _at_detail(at: dict, s: dict) -> str:
    text = f"{at.get('billing_items', 0)} billing items read, " + _compared(s["source_lines"]["autotask"])
    if at.get("non_billable_skipped"):
        text += f", {at['non_billable_skipped']} non-billable left out"
    return text


def _compared(side: dict) -> str:
    """How many lines of one side were compared, and how many were left out for unusable numbers."""
    unusable = side.get("unusable", 0)
    text = f"{side['in_period'] - unusable} compared"
    return text + (f", {unusable} left out (see the warnings)" if unusable else "")


def money(x) -> str:
    """12,345.60; a dash for a missing value."""
    return "\u2014" if x is None or pd.isna(x) else f"{float(x):,.2f}"


def signed(x) -> str:
    """+12.50 / -3.00 / 0.00 (a difference always shows its sign)."""
    if x is None or pd.isna(x):
        return "\u2014"
    x = 0.0 if abs(float(x)) < 0.005 else float(x)
    return f"{x:+,.2f}" if x else "0.00"


def price(x) -> str:
    """A unit price with 2 to 4 decimals, so 33.333 is not shown as 33.33 next to a rounding difference."""
    if x is None or pd.isna(x):
        return "\u2014"
    text = f"{float(x):,.4f}".rstrip("0")
    return text + "0" * (2 - len(text.split(".")[1])) if "." in text else text + ".00"


def calc(qty: pd.Series, unit: pd.Series) -> pd.Series:
    """'12 × 45.00' for one side of each line; empty where that side has no line."""
    q = qty.astype(float).map("{:,.4f}".format).str.rstrip("0").str.rstrip(".")
    return (q + " \u00d7 " + unit.map(price)).where(qty.notna(), "")


def _jsonable(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, Path):
        return str(x)
    if x is pd.NA:
        return None
    return str(x)
