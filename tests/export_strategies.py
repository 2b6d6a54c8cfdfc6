"""Hypothesis strategies that build Autotask export folders in every shape the loader must read.

A generated file is a `FilePlan`: the entity, the shape (REST JSON in its four forms, JSON Lines, CSV with REST
field names, CSV from an Autotask grid), the encoding, delimiter and quoting, and the records as *canonical*
values (ints, bools, datetimes, cents, text). `render` turns a plan into the bytes a real export would hold, and
every record carries, independently of the loader, what loading it must give: `legit` (valid by the entity's
schema: must load, with these values), `invalid` (must be rejected, naming one of `reject_cols`) or `either`.

Values are written the way Autotask writes them: in REST, positive int ids, ISO timestamps
("2025-03-14T09:30:00Z"), picklist codes, true/false; in a grid export, display-label headers ("Contract Name"),
the tenant's term for a company, picklist labels ("Recurring Service"), yes/no, the exporting user's date format
(dd/MM/yyyy, MM/dd/yyyy, yyyy-MM-dd, with or without a time) and money such as "£1,250.00".

Nothing here imports the loader: the expectations come from the Autotask side only.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from hypothesis import strategies as st

ID, PICK, BOOL, DATE, NUM, TEXT = "id", "picklist", "bool", "date", "number", "text"

SHAPES = ("json-page", "json-pages", "json-mixed", "json-bare", "jsonl", "csv-rest", "csv-grid")
JSON_SHAPES = ("json-page", "json-pages", "json-mixed", "json-bare", "jsonl")
CSV_SHAPES = ("csv-rest", "csv-grid")
# What DESIGN names for JSON. Windows PowerShell 5.1 writes UTF-16 LE (Out-File, >) or the ANSI code page
# (Set-Content); those are drawn only where a test asks for them (see WINDOWS_JSON_ENCODINGS).
JSON_ENCODINGS = ("utf-8", "utf-8-sig")
WINDOWS_JSON_ENCODINGS = ("utf-16-le-bom", "cp1252")
CSV_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16-le-bom", "utf-16-be-bom")
TERMS = ("Company", "Organization", "Account", "Client", "Customer")
# Characters that break lines for str.splitlines() or look like separators, but are ordinary text in JSON/CSV.
CONTROL_CHARS = ("\u2028", "\u2029", "\u0085", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c", "\t", "\r", "\n", "\r\n",
                 "\x7f", "\x1a")
BIG_INTS = (2**63, 2**63 + 1, 2**64, 2**64 + 7, 10**20, 10**30, -(2**63) - 1)


# --------------------------------------------------------------------------------------------- the schema

@dataclass(frozen=True)
class F:
    """One REST field: kind, grid labels it may carry ({T} = the tenant's term for a company), value source."""

    name: str
    kind: str
    labels: tuple[str, ...]
    required: bool = False
    text: str = "free"  # TEXT: which value source (see _TEXT_SOURCES)
    picklist: dict | None = None  # PICK: code -> label (Autotask's system defaults)
    has_time: bool = True  # DATE: a timestamp (True) or a calendar day (False)
    name_ref: bool = False  # grid may show the company's name here instead of its id
    money: bool = True  # NUM: written as money in a grid


COMPANY_TYPE = {1: "Customer", 2: "Lead", 3: "Prospect", 4: "Dead", 6: "Cancellation", 7: "Vendor", 8: "Partner"}
CONTRACT_TYPE = {1: "Time & Materials", 3: "Fixed Price", 4: "Block Hours", 6: "Retainer", 7: "Recurring Service",
                 8: "Per Ticket"}
CONTRACT_STATUS = {0: "Inactive", 1: "Active"}
TICKET_STATUS = {1: "New", 5: "Complete", 7: "Waiting Customer", 8: "In Progress", 12: "Waiting Vendor"}
TICKET_PRIORITY = {1: "High", 2: "Medium", 3: "Low", 4: "Critical"}
BILLING_TYPE = {1: "Standard", 2: "Per Contact", 3: "Per Device"}

SCHEMA: dict[str, tuple[F, ...]] = {
    "Companies": (
        F("id", ID, ("ID", "{T} ID"), True),
        F("companyName", TEXT, ("{T} Name",), True, text="company"),
        F("companyType", PICK, ("{T} Type", "Type"), picklist=COMPANY_TYPE),
        F("isActive", BOOL, ("Active",)),
        F("phone", TEXT, ("Phone",), text="phone"),
        F("createDate", DATE, ("Create Date",)),
        F("notes", TEXT, ("Notes",)),  # not an Autotask field: an unknown column is kept as text
    ),
    "Contracts": (
        F("id", ID, ("ID", "Contract ID"), True),
        F("contractName", TEXT, ("Contract Name",)),
        F("companyID", ID, ("{T} ID",), True, name_ref=True),
        F("contractType", PICK, ("Contract Type",), True, picklist=CONTRACT_TYPE),
        F("status", PICK, ("Status",), True, picklist=CONTRACT_STATUS),
        F("contractNumber", TEXT, ("Contract Number",), text="contract_number"),
        F("startDate", DATE, ("Start Date",), has_time=False),
        F("endDate", DATE, ("End Date",), has_time=False),
        F("setupFee", NUM, ("Setup Fee",)),
        F("isDefaultContract", BOOL, ("Default Contract",)),
    ),
    "Tickets": (
        F("id", ID, ("ID", "Ticket ID"), True),
        F("ticketNumber", TEXT, ("Ticket Number",), text="ticket_number"),
        F("title", TEXT, ("Title",)),
        F("companyID", ID, ("{T} ID",), True, name_ref=True),
        F("status", PICK, ("Status",), True, picklist=TICKET_STATUS),
        F("priority", PICK, ("Priority",), picklist=TICKET_PRIORITY),
        F("createDate", DATE, ("Create Date",)),
        F("completedDate", DATE, ("Completed Date",)),
        F("assignedResourceID", ID, ("Assigned Resource ID",)),
        F("contractID", ID, ("Contract ID",)),
    ),
    "Resources": (
        F("id", ID, ("ID", "Resource ID"), True),
        F("firstName", TEXT, ("First Name",), text="person"),
        F("lastName", TEXT, ("Last Name",), text="person"),
        F("userName", TEXT, ("User Name",), text="user_name"),
        F("email", TEXT, ("Email",), text="email"),
        F("isActive", BOOL, ("Active",)),
        F("dateFormat", TEXT, ("Date Format",), text="date_format"),
        F("timeFormat", TEXT, ("Time Format",), text="time_format"),
        F("numberFormat", TEXT, ("Number Format",), text="number_format"),
        F("hireDate", DATE, ("Hire Date",), has_time=False),
        F("internalCost", NUM, ("Internal Cost",)),
    ),
    "Products": (
        F("id", ID, ("ID", "Product ID"), True),
        F("name", TEXT, ("Name", "Product Name"), True, text="product"),
        F("sku", TEXT, ("SKU", "Sku"), text="sku"),
        F("internalProductID", TEXT, ("Internal Product ID",), text="product_code"),
        F("externalProductID", TEXT, ("External Product ID",), text="product_code"),
        F("description", TEXT, ("Description",), text="multiline"),
        F("billingType", PICK, ("Billing Type",), picklist=BILLING_TYPE),
        F("unitPrice", NUM, ("Unit Price",)),
        F("unitCost", NUM, ("Unit Cost",)),
        F("isActive", BOOL, ("Active",)),
    ),
}
ENTITY_NAMES = tuple(SCHEMA)
FIELDS = {e: {f.name: f for f in fs} for e, fs in SCHEMA.items()}


def fields_of(entity: str) -> dict[str, F]:
    return FIELDS[entity]


# --------------------------------------------------------------------------------------------- plans

class Raw(str):
    """Text written into a JSON document as it is (already JSON): deep nesting, raw control characters."""


@dataclass
class Rec:
    """One record as the export holds it, and what loading it must give."""

    values: dict  # REST field -> canonical value (None = empty)
    status: str = "legit"  # legit (must load with `values`) | invalid (must be rejected) | either
    reject_cols: frozenset = frozenset()  # invalid: the columns a reject may name
    raw: object = "__none__"  # JSON: a record that is not built from values ({} , null, 42 ...)
    dup_key: tuple | None = None  # JSON: (field, decoy) written before the real value under the same key
    key_order: tuple | None = None  # JSON: the order of its keys
    extra: dict = field(default_factory=dict)  # JSON: more keys (name -> value or Raw)
    udfs: tuple = ()  # JSON: userDefinedFields as (name, value)
    cells: dict = field(default_factory=dict)  # CSV: a field's cell written differently (same meaning)

    def has_raw(self) -> bool:
        return not (isinstance(self.raw, str) and self.raw == "__none__")


@dataclass
class FilePlan:
    entity: str
    shape: str
    columns: list  # REST field names in file order (a name may repeat: a duplicated header)
    records: list
    encoding: str = "utf-8"
    delimiter: str = ","
    newline: str = "\n"
    quoting: int = csv.QUOTE_MINIMAL
    labels: dict = field(default_factory=dict)  # grid: field -> header text
    date_order: str = "DMY"  # grid: DMY | MDY | YMD
    date_sep: str = "/"
    pad_dates: bool = True
    clock: str = "24h"  # grid: 24h ("09:30") | 12h ("09:30 AM")
    money: str = "uk"  # grid: us | uk | plain | eu | fr
    term: str = "Company"  # grid: the tenant's word for a company
    name_ref: bool = False  # grid: companyID holds the company's name
    company_names: dict = field(default_factory=dict)  # id -> name, for name_ref
    ensure_ascii: bool = True
    indent: bool = False
    ms: bool = False  # REST dates with milliseconds
    pages: tuple = ()  # json-pages/json-mixed/jsonl: how records are grouped (see _groups)
    blank_lines: bool = False
    filename: str | None = None
    cut: float | int | None = None  # corrupting: keep this fraction of the bytes (an int: this many bytes)
    inject: tuple | None = None  # corrupting: (fraction of the length, bytes)
    mutation: str = "none"

    @property
    def name(self) -> str:
        if self.filename:
            return self.filename
        ext = {"jsonl": ".jsonl"}.get(self.shape, ".json" if self.shape.startswith("json") else ".csv")
        return self.entity + ext

    @property
    def corrupt(self) -> bool:
        return self.cut is not None or self.inject is not None

    def row_of(self, i: int) -> int:
        """The row number of record i: in CSV the header is row 1, in JSON the first record is row 1."""
        return i + 2 if self.shape in CSV_SHAPES else i + 1

    def rows_of(self, i: int) -> set[int]:
        """Row numbers that name record i. In JSON Lines a reject may also give the record's line (the same
        number unless lines hold pages or blank lines), when no other record shares that line."""
        out = {self.row_of(i)}
        if self.shape == "jsonl" and sum(self.line_of(k) == self.line_of(i) for k in range(len(self.records))) == 1:
            out.add(self.line_of(i))  # only a line that holds this record alone names it
        return out

    def line_of(self, i: int) -> int:
        """The line of a JSON Lines file that holds record i."""
        seen = 0
        for g, (kind, size) in enumerate(self.pages):
            if i < seen + size:
                return g * (2 if self.blank_lines else 1) + 1
            seen += size
        raise IndexError(i)


@dataclass
class ExportPlan:
    files: list
    date_format: str | None = None  # client.yaml date_format

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.date_format:
            (folder / "client.yaml").write_text(f"name: Property test\ndate_format: '{self.date_format}'\n",
                                                encoding="utf-8")
        for f in self.files:
            (folder / f.name).write_bytes(render(f))


# --------------------------------------------------------------------------------------------- rendering

def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


def encodable(text: str, encoding: str) -> bool:
    """Whether `text` can be written in `encoding` and read back only one way (see cp1252_unambiguous)."""
    try:
        encode(text, encoding)
    except UnicodeEncodeError:
        return False
    return encoding != "cp1252" or cp1252_unambiguous(text)


def iso(d: dt.datetime, ms: bool) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{d.microsecond // 1000:03d}Z" if ms else "Z")


def money_text(cents: int, style: str) -> str:
    neg, whole, frac = cents < 0, abs(cents) // 100, abs(cents) % 100
    groups = f"{whole:,}"
    if style in ("us", "uk", "plain"):
        sym = {"us": "$", "uk": "£", "plain": ""}[style]
        body = f"{sym}{groups}.{frac:02d}"
        return ("-" + body) if neg else body
    sep, space = (".", " ") if style == "eu" else ("\u00a0", "\u00a0")  # "1.250,00 €" / "1 250,00 €" (NBSP)
    body = f"{groups.replace(',', sep)},{frac:02d}{space}€"
    return ("-" + body) if neg else body


def grid_date(d: dt.datetime, f: F, plan: FilePlan) -> str:
    day = f"{d.day:02d}" if plan.pad_dates else str(d.day)
    month = f"{d.month:02d}" if plan.pad_dates else str(d.month)
    sep = plan.date_sep
    if plan.date_order == "DMY":
        text = f"{day}{sep}{month}{sep}{d.year}"
    elif plan.date_order == "MDY":
        text = f"{month}{sep}{day}{sep}{d.year}"
    else:
        text = f"{d.year}{sep}{d.month:02d}{sep}{d.day:02d}"
    if f.has_time:
        if plan.clock == "24h":
            text += f" {d.hour:02d}:{d.minute:02d}"
        else:
            text += f" {(d.hour % 12) or 12:02d}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}"
    return text


def date_format_text(order: str, sep: str) -> str:
    """The Autotask (and client.yaml) spelling of a grid file's date format."""
    return {"DMY": f"dd{sep}MM{sep}yyyy", "MDY": f"MM{sep}dd{sep}yyyy", "YMD": f"yyyy{sep}MM{sep}dd"}[order]


def rest_value(f: F, v, plan: FilePlan):
    """A canonical value as Autotask's REST API writes it in JSON."""
    if v is None:
        return None
    if f.kind in (ID, PICK):
        return int(v)
    if f.kind == BOOL:
        return bool(v)
    if f.kind == DATE:
        return iso(v, plan.ms)
    if f.kind == NUM:
        return v // 100 if v % 100 == 0 else v / 100
    return v


def csv_cell(f: F, v, plan: FilePlan) -> str:
    if v is None:
        return ""
    if plan.shape == "csv-rest":
        if f.kind == BOOL:
            return "true" if v else "false"
        if f.kind == NUM:
            return str(v // 100) if v % 100 == 0 else repr(v / 100)
        return iso(v, plan.ms) if f.kind == DATE else str(v)
    # grid
    if f.kind == ID:
        if f.name_ref and plan.name_ref:
            return plan.company_names[v]
        return str(v)
    if f.kind == PICK:
        return f.picklist[v]
    if f.kind == BOOL:
        return "Yes" if v else "No"
    if f.kind == DATE:
        return grid_date(v, f, plan)
    if f.kind == NUM:
        return money_text(v, plan.money) if f.money else str(v / 100)
    return v


def header_of(plan: FilePlan, name: str) -> str:
    if plan.shape == "csv-rest":
        return name
    return plan.labels[name]


def csv_line(cells: list[str], plan: FilePlan) -> str:
    """One CSV record as Excel and Autotask write it: a cell is quoted when it must be (delimiter, quote, CR or
    LF inside) or always (QUOTE_ALL); quotes inside are doubled."""
    out = []
    for cell in cells:
        must = any(ch in cell for ch in (plan.delimiter, '"', "\r", "\n"))
        if must or plan.quoting == csv.QUOTE_ALL:
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return plan.delimiter.join(out) + plan.newline


def render_csv_text(plan: FilePlan) -> str:
    fs = fields_of(plan.entity)
    parts = [csv_line([header_of(plan, c) for c in plan.columns], plan)]
    for rec in plan.records:
        parts.append(csv_line([rec.cells[c] if c in rec.cells else csv_cell(fs[c], rec.values.get(c), plan)
                               for c in plan.columns], plan))
        if plan.blank_lines:
            parts.append(plan.newline)
    return "".join(parts)


def _dump(obj, ensure_ascii: bool) -> str:
    """JSON text, allowing duplicate keys (a list of pairs) and pre-serialised parts (Raw)."""
    if isinstance(obj, Raw):
        return str(obj)
    if isinstance(obj, Pairs):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=ensure_ascii)}: {_dump(v, ensure_ascii)}"
                               for k, v in obj) + "}"
    if isinstance(obj, dict):
        return _dump(Pairs(obj.items()), ensure_ascii)
    if isinstance(obj, list):
        return "[" + ", ".join(_dump(x, ensure_ascii) for x in obj) + "]"
    return json.dumps(obj, ensure_ascii=ensure_ascii)


