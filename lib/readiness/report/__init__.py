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
                 profile=None, progress=None) -> dict[str, Path]:
    """Audit `export_dir`, write the audit files and the report under out/<slug>/; returns every path written.

    Keys: findings, contract_map, checklist, summary, notebook, html, and pdf (when `pdf`). `timings`, if given,
    receives seconds per step (audit, notebook, html, pdf). Raises ReportError when the notebook fails (the
    partial report.ipynb stays) and PdfUnavailable when the PDF cannot be made (the HTML stays).
    Input errors from the audit (AuditInputError, SuppressionError, FileNotFoundError, ProfileError) pass
    through. `profile` is the consultancy profile YAML (default: $READINESS_PROFILE, else none). `progress`
    (readiness.progress.Progress, the command line's) shows each step as a stage on stderr; default nothing.
    """
    from readiness.profile import load_profile
    from readiness.progress import QUIET
    from readiness.audit import parse_as_of, staged_audit, write_outputs
    from readiness.report.execute import run_notebook
    from readiness.report.render import html_to_pdf, notebook_to_html

    stages = progress or QUIET
    timings = {} if timings is None else timings
    t = time.perf_counter()
    as_of_ts = parse_as_of(as_of)
    prof = load_profile(profile)
    result, suppress = staged_audit(export_dir, out, as_of_ts, client, suppress, prof, progress)
    with stages.stage("writing outputs"):
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
        with stages.stage("running the report notebook"):
            paths["notebook"] = run_notebook(folder / "report.ipynb", params)
    finally:
        cache.unlink(missing_ok=True)
    timings["notebook"] = time.perf_counter() - t

    t = time.perf_counter()
    title = f"{result.client} — Autotask → HaloPSA readiness report"
    with stages.stage("rendering HTML"):
        paths["html"] = notebook_to_html(paths["notebook"], folder / "report.html", title=title)
    timings["html"] = time.perf_counter() - t

    if pdf:
        t = time.perf_counter()
        with stages.stage("making the PDF"):
            paths["pdf"] = html_to_pdf(paths["html"], folder / "report.pdf", engine=engine, paper=paper)
        timings["pdf"] = time.perf_counter() - t
    return paths


def _say_decisions(folder: Path) -> None:
    """Which decision log the report read (the explorer's, in the client's output folder) and, on stderr, any log
    the explorer saved for this client under another output folder."""
    from readiness.decisions import FILE_NAME, decision_logs_elsewhere, load_decisions

    used = folder / FILE_NAME
    if used.is_file():
        print(f"Decisions: {used} ({len(load_decisions(used))} contracts)")
    for other in decision_logs_elsewhere(folder.name, used):
        print(f"warning: decisions for this client were also saved in {other}, which this report did not read; "
              f"run it with --out {other.parent.parent} to use them", file=sys.stderr)


def report_command(export_dir, out, as_of=None, client=None, suppress=None, pdf: bool = True,
                   profile=None, progress=None) -> int:
    """`readiness report`: build the report and print where it landed.

    Returns 0 on success; 3 when the report was made but readiness is Unknown (the export could not be judged);
    1 when the notebook failed (partial report.ipynb kept) or the PDF was asked for and could not be made
    (report.html kept); 2 for bad input (missing export folder or a file given for it or for --out, bad --as-of,
    bad suppressions). `progress` (the command line's readiness.progress.Progress) shows the stages on stderr.
    """
    from readiness.audit import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, INPUT_ERRORS, folder_problem
    from readiness.vocabulary import UNKNOWN

    problem = folder_problem(export_dir, out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    timings: dict = {}
    try:
        paths = build_report(export_dir, out, as_of=as_of, client=client, suppress=suppress, pdf=pdf,
                             timings=timings, profile=profile, progress=progress)
    except INPUT_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PdfUnavailable as exc:
        print(f"error: PDF not made: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    import json

    s = json.loads(paths["summary"].read_text(encoding="utf-8"))
    score = "n/a" if s.get("score") is None else f"{s['score']:g}/100"
    print(f"{s.get('client')}: {s.get('readiness')} (score {score}, coverage {s.get('coverage')}%)")
    print(f"Report HTML: {paths['html']}")
    if "pdf" in paths:
        print(f"Report PDF:  {paths['pdf']}")
    print("Took " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    _say_decisions(paths["summary"].parent)
    return EXIT_UNKNOWN if s.get("readiness") == UNKNOWN else EXIT_OK
