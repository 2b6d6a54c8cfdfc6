"""Read a HaloPSA invoice-lines export (CSV or JSON, HaloPSA API field names) into one row per invoice line.

Accepted shapes:
- CSV, one row per line, header fields (``client_name``, ``invoice_date``, ``invoicenumber``) repeated per line;
- JSON list of lines (``InvoiceDetail`` records carrying the header fields);
- JSON list of invoice headers (``InvoiceHeader``), each with its ``lines``;
- ``{"invoices": [...]}`` (the list wrapper of ``GET /Invoice?includelines=true``) or a single header with ``lines``.

Every row keeps a ``where`` label ("row 7" for CSV, "record 3" for a JSON line list, "invoice 2 line 1" for
headers with lines) so a bad cell is reported as ``halo.csv row 7, column unit_price: 'abc' is not a number``, and
a ``source`` ("halo.csv row 7") that the comparison's warnings name. A number cell holding the text "NaN" is not an
error but a ``problem`` of its line: the comparison leaves the line out and says so. (A JSON NaN literal cannot be
told from an absent field once the lines are flattened, so it reads as empty.)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from readiness import textfiles
from readiness.reconcile.errors import ReconcileError, cell_errors, raise_cell_errors, read_csv_text
from readiness.reconcile.money import amount_or_product

# Header fields copied onto each line (InvoiceHeader) and line fields (InvoiceDetail) the reconciliation reads.
HEADER_FIELDS = ("client_name", "invoice_date", "invoicenumber")
# Where an invoice says its currency (InvoiceHeader in the swagger): ``currency`` (text; HaloPSA fills it with the
# currency's symbol, e.g. "$"), ``currency_code`` (the id of the tenant's Currency record, an integer) and
# ``currency_code_name`` (that record's name). A line's ``currency`` column holds the first of them that is a
# three-letter ISO 4217 code (a CSV made from a HaloPSA report may carry "GBP" in any of them), else the first text
# given (a symbol), else nothing.
CURRENCY_FIELDS = ("currency_code_name", "currency", "currency_code")
LINE_COLUMNS = ["where", "client_name", "invoice_date", "invoicenumber", "item_code", "item_shortdescription",
                "qty_order", "unit_price", "net_amount", "currency", "source", "problem"]
_MAX_ERRORS = 5


def read_halo_lines(path: str | Path) -> pd.DataFrame:
    """HaloPSA invoice lines from `path` with LINE_COLUMNS: names as text, numbers as Float64, invoice_date as
    naive datetime. Raises ReconcileError naming file, row and column for anything unusable."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"HaloPSA invoice lines file not found: {path}")
    raw = _read_json(path) if path.suffix.lower() in (".json", ".jsonl") else _read_csv(path)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    _require_columns(raw, path.name)
    return _typed(raw, path.name)


def _read_csv(path: Path) -> pd.DataFrame:
    """All cells as text, led by a ``where`` column ("row 2" for the first line under the header)."""
    df, where = read_csv_text(path)
    df.insert(0, "where", where)
    return df


def _read_json(path: Path) -> pd.DataFrame:
    """Flatten any accepted JSON shape to one record per invoice line."""
    try:
        data = textfiles.load_json(path)
    except textfiles.FileProblem as exc:
        raise ReconcileError(str(exc) if str(exc).startswith(path.name) else f"{path.name}: {exc}") from exc
    if isinstance(data, dict):
        if isinstance(data.get("invoices"), list):
            data = data["invoices"]
        elif isinstance(data.get("lines"), list):
            data = [data]
        else:
            raise ReconcileError(f"{path.name}: expected a list of invoice lines, a list of invoices with 'lines', "
                                 f"or {{\"invoices\": [...]}}; found an object with keys {sorted(data)[:8]}")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ReconcileError(f"{path.name}: expected a JSON list of objects")
    if any(isinstance(r.get("lines"), list) for r in data):
        return _flatten_headers(data)
    df = pd.json_normalize(data) if data else pd.DataFrame()
    df.insert(0, "where", "record " + pd.Series(range(1, len(df) + 1), index=df.index).astype(str))
    return df


