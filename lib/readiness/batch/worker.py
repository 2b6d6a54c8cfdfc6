"""One client of a batch, run inside a pool process: report into a temporary folder, then move it into place.

Layout under the batch output folder OUT:
- OUT/<slug>/                the client's finished outputs (report.pdf/html/ipynb, findings.csv, summary.json ...)
- OUT/.tmp-<slug>-<pid>/     work in progress; renamed into OUT/<slug>/ only when the report is complete
- OUT/_failed/<slug>/        what a failed run left (the partial report.ipynb with its error banner)
- OUT/_logs/<slug>.log       kernel and papermill messages of the client's last run
Slugs never contain "_" or "." so these folders cannot collide with a client's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

from readiness.report.execute import cell_label
from readiness.safe import inside, slugify

FAILED_DIR = "_failed"
LOGS_DIR = "_logs"
TMP_PREFIX = ".tmp-"
ATTEMPTS = 2  # one retry, for kernel start-up failures only
# Messages of kernel start-up failures (ZMQ port races when several kernels start at once, slow start).
STARTUP_MARKERS = ("kernel died before replying to kernel_info", "kernel didn't respond", "address already in use")
# A timeout inside a running cell is the notebook's failure, not a start-up failure.
_CELL_ERRORS = ("PapermillExecutionError", "CellTimeoutError", "CellExecutionError", "DeadKernelError")
# Local names under which the loader and the suppressions reader hold the file they are reading: an error raised
# while loading carries them in its traceback, which is how the ledger names the file when the message does not.
_FILE_LOCALS = ("path", "file", "filename")
INTERRUPTED = "KeyboardInterrupt: the batch was interrupted before this client finished; run the batch again"
_interrupted = False  # set in a pool process by the first Ctrl-C it receives
_busy = False  # a pool process is running a client


def now_iso() -> str:
    """Local wall time with offset, to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_startup_failure(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is a kernel that failed to start, which a second try can cure."""
    chain = list(_chain(exc))
    if any(type(e).__name__ in _CELL_ERRORS for e in chain):
        return False
    if any(getattr(e, "cell_index", None) is not None for e in chain):
        return False
    for e in chain:
        text = f"{getattr(e, 'ename', '')} {getattr(e, 'evalue', '')} {e}".lower()
        if any(m in text for m in STARTUP_MARKERS):
            return True
        if isinstance(e, TimeoutError):
            return True
    return False


def report_files(folder: Path, pdf: bool) -> list[Path]:
    """The files that make a client's outputs complete: findings.csv, summary.json, the sign-off workbook and the
    report (report.pdf when a PDF is wanted and a PDF engine is installed, else report.html)."""
    report = "report.pdf" if pdf and pdf_engine_installed() else "report.html"
    return [folder / "findings.csv", folder / "summary.json", folder / "workbook.xlsx", folder / report]


def pdf_engine_installed() -> bool:
    """Whether WeasyPrint is importable in principle (found without importing it: that takes a second)."""
    import importlib.util

    return importlib.util.find_spec("weasyprint") is not None


def newest_input_mtime(export: Path, suppress: Path | None = None) -> float:
    """Newest modification time (epoch seconds) of any file in the export folder (recursive) or the
    suppressions file; 0.0 when there are none."""
    times = [p.stat().st_mtime for p in export.rglob("*") if p.is_file()] if export.is_dir() else []
    if suppress is not None and suppress.is_file():
        times.append(suppress.stat().st_mtime)
    return max(times, default=0.0)


def is_up_to_date(folder: Path, export: Path, suppress: Path | None = None, pdf: bool = True,
                  as_of: str | None = None, profile: Path | None = None) -> bool:
    """True when `folder` holds complete outputs, each newer than every input file (the consultancy profile
    included: its name, logo and rate are in the report), and made for `as_of` (when one is given)."""
    files = report_files(folder, pdf)
    if not all(f.is_file() for f in files):
        return False
    from readiness.audit import CLIENT_FILES

    # a decision or mute saved in the explorer since the last run is an input too
    kept = [(folder / f).stat().st_mtime for f in CLIENT_FILES if (folder / f).is_file()]
    if profile is not None and Path(profile).is_file():
        kept.append(Path(profile).stat().st_mtime)
    if min(f.stat().st_mtime for f in files) <= max([newest_input_mtime(export, suppress), *kept]):
        return False
    if as_of:
        import json

        try:
            made_for = json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("as_of")
        except (OSError, ValueError):
            return False
        return made_for == as_of
    return True


def replace_dir(src: Path, dest: Path) -> None:
    """Move folder `src` to `dest`, replacing what was there.

    A folder cannot be renamed over a non-empty one, so the old one is renamed aside first and deleted after:
    at every moment `dest` is either the old complete outputs, absent, or the new complete outputs.
    """
    old = dest.with_name(f"{TMP_PREFIX}old-{dest.name}-{os.getpid()}")
    if dest.exists():
        if old.exists():
            shutil.rmtree(old)
        os.replace(dest, old)
    os.replace(src, dest)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _output_to(log_path: Path):
    """Send this process's stdout/stderr (and so the kernel's, which inherits them) to `log_path`, so kernel
    warnings do not break the batch's progress bar."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (fd, *saved):
            os.close(f)


