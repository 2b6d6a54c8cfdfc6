"""`readiness pull`: fetch a tenant's export folder from Autotask's REST API.

A pull (1) finds the zone, (2) counts every entity it will read and prints the request budget against what the
tenant has left this hour, refusing to start a pull that would not fit unless told to pace itself, (3) reads each
entity page by page into ``OUT_DIR/<Entity>.json`` (``.jsonl`` for the history tables), with its
``fields/<Entity>.json`` and ``fields/udf/<Entity>.json``, and counts it again to prove nothing was missed, and
(4) records what it did in ``pull.json``, written after every entity so an interrupted pull resumes
(``--resume``) without fetching finished entities again. The capture sheets Autotask's API does not expose are
copied blank into the folder for the consultant to fill in.
"""

from __future__ import annotations

import getpass
import os
import queue
import re
import shutil
import sys
import threading
import time
from array import array
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import yaml
from tqdm import tqdm

from readiness import config, exportwriter, textfiles
from readiness import entities as ents
from readiness.pull import plan
from readiness.pull.autotask import (ENV_CODE, ENV_SECRET, ENV_USER, ZONE_LOOKUP, AuthFailed, AutotaskError,
                                     Client, Credentials, Pacer, Unavailable, lookup_zone)

PULL_FILE = "pull.json"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
WORKERS = 3  # entities pulled at once; each entity's pages come one after another (a cursor)
LATENCY_SHARE = 0.5  # REST_Thresholds_Limits: past half the threshold Autotask slows every answer


class UsageError(Exception):
    """Bad options or folder: exit 2 with the message."""


class Interrupted(Exception):
    pass


def credentials_from_env(prompt: bool | None = None) -> Credentials:
    """The API user's credentials from AUTOTASK_API_USER / _SECRET / _INTEGRATION_CODE, asked for on a terminal
    when missing (the secret without echo). Raises UsageError naming the missing variables otherwise."""
    prompt = sys.stdin.isatty() if prompt is None else prompt
    values = {}
    for name, label, hidden in ((ENV_USER, "Autotask API user name", False), (ENV_SECRET, "API secret", True),
                                (ENV_CODE, "API integration code", True)):
        value = os.environ.get(name, "").strip()
        if not value and prompt:
            value = (getpass.getpass if hidden else input)(f"{label} ({name}): ").strip()
        values[name] = value
    missing = [n for n, v in values.items() if not v]
    if missing:
        raise UsageError(f"set {', '.join(missing)} (the Autotask API user's credentials; see the README, "
                         f"'Pull from Autotask')")
    return Credentials(values[ENV_USER], values[ENV_SECRET], values[ENV_CODE])


def history_since(since: str | None, history_years: int | None, today: date | None = None) -> str | None:
    """The first date (YYYY-MM-DD) history tables are pulled from: `since`, or `history_years` before today."""
    if since and history_years:
        raise UsageError("give --since or --history-years, not both")
    if since:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
            raise UsageError(f"--since {since!r}: use YYYY-MM-DD")
        try:
            date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"--since {since!r} is not a date") from None
        return since
    if history_years is not None:
        if history_years < 1:
            raise UsageError("--history-years must be 1 or more")
        today = today or datetime.now(timezone.utc).date()
        try:
            return today.replace(year=today.year - history_years).isoformat()
        except ValueError:  # 29 February
            return today.replace(year=today.year - history_years, day=28).isoformat()
    return None


def _remove_partial_files(folder: Path) -> None:
    """Temporary files a killed pull left behind (exportwriter.atomic_file names them .<file>.<random>.partial)."""
    for d in (folder, folder / "fields", folder / "fields" / "udf"):
        for path in d.glob(".*.partial") if d.is_dir() else ():
            path.unlink(missing_ok=True)