class Pairs(list):
    """A JSON object as a list of (key, value) pairs, so a key can repeat."""


def json_record(rec: Rec, plan: FilePlan):
    if rec.has_raw():
        return rec.raw
    fs = fields_of(plan.entity)
    cols = list(dict.fromkeys(plan.columns))
    order = list(rec.key_order) if rec.key_order else cols
    pairs = Pairs()
    for c in order:
        if rec.dup_key and rec.dup_key[0] == c:
            pairs.append((c, rest_value(fs[c], rec.dup_key[1], plan)))
        pairs.append((c, rest_value(fs[c], rec.values.get(c), plan)))
    for k, v in rec.extra.items():
        pairs.append((k, v))
    if rec.udfs:
        pairs.append(("userDefinedFields", [{"name": n, "value": v} for n, v in rec.udfs]))
    return pairs


def _groups(plan: FilePlan):
    """Records grouped as the shape writes them: ("page", [records]) or ("bare", record)."""
    recs = [json_record(r, plan) for r in plan.records]
    if plan.shape in ("json-page", "json-bare"):
        return [("page", recs)]
    out, i = [], 0
    for kind, size in plan.pages:
        if kind == "page":
            out.append(("page", recs[i:i + size]))
            i += size
        else:
            out.append(("bare", recs[i]))
            i += 1
    assert i == len(recs), (i, len(recs))
    return out