def _flatten_headers(headers: list[dict]) -> pd.DataFrame:
    """One row per line of each InvoiceHeader, carrying the header's client, date and invoice number."""
    # Headers without lines contribute nothing but keep their position for the row labels.
    prepared = [{**h, "lines": h.get("lines") or [], "_invoice": i} for i, h in enumerate(headers, start=1)]
    meta = ["_invoice", *[f for f in (*HEADER_FIELDS, *CURRENCY_FIELDS) if any(f in h for h in headers)]]
    df = pd.json_normalize(prepared, record_path="lines", meta=meta, meta_prefix="header.", errors="ignore")
    df = df.astype(object)  # header fields arrive as object; line fields may be numbers or text
    for fld in (*HEADER_FIELDS, *CURRENCY_FIELDS):
        head = df.get(f"header.{fld}")
        if head is None:
            continue
        # The header is the invoice's own record of client, date and number; a line's copy only fills gaps.
        line = df[fld] if fld in df else pd.Series(None, index=df.index, dtype=object)
        empty = head.isna() | (head.astype("string").str.strip() == "")
        df[fld] = head.where(~empty, line)
    invoice = df["header._invoice"].astype(int) if len(df) else pd.Series(dtype=int)
    line_no = invoice.groupby(invoice).cumcount() + 1
    df.insert(0, "where", "invoice " + invoice.astype(str) + " line " + line_no.astype(str))
    return df.drop(columns=[c for c in df.columns if c.startswith("header.")])


def _require_columns(df: pd.DataFrame, name: str) -> None:
    """Fail with every missing HaloPSA field named at once."""
    missing = [c for c in ("client_name", "invoice_date", "qty_order") if c not in df]
    if "item_shortdescription" not in df and "item_code" not in df:
        missing.append("item_shortdescription (or item_code)")
    if "unit_price" not in df and "net_amount" not in df:
        missing.append("unit_price (or net_amount)")
    if missing:
        found = ", ".join(c for c in df.columns if c != "where") or "none"
        raise ReconcileError(f"{name}: missing required column(s) {', '.join(missing)} (HaloPSA API field names; "
                             f"found: {found})")


