"""Write a built sample as one export folder in one of SHAPES; `generate()` builds and writes in one call.

Shapes:
- `rest-csv`: REST field names as headers, ISO UTC datetimes (`2024-01-31T00:00:00.000Z`), true/false, picklist codes.
- `json`: REST JSON, rotating over a single `{"items", "pageDetails"}` response, a list of 500-record pages, a bare
  list and JSON Lines; Companies and Contracts carry `userDefinedFields`; `fields/<Entity>.json` picklist metadata.
- `grid-csv`: what Autotask's grid export looks like: display-label headers, "Organization" holding the company
  name, picklist labels, Yes/No, dd/MM/yyyy dates, "$1,250.00" money, Windows-1252 Companies.csv, UTF-8 BOM others;
  `fields/<Entity>.json` so labelled picklists can be mapped back to codes; client.yaml says `date_format: dd/MM/yyyy`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from readiness import entities as ents
from readiness import exportwriter
from readiness.synth.arrays import _rng
from readiness.synth.builders import build
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import (CAPTURE_SHEETS, DATE_ONLY, ENTITIES, EXPORT_DATE, JSON_FORMS, MONEY,
                                        ORGANIZATION_TABLES, PAGE_SIZE, PICKLISTS, SHAPES)


def _label(col: str) -> str:
    """Grid display label from a REST field name: companyID -> "Company ID", isActive -> "Active"."""
    if col == "id":
        return "ID"
    name = col[2:] if re.match(r"is[A-Z]", col) else col
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)
    return " ".join(w if w.isupper() else w.capitalize() for w in words)


def _money_text(x: np.ndarray) -> pa.Array:
    """"$1,250.00" / "-$50.00" / null, vectorised (no per-value formatting in Python)."""
    x = np.asarray(x, float)
    nan = np.isnan(x)
    cents = np.round(np.abs(np.nan_to_num(x)) * 100).astype(np.int64)
    whole, frac = np.divmod(cents, 100)
    mil, rest = np.divmod(whole, 1_000_000)
    tho, uni = np.divmod(rest, 1000)
    z3 = lambda a: np.strings.zfill(a.astype(str), 3)  # noqa: E731
    add = np.strings.add
    body = np.where(mil > 0, add(add(add(mil.astype(str), ","), add(z3(tho), ",")), z3(uni)),
                    np.where(tho > 0, add(add(tho.astype(str), ","), z3(uni)), uni.astype(str)))
    sign = np.where(x < 0, "-$", "$")
    text = np.strings.add(np.strings.add(sign, body), np.strings.add(".", np.strings.zfill(frac.astype(str), 2)))
    return pa.array(text.astype(object), type=pa.string(), mask=nan)


def _timestamps(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype="datetime64[ms]"), type=pa.timestamp("ms"))


_iso = exportwriter.rest_datetimes  # REST datetimes: "2024-01-31T00:00:00.000Z"


def _display_date(values, with_time: bool, date_only_iso: bool = False) -> pa.Array:
    """Grid dates "dd/MM/yyyy" (with " HH:mm" for datetimes); ISO "yyyy-MM-dd" when `date_only_iso`."""
    text = pc.cast(_timestamps(values), pa.string())
    part = lambda a, b: pc.utf8_slice_codeunits(text, a, b)  # noqa: E731
    if date_only_iso:
        return part(0, 10)
    pieces = [part(8, 10), "/", part(5, 7), "/", part(0, 4)] + ([" ", part(11, 16)] if with_time else [])
    return pc.binary_join_element_wise(*pieces, "")


def _rest_column(series: pd.Series, col: str) -> pa.Array:
    """REST-shaped column: ISO UTC datetimes with milliseconds and Z, everything else as typed values."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _iso(series.to_numpy())
    if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
        return _text(series)
    return pa.array(series)