def page(items: list, last: bool) -> dict:
    return {"items": items, "pageDetails": {"count": len(items), "requestCount": 500, "prevPageUrl": None,
                                            "nextPageUrl": None if last else "https://webservices15.autotask.net/"
                                            "ATServicesRest/V1.0/Companies/query/next?paging=abc"}}


def render_json_text(plan: FilePlan) -> str:
    ea = plan.ensure_ascii
    if plan.shape == "jsonl":
        lines = []
        groups = _groups(plan)
        for n, (kind, body) in enumerate(groups):
            lines.append(_dump(page(body, n == len(groups) - 1) if kind == "page" else body, ea))
            if plan.blank_lines:
                lines.append("")
        return "\n".join(lines) + "\n"
    sep = ",\n  " if plan.indent else ", "
    if plan.shape == "json-bare":
        return "[" + sep.join(_dump(r, ea) for r in _groups(plan)[0][1]) + "]"
    if plan.shape == "json-page":
        p = page([], True)
        items = "[" + sep.join(_dump(r, ea) for r in _groups(plan)[0][1]) + "]"
        return '{"items": ' + items + ', "pageDetails": ' + _dump(p["pageDetails"], ea) + "}"
    groups = _groups(plan)
    parts = []
    for n, (kind, body) in enumerate(groups):
        if kind == "page":
            details = page(body, n == len(groups) - 1)["pageDetails"]
            parts.append('{"items": [' + sep.join(_dump(r, ea) for r in body) + '], "pageDetails": '
                         + _dump(details, ea) + "}")
        else:
            parts.append(_dump(body, ea))
    return "[" + (",\n" if plan.indent else ", ").join(parts) + "]"


