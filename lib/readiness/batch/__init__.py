"""`readiness batch`: readiness reports for many clients at once, with a portfolio summary.

Each client runs in its own pool process and its own kernel (papermill Python API through build_report), so
nothing leaks between clients. Outputs:

- OUT/<slug>/          each client's report, as `readiness report` writes it
- OUT/ledger.csv       one row per client: what ran, how long, what failed (status ok | failed | skipped |
                       interrupted: the batch was stopped with Ctrl-C before this client finished)
- OUT/portfolio.csv    one row per client: readiness, score, coverage, blockers, effort, status, report path
- OUT/index.html       self-contained portfolio page linking every report
- OUT/_failed/<slug>/  the partial outputs of a client whose last run failed; OUT/_logs/<slug>.log its kernel log

Paths in the CSVs are relative to OUT, so the folder can be zipped and sent as is.

Exit codes: 0 every client reported or was up to date; 1 at least one client failed (the rest finished);
2 nothing ran: bad arguments, INPUT missing/unreadable/empty, or every client failed before its report could start
(export folder or suppressions file missing or unusable, or the kernel would not start even on the retry);
130 interrupted (Ctrl-C): clients that finished are ok in the ledger, the others interrupted.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import multiprocessing
import os
import shutil
import signal
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from readiness.batch.inputs import BatchInputError, Client, read_input
from readiness.batch.portfolio import LEDGER_COLUMNS, portfolio_frame, render_index
from readiness.batch.worker import (INTERRUPTED, TMP_PREFIX, describe_error, is_up_to_date, now_iso, report_files,
                                    run_client, watch_interrupt)
from readiness.safe import inside, replace_into, write_csv

__all__ = ["batch_command", "run_batch", "BatchResult", "BatchInputError", "read_input", "run_client"]

# A fresh interpreter per worker: the same on Linux, macOS and Windows, and nothing inherited from the parent
# (open figures, threads, a half-imported kernel client) can leak into a client's run.
START_METHOD = "spawn"
# Failure stages that mean the client's report never started; if every client stops there, nothing ran.
NOT_STARTED = ("input", "kernel")
STOP_SECONDS = 10  # after Ctrl-C, how long a worker may take to end its client and clean up before it is ended


@dataclass
class BatchResult:
    """What a batch did: the ledger and portfolio frames, where they were written, and the exit code."""

    ledger: pd.DataFrame
    portfolio: pd.DataFrame
    paths: dict[str, Path] = field(default_factory=dict)
    exit_code: int = 0
    seconds: float = 0.0
    workers: int = 0
    timings: dict[str, dict] = field(default_factory=dict)  # slug -> seconds per report step (clients that ran)


def _row(client: Client, status: str, **values) -> dict:
    row = {c: "" for c in LEDGER_COLUMNS}
    row.update(client=client.name, slug=client.slug, export=str(client.export), status=status, seconds=0.0,
               attempts=0, stage="")
    row.update(values)
    return row


def _remove_stale_tmp(out: Path) -> None:
    """Delete temporary folders left by an interrupted batch (their worker process no longer runs)."""
    for tmp in out.glob(TMP_PREFIX + "*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if not tmp.is_dir():
            continue
        if os.name == "posix" and pid.isdigit():
            try:
                os.kill(int(pid), 0)  # signal 0 only asks whether the process exists
                continue
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        elif time.time() - tmp.stat().st_mtime < 86400:
            continue  # no cheap liveness check here: leave recent ones alone
        shutil.rmtree(tmp, ignore_errors=True)


def _write_atomic(out: Path, name: str, write) -> Path:
    """Write OUT/name through a temporary file renamed into place (a reader never sees half a file)."""
    return replace_into(inside(out, name), write)


class _Progress:
    """tqdm bar on a terminal (done / total, failures, elapsed, ETA); one line per client otherwise."""

    def __init__(self, total: int, show_bar: bool | None = None, stream=None):
        self.stream = stream or sys.stdout
        self.bar = None
        self.done = 0
        self.total = total
        self.failed = 0
        if show_bar is None:
            show_bar = bool(getattr(sys.stderr, "isatty", lambda: False)()) and bool(
                getattr(self.stream, "isatty", lambda: False)())
        if show_bar and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="client", desc="clients", file=sys.stderr, dynamic_ncols=True,
                            bar_format="{desc} |{bar}| {n_fmt}/{total_fmt}{postfix} [{elapsed}<{remaining}]")
            self.bar.set_postfix_str("failed=0")

    def settle(self, row: dict) -> None:
        self.done += 1
        self.failed += row["status"] == "failed"
        if self.bar is not None:
            self.bar.set_postfix_str(f"failed={self.failed}")
            self.bar.update(1)
            return
        detail = f"{row['seconds']:.1f} s" if row["status"] != "skipped" else "up to date"
        if row["status"] in ("failed", "interrupted"):
            detail += f": {row['error']}"
        print(f"[{self.done}/{self.total}] {row['client']}: {row['status']} ({detail})", file=self.stream,
              flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _stop(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the worker processes (Ctrl-C).

    Without this the queued clients would still run and the interpreter would wait for them at exit. Each worker
    is first asked to stop with SIGINT (a Ctrl-C at the terminal has already sent it one; see
    worker.watch_interrupt), which ends the client it is running and lets it clean up; one still running after
    STOP_SECONDS is terminated, then killed. The executor has no public way to reach its workers before Python
    3.14, hence `_processes`, read before shutdown() drops it. A worker ended here leaves at most a .tmp- folder
    (removed by the next batch); its kernel exits by itself when its parent goes.
    """
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    if os.name == "posix":
        for proc in procs:
            with contextlib.suppress(Exception):
                os.kill(proc.pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_SECONDS
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.join(max(0.0, deadline - time.monotonic()))
    for proc in procs:
        with contextlib.suppress(Exception):
            if proc.is_alive():
                proc.terminate()
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.join(3)
            if proc.is_alive():  # busy in a notebook, whose SIGTERM handler only shuts the kernel down
                proc.kill()
                proc.join(3)


def _run_pool(jobs: list[dict], workers: int, settle) -> None:
    """Run `jobs` through run_client in a process pool; call settle(row) as each finishes.

    A worker process that dies (killed, out of memory) breaks the whole pool: the clients it took down are run
    again once in a fresh pool with one worker, so the one that kills its process fails alone. On Ctrl-C the
    clients that finished while the pool was being stopped are settled too, before the interrupt goes on.
    """
    queue, again = list(jobs), []
    requeued: set[str] = set()
    ctx = multiprocessing.get_context(START_METHOD)
    while queue:
        pool = cf.ProcessPoolExecutor(max_workers=max(1, min(workers, len(queue))), mp_context=ctx,
                                      initializer=watch_interrupt)
        futures: dict = {}
        seen: set = set()
        try:
            futures = {pool.submit(run_client, job): job for job in queue}
            for fut in cf.as_completed(futures):
                seen.add(fut)
                job = futures[fut]
                try:
                    row = fut.result()
                except BrokenProcessPool as exc:
                    if job["slug"] not in requeued:
                        requeued.add(job["slug"])
                        again.append(job)
                        continue
                    row = {**job["row"], "status": "failed", "attempts": 1, "started": now_iso(),
                           "finished": now_iso(), "stage": "other",
                           "error": f"{type(exc).__name__}: the worker process running this client died"}
                except Exception as exc:  # run_client reports its own failures; this is the pool itself
                    row = {**job["row"], "status": "failed", "started": now_iso(), "finished": now_iso(),
                           "stage": "other", "error": describe_error(exc)}
                settle(row)
        except BaseException:  # Ctrl-C: stop now; run_batch still writes the ledger and portfolio
            _stop(pool)
            for fut in futures:  # a client that returned its row while the batch was stopping is still done
                if fut not in seen and fut.done() and not fut.cancelled() and fut.exception() is None:
                    settle(fut.result())
            raise
        pool.shutdown(wait=True)
        queue, again, workers = again, [], 1


def run_batch(input_path, out, workers: int | None = None, as_of=None, force: bool = False, pdf: bool = True,
              show_bar: bool | None = None, stream=None, profile=None) -> BatchResult:
    """Run every client of `input_path` (folder of exports or manifest) into `out`; returns a BatchResult.

    workers: parallel clients (default os.cpu_count()). as_of: YYYY-MM-DD for every client (default: each
    export's newest date). force: re-run clients whose outputs are up to date. pdf: make report.pdf too.
    show_bar: progress bar (default: when the terminal is interactive). Raises BatchInputError for bad arguments
    or an unreadable INPUT.
    """
    from readiness.audit import AuditInputError, parse_as_of

    t0, started = time.perf_counter(), time.time()
    if workers is not None and int(workers) < 1:
        raise BatchInputError(f"--workers must be 1 or more, got {workers}")
    try:
        as_of_ts = parse_as_of(as_of)
    except AuditInputError as exc:
        raise BatchInputError(str(exc)) from exc
    as_of_text = as_of_ts.date().isoformat() if as_of_ts is not None else None
    out = Path(out)
    clients = read_input(input_path, out)
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    _remove_stale_tmp(out)
    workers = int(workers or os.cpu_count() or 1)

    progress = _Progress(len(clients), show_bar=show_bar, stream=stream)
    rows: dict[str, dict] = {}

    def settle(row: dict) -> None:
        rows[row["slug"]] = row
        progress.settle(row)

    jobs = []
    for c in clients:
        folder = inside(out, c.slug)
        if c.problem:
            settle(_row(c, "failed", error=f"BatchInputError: {c.problem}", stage="input", started=now_iso(),
                        finished=now_iso()))
        elif not force and is_up_to_date(folder, c.export, c.suppress, pdf=pdf, as_of=as_of_text,
                                         profile=Path(profile) if profile else None):
            report = folder / "report.pdf" if pdf and (folder / "report.pdf").is_file() else folder / "report.html"
            settle(_row(c, "skipped", report_path=report.relative_to(out).as_posix(), started=now_iso(),
                        finished=now_iso()))
        else:
            base = _row(c, "failed")
            jobs.append({"name": c.name, "slug": c.slug, "export": str(c.export.resolve()),
                         "suppress": str(c.suppress.resolve()) if c.suppress else None, "out": str(out),
                         "as_of": as_of_text, "pdf": pdf, "row": base,
                         "profile": str(Path(profile).resolve()) if profile else None})
    interrupted = False
    try:
        if jobs:
            _run_pool(jobs, workers, settle)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
    for c in clients:  # only after an interrupt: clients whose row never came back
        if c.slug not in rows:
            rows[c.slug] = _after_interrupt(c, out, started, pdf=pdf, as_of=as_of_text)

    ledger = pd.DataFrame([rows[c.slug] for c in clients], columns=LEDGER_COLUMNS + ["stage"])
    result = BatchResult(ledger=ledger[LEDGER_COLUMNS], portfolio=portfolio_frame(ledger, out),
                         workers=min(workers, max(len(jobs), 1)))
    result.timings = {slug: row["timings"] for slug, row in rows.items() if row.get("timings")}
    result.exit_code = 130 if interrupted else _exit_code(ledger)
    result.seconds = round(time.perf_counter() - t0, 2)
    meta = {"total": len(clients), "ok": int(ledger["status"].eq("ok").sum()),
            "skipped": int(ledger["status"].eq("skipped").sum()), "failed": int(ledger["status"].eq("failed").sum()),
            "interrupted": int(ledger["status"].eq("interrupted").sum()), "generated": now_iso(),
            "as_of": as_of_text or ""}
    result.paths = {
        "ledger": _write_atomic(out, "ledger.csv", lambda p: write_csv(result.ledger, p)),
        "portfolio": _write_atomic(out, "portfolio.csv", lambda p: write_csv(result.portfolio, p)),
        "index": _write_atomic(out, "index.html", lambda p: p.write_text(
            render_index(result.portfolio, result.ledger, meta, out), encoding="utf-8")),
    }
    return result


def _after_interrupt(client: Client, out: Path, since: float, pdf: bool, as_of: str | None) -> dict:
    """The ledger row of a client whose run did not report back before the batch stopped: ok when its complete
    outputs were moved into OUT/<slug>/ during this batch (it finished while the pool was being stopped),
    interrupted otherwise."""
    folder = inside(out, client.slug)
    files = report_files(folder, pdf)
    if is_up_to_date(folder, client.export, client.suppress, pdf=pdf, as_of=as_of) \
            and min(f.stat().st_mtime for f in files) >= since:
        made = max(f.stat().st_mtime for f in files)
        finished = dt.datetime.fromtimestamp(made).astimezone().isoformat(timespec="seconds")
        return _row(client, "ok", attempts=1, finished=finished, report_path=files[-1].relative_to(out).as_posix())
    return _row(client, "interrupted", error=INTERRUPTED, stage="interrupted")


def _exit_code(ledger: pd.DataFrame) -> int:
    """0 all good; 1 some failed; 2 nothing to run, or every client failed before its report started."""
    if ledger.empty:
        return 2
    failed = ledger[ledger["status"].eq("failed")]
    if failed.empty:
        return 0
    if len(failed) == len(ledger) and failed["stage"].isin(NOT_STARTED).all():
        return 2
    return 1


def batch_command(input, out, workers=None, as_of=None, force=False, profile=None) -> int:
    """`readiness batch INPUT --out OUT [--workers N] [--as-of DATE] [--force] [--profile FILE]`; returns the exit
    code (see module)."""
    from readiness.profile import ProfileError, load_profile, profile_path

    try:
        load_profile(profile)  # a bad profile stops the batch before any client runs
        chosen = profile_path(profile)
        result = run_batch(input, out, workers=workers, as_of=as_of, force=force,
                           profile=str(chosen) if chosen else None)
    except (BatchInputError, ProfileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    led = result.ledger
    counts = led["status"].value_counts()
    if led.empty:
        print(f"error: no clients found in {input} (expected export folders or manifest rows)", file=sys.stderr)
    else:
        stopped = f", {counts.get('interrupted')} interrupted" if counts.get("interrupted") else ""
        print(f"Batch: {len(led)} client(s): {counts.get('ok', 0)} reported, {counts.get('skipped', 0)} up to date "
              f"(skipped), {counts.get('failed', 0)} failed{stopped} in {result.seconds:.1f} s with "
              f"{result.workers} worker(s).")
    if result.exit_code == 130:
        print("Interrupted: finished clients are in place; run the same command again to do the rest.",
              file=sys.stderr)
    for rec in led[led["status"].eq("failed")].to_dict("records"):
        where = f" [{rec['failing_cell']}]" if rec["failing_cell"] else ""
        print(f"  failed: {rec['client']}: {rec['error']}{where}", file=sys.stderr)
    print(f"Portfolio: {result.paths['index']}")
    print(f"Ledger:    {result.paths['ledger']}")
    return result.exit_code
