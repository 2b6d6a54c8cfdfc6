"""Load one Autotask export folder into typed tables plus a load ledger.

Every shape DESIGN names is read: REST JSON (single response, list of pages, bare list, JSON Lines), CSV with
REST field names, and CSV exported from Autotask's grids (display labels, tenant terms, picklist labels, the
exporting user's date format, money with symbols, UTF-8 with or without BOM, Windows-1252).

Nothing read is lost: every row is either loaded or rejected with a reason naming file, row and column, so
``read == loaded + rejected`` for every entity. Row numbers count like a spreadsheet: in a CSV the header is
row 1 and the first record row 2; in JSON, JSON Lines included, the first record is row 1. A bad file never stops
the others.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import yaml

from readiness import entities as ents
from readiness import textfiles
from readiness.entities import BOOL, DATE, ENTITIES, ID, INT, NUM, PICK, TEXT, fold, fold_series
from readiness.textfiles import FileProblem

LEDGER_COLUMNS = ["entity", "file", "read", "loaded", "rejected", "read_as"]
REJECT_COLUMNS = ["entity", "file", "row", "column", "value", "reason"]
SUFFIXES = (".json", ".jsonl", ".csv")
_TRUE = {"true", "yes", "y", "1", "t", "active", "1.0"}
_FALSE = {"false", "no", "n", "0", "f", "inactive", "0.0"}


@dataclass
class Export:
    """One client's export: typed tables keyed by REST entity name, with what was read and rejected."""

    path: Path | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    client: dict = field(default_factory=dict)
    ledger: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LEDGER_COLUMNS))
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    problems: list[str] = field(default_factory=list)
    picklists: dict = field(default_factory=dict)  # (entity, field) -> {code: label} from fields/*.json and labels seen
    timings: dict = field(default_factory=dict)  # stage -> seconds spent loading (read, type, validate)
    notes: list[str] = field(default_factory=list)  # how files were read where it is worth saying (encoding, delimiter)

    def has(self, entity: str) -> bool:
        """True when the entity's file was present and readable (it may hold zero rows)."""
        return entity in self.tables

    def table(self, entity: str) -> pd.DataFrame:
        """The entity's table, or an empty frame when it was not exported."""
        return self.tables.get(entity, pd.DataFrame())

    def labels(self, entity: str, fld: str) -> dict[int, str]:
        """Code -> label map for a picklist: built-in defaults overridden by the tenant's own labels."""
        return {**ents.picklist_labels(entity, fld), **self.picklists.get((entity, fld), {})}

    def label(self, entity: str, fld: str, code) -> str:
        """Picklist label for `code`, falling back to the code itself."""
        try:
            return self.labels(entity, fld).get(int(code), str(code))
        except (TypeError, ValueError):
            return str(code)

    def newest_date(self) -> pd.Timestamp | None:
        """The default as-of: client.yaml `export_date`, else the newest date on which something happened.

        Only record-history columns count (created, modified, worked, sent, posted, completed, triggered ...):
        end, due and expiry dates look forward and would move "today" into the future.
        """
        fixed = export_date(self.client)
        if fixed is not None:
            return fixed
        newest = None
        for df in self.tables.values():
            for col in df.columns:
                if not (_HISTORY_DATE.search(col) and pd.api.types.is_datetime64_any_dtype(df[col])):
                    continue
                top = df[col][df[col].dt.year < 9000].max()
                if pd.notna(top) and (newest is None or top > newest):
                    newest = top
        return None if newest is None else pd.Timestamp(newest).normalize()


def export_date(client: dict) -> pd.Timestamp | None:
    """client.yaml's `export_date` as a day, or None when it is missing or not a date."""
    if not client.get("export_date"):
        return None
    stamp = pd.to_datetime(str(client["export_date"]), errors="coerce")
    return None if pd.isna(stamp) else pd.Timestamp(stamp).normalize()


_HISTORY_DATE = re.compile(r"(?i)(create|modif|activity|worked|sent|posted|itemdate|completed|resolveddatetime|"
                           r"invoicedate|triggered|purchased|approve|^last)")


# --------------------------------------------------------------------------------------------- reading

CSV_BLOCK_BYTES = 1 << 24  # pyarrow parses a CSV in blocks of this size, in parallel
GRID_EXPORT_LIMIT = 5000  # Autotask's grids export at most this many rows (Autotask help, Search and manage contracts)


@dataclass
class FileFormat:
    """How one file was read: its shape (rest-json, json-lines, rest-csv, grid-csv, capture-sheet), encoding and
    delimiter."""

    shape: str
    encoding: str
    delimiter: str = ""

    def describe(self) -> str:
        """"grid CSV, Windows-1252, semicolon-separated" (the default UTF-8 and comma go unsaid)."""
        parts = [{"rest-json": "REST JSON", "json-lines": "JSON Lines", "rest-csv": "CSV with REST field names",
                  "grid-csv": "grid CSV", "capture-sheet": "capture sheet"}.get(self.shape, self.shape)]
        if self.encoding not in ("utf-8", "utf-8-sig"):
            parts.append(textfiles.ENCODING_NAMES.get(self.encoding, self.encoding))
        if self.delimiter and self.delimiter != ",":
            parts.append(textfiles.DELIMITERS[self.delimiter] + "-separated")
        return ", ".join(parts)


def _audited(entity: str, name: str, lean: bool, history: bool = True, present: frozenset = frozenset()) -> bool:
    """Whether the column with field name `name` is read: always, unless `lean` and the audit never uses it
    (entities.AUDIT_COLUMNS). Grid labels count by what they mean ("Paid" for isPaid, "Queue" for queueID).
    Record-history dates are read while `history` says the default as-of still depends on them; a stand-in
    (entities.AUDIT_STAND_INS) only when the file lacks the column it stands in for (`present`: field names)."""
    wanted = ents.AUDIT_COLUMNS.get(entity) if lean else None
    if wanted is None:
        return True
    ent = ENTITIES[entity]
    as_flag = "is" + name[:1].upper() + name[1:]
    if history and _HISTORY_DATE.search(name) or name == ent.key or name in ent.required:
        return True
    for_whom = ents.AUDIT_STAND_INS.get(entity, {}).get(name)
    if for_whom is not None:
        return for_whom not in present
    return name in wanted or _grid_fallback(entity, name, None) in wanted or as_flag in wanted