def _text(series: pd.Series) -> pa.Array:
    """A text column as an arrow string array (zero-copy for arrow-backed pandas strings)."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        arr = pa.array(series)
        return arr.cast(pa.string()) if arr.type != pa.string() else arr
    return pa.array(series.to_numpy(dtype=object, na_value=None), type=pa.string())


def _grid_column(series: pd.Series, entity: str, col: str, names: pd.Series) -> tuple[str, pa.Array]:
    """Grid-export column: display label header and display-formatted values."""
    labels = PICKLISTS.get(entity, {}).get(col)
    if col == "companyID" and entity in ORGANIZATION_TABLES:
        return "Organization", pa.array(series.map(names).to_numpy(dtype=object, na_value=None), type=pa.string())
    if labels is not None:
        header = _label(col)
        header = header[:-3] if header.endswith(" ID") else header
        text = series.map(labels)
        return header, pa.array(text.to_numpy(dtype=object, na_value=None), type=pa.string())
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _label(col), _display_date(series.to_numpy(), with_time=col not in DATE_ONLY)
    if pd.api.types.is_bool_dtype(series.dtype) or (entity == "Contacts" and col == "isActive"):
        v = series.astype("boolean")
        text = np.where(v.fillna(False).to_numpy(bool), "Yes", "No").astype(object)
        return _label(col), pa.array(text, type=pa.string(), mask=v.isna().to_numpy())
    if col in MONEY and pd.api.types.is_float_dtype(series.dtype):
        return _label(col), _money_text(series.to_numpy(dtype=float, na_value=np.nan))
    if col == "serialNumber":
        return "Serial Number", _text(series)
    if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
        return _label(col), _text(series)
    return _label(col), pa.array(series)


def _capture_table(df: pd.DataFrame, shape: str) -> pa.Table:
    """Capture sheets: snake_case headers, ISO dates (dd/MM/yyyy in the grid shape), true/false or Yes/No."""
    cols = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            cols[col] = _display_date(s.to_numpy(), with_time=False, date_only_iso=shape != "grid-csv")
        elif pd.api.types.is_bool_dtype(s.dtype):
            yes, no = ("Yes", "No") if shape == "grid-csv" else ("true", "false")
            cols[col] = pa.array(np.where(s.to_numpy(bool), yes, no).astype(object), type=pa.string())
        else:
            cols[col] = _text(s.replace("", None))  # blank cells, as a consultant leaves them
    return pa.table(cols)


def _write_csv_table(table: pa.Table, path: Path, bom: bool = False, encoding: str = "utf-8") -> None:
    """CSV via pyarrow in 250k-row batches; optional UTF-8 BOM or a legacy single-byte encoding."""
    opts = pacsv.WriteOptions(include_header=True, batch_size=250_000)
    if encoding != "utf-8":
        buf = pa.BufferOutputStream()
        pacsv.write_csv(table, buf, write_options=opts)
        path.write_bytes(buf.getvalue().to_pybytes().decode("utf-8").encode(encoding))
        return
    with open(path, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, fh, write_options=opts)


def _chunks(n: int, size: int = 250_000):
    for lo in range(0, max(n, 1), size):
        yield lo, min(n, lo + size)


def _write_rest_csv(df: pd.DataFrame, path: Path) -> None:
    schema = None
    with open(path, "wb") as fh:
        for lo, hi in _chunks(len(df)):
            part = df.iloc[lo:hi]
            table = pa.table({c: _rest_column(part[c], c) for c in df.columns})
            if schema is None:
                schema = table.schema
                writer = pacsv.CSVWriter(fh, schema)
            writer.write_table(table.cast(schema))
        writer.close()


def _write_grid_csv(df: pd.DataFrame, entity: str, path: Path, names: pd.Series) -> None:
    cols = {}
    for c in df.columns:
        header, arr = _grid_column(df[c], entity, c, names)
        cols[header] = arr
    table = pa.table(cols)
    if entity == "Companies":
        _write_csv_table(table, path, encoding="cp1252")  # what Excel-era exports of the company list look like
    else:
        _write_csv_table(table, path, bom=True)


def _udfs(s: Sample, entity: str, df: pd.DataFrame) -> list:
    """userDefinedFields per record (JSON shape only; values are strings or null, as REST returns them).

    Builds one small list per record in Python: only Companies and Contracts (at most 8,000 rows) carry them."""
    rng = _rng(s.seed, "udf-" + entity)
    n = len(df)
    if entity == "Companies":
        tier = np.array(["Gold", "Silver", "Bronze", None], dtype=object)[rng.integers(0, 4, n)]
        onboard = pd.Series(df["createDate"].dt.strftime("%Y-%m-%d")).to_numpy(dtype=object, na_value=None)
        return [[{"name": "Customer Tier", "value": a}, {"name": "Onboarded", "value": b}]
                for a, b in zip(tier, onboard)]
    idx = np.array(["0.00", "2.50", "3.00", "4.20"], dtype=object)[rng.integers(0, 4, n)]
    cancel = np.where(df["status"].to_numpy() == 0, df["endDate"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object), None)
    return [[{"name": "Indexation", "value": a}, {"name": "Cancelled per", "value": b}] for a, b in zip(idx, cancel)]


def _write_json(df: pd.DataFrame, entity: str, form: str, folder: Path) -> Path:
    # One page per 500 records in the paged form (as a pull saves it); big chunks otherwise (fewer to_json calls).
    pages = exportwriter.frame_pages(df, PAGE_SIZE if form == "pages" else 250_000)
    return exportwriter.write_entity(folder, entity, pages, form)[0]


_DATA_TYPES = {ents.ID: "long", ents.PICK: "integer", ents.INT: "integer", ents.NUM: "double", ents.BOOL: "boolean",
               ents.DATE: "datetime", ents.TEXT: "string"}  # loader kind -> entityInformation dataType


def _fields_json(entity: str, df: pd.DataFrame) -> dict:
    """An entityInformation/fields-style response describing the table's columns and picklists."""
    picks = PICKLISTS.get(entity, {})
    model = ents.rest_model().get(ents.singular(entity), {})  # data types as Autotask's model gives them
    fields = []
    for col in df.columns:
        dt = df[col].dtype
        kind = ("datetime" if pd.api.types.is_datetime64_any_dtype(dt) else "boolean" if pd.api.types.is_bool_dtype(dt)
                else "double" if pd.api.types.is_float_dtype(dt) else "long" if pd.api.types.is_integer_dtype(dt)
                else "string")
        kind = _DATA_TYPES.get(model.get(col), kind)
        values = None
        if col in picks:
            values = [{"value": str(k), "label": v, "isDefaultValue": i == 0, "sortOrder": i, "parentValue": "",
                       "isActive": True, "isSystem": True} for i, (k, v) in enumerate(picks[col].items())]
        fields.append({"name": col, "dataType": "integer" if col in picks else kind, "length": 0,
                       "isRequired": col == "id", "isReadOnly": col == "id", "isQueryable": True,
                       "isReference": col.endswith("ID") and col not in picks, "referenceEntityType": "",
                       "isPickList": col in picks, "picklistValues": values, "picklistParentValueField": "",
                       "isSupportedWebhookField": False})
    return {"fields": fields}


