"""Write a reconciliation: reconciliation.csv, client_totals.csv, summary.json and the sign-off page as HTML + PDF.

Amounts are written rounded to the currency's minor unit (ROUND_HALF_UP, see readiness.reconcile.money) with the
currency beside them: a ``currency`` column in both CSV files (empty when no input names the currency), the code in
every money column's heading on the sign-off page, ``currency`` in summary.json. Unit prices keep up to 4 decimals.

The sign-off page is self-contained (inline CSS, no external URL), every value from the data is HTML-escaped by
the template engine, and it prints on A4 with a signature block for the billing administrator.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from readiness.config import TEMPLATES_DIR
from readiness.reconcile.match import (ABSURD_AMOUNT, COLUMNS, MONEY_COLUMNS, PRICE_COLUMNS, QTY_COLUMNS, STATUSES,
                                       Reconciliation)
from readiness.reconcile.money import (plain, plain_price, plain_quantity, shown, shown_price, shown_signed,
                                       to_decimal)
from readiness.safe import inside, write_csv

TEMPLATE = "reconciliation.html.j2"
STATUS_LABELS = {"match": "Match", "quantity": "Quantity differs", "price": "Price differs",
                 "quantity_and_price": "Quantity and price differ", "missing_in_halo": "Missing in HaloPSA",
                 "missing_in_autotask": "Missing in Autotask"}
TOTAL_COLUMNS = ["client", "autotask_amount", "halo_amount", "difference", "currency", "lines", *STATUSES]
# Why a line read was not compared, as the sign-off page and the terminal say it ("2 lines dated outside 2025-06").
REASON_LABELS = {"non_billable": "non-billable (never invoiced)", "no_date": "without a date",
                 "outside_period": "dated outside {period}", "no_quantity": "without a quantity",
                 "no_amount": "without an amount", "not_finite": "with a number that is not finite (inf, NaN)",
                 "absurd": f"with a number over {ABSURD_AMOUNT:g} (beyond any real invoice)"}


def write_outputs(rec: Reconciliation, out_dir: str | Path, pdf: bool = True) -> dict[str, Path]:
    """Write every output into `out_dir` (created if needed); returns name -> path of what was written.
    A failing PDF renderer leaves the HTML in place and is recorded in summary.json (``pdf_error``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: inside(out_dir, name) for name in
             ("reconciliation.csv", "client_totals.csv", "summary.json", "reconciliation.html", "reconciliation.pdf")}
    write_csv(csv_table(rec.lines, COLUMNS, rec), paths["reconciliation.csv"])
    write_csv(csv_table(rec.client_totals.assign(currency=rec.currency), TOTAL_COLUMNS, rec),
              paths["client_totals.csv"])
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


def csv_table(df: pd.DataFrame, columns: list[str], rec: Reconciliation) -> pd.DataFrame:
    """`columns` of `df` as CSV text: amounts with exactly the minor unit's decimals ("1035.00", JPY "1035"), unit
    prices with up to 4, quantities as summed, the currency code (empty when unknown)."""
    exp = rec.minor_unit
    out = df[columns].copy()
    for col in columns:
        if col in MONEY_COLUMNS:
            out[col] = df[col].map(lambda x: plain(to_decimal(x), exp)).astype("string")
        elif col in PRICE_COLUMNS:
            out[col] = df[col].map(lambda x: plain_price(to_decimal(x), exp)).astype("string")
        elif col in QTY_COLUMNS:
            out[col] = df[col].map(lambda x: plain_quantity(to_decimal(x))).astype("string")
        elif col == "currency":
            out[col] = pd.Series(rec.currency or "", index=df.index, dtype="string")
    return out


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
    exp = rec.minor_unit
    cur = rec.currency or ""
    with_cur = (lambda text: f"{text} {cur}") if cur else (lambda text: text)
    diff = rec.differences()
    totals = rec.client_totals
    differing = totals[STATUSES[1:]].sum(axis=1)
    counts = s["counts"]
    n_diff = sum(counts[k] for k in STATUSES[1:])
    net = rec.totals["difference"]
    if n_diff == 0:
        verdict = (f"Autotask and HaloPSA agree on all {s['lines']} lines within the tolerance of "
                   f"{with_cur(price(rec.tolerance, exp))}.")
    else:
        direction = "more" if net > 0 else "less"
        verdict = (f"{n_diff} of {s['lines']} lines differ. For the period HaloPSA invoices "
                   f"{with_cur(money(abs(net), exp))} {direction} than Autotask." if net else
                   f"{n_diff} of {s['lines']} lines differ; the differences cancel out in the period total.")
    files = s.get("files_read", {})
    source = {"client.yaml": "from the Autotask export's client.yaml", "HaloPSA file": "from the HaloPSA file",
              "given": "as given"}.get(s.get("currency_source") or "", "")
    return {
        "period": rec.period if rec.period != "all" else "(all dates)",
        "period_phrase": rec.period if rec.period != "all" else "all dates in both files",
        "tolerance": with_cur(price(rec.tolerance, exp)),
        "currency": cur,
        "currency_line": (f"Amounts in {cur}{' ' + source if source else ''}, before tax; each line rounded half-up "
                          f"to {exp} decimal{'s' if exp != 1 else ''} (the currency's minor unit) and summed exactly."
                          if cur else None),
        "currency_note": s.get("currency_note"),
        "verdict": verdict,
        "clean": n_diff == 0,
        "totals": {"autotask": money(rec.totals["autotask_amount"], exp),
                   "halo": money(rec.totals["halo_amount"], exp), "difference": signed(net, exp)},
        "counts": [{"label": STATUS_LABELS[k], "n": counts[k], "status": k} for k in STATUSES],
        "lines": s["lines"],
        "clients": s["clients"],
        "client_rows": pd.DataFrame({
            "client": totals["client"], "autotask": totals["autotask_amount"].map(lambda x: money(x, exp)),
            "halo": totals["halo_amount"].map(lambda x: money(x, exp)),
            "difference": totals["difference"].map(lambda x: signed(x, exp)),
            "lines": totals["lines"], "differing": differing, "flag": differing > 0}).to_dict("records"),
        "diff_rows": pd.DataFrame({
            "client": diff["client"], "item": diff["item"], "status": diff["status"].map(STATUS_LABELS),
            "status_key": diff["status"],
            "autotask": diff["autotask_amount"].map(lambda x: money(x, exp)),
            "autotask_calc": calc(diff["autotask_qty"], diff["autotask_unit_price"], exp),
            "halo": diff["halo_amount"].map(lambda x: money(x, exp)),
            "halo_calc": calc(diff["halo_qty"], diff["halo_unit_price"], exp),
            "difference": diff["difference"].map(lambda x: signed(x, exp))}).to_dict("records"),
        "matched": counts["match"],
        "accounting": line_accounting(s, rec.period),
        "sources": [
            {"label": "Autotask export", "value": files.get("autotask", {}).get("folder", ""),
             "detail": f"{files.get('autotask', {}).get('billing_items', 0)} billing items loaded"},
            {"label": "HaloPSA invoice lines", "value": files.get("halo", {}).get("file", ""),
             "detail": f"{files.get('halo', {}).get('lines', 0)} lines on "
                       f"{files.get('halo', {}).get('invoices', 0)} invoices"},
            *([{"label": "Client map", "value": files["client_map"]["file"],
                "detail": f"{s['client_map']['entries']} renamed client(s)"}] if files.get("client_map") else []),
        ],
        "warnings": s.get("warnings", []),
    }