def render_text(plan: FilePlan) -> str:
    return render_csv_text(plan) if plan.shape in CSV_SHAPES else render_json_text(plan)


def render(plan: FilePlan) -> bytes:
    data = encode(render_text(plan), plan.encoding)
    if plan.inject is not None:
        frac, junk = plan.inject
        at = min(len(data), max(0, int(len(data) * frac)))
        data = data[:at] + junk + data[at:]
    if isinstance(plan.cut, int):
        data = data[:plan.cut]
    elif plan.cut is not None:
        data = data[:max(1, min(len(data) - 1, int(len(data) * plan.cut)))]
    return data


def record_count(plan: FilePlan) -> int:
    """Records in the file as written; for a line format cut short, 0 when no byte past the header is left."""
    n = len(plan.records)
    if n and plan.cut is not None and plan.inject is None and plan.shape in CSV_SHAPES + ("jsonl",):
        full = encode(render_text(plan), plan.encoding)
        keep = plan.cut if isinstance(plan.cut, int) else max(1, min(len(full) - 1, int(len(full) * plan.cut)))
        if plan.shape == "jsonl":
            head = len(encode("", plan.encoding))
        else:
            head = len(encode(csv_line([header_of(plan, c) for c in plan.columns], plan), plan.encoding))
        if keep <= head:
            return 0
    return n


# --------------------------------------------------------------------------------------------- values

_NON_ASCII = "éèêëüöäßøåÅñçÉÖÜ£€…–—‘’“”«»°±µ¿¡\u00a0"
_PUNCT = " \"',;|&<>=+-@#%/\\()[]{}:!?*"
_CP1252_TEXT = "".join(ch for b in range(0x20, 0x100) if b != 0x7f
                       for ch in [bytes([b]).decode("cp1252", errors="ignore")] if ch)
_SPECIAL_TEXT = ("N/A", "NULL", "null", "None", "NaN", "nan", "#N/A", "-", "TRUE", "false", "0", "0012", "1e5",
                 "1,250", "2025-03-14", "14/03/2025", "=SUM(A1:A2)", "+44 20 7946 0958", "@home", " leading",
                 "trailing ", "two  spaces", "Tab\there", 'He said "hi"', "a,b;c|d", "Ünïcödé ✓", "Łódź", "東京")


def _chars(encoding: str, newlines: bool):
    if encoding == "cp1252":
        base = st.sampled_from(_CP1252_TEXT)
    else:
        base = st.one_of(st.characters(codec="utf-8", categories=("L", "Nd", "P", "S", "Zs"),
                                       exclude_characters="\x00"),
                         st.sampled_from(_NON_ASCII + _PUNCT))
    extras = st.sampled_from(("\n", "\r") if newlines else (" ",))
    return st.one_of(base, st.sampled_from(_PUNCT), extras) if newlines else st.one_of(base, st.sampled_from(_PUNCT))


def _free_text(encoding: str, min_size=0, max_size=24, newlines=False):
    return st.one_of(st.text(_chars(encoding, newlines), min_size=min_size, max_size=max_size),
                     st.sampled_from(_SPECIAL_TEXT))