def _ours(folder: Path) -> list[Path]:
    """The files this generator writes into an export folder (whatever else the folder holds is left alone)."""
    names = [f"{e}{ext}" for e in ENTITIES + CAPTURE_SHEETS for ext in (".csv", ".json", ".jsonl")]
    found = [folder / n for n in names + ["client.yaml"] if (folder / n).is_file()]
    return found + [folder / "fields" / f"{e}.json" for e in PICKLISTS if (folder / "fields" / f"{e}.json").is_file()]


def _clear(folder: Path) -> None:
    """Remove files a previous run of any shape wrote here (only ours), so shapes never mix in one folder."""
    for path in _ours(folder):
        path.unlink()
    if (folder / "fields").is_dir() and not any((folder / "fields").iterdir()):
        (folder / "fields").rmdir()


def write(sample: Sample, out_dir, shape: str = "rest-csv") -> Path:
    """Write a built sample as one export folder in `shape`; returns the folder."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; choose one of {', '.join(SHAPES)}")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _clear(folder)
    names = pd.Series(sample.tables["Companies"]["companyName"].to_numpy(dtype=object),
                      index=sample.tables["Companies"]["id"].to_numpy())
    for i, entity in enumerate(ENTITIES):
        df = sample.tables[entity]
        if shape == "rest-csv":
            _write_rest_csv(df, folder / f"{entity}.csv")
        elif shape == "grid-csv":
            _write_grid_csv(df, entity, folder / f"{entity}.csv", names)
        else:
            if entity in ("Companies", "Contracts"):
                df = df.assign(userDefinedFields=_udfs(sample, entity, df))
            _write_json(df, entity, JSON_FORMS[i % len(JSON_FORMS)], folder)
    for sheet in CAPTURE_SHEETS:
        _write_csv_table(_capture_table(sample.tables[sheet], shape), folder / f"{sheet}.csv", bom=shape == "grid-csv")
    if shape in ("json", "grid-csv"):
        (folder / "fields").mkdir(exist_ok=True)
        for entity in PICKLISTS:
            text = json.dumps(_fields_json(entity, sample.tables[entity]), separators=(",", ":"))
            (folder / "fields" / f"{entity}.json").write_text(text, encoding="utf-8")
    client = dict(sample.client)
    if shape == "grid-csv":
        client["date_format"] = "dd/MM/yyyy"
    (folder / "client.yaml").write_text(yaml.safe_dump(client, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


def generate(out_dir, size: str = "small", seed: int = 1, shape: str = "rest-csv",
             client_name: str | None = None) -> Path:
    """Build and write one sample export folder (default: small, seed 1, REST CSV); returns the folder."""
    return write(build(size, seed, client_name), out_dir, shape)


def synth_command(out, size: str = "small", seed: int = 1, shape: str = "rest-csv", force: bool = False,
                  progress=None) -> int:
    """CLI entry (`readiness synth OUT_DIR --size --seed --shape [--force]`): write the sample and print a one-line
    summary. Returns 0 when written; 2 when OUT is a file, or a folder that is not empty and `force` is not set
    (with `force` the generator's own files there are replaced and anything else is left alone). `progress`
    (the command line's readiness.progress.Progress) shows the stages on stderr; by default nothing is shown."""
    import sys

    from readiness.progress import QUIET

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        print(f"error: {out} is a file; give the folder to write the sample export into", file=sys.stderr)
        return 2
    if folder.is_dir() and any(folder.iterdir()) and not force:
        print(f"error: {out} is not empty; use --force to write into it", file=sys.stderr)
        return 2
    stages = progress or QUIET
    with stages.stage(f"building the {size} sample (seed {seed})"):
        sample = build(size, int(seed))
    with stages.stage(f"writing {shape} files"):
        folder = write(sample, out, shape)
    files = _ours(folder)
    rows = sum(len(sample.tables[e]) for e in ENTITIES + CAPTURE_SHEETS)
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"wrote {len(files)} files, {rows:,} rows, {mb:,.1f} MB to {folder} "
          f"({sample.client['name']}, size {size}, seed {seed}, {shape}, exported {EXPORT_DATE})")
    return 0