def _stage(exc: BaseException) -> str:
    """Where a client failed: input (audit could not start), kernel (would not start), notebook, or other."""
    from readiness.audit import INPUT_ERRORS
    from readiness.report.exceptions import ReportError

    if isinstance(exc, INPUT_ERRORS):
        return "input"
    if is_startup_failure(exc):
        return "kernel"
    if isinstance(exc, ReportError):
        return "notebook"
    return "other"


def describe_error(exc: BaseException) -> str:
    """`Type: message`; for a failed notebook also the exception raised inside the kernel; notes added to the
    exception on its way up (e.g. which file was being read) follow in brackets."""
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    if ename and type(exc).__name__ == "ReportError":
        return f"ReportError: {ename}: {evalue}".strip()
    notes = [str(n) for n in getattr(exc, "__notes__", None) or []]
    return f"{type(exc).__name__}: {exc}" + (f" ({'; '.join(notes)})" if notes else "")


def input_file(exc: BaseException, folders: list[Path], files: list[Path]) -> Path | None:
    """The input file that was being read when `exc` (or what caused it) was raised: the innermost traceback
    frame whose `path`, `file` or `filename` is a file inside one of `folders` or one of `files`; else None."""
    folders = [f.resolve() for f in folders]
    files = {f.resolve() for f in files}
    for e in _chain(exc):
        frames = []
        tb = e.__traceback__
        while tb is not None:
            frames.append(tb.tb_frame)
            tb = tb.tb_next
        for frame in reversed(frames):
            for name in _FILE_LOCALS:
                value = frame.f_locals.get(name)
                if not isinstance(value, (str, os.PathLike)):
                    continue
                try:
                    path = Path(value).resolve()
                    if path.is_file() and (path in files or any(d in path.parents for d in folders)):
                        return path
                except (OSError, ValueError):  # not a usable path (too long, NUL byte ...)
                    continue
    return None


def _name_input_file(row: dict, error: BaseException, job: dict, tmp: Path, final: Path) -> None:
    """When a client failed while its export or suppressions were being read, make the ledger's error name the
    file (relative to the export folder, else its full path) and count the failure as an input failure."""
    from readiness.audit import CLIENT_FILES
    from readiness.report.exceptions import ReportError

    if isinstance(error, ReportError):  # the notebook ran: its inputs had all been read
        return
    export = Path(job["export"])
    made = tmp / slugify(job["name"])
    carried = [made / f for f in CLIENT_FILES]  # the consultant's own files, copied in from OUT/<slug>/
    source = input_file(error, [export], [*carried, *([Path(job["suppress"])] if job.get("suppress") else [])])
    if source is None:
        return
    if export.resolve() in source.parents:
        shown = source.relative_to(export.resolve()).as_posix()
    elif source.parent == made.resolve():
        shown = str(final / source.name)
    else:
        shown = str(source)
    row["stage"] = "input"
    if shown not in row["error"] and source.name not in row["error"]:
        kind, _, message = row["error"].partition(": ")
        row["error"] = f"{kind}: reading {shown}: {message}"


def watch_interrupt() -> None:
    """Pool initializer: a Ctrl-C ends the client this process is running, and it starts no further one.

    Without it the process would take the next queued client while the batch is stopping, and could finish it
    after the batch had written that client off. Only the first Ctrl-C interrupts, so the clean-up after it is
    not cut short; an idle process just remembers it and exits when the pool tells it to."""
    signal.signal(signal.SIGINT, _on_interrupt)


def _on_interrupt(signum, frame) -> None:
    global _interrupted
    first = not _interrupted
    _interrupted = True
    if first and _busy:
        raise KeyboardInterrupt


def _only_subfolder(tmp: Path) -> Path | None:
    """The client folder build_report made inside the temporary folder (it makes exactly one)."""
    subs = [p for p in tmp.iterdir() if p.is_dir()] if tmp.is_dir() else []
    return subs[0] if len(subs) == 1 else None


