"""What every CSV shape shares: the file's encoding, delimiter and header (sniffed once, before any shape is
decided), and the pyarrow read into nullable pandas columns with malformed records kept as rejects."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from readiness import entities as ents
from readiness import textfiles
from readiness.entities import TEXT
from readiness.loader.headers import _audited, _canonical
from readiness.loader.model import FileFormat
from readiness.loader.readers.registry import RawRead, Source
from readiness.textfiles import FileProblem

CSV_BLOCK_BYTES = 1 << 24  # pyarrow parses a CSV in blocks of this size, in parallel


class CsvHead(NamedTuple):
    encoding: str
    hint: re.Match | None  # Excel's first-line delimiter hint ("sep=;"), when the file has one
    delimiter: str
    header: list[str]


def csv_head(source: Source) -> CsvHead:
    """Encoding, delimiter hint, delimiter and header of a CSV; worked out once per file, for detect and read alike.

    Raises FileProblem when the file has no header row."""
    if "csv" in source.memo:
        return source.memo["csv"]
    path = source.path
    encoding = textfiles.detect_encoding(path)
    head = textfiles.head_text(path, encoding)
    hint = re.match(r"sep=(.)\r?\n", head)  # Excel's first-line delimiter hint ("sep=;"): a line, not the header
    if hint:
        head = head[hint.end():]
    delimiter = hint.group(1) if hint else textfiles.sniff_delimiter(head)
    header = textfiles.csv_header(head, delimiter)
    if not header or not any(h.strip() for h in header):
        raise FileProblem(f"{path.name}: no header row")
    source.memo["csv"] = CsvHead(encoding, hint, delimiter, header)
    return source.memo["csv"]


def read_csv(source: Source, shape: str, as_text: Callable[[str, str], bool] | None = None) -> RawRead:
    """Read a CSV of `shape` with pyarrow: typed where pyarrow is sure, text elsewhere, and also where
    `as_text(entity, field)` says so.

    Encoding and delimiter are decided first (textfiles), so pyarrow only ever sees valid UTF-8. With `lean`,
    columns the audit never uses are not read at all (see headers._audited)."""
    path, entity, lean, history, tenant = source.path, source.entity, source.lean, source.history, source.tenant
    bad: list[dict] = []
    encoding, hint, delimiter, header = csv_head(source)
    fmt = FileFormat(shape, encoding, delimiter)

    def on_invalid(row):  # a record with the wrong number of fields: keep it as a reject, not a crash
        bad.append({"row": row.number, "value": (row.text or "")[:80],
                    "reason": f"expected {row.expected_columns} fields, found {row.actual_columns}"})
        return "skip"

    present = frozenset(_canonical(entity, h) for h in header)
    types, keep = {}, []
    for h in header:
        name = _canonical(entity, h)
        if _audited(entity, name, lean, history, present):
            keep.append(h)
        if ents.field_kind(entity, name, tenant) in (TEXT, None):
            types[h] = pa.string()  # keep leading zeros and exact text
        elif as_text is not None and as_text(entity, name):
            types[h] = pa.string()
    skipping = len(keep) < len(header) and len(set(header)) == len(header)  # a repeated header is read whole

    stream, pa_encoding = path, "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    if encoding in textfiles.REPLACING or hint:  # damaged bytes become U+FFFD, and load_entity rejects their rows
        text = textfiles.read_text(path, encoding)
        stream, pa_encoding = io.BytesIO(text[len(hint.group(0)) if hint else 0:].encode("utf-8")), "utf8"

    def attempt(multiline: bool, threads: bool = True):
        bad.clear()
        if isinstance(stream, io.BytesIO):
            stream.seek(0)
        return pa_csv.read_csv(
            stream,
            read_options=pa_csv.ReadOptions(encoding=pa_encoding,
                                            block_size=CSV_BLOCK_BYTES, use_threads=threads),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=multiline,
                                              invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=True,
                                                  quoted_strings_can_be_null=True,
                                                  include_columns=keep if skipping else None),
        )

    try:
        # Most files have no line breaks inside values, and reading them line by line is up to twice as fast.
        # pyarrow's parser is quote-aware within a block and raises when a quoted value crosses a block edge,
        # so a file that needs the careful read (values spanning lines) never passes silently.
        try:
            table = attempt(multiline=False)
        except pa.ArrowInvalid:
            table = attempt(multiline=True)
        if bad:
            # A parallel read cannot tell which record a malformed one was; the reject must name it, so a file with
            # such records is read once more on one thread, carefully, which numbers them (header = row 1).
            table = attempt(multiline=True, threads=False)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise FileProblem(f"{path.name}: not a readable CSV ({exc})") from exc
    if any(pa.types.is_binary(f.type) for f in table.schema):  # cannot happen after the check; never pass bytes on
        raise FileProblem(f"{path.name}: holds bytes that are not {textfiles.ENCODING_NAMES.get(encoding, encoding)}")
    names = [h if h else f"column {i + 1}" for i, h in enumerate(table.column_names)]
    if len(set(names)) != len(names) or names != table.column_names:
        table = table.rename_columns(_dedupe(names))
    df = _arrow_to_pandas(table)
    skipped = sorted(b["row"] for b in bad if b["row"] is not None)
    rows = np.arange(2, 2 + len(df) + len(bad))
    if skipped:
        rows = rows[~np.isin(rows, skipped)]
    if hint:  # the hint line stands above the header: every row is one further down
        rows = rows + 1
        for b in bad:
            b["row"] = b["row"] + 1 if b["row"] is not None else None
    return RawRead(df, rows[: len(df)], bad, fmt)


_PANDAS_TYPES = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(),
                 pa.float64(): pd.Float64Dtype()}


def _arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow -> pandas straight into the nullable dtypes the tables use, so typed columns need no second pass.

    REST timestamps arrive as UTC; they are kept as UTC wall time without a zone, at millisecond resolution.
    """
    for i, f in enumerate(table.schema):
        if pa.types.is_timestamp(f.type) and (f.type.tz is not None or f.type.unit != "ms"):
            table = table.set_column(i, f.name, table.column(i).cast(pa.timestamp("ms")))
        elif pa.types.is_floating(f.type) and pc.any(pc.is_nan(table.column(i))).as_py():
            # pandas would read NaN as a missing value; as text the typing step rejects it, naming the row
            table = table.set_column(i, f.name, table.column(i).cast(pa.string()))
    return table.to_pandas(types_mapper=_PANDAS_TYPES.get)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out