_TEXT_SOURCES = {
    "company": lambda enc: st.one_of(st.sampled_from(
        ("Acme Dental", "Café Société Ltd", "Müller & Söhne GmbH", "O'Brien, Smith & Co", "Granite Wines",
         "Lighthouse Advisory & Co", "Nørdic Façades AS", "Smith; Jones LLP", '"Quoted" Holdings', "3M Australia",
         "Zürich Versicherung", "Crescent Electrical Pty Ltd", "Łódź Logistics", "Straße 1 GmbH")),
        _free_text(enc, 1, 30)),
    "phone": lambda enc: st.sampled_from(("(02) 8113 7586", "+44 20 7946 0958", "0012 345 678", "555-0100",
                                          "+1 (212) 555-0199 ext. 12", "020\u00a07946\u00a00958")),
    "contract_number": lambda enc: st.builds(lambda y, n: f"AT-{y}-{n}", st.integers(2010, 2030),
                                             st.integers(1000, 9999)),
    "ticket_number": lambda enc: st.builds(lambda d, n: f"T{d:%Y%m%d}.{n:04d}",
                                           st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)),
                                           st.integers(1, 9999)),
    "person": lambda enc: st.one_of(st.sampled_from(("Peter", "Chen", "Ingrid", "Suzuki", "Carlos", "Müller",
                                                     "Zoë", "O'Neil", "José", "Søren", "Anne-Marie"))),
    "user_name": lambda enc: st.sampled_from(("peter.chen", "ingrid.suzuki", "c.muller", "admin", "api-user")),
    "email": lambda enc: st.sampled_from(("peter.chen@acmeit.com", "ingrid@example.co.uk", "x+tag@example.com",
                                          "josé@exämple.de", "")),
    "date_format": lambda enc: st.sampled_from(("MM/dd/yyyy", "dd/MM/yyyy", "yyyy-MM-dd", "dd.MM.yyyy",
                                                "M/d/yyyy", "yyyy/MM/dd", "dd-MM-yyyy")),
    "time_format": lambda enc: st.sampled_from(("hh:mm a", "HH:mm", "h:mm a")),
    "number_format": lambda enc: st.sampled_from(("X,XXX.XX", "X.XXX,XX", "X XXX,XX")),
    "sku": lambda enc: st.builds(lambda n: f"SKU-{n}", st.integers(100000, 999999)),
    "product": lambda enc: st.one_of(st.sampled_from(("Dell Latitude 5440 Laptop", "Microsoft 365 Business "
                                                      "Premium", "Managed Backup – 1 TB", "Cat6 patch lead 2m",
                                                      "Écran 27\" 4K")), _free_text(enc, 1, 30)),
    "product_code": lambda enc: st.sampled_from(("00123", "DL-5440", "SKU 100", "12345", "0", "1e5",
                                                 "MS365-BP", "007", "12.50", "A1/B2", "9223372036854775808")),
    "multiline": lambda enc: _free_text(enc, 0, 40, newlines=True),
    "free": lambda enc: _free_text(enc),
}


def cp1252_unambiguous(t: str) -> bool:
    """Text that, written in Windows-1252, cannot also be read as UTF-8: no lead byte followed by a continuation
    byte ("Ã©" is how UTF-8 "é" looks in Windows-1252; a file holding it is UTF-8 as much as Windows-1252)."""
    try:
        b = t.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return re.search(rb"[\xc2-\xf4][\x80-\xbf]", b) is None


def text_values(f: F, encoding: str):
    s = _TEXT_SOURCES[f.text](encoding)
    if encoding == "cp1252":
        s = s.filter(cp1252_unambiguous)
    if f.required:
        s = s.filter(lambda t: t.strip() != "" and not t.strip().isdigit())
    return s


_DAYS = st.datetimes(dt.datetime(1995, 1, 1), dt.datetime(2030, 12, 31))


def ids():
    """Positive ids as Autotask issues them: mostly 6-8 digits, now and then up to the int64 limit."""
    return st.one_of(st.integers(1, 99_999_999), st.integers(1, 99_999_999), st.integers(1, 99_999_999),
                     st.sampled_from((1, 2**31 - 1, 2**31, 2**53 - 1)))


def value_strategy(f: F, plan: FilePlan):
    """Canonical values for field `f` in a file of `plan`'s shape and encoding; optional fields may be empty."""
    if f.kind == ID:
        s = ids()
    elif f.kind == PICK:
        s = st.sampled_from(sorted(f.picklist))
    elif f.kind == BOOL:
        s = st.booleans()
    elif f.kind == NUM:
        s = st.one_of(st.integers(0, 500_000), st.integers(-2_000_000, 2_000_000_000))
    elif f.kind == DATE:
        s = _DAYS
        if f.name == "endDate":
            s = st.one_of(s, st.just(dt.datetime(9999, 12, 31)))
        s = s.map(lambda d, f=f: _precision(d, f, plan))
    else:
        s = text_values(f, _text_encoding(plan))
    return s if f.required else st.one_of(st.none(), s)


