"""REST JSON: a single response, a list of pages, a bare list of records, or a list mixing them; and JSON Lines,
one record or page per line. Records that cannot be loaded become rejects; the rest an object frame."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from readiness import textfiles
from readiness.entities import ENTITIES
from readiness.loader.headers import _audited, _canonical
from readiness.loader.model import FileFormat
from readiness.loader.readers.registry import RawRead, Source
from readiness.textfiles import FileProblem


def detect(source: Source) -> bool:
    """Every .json (and .jsonl) file: what it holds is decided while reading it."""
    return True


def read(source: Source) -> RawRead:
    """A .json file: a REST response, pages or records; a file that is not JSON as a whole is read record by record.

    Problems say what was salvaged and when the last page says more records follow."""
    path = source.path
    encoding = textfiles.detect_encoding(path)
    text = textfiles.read_text(path, encoding)
    bad: list[dict] = []
    records: list = []
    rows: list[int] = []
    notes: list[str] = []
    try:
        data = textfiles.parse_json(text)
    except FileProblem as exc:
        found, count, cut = textfiles.salvage_records(text)
        if not count:
            raise FileProblem(f"{path.name}: {exc}; the file may be truncated or not an Autotask export") from exc
        notes.append(f"{path.name}: not valid JSON as a whole ({exc}); read record by record"
                     + (", and the file ends inside a record: it was cut short" if cut else ""))
        data = None
        for n, rec in found:
            if isinstance(rec, FileProblem):
                bad.append({"row": n, "value": "", "reason": str(rec)})
            else:
                records.append(rec)
                rows.append(n)
    if data is not None:
        records = _records_from_json(data, path.name)
        rows = list(range(1, len(records) + 1))
    if data is not None and _cut_short(data):
        notes.append(f"{path.name}: the last page says more records follow (pageDetails.nextPageUrl); "
                     "the pull stopped early, so this table is incomplete")
    return _frame(source, records, rows, bad, FileFormat("rest-json", encoding), notes)


def read_lines(source: Source) -> RawRead:
    """A .jsonl file: one record, or one REST page, per line."""
    path = source.path
    encoding = textfiles.detect_encoding(path)
    text = textfiles.read_text(path, encoding)
    bad: list[dict] = []
    records: list = []
    rows: list[int] = []
    # Rows count records, as in any JSON (a page on one line holds several); a line that cannot be parsed
    # counts as one record, and its reason names the line.
    for n, line in textfiles.json_lines(text):
        try:
            obj = textfiles.parse_json(line)
        except FileProblem as exc:
            bad.append({"row": len(rows) + len(bad) + 1, "value": line[:80], "reason": f"line {n}: {exc}"})
            continue
        found = _records_from_json(obj, path.name) if _is_page(obj) else [obj]
        start = len(rows) + len(bad) + 1
        records.extend(found)
        rows.extend(range(start, start + len(found)))
    return _frame(source, records, rows, bad, FileFormat("json-lines", encoding), [])


def _frame(source: Source, records: list, rows: list[int], bad: list[dict], fmt: FileFormat,
           notes: list[str]) -> RawRead:
    """The loadable records as an object frame (nested values as JSON text, user-defined fields as udf:<name>
    columns); the others become rejects. With `lean`, only the columns the audit uses are kept."""
    entity = source.entity
    keep = np.ones(len(records), dtype=bool)
    for i, r in enumerate(records):
        why = _record_problem(r)
        if why is not None:
            keep[i] = False
            shown = {k: v for k, v in r.items() if k != textfiles.DUPLICATE_KEYS} if isinstance(r, dict) else r
            bad.append({"row": rows[i], "value": _short(shown), "reason": why})
    records = [r for r, k in zip(records, keep) if k]
    row_numbers = np.asarray(rows, dtype=np.int64)[keep] if len(rows) else np.arange(0)
    udfs = [_udf_columns(r.pop("userDefinedFields", None)) for r in records]
    records = [{k: _flat(v) for k, v in r.items()} for r in records]
    df = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    if any(udfs):
        df = pd.concat([df, pd.DataFrame.from_records(udfs, index=df.index)], axis=1)
    if df.empty and not len(df.columns):  # an empty response ({"items": []}) is an empty table
        df = pd.DataFrame({c: pd.Series(dtype="object") for c in ENTITIES[entity].required})
    present = frozenset(_canonical(entity, str(c)) for c in df.columns)
    df = df[[c for c in df.columns
             if _audited(entity, _canonical(entity, str(c)), source.lean, source.history, present)]]
    return RawRead(df, row_numbers, bad, fmt, notes)


def _records_from_json(data, name: str) -> list:
    """The records of a REST response, a list of pages, a bare list, or a list mixing pages and records."""
    if isinstance(data, dict):
        if isinstance(data.get("items"), list):
            return data["items"]
        if isinstance(data.get("item"), dict):
            return [data["item"]]
        raise FileProblem(f"{name}: JSON object without 'items' or 'item'; expected an Autotask REST response")
    if isinstance(data, list):
        if not any(_is_page(p) for p in data):
            return data
        return [r for p in data for r in (p["items"] if _is_page(p) else [p])]  # pages read in full, in order
    raise FileProblem(f"{name}: JSON holds neither a REST response nor a list of records")


def _is_page(value) -> bool:
    """A REST response page: an object whose `items` is a list (a record never has such a field)."""
    return isinstance(value, dict) and isinstance(value.get("items"), list)


def _cut_short(data) -> bool:
    """True when the last REST page in `data` says another page follows (pageDetails.nextPageUrl is set)."""
    pages = [data] if _is_page(data) else [p for p in data if _is_page(p)] if isinstance(data, list) else []
    details = pages[-1].get("pageDetails") if pages else None
    return bool(isinstance(details, dict) and details.get("nextPageUrl"))


def _record_problem(record) -> str | None:
    """Why one JSON record cannot be loaded, or None when it can."""
    if not isinstance(record, dict):
        return f"record is not a JSON object (a {type(record).__name__})"
    if not record:
        return "empty record (no fields)"
    if textfiles.DUPLICATE_KEYS in record:
        return "field " + ", ".join(map(repr, record[textfiles.DUPLICATE_KEYS])) + " given twice in one record"
    nested = textfiles.depth(record)
    if nested > textfiles.MAX_JSON_DEPTH:
        return f"nested more than {textfiles.MAX_JSON_DEPTH} levels deep; an Autotask record has three at most"
    return None


def _flat(value):
    """A nested JSON value (an object or list in a field) as its JSON text, so a column holds text, not objects."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _udf_columns(udfs) -> dict:
    """A record's userDefinedFields ([{name, value}]) as columns named udf:<name>."""
    if not isinstance(udfs, list):
        return {}
    return {f"udf:{u.get('name')}": _flat(u.get("value")) for u in udfs if isinstance(u, dict) and u.get("name")}


def _short(value) -> str:
    """At most 80 characters of a record, for the reject list."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)[:80]
    except (RecursionError, ValueError):
        return str(type(value).__name__)
