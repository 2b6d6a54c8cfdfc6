"""`readiness reconcile`: read both sides, compare, write the outputs and print a short summary."""

from __future__ import annotations

import sys
from pathlib import Path

from readiness.config import OUTPUTS_DIR
from readiness.reconcile.autotask import autotask_billing_lines, load_autotask
from readiness.reconcile.clientmap import read_client_map
from readiness.reconcile.errors import ReconcileError
from readiness.reconcile.halo import halo_billing_lines, read_halo_lines
from readiness.reconcile.match import DEFAULT_TOLERANCE, STATUSES, Reconciliation, check_period, reconcile_lines
from readiness.reconcile.report import STATUS_LABELS, money, signed, write_outputs

_SHOWN = 25  # differences printed to the terminal; the rest are in reconciliation.csv


def run_reconciliation(autotask, halo: str | Path, period: str | None = None, client_map: str | Path | None = None,
                       tolerance: float = DEFAULT_TOLERANCE) -> Reconciliation:
    """Compare an Autotask export (folder path, loaded Export, or ``{entity: DataFrame}``) with a HaloPSA
    invoice-lines file for `period` (YYYY-MM; None = everything in both). Raises ReconcileError for bad input and
    FileNotFoundError for a missing file or folder."""
    check_period(period)  # fail on a bad period before reading anything
    export = load_autotask(autotask) if isinstance(autotask, (str, Path)) else autotask
    at_lines, at_info = autotask_billing_lines(export)
    left_out = at_info.pop("left_out")
    halo_path = Path(halo)
    halo_raw = read_halo_lines(halo_path)
    cmap = read_client_map(client_map)
    rec = reconcile_lines(at_lines, halo_billing_lines(halo_raw), period, cmap, _tolerance(tolerance))
    # Items the loader could not read a finite number from never became lines; they are left out like the lines
    # reconcile_lines leaves out, with the same warning.
    rec.warnings.extend(f"Autotask {m}; the line is left out of the comparison" for m in left_out)
    rec.summary["files_read"] = {
        "autotask": at_info,
        "halo": {"file": str(halo_path), "lines": int(len(halo_raw)),
                 "invoices": int(halo_raw["invoicenumber"].nunique())},
        **({"client_map": {"file": str(client_map), "entries": int(len(cmap))}} if cmap is not None else {}),
    }
    if at_info["unnamed_companies"]:
        rec.warnings.append(f"{at_info['unnamed_companies']} Autotask billing item(s) have a companyID that "
                            "Companies does not name; they are shown as 'Autotask company #<id>'")
    return rec


def default_out_dir(period: str | None) -> Path:
    """outputs/reconciliation-<period> (or -all when no period is given)."""
    return OUTPUTS_DIR / f"reconciliation-{period or 'all'}"


def reconcile_command(autotask, halo, out=None, period=None, client_map=None, tolerance=DEFAULT_TOLERANCE,
                      pdf: bool = True) -> int:
    """CLI entry: 0 when the comparison ran (differences or not, they are printed), 2 for unusable input."""
    try:
        rec = run_reconciliation(autotask, halo, period, client_map, tolerance)
    except (ReconcileError, FileNotFoundError) as exc:
        print(f"reconcile: {exc}", file=sys.stderr)
        return 2
    out_dir = Path(out) if out else default_out_dir(rec.period)
    try:
        written = write_outputs(rec, out_dir, pdf=pdf)
    except OSError as exc:
        print(f"reconcile: cannot write to {out_dir}: {exc}", file=sys.stderr)
        return 2
    print(summary_text(rec, written, out_dir))
    return 0


def summary_text(rec: Reconciliation, written: dict, out_dir: Path) -> str:
    """The terminal report: counts by status, totals, the differences, warnings and where files landed."""
    s = rec.summary
    counts = ", ".join(f"{s['counts'][k]} {k}" for k in STATUSES)
    lines = [
        f"Billing reconciliation {rec.period} (tolerance {money(rec.tolerance)})",
        f"  Lines: {s['lines']} ({counts})",
        f"  Totals: Autotask {money(s['totals']['autotask_amount'])}, HaloPSA {money(s['totals']['halo_amount'])}, "
        f"difference (HaloPSA - Autotask) {signed(s['totals']['difference'])}",
    ]
    diff = rec.differences()
    if len(diff):
        lines.append(f"  Differences ({len(diff)}):")
        shown = diff.head(_SHOWN)
        lines += ("    " + shown["client"] + " | " + shown["item"] + " | " + shown["status"].map(STATUS_LABELS)
                  + " | " + shown["difference"].map(signed)).tolist()
        if len(diff) > _SHOWN:
            lines.append(f"    ... and {len(diff) - _SHOWN} more in reconciliation.csv")
    else:
        lines.append("  No differences: every line matches.")
    lines += [f"  Warning: {w}" for w in rec.warnings]
    if "pdf_error" in s:
        lines.append(f"  PDF not written ({s['pdf_error']}); reconciliation.html is complete.")
    lines.append(f"  Written to {out_dir}: {', '.join(sorted(written))}")
    return "\n".join(lines)


def _tolerance(value) -> float:
    try:
        return float(DEFAULT_TOLERANCE if value is None else value)
    except (TypeError, ValueError) as exc:
        raise ReconcileError(f"tolerance {value!r} is not a number (e.g. 0.01)") from exc