def _precision(d: dt.datetime, f: F, plan: FilePlan) -> dt.datetime:
    """What the shape can say of a moment: a day, a minute (grid), a second or a millisecond (REST)."""
    if not f.has_time:
        return d.replace(hour=0, minute=0, second=0, microsecond=0)
    if plan.shape == "csv-grid":
        return d.replace(second=0, microsecond=0)
    return d.replace(microsecond=(d.microsecond // 1000) * 1000 if plan.ms else 0)


# --------------------------------------------------------------------------------------------- drawing

@st.composite
def file_plans(draw, entity: str, shapes=SHAPES, json_encodings=JSON_ENCODINGS, csv_encodings=CSV_ENCODINGS,
               delimiters=(",", ";", "\t"), companies: dict | None = None, date_format: str | None = None,
               max_records: int = 5, min_records: int = 0):
    """One valid file of `entity`. `companies` (id -> name) lets a grid file name companies instead of ids;
    `date_format` (client.yaml) fixes a grid file's date format."""
    shape = draw(st.sampled_from(shapes))
    fs = SCHEMA[entity]
    plan = FilePlan(entity, shape, [], [])
    if shape in CSV_SHAPES:
        plan.encoding = draw(st.sampled_from(csv_encodings))
        plan.delimiter = "\t" if plan.encoding.startswith("utf-16") else draw(st.sampled_from(delimiters))
        plan.newline = draw(st.sampled_from(("\r\n", "\n")))
        plan.quoting = draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC)))
        if plan.quoting == csv.QUOTE_NONNUMERIC:
            plan.quoting = csv.QUOTE_ALL  # every cell is text here; Autotask quotes all text cells
    else:
        plan.encoding = draw(st.sampled_from(json_encodings))
        plan.ensure_ascii = draw(st.booleans())
        plan.indent = draw(st.booleans())
    plan.ms = shape != "csv-grid" and draw(st.booleans())
    if shape == "csv-grid":
        term = draw(st.sampled_from(TERMS))
        plan.term = term
        plan.labels = {f.name: draw(st.sampled_from(f.labels)).replace("{T}", term) for f in fs}
        if date_format:
            plan.date_order, plan.date_sep = _order_of(date_format)
        else:
            plan.date_order = draw(st.sampled_from(("DMY", "MDY", "YMD")))
            plan.date_sep = draw(st.sampled_from({"DMY": "/.-", "MDY": "/-", "YMD": "-/"}[plan.date_order]))
        plan.pad_dates = plan.date_order == "YMD" or draw(st.booleans())
        plan.clock = draw(st.sampled_from(("24h", "12h")))
        plan.money = draw(st.sampled_from(("eu", "fr") if plan.delimiter == ";" else ("us", "uk", "plain")))
    optional = [f.name for f in fs if not f.required]
    chosen = set(draw(st.lists(st.sampled_from(optional), unique=True))) if optional else set()
    cols = [f.name for f in fs if f.required or f.name in chosen]
    plan.columns = draw(st.permutations(cols)) if shape in CSV_SHAPES and draw(st.booleans()) else cols
    n = draw(st.integers(min_records, max_records))
    refs = None
    if shape == "csv-grid" and companies and any(f.name_ref for f in fs):
        names = {i: nm for i, nm in companies.items() if encodable(nm, plan.encoding)}
        if names and draw(st.booleans()):
            plan.name_ref, plan.company_names, refs = True, names, sorted(names)
            plan.labels["companyID"] = plan.term  # the grid shows "Organization": the company's name
    used_ids: set = set()
    unique_names: set = set()
    for i in range(n):
        values = {}
        for c in cols:
            f = FIELDS[entity][c]
            if f.name_ref and refs is not None:
                values[c] = draw(st.sampled_from(refs))
            elif c == "id":
                values[c] = draw(ids().filter(lambda x: x not in used_ids))
                used_ids.add(values[c])
            elif entity == "Companies" and c == "companyName":
                values[c] = draw(text_values(f, _text_encoding(plan)).filter(
                    lambda t: t.strip() not in unique_names))
                unique_names.add(values[c].strip())
            else:
                values[c] = draw(value_strategy(f, plan))
        plan.records.append(Rec(values))
    if shape == "csv-grid" and not date_format and plan.date_order == "DMY":
        _anchor_day_first(plan)
    if shape in JSON_SHAPES:
        for rec in plan.records:
            if draw(st.integers(0, 4)) == 0:
                enc = _text_encoding(plan)
                udf_text = _free_text(enc).filter(lambda t, enc=enc: encodable(t, enc))
                rec.udfs = tuple(draw(st.lists(st.tuples(st.sampled_from(("Indexering", "Region", "PO Ref")),
                                                         st.one_of(st.none(), udf_text)),
                                               max_size=2, unique_by=lambda t: t[0])))
        plan.pages = draw(_page_layout(shape, n))
        if shape == "jsonl":
            plan.blank_lines = draw(st.booleans())
    return plan


def _text_encoding(plan: FilePlan) -> str:
    return plan.encoding if not plan.shape.startswith("json") or not plan.ensure_ascii else "utf-8"


def _order_of(date_format: str) -> tuple[str, str]:
    letters = "".join(dict.fromkeys(ch for ch in date_format if ch in "dMy"))
    sep = next(ch for ch in date_format if ch not in "dMy")
    return {"dMy": "DMY", "Mdy": "MDY", "yMd": "YMD"}[letters], sep


def _anchor_day_first(plan: FilePlan) -> None:
    """Autotask leaves day/month order to be read from the values: give a day-first file one day above 12."""
    for rec in plan.records:
        for c in plan.columns:
            f = FIELDS[plan.entity][c]
            if f.kind == DATE and rec.values.get(c) is not None and rec.values[c].year < 9999:
                if rec.values[c].day <= 12:
                    rec.values[c] = rec.values[c].replace(day=rec.values[c].day + 13)
                return
    # no date written anywhere: nothing to detect, nothing to get wrong