def _check_folder(folder: Path, resume: bool) -> dict | None:
    """The earlier pull's record when resuming; refuses folders a new pull must not write into."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; give the folder to write the export into")
    record_path = folder / PULL_FILE
    if resume:
        if not record_path.is_file():
            raise UsageError(f"{folder} holds no {PULL_FILE}: nothing to resume; start the pull without --resume")
        try:
            return textfiles.load_json(record_path)
        except Exception as exc:  # a damaged record: the pull must start over
            raise UsageError(f"{record_path} cannot be read ({exc}); start a new pull in an empty folder") from None
    if record_path.is_file():
        raise UsageError(f"{folder} holds an earlier pull; continue it with --resume, or give a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty; give a new or empty folder for the pull")
    return None


@dataclass
class Planned:
    entity: plan.PullEntity
    filters: list
    count: int
    requests: int


def _fmt(n: int) -> str:
    return f"{n:,}"


def budget_lines(planned: list[Planned], threshold: dict, counted: int) -> tuple[list[str], int, int]:
    """The budget as printed lines, the requests the pull still needs and the requests left this hour."""
    need = sum(p.requests for p in planned)
    limit = int(threshold.get("externalRequestThreshold") or 10_000)
    used = int(threshold.get("currentTimeframeRequestCount") or 0)
    window = int(threshold.get("requestThresholdTimeframe") or 60)
    width = max([len(p.entity.name) for p in planned] + [6])
    lines = ["Request budget (500 records per request):",
             f"  {'entity':<{width}}  {'records':>12}  {'requests':>9}"]
    for p in sorted(planned, key=lambda p: -p.requests):
        lines.append(f"  {p.entity.name:<{width}}  {_fmt(p.count):>12}  {_fmt(p.requests):>9}")
    lines.append(f"  {'total':<{width}}  {_fmt(sum(p.count for p in planned)):>12}  {_fmt(need):>9}"
                 f"   (plus {counted} counts already made)")
    left = max(0, limit - used)
    lines.append(f"Your tenant has used {_fmt(used)} of {_fmt(limit)} requests this {window}-minute window "
                 f"(ThresholdInformation, every integration together); {_fmt(left)} are left.")
    if used + need > LATENCY_SHARE * limit:
        lines.append(f"Past {_fmt(int(LATENCY_SHARE * limit))} requests in the window Autotask slows every answer "
                     f"(latency throttling), for every integration of the tenant.")
    return lines, need, left


class _Record:
    """pull.json, rewritten atomically whenever an entity finishes."""

    def __init__(self, folder: Path, data: dict):
        self.path = folder / PULL_FILE
        self.data = data
        self._lock = threading.Lock()

    def entity(self, name: str, **values) -> None:
        with self._lock:
            self.data["entities"].setdefault(name, {}).update(values)
            exportwriter.write_json(self.path, self.data)

    def save(self, **values) -> None:
        with self._lock:
            self.data.update(values)
            exportwriter.write_json(self.path, self.data)


def _pull_entity(client: Client, p: Planned, folder: Path, stop: threading.Event, slots, progress: bool) -> dict:
    """Read one entity to its file, fields and UDF definitions; returns its pull.json entry."""
    if stop.is_set():
        raise Interrupted()
    slot = slots.get()
    bar = tqdm(total=p.count, desc=p.entity.name, unit=" records", leave=False, position=slot,
               disable=not progress, dynamic_ncols=True)
    try:
        return _read_entity(client, p, folder, stop, bar)
    finally:
        bar.close()
        slots.put(slot)


def _read_entity(client: Client, p: Planned, folder: Path, stop: threading.Event, bar: tqdm) -> dict:
    name = p.entity.name
    started = time.monotonic()
    before = client.requests_made[name]
    ids = array("q")

    def pages():
        for items in client.pages(name, p.filters):
            if stop.is_set():
                raise Interrupted()
            ids.extend(int(r["id"]) for r in items if isinstance(r.get("id"), int))
            bar.update(len(items))
            bar.set_postfix_str(f"{client.requests_made[name] - before} requests", refresh=False)
            yield items

    fields = client.fields(name)
    udfs = client.udf_definitions(name)
    path, written = exportwriter.write_entity(folder, name, pages(), p.entity.form)
    count_end = client.count(name, p.filters)
    exportwriter.write_json(folder / "fields" / f"{name}.json", fields)
    exportwriter.write_json(folder / "fields" / "udf" / f"{name}.json", udfs)
    repeated = len(ids) - len(np.unique(np.frombuffer(ids, dtype=np.int64))) if len(ids) else 0
    entry = {"status": "done", "file": path.name, "count_start": p.count, "count_end": count_end,
             "records_written": written, "requests": client.requests_made[name] - before + 1,  # + the first count
             "duration_s": round(time.monotonic() - started, 2)}
    if repeated:
        entry.update(status="incomplete", note=f"{repeated} records were served twice; pull it again")
    elif written != count_end:
        if p.count != count_end:
            entry["note"] = (f"the tenant changed during the pull: {_fmt(p.count)} records before, "
                             f"{_fmt(count_end)} after, {_fmt(written)} written")
        else:
            entry.update(status="incomplete", note=f"{_fmt(written)} records written but Autotask counts "
                                                   f"{_fmt(count_end)}; pull it again")
    return entry


def _copy_capture_sheets(folder: Path) -> list[str]:
    copied = []
    for sheet in ents.CAPTURED:
        target = folder / f"{sheet}.csv"
        if not target.exists():
            shutil.copyfile(config.CAPTURE_TEMPLATES_DIR / f"{sheet}.csv", target)
            copied.append(target.name)
    return copied


def _write_client_yaml(folder: Path, zone: dict, since: str | None, pulled_on: str) -> None:
    """client.yaml naming the MSP (Autotask's company 0 is the MSP's own organization) and the export date."""
    target = folder / "client.yaml"
    if target.exists():
        return
    name = None
    try:
        data = textfiles.load_json(folder / "Companies.json")
        name = next((c.get("companyName") for c in data.get("items", []) if c.get("id") == 0), None)
    except Exception:  # no Companies file: the loader falls back to the folder name
        name = None
    client = {"name": name} if name else {}
    client["export_date"] = pulled_on
    client["notes"] = (f"Pulled from Autotask's REST API ({zone.get('zoneName') or zone.get('url')}) on {pulled_on}"
                       + (f"; history tables from {since}" if since else "") + ".")
    text = yaml.safe_dump(client, sort_keys=False, allow_unicode=True)
    with exportwriter.atomic_file(target) as fh:
        fh.write(text)


def pull_command(out_dir, api_url: str | None = None, entities: list[str] | None = None, since: str | None = None,
                 history_years: int | None = None, resume: bool = False, pace: bool = False,
                 zone_lookup: str = ZONE_LOOKUP, workers: int = WORKERS, pace_poll_s: float = 30.0,
                 progress: bool | None = None) -> int:
    """CLI entry (`readiness pull OUT_DIR ...`); returns the exit code (0 done, 1 an entity or the pull failed,
    2 bad usage, 130 interrupted)."""
    out = sys.stdout
    say = lambda *a: print(*a, file=out, flush=True)  # noqa: E731
    progress = sys.stderr.isatty() if progress is None else progress
    try:
        folder = Path(out_dir)
        earlier = _check_folder(folder, resume)
        if earlier is not None:
            _remove_partial_files(folder)
            entities = entities or earlier.get("requested_entities")
            recorded = earlier.get("history_since")
            asked = history_since(since, history_years) if (since or history_years) else recorded
            if asked != recorded:
                raise UsageError(f"the interrupted pull read history from {recorded or 'the start'}; resume with "
                                 f"the same limit, or start a new pull in a new folder")
            since = recorded
        else:
            since = history_since(since, history_years)
        chosen, not_queryable, unknown = plan.resolve(entities)
        if unknown:
            raise UsageError(f"unknown entities: {', '.join(unknown)}; the pull reads "
                             f"{', '.join(e.name for e in plan.PULLED)}")
        if not chosen and not not_queryable:
            raise UsageError("no entities to pull")
        credentials = credentials_from_env()
    except UsageError as exc:
        print(f"readiness pull: {exc}", file=sys.stderr)
        return EXIT_USAGE

    try:
        zone = {"zoneName": None, "url": api_url} if api_url else lookup_zone(credentials, zone_lookup)
    except AuthFailed as exc:
        print(f"readiness pull: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except AutotaskError as exc:
        print(f"readiness pull: {credentials.scrub(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    client = Client(zone["url"], credentials)
    stop = threading.Event()
    record: _Record | None = None
    try:
        version = client.version()
        say(f"Autotask zone {zone.get('zoneName') or '(given)'}: {client.base_url} (REST API {version})")
        done = {n for n, e in ((earlier or {}).get("entities") or {}).items()
                if e.get("status") == "done" and (folder / str(e.get("file", ""))).is_file()}
        todo = [e for e in chosen if e.name not in done]
        if done:
            say(f"Resuming: {len(done)} entities already pulled ({', '.join(sorted(done))}).")
        for name in not_queryable:
            say(f"{name}: cannot be queried ({plan.NOT_QUERYABLE[name]}); not requested")

        # The tenant's usage first: counting costs one request per entity, and that must fit too.
        threshold = client.threshold()
        limit = int(threshold.get("externalRequestThreshold") or 10_000)
        if pace:
            client.pacer = Pacer(client, poll_s=pace_poll_s)
        elif limit - int(threshold.get("currentTimeframeRequestCount") or 0) < len(todo) + 1:
            print(f"readiness pull: the tenant has used {_fmt(int(threshold.get('currentTimeframeRequestCount') or 0))}"
                  f" of its {_fmt(limit)} requests this hour, too many to even count the {len(todo)} entities. "
                  f"Run it again later or with --pace (it waits while the tenant is near its threshold).",
                  file=sys.stderr)
            return EXIT_FAILED

        # Count every entity: the budget is known before a single page is read.
        counted_before = sum(client.requests_made.values())
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            counts = dict(zip([e.name for e in todo], pool.map(
                lambda e: _count_or_unavailable(client, e, since), todo)))
        unavailable = {n: c for n, c in counts.items() if isinstance(c, Unavailable)}
        planned = [Planned(e, plan.query_filter(e, since), counts[e.name], plan.entity_requests(counts[e.name]))
                   for e in todo if e.name not in unavailable]
        counted = sum(client.requests_made.values()) - counted_before
        threshold = client.threshold(paced=False)
        lines, need, left = budget_lines(planned, threshold, counted)
        for line in lines:
            say(line)
        if need > left and not pace:
            hours = need / max(1, limit * 0.9)
            print(f"readiness pull: this pull needs {_fmt(need)} requests and {_fmt(left)} are left this hour. "
                  f"Run it again with --pace to spread it over about {max(1.0, hours):.1f} hours (it waits while "
                  f"the tenant is near its threshold), or narrow it with --history-years or --entities.",
                  file=sys.stderr)
            return EXIT_FAILED

        pulled_on = datetime.now(timezone.utc).date().isoformat()
        data = earlier or {"tool": "readiness pull", "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "entities": {}}
        data.update({"zone": {"name": zone.get("zoneName"), "url": client.base_url}, "api_version": version,
                     "history_since": since, "requested_entities": entities or None,
                     "threshold_at_start": {k: threshold.get(k) for k in
                                            ("externalRequestThreshold", "requestThresholdTimeframe",
                                             "currentTimeframeRequestCount")},
                     "planned_requests": need, "not_queryable": sorted(not_queryable), "finished": None})
        folder.mkdir(parents=True, exist_ok=True)
        record = _Record(folder, data)
        record.save()
        for name, exc in unavailable.items():
            record.entity(name, status="unavailable", required=plan.BY_NAME[name].required,
                          note=credentials.scrub(str(exc)))
            print(f"readiness pull: {credentials.scrub(str(exc))}", file=sys.stderr)

        failed = _pull_all(client, planned, folder, record, stop, workers, progress, say, credentials)
        copied = _copy_capture_sheets(folder)
        _write_client_yaml(folder, zone, since, pulled_on)
        record.save(finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    requests_made=sum(client.requests_made.values()),
                    paced_wait_s=round(client.pacer.waited_s, 1) if client.pacer else 0.0)
        say(f"Pulled {len(planned) - len(failed)} of {len(planned)} entities into {folder} in "
            f"{_fmt(sum(client.requests_made.values()))} requests.")
        if copied:
            say(f"Autotask's API does not expose workflow rules or notification templates: fill in "
                f"{' and '.join(copied)} in {folder} (see data/templates/README.md: one row per rule from Admin > "
                f"Automation > Workflow Rules, one per template from Admin > Automation > Notification Templates).")
        required_missing = [n for n in [*failed, *unavailable] if plan.BY_NAME[n].required]
        if failed or required_missing:
            print(f"readiness pull: not pulled: {', '.join(sorted([*failed, *unavailable]))}"
                  + ("; run the same command with --resume to fetch what is missing" if failed else ""),
                  file=sys.stderr)
            return EXIT_FAILED
        return EXIT_OK
    except AuthFailed as exc:
        stop.set()
        print(f"readiness pull: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        stop.set()
        print("readiness pull: interrupted; finished entities are kept; run the same command with --resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except AutotaskError as exc:
        print(f"readiness pull: {credentials.scrub(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        client.close()


def _count_or_unavailable(client: Client, e: plan.PullEntity, since: str | None):
    try:
        return client.count(e.name, plan.query_filter(e, since))
    except Unavailable as exc:
        return exc


def _pull_all(client, planned, folder, record, stop, workers, progress, say, credentials) -> list[str]:
    """Pull the planned entities, biggest first, `workers` at a time; returns the names that failed."""
    failed: list[str] = []
    order = sorted(planned, key=lambda p: -p.count)
    slots: queue.Queue = queue.Queue()  # one progress-bar line per worker
    for i in range(max(1, workers)):
        slots.put(i)
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        futures = {pool.submit(_pull_entity, client, p, folder, stop, slots, progress): p for p in order}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in finished:
                p = futures[fut]
                name = p.entity.name
                try:
                    entry = fut.result()
                except AuthFailed:
                    stop.set()
                    raise
                except Interrupted:
                    continue
                except AutotaskError as exc:
                    failed.append(name)
                    record.entity(name, status="failed", required=p.entity.required,
                                  note=credentials.scrub(str(exc)))
                    print(f"readiness pull: {credentials.scrub(str(exc))}", file=sys.stderr)
                    continue
                record.entity(name, required=p.entity.required, filter=p.filters, **entry)
                if entry["status"] != "done":
                    failed.append(name)
                line = (f"{name}: {_fmt(entry['records_written'])} records, {_fmt(entry['requests'])} requests, "
                        f"{entry['duration_s']:.1f} s" + (f" ({entry['note']})" if entry.get("note") else ""))
                tqdm.write(line, file=sys.stdout) if progress else say(line)
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)  # entities not started are dropped; running ones stop
        raise
    pool.shutdown(wait=True)
    return failed