def _read_csv(path: Path, entity: str, lean: bool = False, history: bool = True,
              tenant: dict | None = None) -> tuple[pd.DataFrame, np.ndarray, list[dict], FileFormat]:
    """Read a CSV with pyarrow: typed where pyarrow is sure, text elsewhere. Returns frame, row numbers, bad rows
    and how the file was read.

    Encoding and delimiter are decided first (textfiles), so pyarrow only ever sees valid UTF-8. With `lean`,
    columns the audit never uses are not read at all (see _audited)."""
    bad: list[dict] = []
    encoding = textfiles.detect_encoding(path)
    head = textfiles.head_text(path, encoding)
    hint = re.match(r"sep=(.)\r?\n", head)  # Excel's first-line delimiter hint ("sep=;"): a line, not the header
    if hint:
        head = head[hint.end():]
    delimiter = hint.group(1) if hint else textfiles.sniff_delimiter(head)
    header = textfiles.csv_header(head, delimiter)
    if not header or not any(h.strip() for h in header):
        raise FileProblem(f"{path.name}: no header row")
    rest_names = sum(bool(re.fullmatch(r"[a-z][A-Za-z0-9]*|udf:.*", h.strip())) for h in header)
    shape = "capture-sheet" if entity in ents.CAPTURED else "rest-csv" if rest_names == len(header) else "grid-csv"
    fmt = FileFormat(shape, encoding, delimiter)

    def on_invalid(row):  # a record with the wrong number of fields: keep it as a reject, not a crash
        bad.append({"row": row.number, "value": (row.text or "")[:80],
                    "reason": f"expected {row.expected_columns} fields, found {row.actual_columns}"})
        return "skip"

    present = frozenset(_canonical(entity, h) for h in header)
    ent = ENTITIES.get(entity)
    types, keep = {}, []
    for h in header:
        name = _canonical(entity, h)
        if _audited(entity, name, lean, history, present):
            keep.append(h)
        if ents.field_kind(entity, name, tenant) in (TEXT, None):
            types[h] = pa.string()  # keep leading zeros and exact text
        elif shape == "grid-csv" and ent is not None and name in ent.name_refs:
            types[h] = pa.string()  # a grid's "Organization" holds names, and a name such as "1e5" is no number
    skipping = len(keep) < len(header) and len(set(header)) == len(header)  # a repeated header is read whole

    source, pa_encoding = path, "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    if encoding in textfiles.REPLACING or hint:  # damaged bytes become U+FFFD, and load_entity rejects their rows
        text = textfiles.read_text(path, encoding)
        source, pa_encoding = io.BytesIO(text[len(hint.group(0)) if hint else 0:].encode("utf-8")), "utf8"

    def attempt(multiline: bool, threads: bool = True):
        bad.clear()
        if isinstance(source, io.BytesIO):
            source.seek(0)
        return pa_csv.read_csv(
            source,
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
    return df, rows[: len(df)], bad, fmt


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


def _read_json(path: Path) -> tuple[pd.DataFrame, np.ndarray, list[dict], FileFormat, list[str]]:
    """Read REST JSON or JSON Lines into an object frame. Records that cannot be loaded become rejects.

    Returns frame, row numbers, rejects, how the file was read, and notes (pages that say more follow)."""
    encoding = textfiles.detect_encoding(path)
    text = textfiles.read_text(path, encoding)
    bad: list[dict] = []
    records: list = []
    rows: list[int] = []
    notes: list[str] = []
    lines = path.suffix.lower() == ".jsonl"
    if lines:
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
    else:
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
    return df, row_numbers, bad, FileFormat("json-lines" if lines else "rest-json", encoding), notes


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


# --------------------------------------------------------------------------------------------- headers

def _canonical(entity: str, header: str) -> str:
    """REST field name for a header, by meaning: REST names pass, display labels and tenant terms are mapped."""
    ent = ENTITIES.get(entity)
    f = fold(header)
    if header.startswith("udf:"):  # user-defined fields keep their own names
        return header
    if ent is not None:
        if f in ent.synonyms:
            return ent.synonyms[f]
        if f == fold(ent.singular + "id") or f == fold(ent.singular + " number id"):
            return "id"
        if entity in ents.CAPTURED:
            words = re.findall(r"[A-Za-z0-9]+", header)
            return "_".join(w.lower() for w in words) if len(words) > 1 else header.strip().lower()
    if re.fullmatch(r"[a-z][A-Za-z0-9]*", header.strip()):
        return header.strip()
    words = re.findall(r"[A-Za-z0-9]+", header)
    if not words:
        return header
    parts = [words[0].lower()] + ["ID" if w.lower() == "id" else w[:1].upper() + w[1:].lower() for w in words[1:]]
    return "".join(parts)


def _grid_fallback(entity: str, name: str, values: pd.Series | None) -> str:
    """Undo two habits of Autotask's grid labels: 'Paid' for isPaid and 'Queue' for the queueID picklist."""
    ent = ENTITIES.get(entity)
    if ent is None or entity in ents.CAPTURED or not re.fullmatch(r"[a-z][A-Za-z0-9]*", name):
        return name
    if name + "ID" in ent.picklists:
        return name + "ID"
    if name == "active":
        return "isActive"
    if values is not None and ents.field_kind(entity, name) in (TEXT, None) and not name.startswith("is") \
            and ents.field_kind(entity, "is" + name[0].upper() + name[1:]) == BOOL:
        t = _text(values).dropna().str.lower()
        if len(t) and t.isin(_TRUE | _FALSE).all() and not t.str.fullmatch(r"[01](\.0)?").all():
            return "is" + name[0].upper() + name[1:]
    return name


def _map_headers(entity: str, columns: list[str], frame: pd.DataFrame | None = None) -> dict[str, str]:
    """Original header -> field name; when two headers mean the same field the id-looking one wins."""
    wanted = {c: _canonical(entity, str(c)) for c in columns}
    if frame is not None:
        wanted = {c: (f if c == f else _grid_fallback(entity, f, frame[c])) for c, f in wanted.items()}
    by_field: dict[str, list[str]] = {}
    for c, f in wanted.items():
        by_field.setdefault(f, []).append(c)
    mapping = {}
    for f, cs in by_field.items():
        winner = sorted(cs, key=lambda c: (not fold(c).endswith("id"), columns.index(c)))[0]
        for c in cs:
            mapping[c] = f if c == winner else str(c)
    return mapping


# --------------------------------------------------------------------------------------------- values

def _as_string(s: pd.Series) -> pd.Series:
    """Any column as pandas text, integral floats without their '.0'."""
    v = s.dropna() if pd.api.types.is_float_dtype(s) else None
    if v is not None and (np.isfinite(v) & (v.abs() < 2**53) & (v == v.round())).all():
        s = s.astype("Int64")
    return s.astype("string")


def _text(s: pd.Series) -> pd.Series:
    out = _as_string(s).str.strip()  # JSON numbers with gaps arrive as floats: 622850.0 is the id 622850
    return out.mask(out == "")


INT64_MAX = 2**63 - 1  # Autotask ids are 64-bit (long) in its REST model


def _to_int(s: pd.Series, noun: str = "whole-number id") -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """Whole numbers (ids, counts) from any column: values, bad mask, reasons for the bad rows (None when none).

    Digits are read exactly; a value outside 64 bits is named as such rather than wrapped or rounded."""
    none = pd.Series(False, index=s.index)
    if pd.api.types.is_bool_dtype(s):  # a JSON true/false where a number belongs
        bad = s.notna()
        return pd.Series(pd.NA, index=s.index, dtype="Int64"), bad, _reasons(s, bad, f" is not a {noun}")
    if pd.api.types.is_integer_dtype(s):
        if s.dtype.kind == "u" or str(s.dtype) == "UInt64":  # uint64: values beyond int64 arrived from JSON
            big = (s > INT64_MAX).fillna(False)
            if big.any():
                return (s.where(~big).astype("Int64"), big,
                        _reasons(s, big, " is outside the range of an Autotask id (64-bit)"))
        return s.astype("Int64"), none, None
    t = _text(s)
    c = t.str.replace(",", "", regex=False).str.replace(r"^\+", "", regex=True)
    digits = c.str.fullmatch(r"-?\d+").fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    big = np.zeros(len(s), dtype=bool)
    if digits.any():
        d = c[digits]
        long = (d.str.lstrip("-").str.len() >= 19).to_numpy(dtype=bool)
        if long.any():  # only these few need Python's exact integers to tell whether they fit
            fits = np.array([-INT64_MAX - 1 <= int(v) <= INT64_MAX for v in d[long]], dtype=bool)
            where = np.flatnonzero(digits)[long]
            big[where[~fits]] = True
        ok = digits & ~big
        out[ok] = c[ok].astype("Int64")
    rest = t.notna().to_numpy(dtype=bool) & ~digits
    if rest.any():  # "1.0", "1e3": whole numbers written as decimals, exact below 2**53
        num = pd.to_numeric(c[rest], errors="coerce")
        whole = num.notna() & np.isfinite(num.fillna(0)) & (num == np.floor(num.fillna(0))) & (num.abs() < 2**53)
        out[num.index[whole]] = num[whole].astype("int64")
    bad = t.notna() & out.isna()
    if not bad.any():
        return out, none, None
    big_s = pd.Series(big, index=s.index)
    reason = _reasons(t, bad & ~big_s, f" is not a {noun}")
    reason[big_s] = _reasons(t, big_s, " is outside the range of an Autotask id (64-bit)")[big_s]
    return out, bad, reason


def _reasons(values: pd.Series, bad: pd.Series, suffix: str) -> pd.Series:
    """"'<value>'<suffix>" for the rows in `bad`, NA elsewhere (built only for the bad rows)."""
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    if bad.any():
        out[bad] = "'" + _text(values[bad]).astype(str) + "'" + suffix
    return out


def _to_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        out = s.astype("Float64")
        bad = out.notna() & ~np.isfinite(out.fillna(0))
        return out.where(~bad), bad
    t = _text(s)
    sci = t.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+", na=False)  # 1.5e3: read as written, not as 1.53
    c = t.str.replace(r"[^\d,.\-()]", "", regex=True)
    neg = c.str.startswith("(", na=False) & c.str.endswith(")", na=False) | c.str.startswith("-", na=False)
    c = c.str.replace(r"[()\-]", "", regex=True)
    # "1.250,50" writes the decimal with a comma; "1,250.50" and "1,250" use it for thousands.
    comma_decimal = c.str.contains(r",\d{1,2}$", na=False) & ~c.str.contains(r"\.\d*$", na=False)
    c = c.where(~comma_decimal, c.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    c = c.where(comma_decimal, c.str.replace(",", "", regex=False))
    num = pd.to_numeric(c.mask(c == ""), errors="coerce")
    num = num.where(~neg.fillna(False), -num)
    if sci.any():
        num[sci] = pd.to_numeric(t[sci], errors="coerce")
    bad = t.notna() & (num.isna() | ~np.isfinite(num.fillna(0)))
    return num.astype("Float64").where(~bad), bad


def _to_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean"), pd.Series(False, index=s.index)
    t = _text(s).str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[t.isin(_TRUE).fillna(False)] = True
    out[t.isin(_FALSE).fillna(False)] = False
    bad = t.notna() & out.isna()
    return out, bad


# d/m/y, m/d/y or y/m/d with an optional time ("13/02/2024 09:30 PM"): parts p0-p2, then hour, minute, second, am/pm
_SLASH = (r"^\s*(?P<p0>\d{1,4})[/.\-](?P<p1>\d{1,2})[/.\-](?P<p2>\d{2,4})(?:[ T]+(?P<p3>\d{1,2}):(?P<p4>\d{2})"
          r"(?::(?P<p5>\d{2}))?(?:\.\d+)?\s*(?P<p6>[AaPp][Mm])?)?\s*$")


def _slash_match(t: pd.Series):
    """_SLASH matched against each value of `t` by Arrow's regex engine (C++, not a Python call per value):
    a struct of parts p0-p6 per value, null where the value is not slash-written."""
    return pc.extract_regex(pa.array(t.astype("string").array, type=pa.string()), _SLASH)


def _slash_parts(t: pd.Series) -> pd.DataFrame:
    """The parts of each slash-written date in `t` as text columns 0-6 (NA where absent or not a date)."""
    parts = _slash_match(t)
    cols = {i: pd.Series(pd.array(pc.struct_field(parts, f"p{i}"), dtype="string"), index=t.index) for i in range(7)}
    frame = pd.DataFrame(cols)
    return frame.mask(frame.eq(""))


def detect_date_order(values: pd.Series) -> tuple[str, bool]:
    """Day/month order of `values` ("DMY", "MDY" or "YMD") and whether it was decided by an unambiguous value.

    A first part above 12 (13/01/2022) means day first; a second part above 12 (01/13/2022) means month first.
    Without such a value the order is ambiguous and month first (Autotask's US default) is assumed.
    """
    t = _text(values).dropna()
    if t.empty:
        return "MDY", False
    parts = _slash_parts(t).dropna(subset=[0, 1, 2])
    if parts.empty:
        return "YMD", True
    a, b = parts[0].astype(int), parts[1].astype(int)
    if (parts[0].str.len() == 4).all():
        return "YMD", True
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first and not month_first:
        return "DMY", True
    if month_first and not day_first:
        return "MDY", True
    return "MDY", False


def _slash_dates(t: pd.Series, order: str) -> np.ndarray:
    """Slash-written dates (see _SLASH) read in day/month `order` as datetime64[ms]; NaT where not a real date.

    The parts come from _slash_match and the dates are assembled with numpy date arithmetic, so no value goes
    through Python one at a time."""
    parts = _slash_match(t)
    matched = ~np.asarray(pc.is_null(parts).to_numpy(zero_copy_only=False), dtype=bool)

    def text(i: int):
        return pc.fill_null(pc.struct_field(parts, f"p{i}"), "")

    def number(i: int) -> np.ndarray:  # absent parts (no time, no seconds) are 0
        txt = text(i)
        return np.asarray(pc.fill_null(pc.cast(pc.if_else(pc.equal(txt, ""), "0", txt), pa.int64()), 0)
                          .to_numpy(zero_copy_only=False), dtype=np.int64)

    def width(i: int) -> np.ndarray:
        return np.asarray(pc.utf8_length(text(i)).to_numpy(zero_copy_only=False), dtype=np.int64)

    pos = {"DMY": (2, 1, 0), "YMD": (0, 1, 2), "MDY": (2, 0, 1)}[order]  # where year, month and day stand
    year, month, day = (number(i) for i in pos)
    y_width, m_width, d_width = (width(i) for i in pos)
    year = np.where(y_width == 2, year + 2000, year)
    hour, minute, second = number(3), number(4), number(5)
    ampm = np.asarray(pc.utf8_lower(text(6)).to_numpy(zero_copy_only=False), dtype=object)
    hour = np.where((ampm == "pm") & (hour < 12), hour + 12, hour)  # no am/pm means a 24-hour clock
    hour = np.where((ampm == "am") & (hour == 12), 0, hour)
    # a real calendar day and clock time only: 31/02 and 24:00 are not dates (nothing rolls over)
    real = (matched & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (hour <= 23) & (minute <= 59)
            & (second <= 59) & (d_width <= 2) & (m_width <= 2) & np.isin(y_width, (2, 4)))
    months = np.where(real, (year - 1970) * 12 + month - 1, 0).astype("timedelta64[M]")
    first = np.datetime64("1970-01", "M") + months
    dates = first.astype("datetime64[D]") + np.where(real, day - 1, 0).astype("timedelta64[D]")
    real &= dates.astype("datetime64[M]") == first  # day 31 of a 30-day month lands in the next month
    stamps = (dates.astype("datetime64[ms]") + (hour * 3_600_000 + minute * 60_000 + second * 1000)
              .astype("timedelta64[ms]"))
    return np.where(real, stamps, np.datetime64("NaT", "ms"))


def _to_date(s: pd.Series, order: str) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s.dt.tz_convert(None) if getattr(s.dt, "tz", None) is not None else s
        return out.astype("datetime64[ms]"), pd.Series(False, index=s.index)
    if not (pd.api.types.is_string_dtype(s) or s.dtype == object):  # date32 from pyarrow and the like
        out = pd.to_datetime(s, errors="coerce")
        return out.astype("datetime64[ms]"), pd.Series(False, index=s.index)
    return _text_dates(s, order)


def _text_dates(s: pd.Series, order: str) -> tuple[pd.Series, pd.Series]:
    """Dates written as text (ISO, or slashes in day/month `order`) as datetime64[ms], and where a written value
    is not a date."""
    t = _text(s)
    read = np.full(len(t), np.datetime64("NaT"), dtype="datetime64[ms]")
    iso = t.str.match(r"^\d{4}-\d{2}-\d{2}", na=False).to_numpy(dtype=bool)
    if iso.any():
        parsed = pd.to_datetime(t[iso], format="ISO8601", errors="coerce", utc=True)
        read[iso] = parsed.dt.tz_convert(None).astype("datetime64[ms]").to_numpy()
        clock = iso & np.isnat(read)  # yyyy-MM-dd with a 12-hour clock ("2025-03-14 02:41 PM"), as grids write it
        if clock.any():
            read[clock] = _slash_dates(t[clock], "YMD")
    written = t.notna().to_numpy(dtype=bool)
    if (written & ~iso).any():
        read[written & ~iso] = _slash_dates(t[written & ~iso], order)
    return pd.Series(read, index=s.index), pd.Series(written & np.isnat(read), index=s.index)


# --------------------------------------------------------------------------------------------- one entity

@dataclass
class _Ctx:
    date_order: str | None
    picklists: dict
    problems: list[str]
    names: dict  # entity -> {folded name: id or -1 when ambiguous}
    timings: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)  # (entity, field) -> kind from the tenant's fields/<Entity>.json
    notes: list = field(default_factory=list)  # how files were read, where that is worth saying
    history: bool = True  # False once client.yaml fixes the as-of: record-history dates then decide nothing

    def clock(self, stage: str, since: float) -> float:
        """Add the seconds since `since` to `stage`; returns now."""
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - since
        return now


def _picklist(entity: str, fld: str, s: pd.Series, ctx: _Ctx) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Codes for a picklist column given codes or labels; returns codes, bad mask, reason text."""
    if pd.api.types.is_integer_dtype(s) and s.dtype.kind != "u":  # REST exports hold codes: nothing to look up
        return s.astype("Int64"), pd.Series(False, index=s.index), None
    if pd.api.types.is_bool_dtype(s):  # a flag Autotask's model keeps as a 0/1 code (BillingItems.nonBillable)
        return s.astype("Int64"), pd.Series(False, index=s.index), None
    t = _text(s)
    num = pd.to_numeric(t, errors="coerce")
    numeric = num.notna() & np.isfinite(num.fillna(0))
    is_code = numeric & (num == np.floor(num.fillna(0))) & (num.abs() < 2**31)  # picklist codes are 32-bit
    codes = num.where(is_code).astype("Float64").astype("Int64")
    labels = t.where(t.notna() & ~numeric)
    reason = pd.Series(pd.NA, index=s.index, dtype="string")
    odd = numeric & ~is_code  # 2.5 or 1e20 is neither a code nor a label
    if odd.any():
        reason[odd] = _reasons(t, odd, f" is not a {fld} code (a whole number)")[odd]
    if labels.notna().any():
        known = {**ents.picklist_labels(entity, fld), **ctx.picklists.get((entity, fld), {})}
        lookup = {fold(v): k for k, v in known.items()}
        lookup.update(ents.LABEL_ALIASES.get((entity, fld), {}))
        folded = fold_series(labels.dropna())
        mapped = folded.map(lookup)
        unknown = folded[mapped.isna()]
        if len(unknown):
            if (entity, fld) in ents.CLOSED_PICKLISTS:
                bad_idx = unknown.index
                reason[bad_idx] = "unknown " + fld + " '" + labels[bad_idx].astype(str) + "'"
            else:  # a tenant's own value: give it a stable code of its own and remember its label
                new_labels = sorted(set(labels[unknown.index]))
                base = -1000 - len(ctx.picklists.get((entity, fld), {}))
                assign = {fold(lbl): base - i for i, lbl in enumerate(new_labels)}
                ctx.picklists.setdefault((entity, fld), {}).update({base - i: lbl for i, lbl in enumerate(new_labels)})
                mapped = mapped.fillna(folded.map(assign))
        codes = codes.combine_first(pd.to_numeric(mapped, errors="coerce").astype("Int64")).reindex(s.index)
    bad = reason.notna()
    return codes, bad, reason


def _name_ref(entity: str, fld: str, s: pd.Series, ctx: _Ctx) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Ids for a reference column that a grid export filled with names (e.g. 'Organization')."""
    target = ENTITIES[entity].name_refs[fld]
    names = ctx.names.get(target, {})
    t = _text(s)
    # an exact name beats a folded one, so "Granite Wines" and "GRANITE  WINES" stay apart when both exist
    ids = t.map(ctx.names.get(target + ":exact", {})).fillna(fold_series(t).where(t.notna()).map(names))
    reason = pd.Series(pd.NA, index=s.index, dtype="string")
    missing = t.notna() & ids.isna()
    ambiguous = ids == -1
    tname = ents.singular(target)
    reason[missing] = "no " + tname + " named '" + t[missing] + "' in " + target
    reason[ambiguous] = "more than one " + tname + " is named '" + t[ambiguous] + "'"
    ids = ids.where(~ambiguous)
    return pd.to_numeric(ids, errors="coerce").astype("Int64"), reason.notna(), reason


def _holds_names(s: pd.Series) -> bool:
    """True when a reference column mostly holds names rather than ids (a grid export's 'Organization')."""
    if pd.api.types.is_numeric_dtype(s):
        return False
    counts = _text(s).value_counts()  # rows per distinct text: the test below runs once per distinct value
    digits = counts.index.to_series().str.fullmatch(r"\d+").fillna(False).to_numpy(dtype=bool)
    return counts.sum() > 0 and float(counts[digits].sum() / counts.sum()) < 0.5


def _by_distinct(convert, s: pd.Series):
    """`convert` (Series -> values, bad mask, reasons or None) run on the distinct texts of `s`, spread to its rows.

    Grid exports write labels, yes/no, amounts and names as text in every row; converting each distinct text once
    keeps the cost with the number of distinct values. Typed columns (REST exports) and columns of mostly unique
    values are converted as they are."""
    if not isinstance(s.dtype, pd.StringDtype) or len(s) < 1000:
        return convert(s)
    codes, distinct = pd.factorize(s)
    if len(distinct) > len(s) // 2:
        return convert(s)
    val, bad, reason = convert(pd.Series(pd.array(distinct, dtype="string")))

    def spread(x: pd.Series) -> pd.Series:  # code -1 (a missing text) gives a missing value
        return pd.Series(x.array.take(codes, allow_fill=True), index=s.index)

    bad_rows = pd.Series(np.append(bad.to_numpy(dtype=bool), False)[codes], index=s.index)
    return spread(val), bad_rows, spread(reason) if isinstance(reason, pd.Series) else reason


def _type_frame(entity: str, df: pd.DataFrame, ctx: _Ctx, name: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Convert raw columns to typed ones. Returns frame, first bad column per row, its reason (NA when clean)."""
    out = {}
    bad_col = pd.Series(pd.NA, index=df.index, dtype="string")
    bad_reason = pd.Series(pd.NA, index=df.index, dtype="string")
    ent = ENTITIES.get(entity)
    # dates still written as text (grid exports) decide the file's day/month order; typed ones need none
    texts = [df[c] for c in df.columns if ents.field_kind(entity, c, ctx.kinds) == DATE
             and (pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object)]
    order = ctx.date_order
    if order is None and texts:
        order, decided = detect_date_order(pd.concat(texts).head(200_000))
        if not decided:
            ctx.problems.append(f"{name}: dates have no day above 12, so day/month order is ambiguous; read as "
                                f"MM/dd/yyyy. Set date_format in client.yaml if that is wrong.")
    date_shape = {"DMY": "dd/MM/yyyy", "MDY": "MM/dd/yyyy", "YMD": "yyyy-MM-dd"}[order or "MDY"]
    for c in df.columns:
        kind = ents.field_kind(entity, c, ctx.kinds)
        s = df[c]
        reason = None  # a Series for the reject list, or a suffix after the quoted value; built only for bad rows
        if kind == ID and ent is not None and c in ent.name_refs and _holds_names(s):
            val, bad, reason = _by_distinct(lambda u: _name_ref(entity, c, u, ctx), s)
        elif kind == ID:
            val, bad, reason = _by_distinct(_to_int, s)
        elif kind == INT:
            val, bad, reason = _by_distinct(lambda u: _to_int(u, "whole number"), s)
        elif kind == PICK:
            val, bad, reason = _by_distinct(lambda u: _picklist(entity, c, u, ctx), s)
        elif kind == NUM:
            val, bad, _ = _by_distinct(lambda u: (*_to_number(u), None), s)
            reason = " is not a number"
        elif kind == BOOL:
            val, bad, _ = _by_distinct(lambda u: (*_to_bool(u), None), s)
            reason = " is not yes/no"
        elif kind == DATE:
            val, bad, _ = _by_distinct(lambda u: (*_to_date(u, order or "MDY"), None), s)
            reason = f" is not a date ({date_shape})"
        else:
            # Text is kept as written (no trimming: only values we parse are cleaned); a JSON number in a text
            # field such as rmmDeviceID becomes "12345" so every shape gives the same table.
            val, bad = (s if str(s.dtype) == "string" else _as_string(s)), None
        out[c] = val
        if bad is not None and bad.any():
            first = bad & bad_col.isna()
            bad_col[first] = c
            bad_reason[first] = (reason if isinstance(reason, pd.Series) else _reasons(s, first, reason))[first]
    return pd.DataFrame(out, index=df.index, copy=False), bad_col, bad_reason  # the typed columns are new already


def _schema(entity: str, df: pd.DataFrame, tenant: dict | None = None):
    """The pandera schema a loaded table must satisfy: key present and not negative, dates in range.

    Key uniqueness is not repeated here: load_entity has already rejected duplicate keys, naming each row."""
    import pandera.pandas as pa_

    key = ENTITIES[entity].key
    cols = {}
    for c in df.columns:
        kind = ents.field_kind(entity, c, tenant)
        if c == key:
            # ids are never negative; 0 is real: Autotask gives the MSP's own organization id 0
            # (autotask.net/help/content/3_Features/3_CRM/Companies/_InternalAccount.htm)
            checks = [pa_.Check.ge(0)] if kind == ID else [pa_.Check.str_length(min_value=1)]
            cols[c] = pa_.Column(df[c].dtype, checks=checks, nullable=False)
        elif c in ENTITIES[entity].required and kind == ID:
            cols[c] = pa_.Column("Int64", nullable=False)
        elif kind == DATE:
            cols[c] = pa_.Column("datetime64[ms]", pa_.Check.ge(pd.Timestamp("1900-01-01")), nullable=True)
        elif kind in (ID, PICK, INT):
            cols[c] = pa_.Column("Int64", nullable=True)
        elif kind == BOOL:
            cols[c] = pa_.Column("boolean", nullable=True)
        elif kind == NUM:
            cols[c] = pa_.Column("Float64", nullable=True)
    return pa_.DataFrameSchema(cols, strict=False, coerce=False, name=entity)


def _validate(entity: str, df: pd.DataFrame, tenant: dict | None = None) -> pd.DataFrame:
    """Rows that fail the schema: index, column, value, reason."""
    import pandera.errors as pe

    try:
        _schema(entity, df, tenant).validate(df, lazy=True, inplace=True)  # coerce=False: nothing changes, so no copy
    except pe.SchemaErrors as err:
        fc = err.failure_cases
        fc = fc[fc["index"].notna()]
        return pd.DataFrame({"index": fc["index"].astype(int), "column": fc["column"].astype(str),
                             "value": fc["failure_case"].astype(str),
                             "reason": fc["column"].astype(str) + " fails " + fc["check"].astype(str)})
    return pd.DataFrame(columns=["index", "column", "value", "reason"])


def load_entity(path: Path, entity: str, ctx: _Ctx | None = None,
                lean: bool = False) -> tuple[pd.DataFrame | None, dict, pd.DataFrame]:
    """Load one entity file. Returns (typed table or None when unusable, ledger row, rejects).

    lean=True reads only the columns the audit uses (entities.AUDIT_COLUMNS); every row is still accounted for."""
    ctx = ctx or _Ctx(None, {}, [], {})
    name = path.name
    ledger = {"entity": entity, "file": name, "read": 0, "loaded": 0, "rejected": 0, "read_as": ""}
    empty_rejects = pd.DataFrame(columns=REJECT_COLUMNS)
    t0 = time.perf_counter()
    try:
        if path.suffix.lower() in (".json", ".jsonl"):
            raw, rows, malformed, fmt, notes = _read_json(path)
            ctx.problems.extend(notes)
            if raw.empty and not len(raw.columns):  # an empty response ({"items": []}) is an empty table
                raw = pd.DataFrame({c: pd.Series(dtype="object") for c in ENTITIES[entity].required})
            present = frozenset(_canonical(entity, str(c)) for c in raw.columns)
            raw = raw[[c for c in raw.columns
                       if _audited(entity, _canonical(entity, str(c)), lean, ctx.history, present)]]
        else:
            raw, rows, malformed, fmt = _read_csv(path, entity, lean, ctx.history, ctx.kinds)
        t0 = ctx.clock("read", t0)
    except FileProblem as exc:
        ctx.problems.append(str(exc))
        return None, ledger, empty_rejects
    except (OSError, ValueError, pa.ArrowException) as exc:  # UnicodeError is a ValueError
        ctx.problems.append(f"{name}: could not be read ({type(exc).__name__}: {exc})")
        return None, ledger, empty_rejects
    ledger["read_as"] = fmt.describe()
    if fmt.encoding not in ("utf-8", "utf-8-sig") or fmt.delimiter not in ("", ","):
        ctx.notes.append(f"{name}: read as {fmt.describe()}")
    if fmt.shape == "grid-csv" and len(raw) + len(malformed) == GRID_EXPORT_LIMIT:
        ctx.problems.append(f"{name}: exactly {GRID_EXPORT_LIMIT:,} rows, so this list may be cut at Autotask's "
                            f"{GRID_EXPORT_LIMIT:,}-row grid export limit; pull it through the API "
                            "(readiness pull) to be sure every record is here")
    if fmt.encoding in textfiles.REPLACING:
        raw, rows, malformed = _drop_damaged(raw, rows, malformed)
    rej = [pd.DataFrame([{"entity": entity, "file": name, "row": b["row"], "column": b.get("column", "-"),
                          "value": b["value"], "reason": b["reason"]} for b in malformed],
                        columns=REJECT_COLUMNS)] if malformed else []
    ledger["read"] = len(raw) + len(malformed)
    raw.columns = [str(c) for c in raw.columns]
    raw = raw.rename(columns=_map_headers(entity, list(raw.columns), raw))
    raw.index = rows
    missing = [c for c in ENTITIES[entity].required if c not in raw.columns]
    if missing:
        msg = (f"{name}: missing required column {', '.join(repr(m) for m in missing)}; "
               f"columns found: {', '.join(map(str, raw.columns[:12]))}")
        if len(raw.columns) == 1 and re.search(r"[,;\t|]", str(raw.columns[0])):
            msg += " (one column holding separators: the file may use a delimiter other than , ; or tab)"
        ctx.problems.append(msg)
        rej.append(pd.DataFrame({"entity": entity, "file": name, "row": rows, "column": missing[0], "value": "",
                                 "reason": f"missing required column '{missing[0]}'"}))
        rejects = pd.concat(rej, ignore_index=True)
        ledger["rejected"] = len(rejects)
        return None, ledger, rejects
    typed, bad_col, bad_reason = _type_frame(entity, raw, ctx, name)
    key = ENTITIES[entity].key
    # masked writes rebuild a whole text column, so each is made only when some row is hit
    for req in ENTITIES[entity].required:
        blank = typed[req].isna() & bad_col.isna()
        if blank.any():
            bad_col[blank], bad_reason[blank] = req, f"required {req} is empty"
    dup = typed[key].duplicated(keep="first") & typed[key].notna() & bad_col.isna()
    if dup.any():
        bad_col[dup], bad_reason[dup] = key, "duplicate " + key + " '" + typed.loc[dup, key].astype(str) + "'"
    bad = bad_col.notna()
    if bad.any():
        rej.append(pd.DataFrame({"entity": entity, "file": name, "row": typed.index[bad], "column": bad_col[bad].values,
                                 "value": _cell_values(raw, bad_col[bad]), "reason": bad_reason[bad].values}))
    if bad.any():  # filtering copies every column: only pay for it when a row is rejected
        typed = typed[~bad]
    t0 = ctx.clock("type", t0)
    schema_fail = _validate(entity, typed, ctx.kinds)
    t0 = ctx.clock("validate", t0)
    if len(schema_fail):
        first = schema_fail.drop_duplicates("index")
        rej.append(pd.DataFrame({"entity": entity, "file": name, "row": first["index"].values,
                                 "column": first["column"].values, "value": first["value"].values,
                                 "reason": first["reason"].values}))
        typed = typed.drop(index=first["index"].values)
    rejects = pd.concat(rej, ignore_index=True) if rej else empty_rejects
    typed = typed.reset_index(drop=True)
    ledger["loaded"], ledger["rejected"] = len(typed), len(rejects)
    return typed, ledger, rejects


def _drop_damaged(raw: pd.DataFrame, rows: np.ndarray, malformed: list[dict]):
    """Rows of a file with damaged bytes (a UTF-8 file with a few stray bytes, a UTF-16 file cut mid-character) that
    hold one, decoded as U+FFFD, become rejects naming the column."""
    hit = pd.Series(False, index=raw.index)
    first = pd.Series(pd.NA, index=raw.index, dtype="object")
    for c in raw.columns:
        s = raw[c]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            continue
        m = s.astype("string").str.contains("\ufffd", regex=False, na=False)
        first[m & ~hit] = c
        hit |= m
    if not hit.any():
        return raw, rows, malformed
    keep = ~hit.to_numpy(dtype=bool)
    for i in np.flatnonzero(~keep):
        c = first.iloc[i]
        malformed.append({"row": int(rows[i]), "column": str(c), "value": str(raw.iloc[i][c])[:80],
                          "reason": "holds bytes that cannot be decoded (shown as \ufffd); the rest of the file reads"})
    return raw[keep].reset_index(drop=True), rows[keep], malformed


def _cell_values(raw: pd.DataFrame, cols: pd.Series) -> list[str]:
    """The raw text of each (row, column) pair, for the reject list."""
    out = []
    for col in pd.unique(cols):
        idx = cols.index[cols == col]
        out.append(pd.Series(raw.loc[idx, col].astype("string").fillna("").str.slice(0, 80), index=idx))
    return pd.concat(out).reindex(cols.index).tolist() if out else []


# --------------------------------------------------------------------------------------------- the folder

def _find_file(folder: Path, entity: str, problems: list[str]) -> Path | None:
    found = [p for p in folder.iterdir() if p.is_file() and p.stem.lower() == entity.lower()
             and p.suffix.lower() in SUFFIXES]
    if not found:
        return None
    found.sort(key=lambda p: SUFFIXES.index(p.suffix.lower()))
    if len(found) > 1:
        problems.append(f"{entity}: several files ({', '.join(p.name for p in found)}); read {found[0].name}")
    return found[0]


def _read_client(folder: Path, problems: list[str]) -> dict:
    path = folder / "client.yaml"
    if not path.exists():
        path = folder / "client.yml"
        if not path.exists():
            return {}
    try:
        data = textfiles.load_yaml(path) or {}
    except FileProblem as exc:
        problems.append(f"{exc}; client details ignored")
        return {}
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        problems.append(f"{path.name}: not valid YAML ({exc}); client details ignored")
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path.name}: expected keys such as name, technicians, integrations; ignored")
        return {}
    if "integrations" in data and not isinstance(data["integrations"], list):
        problems.append(f"{path.name}: integrations should be a list of names")
        data["integrations"] = [str(data["integrations"])]
    if "technicians" in data:
        try:
            data["technicians"] = int(data["technicians"])
        except (TypeError, ValueError):
            problems.append(f"{path.name}: technicians '{data['technicians']}' is not a number; ignored")
            data.pop("technicians")
    return data


def _read_field_info(folder: Path, problems: list[str]) -> tuple[dict, dict]:
    """The tenant's own schema from fields/<Entity>.json (Autotask's entityInformation/fields responses):
    picklist labels {(entity, field): {code: label}} and field kinds {(entity, field): kind}."""
    labels: dict = {}
    kinds: dict = {}
    fields_dir = folder / "fields"
    if not fields_dir.is_dir():
        return labels, kinds
    for path in sorted(fields_dir.glob("*.json")):
        entity = path.stem.split("_")[0]
        try:
            data = textfiles.load_json(path)
            for f in data.get("fields", []):
                kind = ents.tenant_kind(f)
                if kind is not None and f.get("name"):
                    kinds[(entity, str(f["name"]))] = kind
                if f.get("isPickList") and f.get("picklistValues") and kind != TEXT:
                    labels[(entity, f["name"])] = {int(v["value"]): str(v["label"]) for v in f["picklistValues"]
                                                   if re.fullmatch(r"-?\d{1,9}", str(v.get("value", "")))}
        except (FileProblem, AttributeError, TypeError, KeyError, ValueError) as exc:
            problems.append(f"fields/{path.name}: not an entityInformation/fields response ({exc}); ignored")
    return labels, kinds


def _pull_caveats(folder: Path) -> list[str]:
    """What `readiness pull` recorded in pull.json that limits what the export can show: history pulled from a
    date on only, and entities it could not pull completely."""
    path = folder / "pull.json"
    if not path.is_file():
        return []
    try:
        record = textfiles.load_json(path)
        since = record.get("history_since")
        entities = record.get("entities") or {}
        caveats = [f"pull.json: the history tables ({', '.join(sorted(ents.AUDIT_COLUMNS))}) were pulled from "
                   f"{since} on only: activity before that date is not in this export"] if since else []
        caveats += [f"pull.json: {name} was not pulled completely ({entry.get('status')}: "
                    f"{str(entry.get('note') or '')[:200]})"
                    for name, entry in sorted(entities.items()) if entry.get("status") != "done"]
        return caveats
    except (FileProblem, AttributeError, TypeError) as exc:
        return [f"pull.json: not a pull record ({exc}); ignored"]


def _date_order_from_client(client: dict, problems: list[str]) -> str | None:
    """Day/month order from client.yaml `date_format` in Autotask's notation ("dd/MM/yyyy" -> "DMY")."""
    fmt = client.get("date_format")
    if not fmt:
        return None
    date_part = str(fmt).split()[0] if str(fmt).split() else ""
    letters = "".join(dict.fromkeys(re.sub(r"[^dMy]", "", date_part)))  # d, M, y in the order they first appear
    order = {"dMy": "DMY", "Mdy": "MDY", "yMd": "YMD"}.get(letters)
    if order is None:
        problems.append(f"client.yaml: date_format '{fmt}' not understood (use dd/MM/yyyy, MM/dd/yyyy or yyyy-MM-dd)")
    return order


def load_export(path: str | Path, date_format: str | None = None, lean: bool = False) -> Export:
    """Load every known entity file in `path` into an Export.

    Raises FileNotFoundError only when `path` is not a folder; any bad content becomes a reject or a problem.
    `date_format` (e.g. "dd/MM/yyyy") overrides both client.yaml and detection. `lean=True` (what the audit
    uses) reads only the columns the audit uses of the big history tables (entities.AUDIT_COLUMNS); by default
    every column is kept.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"export folder not found: {folder}")
    problems: list[str] = []
    client = _read_client(folder, problems)
    if date_format:
        client = {**client, "date_format": date_format}
    labels, kinds = _read_field_info(folder, problems)
    ctx = _Ctx(_date_order_from_client(client, problems), labels, problems, {}, kinds=kinds,
               history=export_date(client) is None)
    tables, ledger_rows, rejects, used = {}, [], [], set()
    for entity in ents.LOAD_ORDER:
        file = _find_file(folder, entity, problems)
        if file is None:
            continue
        used.add(file.name)
        try:
            table, row, rej = load_entity(file, entity, ctx, lean)
        except Exception as exc:  # noqa: BLE001 - one file's failure never stops the others, and names the file
            problems.append(f"{file.name}: could not be loaded ({type(exc).__name__}: {str(exc)[:200]})")
            table, row, rej = None, {"entity": entity, "file": file.name, "read": 0, "loaded": 0, "rejected": 0,
                                     "read_as": ""}, pd.DataFrame(columns=REJECT_COLUMNS)
        ledger_rows.append(row)
        if len(rej):
            rejects.append(rej)
        if table is not None:
            tables[entity] = table
            name_col = {"Companies": "companyName", "Services": "name"}.get(entity)
            if name_col and name_col in table:
                keys = fold_series(table[name_col])
                counts = keys.value_counts()
                ids = pd.Series(table["id"].values, index=keys)
                ids = ids[~ids.index.duplicated()]
                ids[ids.index.isin(counts[counts > 1].index)] = -1
                ctx.names[entity] = ids.to_dict()
                exact = pd.Series(table["id"].values, index=table[name_col].astype("string").fillna("").str.strip())
                ctx.names[entity + ":exact"] = exact[~exact.index.duplicated(keep=False)].to_dict()
    problems.extend(_unread_files(folder, used))
    problems.extend(_pull_caveats(folder))
    ledger = pd.DataFrame(ledger_rows, columns=LEDGER_COLUMNS)
    rejects_df = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=REJECT_COLUMNS)
    return Export(folder, tables, client, ledger, rejects_df, problems, ctx.picklists, ctx.timings, ctx.notes)


# Files an export folder may hold that are not entity tables.
_NOT_TABLES = {"client.yaml", "client.yml", "pull.json", "readme.md", "readme.txt", "decisions.yaml",
               "suppressions.yaml", ".ds_store", "thumbs.db", "desktop.ini"}


def _unread_files(folder: Path, used: set[str]) -> list[str]:
    """A line for every file in `folder` that was not read, naming the entity it most likely is.

    "Contracts (1).csv" and "TicketsExport.csv" are what browsers and grids name a download; the loader reads only
    "<Entity>.<csv|json|jsonl>", so each such file is named with the name it would be read under."""
    out = []
    stems = {fold(e): e for e in ENTITIES}
    for p in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if not p.is_file() or p.name in used or p.name.lower() in _NOT_TABLES or p.name.startswith("."):
            continue
        guess = _nearest_entity(p.stem, stems)
        ext = p.suffix.lower() if p.suffix.lower() in SUFFIXES else ".csv"
        if guess:
            hint = f"rename it {guess}{ext} if it is the {guess} export"
            if p.suffix.lower() not in SUFFIXES:
                hint += " (saved as CSV or JSON)"
        elif p.suffix.lower() in SUFFIXES:
            hint = "no Autotask entity of that name is audited"
        else:
            hint = "only .csv, .json and .jsonl files are read"
        out.append(f"{p.name}: not read; {hint}")
    return out


def _nearest_entity(stem: str, stems: dict[str, str]) -> str | None:
    """The audited entity a file name most likely stands for ("Contracts (1)" -> Contracts), or None."""
    f = fold(stem)
    f = re.sub(r"(export|exported|list|grid|report|data|copy|final|new|old|\d+)+$", "", f) or f
    f = re.sub(r"^(autotask|at|export|copyof)+", "", f) or f
    if f in stems:
        return stems[f]
    if f + "s" in stems:
        return stems[f + "s"]
    close = difflib.get_close_matches(f, list(stems), n=1, cutoff=0.8)
    return stems[close[0]] if close else None


def ledger_summary(export: Export) -> dict[str, dict[str, int]]:
    """{"<Entity>": {"read", "loaded", "rejected"}} as summary.json carries it under `load`."""
    g = export.ledger.groupby("entity")[["read", "loaded", "rejected"]].sum()
    return {e: {k: int(v) for k, v in row.items()} for e, row in g.iterrows()}