@st.composite
def _page_layout(draw, shape: str, n: int):
    """How n records are grouped: pages of some size, or (json-mixed, jsonl) pages and bare records.
    Always at least one group, so a file with no records is still a REST response ({"items": []})."""
    if shape in ("json-page", "json-bare"):
        return ()
    out, left, empties = [], n, 0
    while left > 0:
        if shape in ("json-mixed", "jsonl") and draw(st.booleans()):
            out.append(("bare", 1))
            left -= 1
            continue
        size = draw(st.integers(0 if empties < 2 else 1, left))
        empties += size == 0
        out.append(("page", size))
        left -= size
    if shape == "json-mixed" and n > 0:
        if not any(k == "bare" for k, _ in out):  # a mixed list holds at least one bare record ...
            j = next(j for j, (k, size) in enumerate(out) if size > 0)
            out[j:j + 1] = [("bare", 1), ("page", out[j][1] - 1)]
        if not any(k == "page" for k, _ in out):  # ... and at least one page
            out.insert(draw(st.integers(0, len(out))), ("page", 0))
    if not out or (shape != "jsonl" and draw(st.booleans())):
        out.append(("page", 0))  # the last page of a paged query can be empty
    return tuple(out)


@st.composite
def export_plans(draw, shapes=SHAPES, entities=ENTITY_NAMES, json_encodings=JSON_ENCODINGS,
                 csv_encodings=CSV_ENCODINGS, delimiters=(",", ";", "\t"), max_files=3, max_records=5,
                 min_records=0):
    """A valid export: 1..max_files entity files, each in its own shape, with an optional client.yaml
    date_format that every grid file then follows."""
    chosen = draw(st.lists(st.sampled_from(entities), min_size=1, max_size=max_files, unique=True))
    chosen.sort(key=lambda e: (e != "Companies", e))
    date_format = None
    if "csv-grid" in shapes and draw(st.booleans()):
        order = draw(st.sampled_from(("DMY", "MDY", "YMD")))
        date_format = date_format_text(order, "/" if order != "YMD" else "-")
    files, companies = [], None
    for e in chosen:
        plan = draw(file_plans(e, shapes, json_encodings, csv_encodings, delimiters, companies, date_format,
                               max_records, min_records))
        if e == "Companies":
            companies = {r.values["id"]: r.values["companyName"] for r in plan.records}
            companies = {i: nm for i, nm in companies.items() if nm.strip() and not nm.strip().isdigit()}
        files.append(plan)
    return ExportPlan(files, date_format)


# --------------------------------------------------------------------------------------------- mutations

# Mutations that keep every record in the file; the plan's expectations are updated to match.
KEEPING = ("shuffle_keys", "duplicate_header", "control_chars", "duplicate_json_key", "big_int", "empty_record",
           "non_object_record", "duplicate_record", "pad_typed_cells", "reencode", "nested_value", "blank_lines")
# Mutations that damage the bytes: only the weak contract holds.
CORRUPTING = ("truncate", "inject_bytes")
INJECTED = (b"\x00", b"\xff", b"\xfe", b"\x81", b"\x8d", b"\xc3", b"\xe2\x80", b'"', b"\n", b"\r", b",", b";",
            b"\t", b"{", b"}", b"[", b"]", b"\x1a", b"\xef\xbb\xbf", b"\x1c", b"\\", b"\x00\x00\x00\x00")


def applicable(plan: FilePlan, name: str) -> bool:
    js, cs = plan.shape in JSON_SHAPES, plan.shape in CSV_SHAPES
    if name in ("duplicate_json_key", "empty_record", "non_object_record", "nested_value", "shuffle_keys"):
        return js and (name in ("empty_record", "non_object_record") or bool(plan.records))
    if name == "duplicate_header":
        return cs
    if name == "pad_typed_cells":
        return cs and bool(plan.records)
    if name in ("big_int", "duplicate_record", "control_chars"):
        return bool(plan.records)
    if name == "blank_lines":
        return plan.shape in ("jsonl",) or cs
    return True