def line_accounting(s: dict, period: str) -> dict:
    """The 'every line read is compared or counted' table: rows (label, Autotask, HaloPSA) and whether it adds up.

    Rows: lines read, compared, then one per reason a line was not compared that either side has."""
    sides = [s["source_lines"]["autotask"], s["source_lines"]["halo"]]
    reasons = [k for k in REASON_LABELS if any(side["not_compared"].get(k) for side in sides)]
    reasons += [k for side in sides for k in side["not_compared"] if k not in reasons]
    rows = [{"label": "Lines read", "cells": [side["read"] for side in sides], "kind": "read"},
            {"label": "Compared", "cells": [side["compared"] for side in sides], "kind": "compared"}]
    rows += [{"label": "Not compared: " + reason_label(k, period),
              "cells": [side["not_compared"].get(k, 0) or "\u2014" for side in sides], "kind": "reason"}
             for k in reasons]
    not_compared = [sum(side["not_compared"].values()) for side in sides]
    summary = "; ".join(f"{name}: {side['read']} lines read, {side['compared']} compared, {n} not compared"
                        for name, side, n in zip(("Autotask", "HaloPSA"), sides, not_compared))
    summary += " (the reasons are under \u201cLines read and compared\u201d)." if any(not_compared) else "."
    adds_up = all(side["read"] == side["compared"] + sum(side["not_compared"].values()) for side in sides)
    unusable = any(side.get("unusable") for side in sides)
    return {"rows": rows, "adds_up": adds_up, "unusable": unusable, "summary": summary}


def reason_label(key: str, period: str) -> str:
    """'dated outside 2025-06', 'non-billable (never invoiced)', ... for a NOT_COMPARED key."""
    return REASON_LABELS.get(key, key.replace("_", " ")).format(period=period)


def money(x, exponent: int = 2) -> str:
    """12,345.60 (rounded half-up to `exponent` decimals, the currency's minor unit); a dash for a missing value."""
    return shown(to_decimal(x), exponent)


def signed(x, exponent: int = 2) -> str:
    """+12.50 / -3.00 / 0.00 (a difference always shows its sign)."""
    return shown_signed(to_decimal(x), exponent)


def price(x, exponent: int = 2) -> str:
    """A unit price with 2 (the minor unit's decimals) to 4 decimals, so 33.333 is not shown as 33.33 next to a
    rounding difference."""
    return shown_price(to_decimal(x), exponent)


def calc(qty: pd.Series, unit: pd.Series, exponent: int = 2) -> pd.Series:
    """'12 × 45.00' for one side of each line; empty where that side has no line."""
    q = qty.map(lambda x: "" if to_decimal(x) is None else f"{to_decimal(x):,f}")
    q = q.map(lambda t: t.rstrip("0").rstrip(".") if "." in t else t)
    return (q + " \u00d7 " + unit.map(lambda x: price(x, exponent))).where(qty.map(to_decimal).notna(), "")


def _jsonable(x):
    if isinstance(x, Decimal):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, Path):
        return str(x)
    if x is pd.NA:
        return None
    return str(x)
