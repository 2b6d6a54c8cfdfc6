"""The client's sign-off workbook, OUT/<client-slug>/workbook.xlsx: the contract map with columns for the client to
fill in (agreed HaloPSA build, approved by, date), the open findings, the go-live checklist and the effort estimate.

Library: XlsxWriter, not openpyxl: it only writes, which is all this needs, and its constant_memory mode writes
200,000 findings rows in a fraction of the memory, with autofilter, frozen panes and column formats intact.

Every cell comes from the client's export and is untrusted. Workbook options keep every text a text (never a
formula, link or number); a text a spreadsheet would run as a formula gets a leading `'` (readiness.safe); so
does a text XlsxWriter would copy into the file as raw rich-text markup (one that starts with "<r>" and ends with
"</r>"). Characters XML 1.0 cannot hold (C0 controls other than tab and line feed, U+FFFE, U+FFFF, lone
surrogates) are removed, and a carriage return becomes a line feed (an XML reader would turn it into one anyway).
Texts are cut to Excel's 32,767 UTF-16 units. Missing values are empty cells; numbers, flags and dates keep
their type.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from readiness.effort import BULK_AFTER, BULK_ITEMS, BULK_SHARE, WORK_ITEMS, effective_count
from readiness.safe import csv_safe, neutralise, replace_into
from readiness.vocabulary import ERROR, FAIL, FINDING_COLUMNS, PASS, REVIEW, SEVERITIES

FILE_NAME = "workbook.xlsx"
SHEETS = ("Contracts", "Findings", "Checklist", "Effort")

CONTRACT_HEADERS = {
    "contract_id": "Contract id",
    "contract_name": "Contract",
    "company_id": "Company id",
    "company_name": "Company",
    "contract_type": "Autotask type",
    "status": "Status",
    "halo_target": "HaloPSA target",
    "verdict": "Verdict",
    "edge_cases": "Edge cases",
}
AGREED, APPROVED_BY, DATE = "Agreed HaloPSA build", "Approved by", "Date"
SIGN_OFF_WIDTHS = {AGREED: 40, APPROVED_BY: 20, DATE: 12}  # empty columns: room to write in
CHECKLIST_COLUMNS = ["item", "state", "evidence", "status"]
DECISION_COLUMNS = ["contract_id", "contract_name", "decision", "rebuild_as", "note", "decided_at"]
STATUS_ORDER = (FAIL, REVIEW, ERROR)  # Findings sheet: what blocks go-live first; PASS rows are left out

OPTIONS = {
    "constant_memory": True,  # rows go to disk as they are written; autofilter and frozen panes still work
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
    "remove_timezone": True,  # Excel has no time zones: a zoned time is written as its wall-clock time
}
MIN_WIDTH, MAX_WIDTH = 8, 60  # column widths in characters; text longer than MAX_WIDTH wraps
NUMBER_WIDTH = 15  # General format shows about this many characters of a long fraction
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
EXCEL_MAX_TEXT = 32_767  # UTF-16 units in one cell
CHUNK_ROWS = 20_000  # rows turned into Python values at a time, so a large sheet never exists twice in memory

# XML 1.0 forbids these. Written with escapes Python's re and pyarrow's RE2 both read (and the two noncharacters
# themselves); lone surrogates cannot be in a pyarrow string at all, so only the Python pattern lists them.
_FORBIDDEN_CHARS = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\ufffe\uffff]"
_FORBIDDEN_PY = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """One text as it is written: XML-forbidden characters removed, CR/CRLF as LF, formula- and markup-neutralised,
    cut to Excel's cell limit."""
    text = _FORBIDDEN_PY.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    text = neutralise(text)
    if text.startswith("<r>") and text.endswith("</r>"):
        text = "'" + text
    return _truncate(text)


def _truncate(text: str) -> str:
    """`text` cut to EXCEL_MAX_TEXT UTF-16 units without splitting a character above U+FFFF."""
    if len(text) <= EXCEL_MAX_TEXT // 2:
        return text
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > EXCEL_MAX_TEXT:
            return text[:i]
    return text


