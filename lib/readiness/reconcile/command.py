"""`readiness reconcile`: read both sides, compare, write the outputs and print a short summary."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from readiness.config import OUTPUTS_DIR
from readiness.reconcile.autotask import autotask_billing_lines, load_autotask
from readiness.reconcile.clientmap import read_client_map
from readiness.reconcile.errors import ReconcileError
from readiness.reconcile.halo import halo_billing_lines, read_halo_lines
from readiness.reconcile.match import STATUSES, Reconciliation, add_not_compared, check_period, reconcile_lines
from readiness.reconcile.money import UNKNOWN_NOTE, check_code, codes_in
from readiness.reconcile.report import STATUS_LABELS, money, price, reason_label, signed, write_outputs

_SHOWN = 25  # differences printed to the terminal; the rest are in reconciliation.csv


def run_reconciliation(autotask, halo: str | Path, period: str | None = None, client_map: str | Path | None = None,
                       tolerance=None, currency: str | None = None) -> Reconciliation:
    """Compare an Autotask export (folder path, loaded Export, or ``{entity: DataFrame}``) with a HaloPSA
    invoice-lines file for `period` (YYYY-MM; None = everything in both). The currency is `currency` when given,
    else client.yaml's ``currency``, else the one the HaloPSA file names (resolve_currency); `tolerance` None is one
    minor unit of it. Raises ReconcileError for bad input and FileNotFoundError for a missing file or folder."""
    check_period(period)  # fail on a bad period before reading anything
    export = load_autotask(autotask) if isinstance(autotask, (str, Path)) else autotask
    at_lines, at_info = autotask_billing_lines(export)
    left_out = at_info.pop("left_out")
    halo_path = Path(halo)
    halo_raw = read_halo_lines(halo_path)
    cmap = read_client_map(client_map)
    code, source, note, currency_warnings = resolve_currency(currency, getattr(export, "client", None),
                                                             halo_raw["currency"])
    rec = reconcile_lines(at_lines, halo_billing_lines(halo_raw), period, cmap, tolerance, code)
    # Items the loader could not read a finite number from never became lines; they are left out like the lines
    # reconcile_lines leaves out, with the same warning. They and the non-billable items are lines read that were
    # not compared, so they are counted with the other reasons.
    rec.warnings.extend(f"Autotask {m}; the line is left out of the comparison" for m in left_out)
    at_side = rec.summary["source_lines"]["autotask"]
    add_not_compared(at_side, "non_billable", at_info["non_billable_skipped"])
    add_not_compared(at_side, "not_finite", at_info["unreadable_rows"])
    rec.summary.update(currency_source=source, **({"currency_note": note} if note else {}))
    rec.warnings.extend(currency_warnings)
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


def resolve_currency(given, client: dict | None, halo_currency: pd.Series | None = None
                     ) -> tuple[str | None, str | None, str | None, list[str]]:
    """(ISO 4217 code or None, where it came from, a note when unknown, warnings).

    Order: `given` (a caller's override), client.yaml ``currency`` (the setting the audit's cost estimate reads
    too), the single ISO code the HaloPSA lines carry (header ``currency`` / ``currency_code_name``); none of
    them: unknown, with a note. Raises ReconcileError for a client.yaml or given currency that is not a
    three-letter code. Warns when the HaloPSA lines name several currencies or another one than the one used."""
    try:
        given_code = check_code(given, "currency")
        yaml_code = check_code((client or {}).get("currency"), "client.yaml")
    except ValueError as exc:
        raise ReconcileError(str(exc)) from None
    halo_codes, halo_other = codes_in([] if halo_currency is None else halo_currency)
    warnings = []
    if len(halo_codes) > 1:
        warnings.append(f"the HaloPSA invoice lines are in {len(halo_codes)} currencies ({', '.join(halo_codes)}); "
                        "amounts are compared as given, without conversion: reconcile one currency at a time")
    if given_code:
        code, source = given_code, "given"
    elif yaml_code:
        code, source = yaml_code, "client.yaml"
    elif len(halo_codes) == 1:
        code, source = halo_codes[0], "HaloPSA file"
    else:
        code, source = None, None
    others = [c for c in halo_codes if c != code]
    if code and others and len(halo_codes) == 1:
        warnings.append(f"the currency is {code} ({source}) but the HaloPSA invoice lines are in {others[0]}: "
                        "check the export and the HaloPSA file are the same client's billing")
    note = None
    if code is None:
        note = UNKNOWN_NOTE
        if halo_other and not halo_codes:
            note += f" (the HaloPSA file gives only {', '.join(map(repr, halo_other[:3]))}, not an ISO code)"
        if len(halo_codes) > 1:
            note += "; the HaloPSA file names several currencies"
    return code, source, note, warnings


def default_out_dir(period: str | None) -> Path:
    """outputs/reconciliation-<period> (or -all when no period is given)."""
    return OUTPUTS_DIR / f"reconciliation-{period or 'all'}"


def reconcile_command(autotask, halo, out=None, period=None, client_map=None, tolerance=None,
                      pdf: bool = True, currency: str | None = None) -> int:
    """CLI entry: 0 when the comparison ran (differences or not, they are printed), 2 for unusable input.
    `currency` overrides client.yaml and the HaloPSA file (see run_reconciliation)."""
    try:
        rec = run_reconciliation(autotask, halo, period, client_map, tolerance, currency)
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
    """The terminal report: counts by status, totals, lines not compared and why, the differences, warnings and
    where files landed."""
    s = rec.summary
    exp = rec.minor_unit
    cur = f" {rec.currency}" if rec.currency else ""
    counts = ", ".join(f"{s['counts'][k]} {k}" for k in STATUSES)
    t = rec.totals
    lines = [
        f"Billing reconciliation {rec.period} (amounts in {rec.currency or 'an unknown currency'}, "
        f"tolerance {price(rec.tolerance, exp)}{cur})",
        f"  Lines: {s['lines']} ({counts})",
        f"  Totals: Autotask {money(t['autotask_amount'], exp)}{cur}, HaloPSA {money(t['halo_amount'], exp)}{cur}, "
        f"difference (HaloPSA - Autotask) {signed(t['difference'], exp)}{cur}",
    ]
    for side, name in (("autotask", "Autotask"), ("halo", "HaloPSA")):
        info = s["source_lines"][side]
        why = ", ".join(f"{n} {reason_label(k, rec.period)}" for k, n in info["not_compared"].items())
        lines.append(f"  {name} lines read: {info['read']}, compared {info['compared']}"
                     + (f", not compared: {why}" if why else ""))
    if s.get("currency_note"):
        lines.append(f"  Note: {s['currency_note']}")
    diff = rec.differences()
    if len(diff):
        lines.append(f"  Differences ({len(diff)}):")
        shown = diff.head(_SHOWN)
        lines += ("    " + shown["client"] + " | " + shown["item"] + " | " + shown["status"].map(STATUS_LABELS)
                  + " | " + shown["difference"].map(lambda x: signed(x, exp) + cur)).tolist()
        if len(diff) > _SHOWN:
            lines.append(f"    ... and {len(diff) - _SHOWN} more in reconciliation.csv")
    else:
        lines.append("  No differences: every line matches.")
    lines += [f"  Warning: {w}" for w in rec.warnings]
    if "pdf_error" in s:
        lines.append(f"  PDF not written ({s['pdf_error']}); reconciliation.html is complete.")
    lines.append(f"  Written to {out_dir}: {', '.join(sorted(written))}")
    return "\n".join(lines)
