"""Write export folders in the REST JSON shapes the loader reads: one writer for `synth` and `pull`.

An entity's records are written as one of the forms Autotask's REST API gives or a consultant saves:

- ``response``: one query answer, ``{"items": [...], "pageDetails": {...}}``;
- ``pages``: a list of such answers, page after page, as following ``nextPageUrl`` gives them;
- ``list``: the records alone, ``[...]``;
- ``jsonl``: one record per line (the big history tables: streamed, never held whole).

Records come in pages: lists of dicts exactly as the API returned them (written field for field), or DataFrames
(a generated sample), whose datetimes are written as REST writes them, ISO-8601 UTC with milliseconds and ``Z``.
Every file is written under a temporary name in its own folder and renamed into place when complete, so a reader
or a resumed pull never sees half a table.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMS = ("response", "pages", "list", "jsonl")
PAGE_SIZE = 500  # Autotask's most records per query page (REST_Advanced_Query_Features: MaxRecords 1-500)
REST_BASE = "https://webservices5.autotask.net/atservicesrest/V1.0"  # written into generated nextPageUrl links


def rest_datetimes(values) -> pa.Array:
    """REST datetimes as text, "2024-01-31T00:00:00.000Z" (cast and splice: several times faster than strftime)."""
    text = pc.cast(pa.array(np.asarray(values, dtype="datetime64[ms]"), type=pa.timestamp("ms")), pa.string())
    return pc.binary_join_element_wise(pc.utf8_replace_slice(text, 10, 11, "T"), "Z", "")


def _frame_json(df: pd.DataFrame, lines: bool) -> str:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c].dtype):
            out[c] = pd.array(rest_datetimes(out[c].to_numpy()).to_numpy(zero_copy_only=False), dtype=object)
    return out.to_json(orient="records", lines=lines, force_ascii=False, double_precision=10)


# Characters some JSON Lines readers take for line ends: written escaped, so one record is always one line.
_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _dumps(record: dict) -> str:
    # Written as received: a NaN the API sent stays NaN, for the loader to reject with its row.
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)


def records_json(page) -> str:
    """A page of records as a JSON array."""
    if isinstance(page, pd.DataFrame):
        return _frame_json(page, lines=False)
    return "[" + ",".join(_dumps(r) for r in page) + "]"


def records_lines(page) -> str:
    """A page of records as JSON Lines, each line ended by a newline ("" for an empty page)."""
    if isinstance(page, pd.DataFrame):
        return _frame_json(page, lines=True).rstrip("\n") + "\n" if len(page) else ""
    return "".join(_dumps(r) + "\n" for r in page)


@contextmanager
def atomic_file(path: str | Path, mode: str = "w") -> Iterator:
    """Open a temporary file beside `path`; rename it to `path` only when the block ends without an error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename: a crash leaves the old file or the whole new one
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | Path, data) -> Path:
    """Write one JSON document atomically (UTF-8, indented: pull.json, fields/)."""
    with atomic_file(path) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, allow_nan=False)
        fh.write("\n")
    return Path(path)


def entity_path(folder: str | Path, entity: str, form: str) -> Path:
    """Where `entity` is written in `form`: <Entity>.jsonl for JSON Lines, else <Entity>.json."""
    return Path(folder) / f"{entity}{'.jsonl' if form == 'jsonl' else '.json'}"


def _page_details(entity: str, n: int, i: int, last: bool) -> dict:
    link = lambda k: f"{REST_BASE}/{entity}/query/next?paging=page{k}"  # noqa: E731
    return {"count": n, "requestCount": PAGE_SIZE, "prevPageUrl": None if i == 0 else link(i),
            "nextPageUrl": None if last else link(i + 2)}


def write_entity(folder: str | Path, entity: str, pages: Iterable, form: str = "response") -> tuple[Path, int]:
    """Write `entity`'s records, given page by page (an iterable: a generator may fetch them as it goes), as
    <Entity>.json or <Entity>.jsonl in `form`; returns the file and the number of records written.

    The pages are consumed while writing, so a pull holds one page in memory at a time; the file appears only
    when every page has been written."""
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; choose one of {', '.join(FORMS)}")
    path = entity_path(folder, entity, form)
    total = 0
    with atomic_file(path) as fh:
        if form == "jsonl":
            for page in pages:
                fh.write(records_lines(page))
                total += len(page)
            return path, total
        if form == "pages":
            # A page's nextPageUrl says whether another follows, so each page is written once the next one is known.
            fh.write("[")
            held, i = None, 0
            for page in pages:
                if held is not None:
                    fh.write(("," if i else "") + _page_json(entity, held, i, last=False))
                    i += 1
                held = page
                total += len(page)
            fh.write(("," if i else "") + _page_json(entity, held if held is not None else [], i, last=True) + "]")
            return path, total
        fh.write('{"items":[' if form == "response" else "[")
        first = True
        for page in pages:
            body = records_json(page)[1:-1]
            if body:
                fh.write(("" if first else ",") + body)
                first = False
            total += len(page)
        if form == "response":
            details = {"count": total, "requestCount": PAGE_SIZE, "prevPageUrl": None, "nextPageUrl": None}
            fh.write('],"pageDetails":' + json.dumps(details) + "}")
        else:
            fh.write("]")
    return path, total


def _page_json(entity: str, page, i: int, last: bool) -> str:
    details = _page_details(entity, len(page), i, last)
    return '{"items":' + records_json(page) + ',"pageDetails":' + json.dumps(details) + "}"


def frame_pages(df: pd.DataFrame, size: int = PAGE_SIZE) -> Iterator[pd.DataFrame]:
    """A DataFrame in pages of `size` rows (at least one page, empty for an empty frame)."""
    for lo in range(0, max(len(df), 1), size):
        yield df.iloc[lo:lo + size]