@dataclass
class _Column:
    """One sheet column: header, values ready to write (a Series, or None for an empty column), layout."""
    header: str
    values: pd.Series | None
    width: float
    wrap: bool = False
    num_format: str | None = None


def _width(header: str, longest: float) -> tuple[float, bool]:
    """Column width for the header (plus room for the filter button) and the longest cell; wrap if capped."""
    longest = 0 if pd.isna(longest) else float(longest)
    want = max(longest + 2, len(header) + 4)
    return float(min(max(want, MIN_WIDTH), MAX_WIDTH)), longest + 2 > MAX_WIDTH


def _text_series(s: pd.Series) -> pd.Series:
    """`s` as cleaned text (see clean_text), vectorised: pyarrow strings, or Python's per value when pyarrow
    cannot hold a value (a lone surrogate)."""
    try:
        t = s.astype(pd.StringDtype("pyarrow"))
    except (TypeError, ValueError, UnicodeError):
        return s.map(lambda v: clean_text(str(v)), na_action="ignore").astype(object)
    if t.str.contains(_FORBIDDEN_CHARS, regex=True, na=False).any():
        t = t.str.replace(_FORBIDDEN_CHARS, "", regex=True)
    if t.str.contains("\r", regex=False, na=False).any():
        t = t.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
    t = csv_safe(t.to_frame()).iloc[:, 0]  # readiness.safe.neutralise, column at a time
    markup = (t.str.startswith("<r>") & t.str.endswith("</r>")).fillna(False).to_numpy(dtype=bool)
    if markup.any():
        t = t.where(~markup, "'" + t)
    long = (t.str.len() > EXCEL_MAX_TEXT // 2).fillna(False).to_numpy(dtype=bool)
    if long.any():
        t = t.copy()
        t[long] = t[long].map(_truncate)
    return t


def _mixed_value(v):
    """One value of an object column holding more than text: numbers and flags kept, NA empty, the rest text."""
    if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return clean_text(str(v)) if math.isinf(f) else (int(v) if isinstance(v, (int, np.integer)) else f)
    return clean_text(str(v))


def _column(header: str, s: pd.Series) -> _Column:
    """A frame column made ready to write: typed values, width and wrap from the longest cell text."""
    if pd.api.types.is_bool_dtype(s):
        return _Column(header, s, _width(header, 5)[0])
    if pd.api.types.is_numeric_dtype(s):
        values = s
        if pd.api.types.is_float_dtype(s) and np.isinf(s.to_numpy(dtype=float, na_value=np.nan)).any():
            values = s.astype(object).where(~s.isin([np.inf, -np.inf]), s.astype(str))  # Excel has no infinity
        longest = min(s.astype(str).str.len().max(), NUMBER_WIDTH) if len(s) else 0
        return _Column(header, values, _width(header, longest)[0])
    if pd.api.types.is_datetime64_any_dtype(s):
        naive = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        dated = naive.dropna()
        whole_days = bool((dated == dated.dt.normalize()).all())
        fmt = DATE_FORMAT if whole_days else DATETIME_FORMAT
        early = (naive.dt.year < 1900).fillna(False).to_numpy(dtype=bool)  # before Excel's calendar: ISO text
        values = naive
        if early.any():
            values = naive.astype(object).where(~early, naive.map(lambda t: t.isoformat() if pd.notna(t) else None))
        return _Column(header, values, _width(header, len(fmt))[0], num_format=fmt)
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if s.dtype == object and kind not in ("string", "empty"):
        values = s.map(_mixed_value).astype(object)
        longest = values.map(lambda v: 0 if v is None else len(str(v))).max() if len(values) else 0
    else:
        values = _text_series(s)
        longest = values.str.len().max() if len(values) else 0
    width, wrap = _width(header, longest)
    return _Column(header, values, width, wrap=wrap)


def _columns(frame: pd.DataFrame, headers: list[str] | None = None) -> list[_Column]:
    """Every column of `frame` made ready to write, headed by `headers` (default: the frame's column names)."""
    headers = [str(c) for c in frame.columns] if headers is None else headers
    return [_column(h, frame.iloc[:, i]) for i, h in enumerate(headers)]


def _python(s: pd.Series) -> list:
    """A Series slice as Python values XlsxWriter writes by type (None for missing)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return [None if pd.isna(v) else v.to_pydatetime() for v in s]
    return s.to_numpy(dtype=object, na_value=None).tolist()


class _Sheet:
    """One worksheet being written top to bottom (constant_memory mode writes each row once, in order)."""

    def __init__(self, wb, name: str, formats: dict):
        self.ws = wb.add_worksheet(name)
        self.wb = wb
        self.formats = formats
        self.row = 0
        self._cache: dict = {}

    def layout(self, widths: dict[int, tuple[float, bool, str | None]]) -> None:
        """Column widths and formats (wrap, number format): set before any row, so every cell gets them."""
        for col, (width, wrap, num_format) in sorted(widths.items()):
            fmt = None
            if wrap or num_format:
                key = (wrap, num_format)
                if key not in self._cache:
                    props = {"valign": "top"}
                    if wrap:
                        props["text_wrap"] = True
                    if num_format:
                        props["num_format"] = num_format
                    self._cache[key] = self.wb.add_format(props)
                fmt = self._cache[key]
            self.ws.set_column(col, col, width, fmt)

    def header(self, headers: list[str], formats: list | None = None) -> int:
        """Write a bold header row; returns its row number."""
        row = self.row
        for col, text in enumerate(headers):
            fmt = formats[col] if formats and formats[col] is not None else self.formats["header"]
            self.ws.write_string(row, col, clean_text(text), fmt)
        self.row += 1
        return row

    def table(self, columns: list[_Column], header_formats: list | None = None) -> tuple[int, int]:
        """Write a header and the columns' rows; returns (header row, last row)."""
        top = self.header([c.header for c in columns], header_formats)
        n = max((len(c.values) for c in columns if c.values is not None), default=0)
        for start in range(0, n, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, n)
            data = [_python(c.values.iloc[start:stop]) if c.values is not None else [None] * (stop - start)
                    for c in columns]
            write_row, row = self.ws.write_row, self.row
            for i, values in enumerate(zip(*data)):
                write_row(row + i, 0, values)
            self.row += stop - start
        return top, self.row - 1

    def line(self, values: list, fmt=None) -> None:
        """One row of loose cells (texts cleaned), e.g. a total or a sentence."""
        for col, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                self.ws.write_string(self.row, col, clean_text(v), fmt)
            else:
                self.ws.write(self.row, col, v, fmt)
        self.row += 1

    def finish(self, top: int, last: int, ncols: int) -> None:
        """Freeze the header row and filter the table from `top` to `last`."""
        self.ws.freeze_panes(1, 0)
        self.ws.autofilter(top, 0, max(last, top), max(ncols - 1, 0))


def _layout(*tables: list[_Column]) -> dict[int, tuple[float, bool, str | None]]:
    """Per column position, the widest width, any wrap and the first number format over `tables`."""
    out: dict[int, tuple[float, bool, str | None]] = {}
    for columns in tables:
        for i, c in enumerate(columns):
            w, wrap, fmt = out.get(i, (0.0, False, None))
            out[i] = (max(w, c.width), wrap or c.wrap, fmt or c.num_format)
    return out


# --- Contracts ------------------------------------------------------------------------------------------------

def _id_key(s: pd.Series) -> pd.Series:
    """Contract ids as comparable text: whole numbers without ".0", anything else stripped."""
    num = pd.to_numeric(s, errors="coerce")
    text = s.astype("string").str.strip()
    whole = (num.notna() & (num == num.round())).to_numpy(dtype=bool)
    if whole.any():
        text = text.copy()
        text[whole] = num[whole].astype("int64").astype(str).to_numpy()
    return text


def _text(v) -> str:
    return "" if v is None or pd.isna(v) else str(v).strip()


def agreed_builds(contract_map: pd.DataFrame, decisions: pd.DataFrame | None) -> pd.Series:
    """Per contract_map row, the agreed HaloPSA build from the decision log (NA where none).

    The log's newest row per contract_id wins (stable sort on decided_at, so a later line wins a tie). "keep" is
    the contract's halo_target, "rebuild" its rebuild_as, "retire" "Retire"; a note follows after " — ". An
    unknown decision agrees nothing.
    """
    out = pd.Series(pd.NA, index=contract_map.index, dtype="string")
    if decisions is None or decisions.empty or contract_map.empty:
        return out
    log = decisions.reindex(columns=DECISION_COLUMNS).reset_index(drop=True)
    log = log.assign(_key=_id_key(log["contract_id"]),
                     _when=pd.to_datetime(log["decided_at"], errors="coerce", format="mixed"))
    log = log[log["_key"].notna() & log["_key"].ne("")]
    log = log.sort_values("_when", kind="stable", na_position="first").drop_duplicates("_key", keep="last")
    keys = _id_key(contract_map["contract_id"])
    targets = dict(zip(keys, contract_map["halo_target"] if "halo_target" in contract_map
                       else [None] * len(keys)))
    agreed = {}
    for key, decision, rebuild_as, note in zip(log["_key"], log["decision"], log["rebuild_as"], log["note"]):
        decision = _text(decision).lower()
        if decision == "keep":
            text = _text(targets.get(key)) or "Keep as proposed"
        elif decision == "rebuild":
            text = _text(rebuild_as) or "Rebuild"
        elif decision == "retire":
            text = "Retire"
        else:
            continue
        note = _text(note)
        agreed[key] = f"{text} — {note}" if note else text
    return keys.map(agreed).astype("string")


def _contracts(contract_map: pd.DataFrame, decisions: pd.DataFrame | None) -> list[_Column]:
    cm = contract_map.reindex(columns=list(CONTRACT_HEADERS))
    cm = cm.assign(edge_cases=cm["edge_cases"].astype("string").str.strip()
                   .str.replace(r"\s*\|\s*", ", ", regex=True))
    columns = _columns(cm, list(CONTRACT_HEADERS.values()))
    agreed = _column(AGREED, agreed_builds(cm, decisions))
    agreed.width = max(agreed.width, SIGN_OFF_WIDTHS[AGREED])
    return columns + [
        agreed,
        _Column(APPROVED_BY, None, SIGN_OFF_WIDTHS[APPROVED_BY]),
        _Column(DATE, None, SIGN_OFF_WIDTHS[DATE], num_format=DATE_FORMAT),
    ]


# --- Findings -------------------------------------------------------------------------------------------------

def open_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Every finding but PASS, with FINDING_COLUMNS, sorted by status (FAIL, REVIEW, ERROR, other), severity
    (blocker … info, other), area, finding_id; ties keep their order."""
    f = findings.reindex(columns=FINDING_COLUMNS)
    f = f[f["status"].ne(PASS).fillna(True).to_numpy(dtype=bool)].reset_index(drop=True)
    keys = pd.DataFrame({
        "status": f["status"].map({s: i for i, s in enumerate(STATUS_ORDER)}).astype("float").fillna(len(STATUS_ORDER)),
        "severity": f["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).astype("float").fillna(len(SEVERITIES)),
        "area": f["area"].astype("string"),
        "finding_id": f["finding_id"].astype("string"),
    })
    order = keys.sort_values(list(keys.columns), kind="stable", na_position="last").index
    return f.loc[order].reset_index(drop=True)


# --- Effort ---------------------------------------------------------------------------------------------------

PHASE_HEADERS = ["Phase", "Weeks low", "Weeks high", "Hours low", "Hours high"]
ITEM_HEADERS = ["Phase", "Count", "Hours low", "Hours high", "Hours each", "Work item (what is assumed)"]


def _g(x: float) -> str:
    return f"{x:g}"


def effort_tables(effort: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The effort estimate as two tables: phases (weeks and hours, low and high) and work items (count, hours
    low and high, hours each, the assumption sentence), from readiness.effort.estimate_effort's result."""
    phases = pd.DataFrame([{
        "Phase": p.get("phase"),
        "Weeks low": p.get("weeks_low"), "Weeks high": p.get("weeks_high"),
        "Hours low": p.get("hours_low"), "Hours high": p.get("hours_high"),
    } for p in effort.get("phases") or []], columns=PHASE_HEADERS)
    counts = effort.get("counts")
    rows = []
    for key, phase, low, high, text in WORK_ITEMS if counts is not None else ():
        n = counts.get(key) or 0
        eff = effective_count(key, float(n))
        each = f"{_g(low)}–{_g(high)} h" if low != high else f"{_g(low)} h"
        if key in BULK_ITEMS and n > BULK_AFTER:
            each += f"; beyond {BULK_AFTER}, {_g(BULK_SHARE * 100)} % of that"
        rows.append({"Phase": phase, "Count": n, "Hours low": round(eff * low, 1), "Hours high": round(eff * high, 1),
                     "Hours each": each, "Work item (what is assumed)": text})
    return phases, pd.DataFrame(rows, columns=ITEM_HEADERS)


def _write_effort(sheet: _Sheet, effort: dict) -> None:
    phases, items = effort_tables(effort)
    p_cols, i_cols = _columns(phases), _columns(items)
    sheet.layout(_layout(p_cols, i_cols))
    top, last = sheet.table(p_cols)
    bold = sheet.formats["bold"]
    if "weeks_low" in effort or not phases.empty:
        hours = [phases[c].sum(min_count=1) for c in ("Hours low", "Hours high")]
        total = ["Total", effort.get("weeks_low", phases["Weeks low"].sum()),
                 effort.get("weeks_high", phases["Weeks high"].sum()),
                 *[None if pd.isna(h) else round(float(h), 1) for h in hours]]
        sheet.line(total, bold)
    if effort.get("team_hours_per_week") is not None:
        sheet.line(["Team hours per week", effort["team_hours_per_week"]])
    if effort.get("caveat"):
        sheet.line([str(effort["caveat"])])
    if not items.empty:
        sheet.row += 1
        sheet.table(i_cols)
    assumptions = [str(a) for a in effort.get("assumptions") or []]
    if assumptions:
        sheet.row += 1
        sheet.line(["Assumptions"], bold)
        for sentence in assumptions:
            sheet.line([sentence])
    sheet.finish(top, last, len(PHASE_HEADERS))


# --- the workbook ---------------------------------------------------------------------------------------------

def write_workbook(path, contract_map: pd.DataFrame, findings: pd.DataFrame, checklist: pd.DataFrame,
                   effort: dict, decisions: pd.DataFrame | None = None) -> Path:
    """Write the sign-off workbook (sheets Contracts, Findings, Checklist, Effort) to `path`; returns the path.

    `decisions` is the contract decision log (readiness.decisions), which fills "Agreed HaloPSA build". The file
    is written next to `path` under a temporary name and renamed over it, so a reader never sees half a file.
    """
    path = Path(path)
    contracts = _contracts(contract_map, decisions)
    open_rows = _columns(open_findings(findings))
    if checklist is None or len(checklist.columns) == 0:
        checklist = pd.DataFrame(columns=CHECKLIST_COLUMNS)
    checks = _columns(checklist)

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), OPTIONS)
        done = False
        try:
            header = {"bold": True, "bottom": 1, "bg_color": "#D9E1F2", "valign": "top"}
            formats = {"header": wb.add_format(header), "bold": wb.add_format({"bold": True}),
                       "sign_off": wb.add_format({**header, "bg_color": "#FFF2CC"})}
            sheets = {name: _Sheet(wb, name, formats) for name in SHEETS}
            for name, columns in (("Contracts", contracts), ("Findings", open_rows), ("Checklist", checks)):
                sheet = sheets[name]
                sheet.layout(_layout(columns))
                marks = [formats["sign_off"] if c.header in SIGN_OFF_WIDTHS else None for c in columns] \
                    if name == "Contracts" else None
                top, last = sheet.table(columns, marks)
                sheet.finish(top, last, len(columns))
            _write_effort(sheets["Effort"], effort or {})
            wb.close()
            done = True
        finally:
            if not done:  # release XlsxWriter's temporary files; replace_into removes the half-written file
                with contextlib.suppress(Exception):
                    wb.close()

    path.parent.mkdir(parents=True, exist_ok=True)
    return replace_into(path, write)
