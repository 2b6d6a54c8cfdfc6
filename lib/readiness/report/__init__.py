"""`readiness report`: audit an export, run the report notebook, render client HTML and PDF.

OUT/<client-slug>/ receives the audit files (findings.csv, contract_map.csv, checklist.csv, summary.json), then
report.ipynb (the executed notebook), report.html (self-contained, no code) and report.pdf.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import sys
import time
from pathlib import Path

from readiness.report.exceptions import PdfUnavailable, ReportError

__all__ = ["build_report", "report_command", "ReportError", "PdfUnavailable"]

def presented_facts(result) -> list:
    """The facts the report's sections read (report/sections/): templates and their sends over the window the
    run used, the workflow rules, the picklist labels shown, and how the export was read. Only facts travel to
    the notebook, never the export."""
    from readiness.report.present import _window

    return ["templates", "workflow_rules", ("template_sends", _window(result, "retire:templates")),
            ("labels", "Resources", "userType"), "load_ledger", "load_rejects", "load_problems", "source_path",
            "assumed_labels"]


def for_presentation(result):
    """`result` with its facts cut down to what the report reads and no export."""
    return dataclasses.replace(result, facts=result.facts.for_presentation(presented_facts(result)), export=None)


def build_report(export_dir, out, as_of=None, client=None, suppress=None, pdf: bool = True,
                 engine: str = "weasyprint", paper: str = "A4", timings: dict | None = None,
                 profile=None) -> dict[str, Path]:
    """Audit `export_dir`, write the audit files and the report under out/<slug>/; returns every path written.

    Keys: findings, contract_map, checklist, summary, notebook, html, and pdf (when `pdf`). `timings`, if given,
    receives seconds per step (audit, notebook, html, pdf). Raises ReportError when the notebook fails (the
    partial report.ipynb stays) and PdfUnavailable when the PDF cannot be made (the HTML stays).
    Input errors from the audit (AuditInputError, SuppressionError, FileNotFoundError, ProfileError) pass
    through. `profile` is the consultancy profile YAML (default: $READINESS_PROFILE, else none).
    """
    from readiness.profile import load_profile
    from readiness.audit import load_for_client, parse_as_of, run_audit, write_outputs
    from readiness.report.execute import run_notebook
    from readiness.report.render import html_to_pdf, notebook_to_html

    timings = {} if timings is None else timings
    t = time.perf_counter()
    as_of_ts = parse_as_of(as_of)
    prof = load_profile(profile)
    export, suppress = load_for_client(export_dir, out, client, suppress)
    result = run_audit(export, as_of=as_of_ts, client=client, suppress=suppress, profile=prof)
    paths = dict(write_outputs(result, out))
    folder = paths["summary"].parent
    timings["audit"] = time.perf_counter() - t

    # The notebook gets the finished audit through a pickle instead of loading the export a second time; the
    # resolved client and as-of also let it re-run the identical audit when opened by hand.
    cache = folder / f".audit-{os.getpid()}.pkl"
    cache.write_bytes(pickle.dumps(for_presentation(result), protocol=pickle.HIGHEST_PROTOCOL))
    params = {
        "export_dir": str(Path(export_dir).resolve()),
        "client": result.client,
        "as_of": result.as_of.date().isoformat(),
        "suppress": str(Path(suppress).resolve()) if suppress else "",
        "profile": str(Path(profile).resolve()) if profile else "",
        "out_dir": str(Path(out).resolve()),
        "audit_cache": str(cache),
    }
    t = time.perf_counter()
    try:
        paths["notebook"] = run_notebook(folder / "report.ipynb", params)
    finally:
        cache.unlink(missing_ok=True)
    timings["notebook"] = time.perf_counter() - t

    t = time.perf_counter()
    title = f"{result.client} — Autotask → HaloPSA readiness report"
    paths["html"] = notebook_to_html(paths["notebook"], folder / "report.html", title=title)
    timings["html"] = time.perf_counter() - t

    if pdf:
        t = time.perf_counter()
        paths["pdf"] = html_to_pdf(paths["html"], folder / "report.pdf", engine=engine, paper=paper)
        timings["pdf"] = time.perf_counter() - t
    return paths


def report_command(export_dir, out, as_of=None, client=None, suppress=None, pdf: bool = True,
                   profile=None) -> int:
    """`readiness report`: build the report and print where it landed.

    Returns 0 on success; 1 when the notebook failed (partial report.ipynb kept) or the PDF was asked for and
    could not be made (report.html kept); 2 for bad input (missing export folder, bad --as-of, bad suppressions).
    """
    from readiness.audit import INPUT_ERRORS

    if not Path(export_dir).is_dir():
        print(f"error: export folder not found: {export_dir}", file=sys.stderr)
        return 2
    timings: dict = {}
    try:
        paths = build_report(export_dir, out, as_of=as_of, client=client, suppress=suppress, pdf=pdf,
                             timings=timings, profile=profile)
    except INPUT_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PdfUnavailable as exc:
        print(f"error: PDF not made: {exc}", file=sys.stderr)
        return 1
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    import json

    s = json.loads(paths["summary"].read_text(encoding="utf-8"))
    score = "n/a" if s.get("score") is None else f"{s['score']:g}/100"
    print(f"{s.get('client')}: {s.get('readiness')} (score {score}, coverage {s.get('coverage')}%)")
    print(f"Report HTML: {paths['html']}")
    if "pdf" in paths:
        print(f"Report PDF:  {paths['pdf']}")
    print("Took " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    return 0