def _typed(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """Text columns stripped, numbers and dates parsed; every bad cell collected before raising."""
    where = raw["where"].astype("string")
    df = pd.DataFrame({"where": where}, index=raw.index)
    for col in ("client_name", "invoicenumber", "item_code", "item_shortdescription"):
        df[col] = _text(raw[col]) if col in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
    errors: list[pd.Series] = []
    problems: list[pd.Series] = []
    bad_number = pd.Series(False, index=raw.index)
    for col in ("qty_order", "unit_price", "net_amount"):
        if col not in raw:
            df[col] = pd.Series(pd.NA, index=raw.index, dtype="Float64")
            continue
        df[col], bad = parse_numbers(raw[col])
        nan = raw[col].astype("string").str.strip().str.fullmatch(r"[+-]?nan", case=False, na=False)
        bad &= ~nan  # a number that says nothing: its line is left out with a warning, not an error
        bad_number |= bad | nan
        errors.append(cell_errors(name, where, col, bad, "is not a number", raw[col]))
        problems.append(cell_errors(name, where, col, nan, "is not a finite number", raw[col]))
    df["invoice_date"], bad = parse_dates(raw["invoice_date"])
    checks = [
        ("invoice_date", bad, "is not a date (use YYYY-MM-DD or DD/MM/YYYY)", raw["invoice_date"]),
        ("invoice_date", df["invoice_date"].isna() & ~bad, "is empty", None),
        ("client_name", df["client_name"].isna(), "is empty", None),
        ("qty_order", df["qty_order"].isna() & ~bad_number, "is empty", None),
        ("item_shortdescription", df["item_shortdescription"].isna() & df["item_code"].isna(),
         "is empty and there is no item_code", None),
        ("unit_price", df["unit_price"].isna() & df["net_amount"].isna() & ~bad_number,
         "is empty and there is no net_amount", None),
    ]
    errors += [cell_errors(name, where, col, mask, problem, values) for col, mask, problem, values in checks]
    raise_cell_errors(errors, _MAX_ERRORS)
    df["currency"] = _currency(raw)
    df["source"] = name + " " + where
    found = pd.concat(problems) if problems else pd.Series(dtype=object)
    df["problem"] = found.groupby(level=0).first().reindex(df.index).astype("string")  # the first cell per line
    return df[LINE_COLUMNS]


def _currency(raw: pd.DataFrame) -> pd.Series:
    """Per line: the first CURRENCY_FIELDS value that is an ISO 4217 code (upper-cased), else the first text."""
    fields = [_text(raw[c]) for c in CURRENCY_FIELDS if c in raw]
    out = pd.Series(pd.NA, index=raw.index, dtype="string")
    for f in fields:
        out = out.fillna(f.str.upper().where(f.str.fullmatch(r"[A-Za-z]{3}", na=False)))
    for f in fields:
        out = out.fillna(f.where(~f.str.fullmatch(r"\d+", na=False)))  # an id (currency_code) says nothing
    return out


def _text(s: pd.Series) -> pd.Series:
    """Stripped text; empty becomes missing."""
    t = s.astype("string").str.strip()
    return t.where(t != "", pd.NA)


def parse_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(Float64 values, mask of cells that hold text that is not a number). Accepts thousands separators,
    currency symbols and accounting negatives "(12.50)"; empty cells are missing, not errors."""
    text = s.astype("string").str.strip()
    cleaned = text.str.replace(r"[£$€\s,]", "", regex=True)
    negative = cleaned.str.fullmatch(r"\(.*\)", na=False)
    cleaned = cleaned.where(~negative, "-" + cleaned.str.slice(1, -1))
    values = pd.to_numeric(cleaned, errors="coerce").astype("Float64")
    bad = cleaned.notna() & (cleaned != "") & values.isna()
    return values, bad.fillna(False).astype(bool)


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(naive dates, mask of unparseable cells). ISO 8601 (the API's format; the date part is taken as written, so
    a time zone offset never moves a line into another month), then DD/MM/YYYY (HaloPSA's UK default in
    spreadsheet exports); an ambiguous 03/04/2025 is read day-first."""
    text = s.astype("string").str.strip()
    text = text.where(text != "", pd.NA)
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    dmy = pd.to_datetime(text.str.slice(0, 10), format="%d/%m/%Y", errors="coerce")
    values = iso.fillna(dmy).astype("datetime64[ms]")
    bad = text.notna() & values.isna()
    return values, bad.fillna(False).astype(bool)


def halo_billing_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """Billing lines (client, item, quantity, unit_price, amount, date; source, problem and currency when given)
    from read_halo_lines output. Item = item_shortdescription (what the invoice prints), else item_code; amount =
    net_amount, else qty_order * unit_price."""
    out = pd.DataFrame({
        "client": lines["client_name"],
        "item": lines["item_shortdescription"].fillna(lines["item_code"]),
        "quantity": lines["qty_order"],
        "unit_price": lines["unit_price"],
        # net_amount where given, else qty_order x unit_price worked out exactly (Decimal)
        "amount": pd.Series([amount_or_product(a, q, p) for a, q, p in
                             zip(lines["net_amount"], lines["qty_order"], lines["unit_price"])],
                            index=lines.index, dtype=object),
        "date": lines["invoice_date"],
    })
    for col in ("source", "problem", "currency"):
        if col in lines:
            out[col] = lines[col]
    return out