def run_client(job: dict) -> dict:
    """Build one client's report into OUT/.tmp-<slug>-<pid>/ and move it to OUT/<slug>/ when complete.

    job: name, slug, export, suppress (or None), out, as_of (YYYY-MM-DD or None), pdf (bool).
    Returns the ledger row (client, slug, export, status ok|failed|interrupted, started, finished, seconds,
    attempts, error, failing_cell, partial_notebook, report_path; paths relative to OUT) plus `stage` for a failure
    and `timings` (seconds per report step: audit, notebook, html, pdf). Never raises for a client's own failure:
    a failing client must not stop the batch. After a Ctrl-C in this process it runs nothing and returns the row
    as interrupted; a Ctrl-C during the run itself propagates.
    """
    out = Path(job["out"]).resolve()
    slug = job["slug"]
    started, t0 = now_iso(), time.perf_counter()
    row = {"client": job["name"], "slug": slug, "export": str(job["export"]), "status": "failed", "started": started,
           "finished": "", "seconds": 0.0, "attempts": 0, "error": "", "failing_cell": "", "partial_notebook": "",
           "report_path": "", "stage": "", "timings": {}}
    if _interrupted:
        return {**row, "status": "interrupted", "error": INTERRUPTED, "started": "", "stage": "interrupted"}
    tmp = inside(out, f"{TMP_PREFIX}{slug}-{os.getpid()}")
    final = inside(out, slug)
    failed = inside(out, Path(FAILED_DIR) / slug)
    try:
        _run(job, row, out, tmp, final, failed)
    except Exception as exc:  # moving folders or writing the log failed: still a ledger row, not a lost batch
        row.update(status="failed", error=describe_error(exc), stage="other")
    finally:
        if _interrupted and row["status"] == "failed":  # whatever the Ctrl-C turned into on its way up
            row.update(status="interrupted", error=INTERRUPTED, stage="interrupted")
        shutil.rmtree(tmp, ignore_errors=True)
        row["finished"] = now_iso()
        row["seconds"] = round(time.perf_counter() - t0, 2)
    return row


def _carry_client_files(final: Path, tmp: Path, name: str) -> None:
    """Copy the consultant's own files (explorer decisions and mutes) from the finished client folder into the
    new run, so the report uses them and replacing the folder does not lose them."""
    from readiness.audit import CLIENT_FILES

    kept = [final / f for f in CLIENT_FILES if (final / f).is_file()]
    if kept:
        dest = tmp / slugify(name)  # where build_report writes this client (its slug of the client name)
        dest.mkdir(parents=True, exist_ok=True)
        for f in kept:
            shutil.copy2(f, dest / f.name)


def _attempt(job: dict, row: dict, tmp: Path, final: Path) -> BaseException | None:
    """Run build_report into `tmp`, once more after a kernel start-up failure; returns the final error or None."""
    from readiness import report as report_pkg
    from readiness.report.exceptions import PdfUnavailable

    error = None
    for attempt in range(1, ATTEMPTS + 1):
        row["attempts"] = attempt
        shutil.rmtree(tmp, ignore_errors=True)
        _carry_client_files(final, tmp, job["name"])
        try:
            report_pkg.build_report(job["export"], tmp, as_of=job.get("as_of"), client=job["name"],
                                    suppress=job.get("suppress"), pdf=job.get("pdf", True), timings=row["timings"],
                                    profile=job.get("profile"))
            print("seconds per step: " + ", ".join(f"{k} {v:.1f}" for k, v in row["timings"].items()),
                  file=sys.stderr)
            return None
        except PdfUnavailable as exc:
            # The HTML report is complete; the batch keeps it and says why there is no PDF.
            row["error"] = describe_error(exc)
            return None
        except Exception as exc:
            error = exc
            if attempt < ATTEMPTS and is_startup_failure(exc):
                print(f"kernel start-up failed ({describe_error(exc)}); retrying", file=sys.stderr)
                time.sleep(random.uniform(0.3, 1.2))  # de-synchronise from the other workers' kernels
                continue
            return error
    return error


def _run(job: dict, row: dict, out: Path, tmp: Path, final: Path, failed: Path) -> None:
    """The body of run_client: attempts, then move the outputs into place (or aside, on failure).

    A Ctrl-C interrupts the attempts only: outputs that are complete are always moved into place."""
    global _busy
    with _output_to(inside(out, Path(LOGS_DIR) / f"{job['slug']}.log")):
        _busy = True
        try:
            if _interrupted:  # the Ctrl-C came while this client was being set up
                raise KeyboardInterrupt
            error = _attempt(job, row, tmp, final)
        finally:
            _busy = False
    made = _only_subfolder(tmp)
    if error is None and made is not None and (made / "report.html").is_file():
        replace_dir(made, final)
        shutil.rmtree(failed, ignore_errors=True)
        row["status"] = "ok"
        report = final / "report.pdf" if (final / "report.pdf").is_file() else final / "report.html"
        row["report_path"] = report.relative_to(out).as_posix()
        return
    if error is None:
        error = RuntimeError("the report finished without writing report.html")
    row["error"] = describe_error(error)
    row["stage"] = _stage(error)
    _name_input_file(row, error, job, tmp, final)
    row["failing_cell"] = getattr(error, "cell_label", "") or ""
    if made is not None:
        failed.parent.mkdir(parents=True, exist_ok=True)
        replace_dir(made, failed)
        if (failed / "report.ipynb").is_file():
            row["partial_notebook"] = (failed / "report.ipynb").relative_to(out).as_posix()
            # The saved notebook is the ground truth for which cell failed (papermill adds banner cells to it).
            row["failing_cell"] = cell_label(failed / "report.ipynb") or row["failing_cell"]
        # Messages name the temporary folder; point them at where the partial outputs now are.
        for key in ("error", "failing_cell"):
            row[key] = row[key].replace(str(made.resolve()), str(failed)).replace(str(made), str(failed))