@st.composite
def mutated(draw, plan: FilePlan, names=KEEPING + CORRUPTING) -> FilePlan:
    """`plan` changed by one mutation; records that no longer are valid say so (status, reject_cols)."""
    options = [m for m in names if applicable(plan, m)]
    if not options:
        return plan
    m = draw(st.sampled_from(options))
    p = replace(plan, records=[replace(r, values=dict(r.values), cells=dict(r.cells), extra=dict(r.extra))
                               for r in plan.records], columns=list(plan.columns), mutation=m)
    fs = FIELDS[p.entity]
    n = len(p.records)
    pick = (lambda: draw(st.integers(0, n - 1))) if n else None
    if m == "shuffle_keys":
        for r in p.records:
            r.key_order = tuple(draw(st.permutations(list(dict.fromkeys(p.columns)))))
    elif m == "duplicate_header":
        c = draw(st.sampled_from(p.columns))
        p.columns.insert(draw(st.integers(0, len(p.columns))), c)
    elif m == "control_chars":
        text_cols = [c for c in dict.fromkeys(p.columns) if fs[c].kind == TEXT and fs[c].text not in
                     ("date_format", "time_format", "number_format", "product_code", "sku", "phone", "email",
                      "user_name", "contract_number", "ticket_number")]
        if not text_cols:
            text_cols = [c for c in dict.fromkeys(p.columns) if fs[c].kind == TEXT]
        if not text_cols:
            return p
        for _ in range(draw(st.integers(1, 3))):
            r, c = p.records[pick()], draw(st.sampled_from(text_cols))
            ch = draw(st.sampled_from([x for x in CONTROL_CHARS if encodable(x, p.encoding)]))
            old = r.values.get(c) or ""
            at = draw(st.integers(0, len(old)))
            new = old[:at] + ch + old[at:]
            if fs[c].required and not new.strip():
                new = "Acme" + new
            if p.entity == "Companies" and c == "companyName":
                continue  # names referenced by a grid file elsewhere must stay what they were
            r.values[c] = new
        if p.shape in JSON_SHAPES:
            p.ensure_ascii = False  # U+2028 and U+0085 written as they are, as most JSON writers do
            if not encodable(render_text(p), p.encoding):
                p.ensure_ascii = True
    elif m == "duplicate_json_key":
        r = p.records[pick()]
        c = draw(st.sampled_from(list(dict.fromkeys(p.columns))))
        decoy = draw(value_strategy(fs[c], p))
        r.dup_key = (c, decoy)
        if decoy != r.values.get(c):
            # RFC 8259: names SHOULD be unique, receivers differ. Either value may load, or the row may be
            # rejected naming that column; it must not be lost or take others with it.
            r.status, r.reject_cols = "either", frozenset({c, "-"})
    elif m == "big_int":
        r = p.records[pick()]
        id_cols = [c for c in dict.fromkeys(p.columns) if fs[c].kind == ID and not (fs[c].name_ref and p.name_ref)]
        c = draw(st.sampled_from(id_cols))
        big = draw(st.sampled_from(BIG_INTS))
        r.values[c] = big
        r.status, r.reject_cols = "invalid", frozenset({c})
        if p.shape in CSV_SHAPES:
            r.cells[c] = str(big)
    elif m == "empty_record":
        at = draw(st.integers(0, n))
        p.records.insert(at, Rec({}, "invalid", frozenset({"-"} | {f.name for f in SCHEMA[p.entity] if f.required}),
                                 raw={}))
        p.pages = _grow_layout(p.pages, p.shape, at)
    elif m == "non_object_record":
        at = draw(st.integers(0, n))
        raw = draw(st.sampled_from((None, 42, "Acme", [], [1, 2], True)))
        p.records.insert(at, Rec({}, "invalid", frozenset({"-"}), raw=raw))
        p.pages = _grow_layout(p.pages, p.shape, at)
    elif m == "duplicate_record":
        i = pick()
        at = draw(st.integers(i + 1, n))
        copy = replace(p.records[i], values=dict(p.records[i].values), status="invalid",
                       reject_cols=frozenset({"id"}))
        if p.records[i].status != "legit":
            copy.status, copy.reject_cols = "either", frozenset({"id", "-"} | set(p.records[i].reject_cols))
        p.records.insert(at, copy)
        p.pages = _grow_layout(p.pages, p.shape, at)
    elif m == "pad_typed_cells":
        for r in p.records:
            for c in dict.fromkeys(p.columns):
                f = fs[c]
                if f.kind != TEXT and r.values.get(c) is not None and not (f.name_ref and p.name_ref) \
                        and draw(st.integers(0, 2)) == 0:
                    pad = draw(st.sampled_from([x for x in (" ", "  ", "\u00a0") if encodable(x, p.encoding)]))
                    cell = csv_cell(f, r.values[c], p)
                    r.cells[c] = draw(st.sampled_from((pad + cell, cell + pad, pad + cell + pad)))
    elif m == "reencode":
        targets = [e for e in (CSV_ENCODINGS if p.shape in CSV_SHAPES else JSON_ENCODINGS) if e != p.encoding
                   and encodable(render_text(p), e)]
        if not targets:
            return p
        p.encoding = draw(st.sampled_from(targets))
        if p.encoding.startswith("utf-16") and p.shape in CSV_SHAPES and p.delimiter != "\t":
            p.delimiter = "\t"
            if p.money in ("eu", "fr"):
                pass  # comma-decimal money is quoted where it needs to be; the delimiter is a tab now
    elif m == "nested_value":
        r = p.records[pick()]
        depth = draw(st.sampled_from((2, 20, 200, 900)))
        opener, closer = draw(st.sampled_from((("[", "]"), ('{"a": ', "}"))))
        r.extra["nested"] = Raw(opener * depth + "1" + closer * depth)
        if depth > 20 and r.status == "legit":
            # no Autotask record nests: past a sane depth the loader may refuse the record (never the file)
            r.status, r.reject_cols = "either", frozenset({"nested", "-"})
    elif m == "blank_lines":
        p.blank_lines = True
    elif m == "truncate":
        p.cut = draw(st.floats(0.02, 0.98))
    elif m == "inject_bytes":
        p.inject = (draw(st.floats(0.0, 1.0)), draw(st.sampled_from(INJECTED)))
    return p


def unref(plan: FilePlan) -> FilePlan:
    """The same grid file with company ids instead of names (when the Companies file is the one damaged)."""
    if not plan.name_ref:
        return plan
    labels = {**plan.labels, "companyID": f"{plan.term} ID"}
    return replace(plan, name_ref=False, labels=labels)


def _grow_layout(pages: tuple, shape: str, at: int) -> tuple:
    """The page layout after a record is inserted at index `at` (it joins the group that holds that index)."""
    if shape in ("json-page", "json-bare") or not pages:
        return pages
    out, i, done = [], 0, False
    for kind, size in pages:
        if not done and (at < i + size or (kind == "page" and at == i + size)):
            if kind == "page":
                out.append(("page", size + 1))
            else:
                out.extend([("bare", 1), ("bare", 1)])
            done = True
        else:
            out.append((kind, size))
        i += size
    if not done:
        out.append(("bare", 1) if shape != "json-pages" else ("page", 1))
    return tuple(out)


# --------------------------------------------------------------------------------------------- reading back

def row_bounds(plan: FilePlan, data: bytes) -> tuple[int, int]:
    """The row numbers a reject in this file may carry."""
    if not plan.corrupt:
        n = len(plan.records)
        if plan.shape == "jsonl":
            return 1, max([n] + [plan.line_of(i) for i in range(n)])
        return (2, n + 1) if plan.shape in CSV_SHAPES else (1, n)
    lines = max(data.count(b"\n"), data.count(b"\n\x00"), data.count(b"\x00\n"), data.count(b"\r")) + 2
    if plan.shape in CSV_SHAPES:
        return 1, max(lines, len(plan.records) + 2)
    return 1, max(lines, len(plan.records) + 1)
