"""Property-based tests of the loader's input contract (DESIGN "Input: the export folder").

Exports are generated in every shape (REST JSON single page, list of pages, pages mixed with bare records, bare
list, JSON Lines, CSV with REST field names, CSV from an Autotask grid), encoding (UTF-8 with and without BOM,
UTF-16 LE/BE with BOM as Excel's "Unicode text", Windows-1252) and delimiter (comma, semicolon, tab), then
mutated. For every input:

- no exception escapes load_export; every file has one ledger row with read == loaded + rejected;
- every reject names its entity and file, a row number inside the file, a column (or "-") and a reason;
- a file that holds records but yields none is named in `problems`;

and for every input whose records are all still in the file (the generators count them independently):

- rows read == records in the file; every legitimate record loads, with its values; every invalid one is
  rejected, naming the column at fault; a valid file gives no reject and round-trips exactly.

The generators live in tests/export_strategies.py and never import the loader. Runs: the default profile
(12 examples per property, no shrinking) takes about half a minute; `LOADER_PROPS=shrink` shrinks a failure to
a minimal export, `LOADER_PROPS=thorough` runs 200 examples per property, `LOADER_PROPS_EXAMPLES=N` sets N.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import note as _note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

import export_strategies as es
from export_strategies import BOOL, DATE, FIELDS, ID, NUM, PICK, TEXT, ExportPlan, FilePlan, Raw, Rec
from readiness.loader import load_export

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
             HealthCheck.large_base_example]
# Default: a dozen examples per property and no shrinking, so even a failing run stays within a couple of
# minutes (each failure prints the files it wrote, which are small). LOADER_PROPS=shrink shrinks failures to a
# minimal export; LOADER_PROPS=thorough runs 200 examples per property and shrinks.
_NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
settings.register_profile("loader-props", max_examples=12, deadline=None, suppress_health_check=_SUPPRESS,
                          phases=_NO_SHRINK, print_blob=True)
settings.register_profile("loader-props-shrink", max_examples=12, deadline=None, suppress_health_check=_SUPPRESS,
                          print_blob=True)
settings.register_profile("loader-props-thorough", max_examples=200, deadline=None,
                          suppress_health_check=_SUPPRESS, print_blob=True)
_PROFILE = settings.get_profile({"thorough": "loader-props-thorough", "shrink": "loader-props-shrink"}
                                .get(os.environ.get("LOADER_PROPS", ""), "loader-props"))
if os.environ.get("LOADER_PROPS_EXAMPLES"):
    _PROFILE = settings(_PROFILE, max_examples=int(os.environ["LOADER_PROPS_EXAMPLES"]))


def props(n: int = 1):
    """The module's Hypothesis settings, with n times the profile's examples."""
    return settings(_PROFILE, max_examples=max(1, int(_PROFILE.max_examples * n)))


# --------------------------------------------------------------------------------------------- running

def note(text: str) -> None:
    """Hypothesis' note inside a property, print (shown by pytest on failure) in a plain test."""
    if currently_in_test_context():
        _note(text)
    else:
        print(text)


def run(plan: ExportPlan, extra: dict | None = None):
    """Write the export to a fresh folder, load it, return (export, {file name: bytes})."""
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "export"
        plan.write(folder)
        for name, data in (extra or {}).items():
            (folder / name).write_bytes(data)
        data = {f.name: (folder / f.name).read_bytes() for f in plan.files}
        for f in plan.files:
            note(f"{f.name}: shape={f.shape} encoding={f.encoding} delimiter={f.delimiter!r} "
                 f"mutation={f.mutation} name_ref={f.name_ref} date_order={f.date_order} "
                 f"records={len(f.records)}\n{data[f.name][:1500]!r}")
        if plan.date_format:
            note(f"client.yaml date_format={plan.date_format!r}")
        export = load_export(folder)  # nothing may raise
    note(f"ledger:\n{export.ledger.to_string()}\nrejects:\n{export.rejects.head(20).to_string()}\n"
         f"problems: {export.problems}")
    return export, data


def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def same(kind: str, expected, got) -> bool:
    """Whether a loaded cell holds the canonical value (empty text and a missing value are the same: CSV
    cannot tell them apart)."""
    if kind == TEXT:
        expected = None if expected in (None, "") else expected
        got = None if _missing(got) or got == "" else got
        return expected == got and (got is None or isinstance(got, str))
    if expected is None:
        return _missing(got)
    if _missing(got):
        return False
    if kind in (ID, PICK):
        try:
            return int(got) == expected and float(got) == float(expected)
        except (TypeError, ValueError, OverflowError):
            return False
    if kind == BOOL:
        return isinstance(got, (bool, np.bool_)) and bool(got) == expected
    if kind == NUM:
        try:
            return math.isclose(float(got), expected / 100, rel_tol=1e-12, abs_tol=1e-9)
        except (TypeError, ValueError):
            return False
    if kind == DATE:
        try:
            return pd.Timestamp(got) == pd.Timestamp(expected)
        except (TypeError, ValueError):
            return False
    return got == expected


def _table(export, entity):
    return export.tables.get(entity)


# --------------------------------------------------------------------------------------------- the contract

def check_weak(plan: ExportPlan, export, data: dict) -> None:
    """What holds for any input, however damaged."""
    led, rej = export.ledger, export.rejects
    assert set(["entity", "file", "read", "loaded", "rejected"]) <= set(led.columns)
    assert set(["entity", "file", "row", "column", "value", "reason"]) <= set(rej.columns)
    for f in plan.files:
        rows = led[led["file"] == f.name]
        assert len(rows) == 1, f"{f.name}: expected one ledger row, found {len(rows)}"
        row = rows.iloc[0]
        assert row["entity"] == f.entity, f"{f.name}: ledger says entity {row['entity']!r}"
        read, loaded, rejected = int(row["read"]), int(row["loaded"]), int(row["rejected"])
        assert read == loaded + rejected, f"{f.name}: read {read} != loaded {loaded} + rejected {rejected}"
        mine = rej[rej["file"] == f.name]
        assert len(mine) == rejected, f"{f.name}: ledger rejected {rejected} but {len(mine)} rejects listed"
        assert (mine["entity"] == f.entity).all(), f"{f.name}: a reject names another entity"
        lo, hi = es.row_bounds(f, data[f.name])
        for r in mine.itertuples(index=False):
            try:
                whole = float(r.row).is_integer()
            except (TypeError, ValueError):
                whole = False
            assert whole, f"{f.name}: reject row {r.row!r} is not a row number"
            assert lo <= int(r.row) <= hi, f"{f.name}: reject row {r.row} outside {lo}..{hi}: {r.reason!r}"
            assert isinstance(r.column, str) and r.column.strip(), f"{f.name} row {r.row}: reject names no column"
            assert isinstance(r.reason, str) and r.reason.strip(), f"{f.name} row {r.row}: reject has no reason"
        assert not mine["row"].duplicated().any(), f"{f.name}: a row is rejected twice: {mine['row'].tolist()}"
        t = _table(export, f.entity)
        if t is not None:
            assert len(t) == loaded, f"{f.name}: table has {len(t)} rows, ledger says loaded {loaded}"
        else:
            assert loaded == 0, f"{f.name}: ledger says loaded {loaded} but there is no table"
        if read == 0 and es.record_count(f) > 0:
            assert any(f.name in p for p in export.problems), \
                f"{f.name}: holds {es.record_count(f)} records, none read, and no problem names the file"


def check_strong(f: FilePlan, export, data: bytes) -> None:
    """Every record is still in the file: count, legitimate rows loaded with their values, invalid rejected."""
    led = export.ledger
    row = led[led["file"] == f.name].iloc[0]
    assert int(row["read"]) == len(f.records), \
        f"{f.name}: read {int(row['read'])} rows, the file holds {len(f.records)} records; problems: {export.problems}"
    assert f.entity in export.tables, f"{f.name}: a readable file, yet export.has({f.entity!r}) is False"
    t = export.tables[f.entity]
    rej = export.rejects[export.rejects["file"] == f.name]
    rejected = {int(r): (c, reason) for r, c, reason in zip(rej["row"], rej["column"], rej["reason"])}
    by_id = {}
    if "id" in t.columns:
        for i, v in enumerate(t["id"].tolist()):
            if not _missing(v):
                by_id.setdefault(int(v), i)
    fields = FIELDS[f.entity]
    problems = []
    for i, rec in enumerate(f.records):
        n = f.row_of(i)
        hit = [m for m in sorted(f.rows_of(i)) if m in rejected]
        if rec.status == "invalid":
            if not hit:
                problems.append(f"row {n}: should be rejected (column one of {sorted(rec.reject_cols)}), was not")
            elif rejected[hit[0]][0] not in rec.reject_cols:
                problems.append(f"row {n}: rejected naming column {rejected[hit[0]][0]!r}, expected one of "
                                f"{sorted(rec.reject_cols)} ({rejected[hit[0]][1]})")
            continue
        if hit and not (f.shape == "jsonl" and rec.values.get("id") in by_id and f.line_of(i) != n):
            col, reason = rejected[hit[0]]
            if rec.status == "either" and col in rec.reject_cols:
                continue
            where = ""
            if f.shape == "jsonl":
                shared = sum(f.line_of(k) == f.line_of(i) for k in range(len(f.records)))
                where = f" (JSON Lines: line {f.line_of(i)} holds {shared} records)"
            problems.append(f"row {n}: a valid record was rejected{where}: column {col!r}: {reason}")
            continue
        rid = rec.values.get("id")
        if rid not in by_id:
            problems.append(f"row {n}: id {rid} neither loaded nor rejected")
            continue
        loaded = t.iloc[by_id[rid]]
        for c in dict.fromkeys(f.columns):
            kind = fields[c].kind
            got = loaded[c] if c in t.columns else None
            want = rec.values.get(c)
            if rec.dup_key and rec.dup_key[0] == c and same(kind, rec.dup_key[1], got):
                continue
            if not same(kind, want, got):
                problems.append(f"row {n} id {rid}: {c} = {got!r} ({type(got).__name__}), expected {want!r}")
        for name, v in rec.udfs:
            col = f"udf:{name}"
            got = loaded[col] if col in t.columns else None
            if not same(TEXT, v, got):
                problems.append(f"row {n} id {rid}: {col} = {got!r}, expected {v!r}")
    assert not problems, f"{f.name} ({f.shape}, {f.encoding}, {f.delimiter!r}, mutation {f.mutation}):\n  " + \
        "\n  ".join(problems[:12])
    if all(r.status == "legit" for r in f.records):
        assert rej.empty, f"{f.name}: a valid file gave rejects:\n{rej.to_string()}"


def check_all(plan: ExportPlan, export, data: dict) -> None:
    check_weak(plan, export, data)
    for f in plan.files:
        if not f.corrupt:
            check_strong(f, export, data[f.name])


# --------------------------------------------------------------------------------------------- valid exports

@pytest.mark.parametrize("shape", es.SHAPES)
@props(1.5)
@given(data=st.data())
def test_a_valid_export_loads_every_record_with_its_values(shape, data):
    plan = data.draw(es.export_plans(shapes=(shape,)), label="export")
    export, raw = run(plan)
    check_all(plan, export, raw)


@props(2)
@given(plan=es.export_plans(max_files=4))
def test_a_valid_export_in_mixed_shapes_loads_every_record(plan):
    export, raw = run(plan)
    check_all(plan, export, raw)


@props(1)
@given(plan=es.export_plans(shapes=es.JSON_SHAPES, json_encodings=es.WINDOWS_JSON_ENCODINGS))
def test_json_saved_by_windows_powershell_loads(plan):
    """Windows PowerShell 5.1 writes `ConvertTo-Json | Out-File` as UTF-16 LE with BOM and `Set-Content` in the
    ANSI code page (Windows-1252): the same records must come out (DESIGN names UTF-8 only for JSON)."""
    export, raw = run(plan)
    check_all(plan, export, raw)


# --------------------------------------------------------------------------------------------- mutations

def _mutated_export(draw, names, shapes=es.SHAPES):
    plan = draw(es.export_plans(shapes=shapes))
    targets = [i for i, f in enumerate(plan.files) if any(es.applicable(f, m) for m in names)]
    assume(targets)
    i = draw(st.sampled_from(targets), label="target")
    if plan.files[i].entity == "Companies":  # a grid file elsewhere may name these companies
        plan.files = [es.unref(f) for f in plan.files]
    plan.files[i] = draw(es.mutated(plan.files[i], names), label="mutated")
    return plan


_ONLY_JSON = {"shuffle_keys", "duplicate_json_key", "empty_record", "non_object_record", "nested_value"}
_ONLY_CSV = {"duplicate_header", "pad_typed_cells"}


@pytest.mark.parametrize("mutation", es.KEEPING)
@props(1)
@given(data=st.data())
def test_a_mutation_that_keeps_every_record_keeps_the_contract(mutation, data):
    shapes = es.JSON_SHAPES if mutation in _ONLY_JSON else es.CSV_SHAPES if mutation in _ONLY_CSV else es.SHAPES
    plan = _mutated_export(data.draw, (mutation,), shapes)
    export, raw = run(plan)
    check_all(plan, export, raw)


@pytest.mark.parametrize("mutation", es.CORRUPTING)
@props(2)
@given(data=st.data())
def test_a_damaged_file_never_breaks_the_contract_or_the_other_files(mutation, data):
    plan = _mutated_export(data.draw, (mutation,))
    export, raw = run(plan)
    check_all(plan, export, raw)  # the damaged file: weak contract; every other file: all of it


# --------------------------------------------------------------------------------------------- damage in line formats

def _prefix_lengths(f: FilePlan) -> list[int]:
    """Encoded length of the file holding only its first k records, for k = 0..n (each ends at a newline)."""
    out = []
    for k in range(len(f.records) + 1):
        p = replace(f, records=f.records[:k], pages=(("bare", 1),) * k if f.shape == "jsonl" else f.pages,
                    cut=None, inject=None)
        out.append(len(es.encode(es.render_text(p), f.encoding)))
    return out


@st.composite
def _line_file(draw, shapes=("csv-rest", "csv-grid", "jsonl"), encodings=es.CSV_ENCODINGS, min_records=1):
    entity = draw(st.sampled_from([e for e in es.ENTITY_NAMES]))
    f = draw(es.file_plans(entity, shapes=shapes, csv_encodings=encodings, json_encodings=("utf-8", "utf-8-sig"),
                           min_records=min_records, max_records=6))
    if f.shape == "jsonl":
        f = replace(f, pages=(("bare", 1),) * len(f.records), blank_lines=False)
    return f


@props(2)
@given(f=_line_file(), cut=st.floats(0.05, 0.999))
def test_a_cut_csv_or_jsonl_keeps_every_record_written_before_the_cut(f, cut):
    """A line format survives truncation: each record that ends (newline included) before the cut loads."""
    full = es.render(f)
    keep = max(1, min(len(full) - 1, int(len(full) * cut)))
    ends = _prefix_lengths(f)
    whole = [i for i in range(len(f.records)) if ends[i + 1] <= keep]
    cut_plan = replace(f, cut=keep, mutation=f"truncate at byte {keep} of {len(full)}")
    plan = ExportPlan([cut_plan])
    export, raw = run(plan)
    check_weak(plan, export, raw)
    kept = replace(f, records=[f.records[i] for i in whole], mutation=f"records before byte {keep}")
    t = export.tables.get(f.entity)
    problems = []
    for i in whole:
        rec = f.records[i]
        ids = [] if t is None or "id" not in t.columns else [int(v) for v in t["id"].dropna().tolist()]
        if rec.values["id"] not in ids:
            problems.append(f"record {i + 1} (id {rec.values['id']}) ends at byte {ends[i + 1]} <= cut {keep}, "
                            f"not loaded; problems: {export.problems}")
            continue
        row = t[t["id"] == rec.values["id"]].iloc[0]
        for c in dict.fromkeys(f.columns):
            got = row[c] if c in t.columns else None
            if not same(FIELDS[f.entity][c].kind, rec.values.get(c), got):
                problems.append(f"record {i + 1}: {c} = {got!r}, expected {rec.values.get(c)!r}")
    assert not problems, f"{kept.name} cut at {keep} of {len(full)} bytes:\n  " + "\n  ".join(problems[:10])


_MARK = "QZXMARKQZX"


@st.composite
def _one_bad_byte(draw):
    f = draw(_line_file(encodings=("utf-8", "utf-8-sig", "cp1252")))
    text_cols = [c for c in dict.fromkeys(f.columns) if FIELDS[f.entity][c].kind == TEXT]
    assume(text_cols)
    j = draw(st.integers(0, len(f.records) - 1))
    c = draw(st.sampled_from(text_cols))
    rec = f.records[j]
    recs = list(f.records)
    recs[j] = replace(rec, values={**rec.values, c: (rec.values.get(c) or "") + _MARK}, status="either",
                      reject_cols=frozenset(f.columns) | {"-"})
    junk = draw(st.sampled_from((b"\x00", b"\xff", b"\xfe", b"\x81", b"\x8d", b"\xc3", b"\xe2\x80", b"\x9d")))
    return replace(f, records=recs, mutation=f"byte {junk!r} in row {f.row_of(j)} column {c}"), j, c, junk


@props(2)
@given(case=_one_bad_byte())
def test_one_bad_byte_in_a_text_value_costs_at_most_its_own_record(case):
    """A stray byte inside one record's text (a NUL from an e-mail import, a byte of another encoding) may cost
    that record, never the file: every other record loads with its exact values (no re-decoding of the whole
    file in another encoding, no "binary file")."""
    f, j, c, junk = case
    data = es.render(f)
    assert data.count(_MARK.encode()) == 1
    data = data.replace(_MARK.encode(), junk)
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "export"
        folder.mkdir()
        (folder / f.name).write_bytes(data)
        note(f"{f.name} ({f.shape}, {f.encoding}) {f.mutation}:\n{data[:1500]!r}")
        export = load_export(folder)
    note(f"ledger:\n{export.ledger.to_string()}\nrejects:\n{export.rejects.to_string()}\n{export.problems}")
    check_weak(ExportPlan([replace(f, inject=(0, junk))]), export, {f.name: data})  # bounds of a damaged file
    _check_strong_except(f, export, j, c)


def _check_strong_except(f: FilePlan, export, j: int, c: str) -> None:
    """check_strong, with record j's column c free to hold anything."""
    led = export.ledger
    row = led[led["file"] == f.name].iloc[0]
    assert int(row["read"]) == len(f.records), \
        f"{f.name}: read {int(row['read'])}, holds {len(f.records)}; problems: {export.problems}"
    t = export.tables.get(f.entity)
    assert t is not None, f"{f.name}: no table: {export.problems}"
    rej = export.rejects[export.rejects["file"] == f.name]
    bad = set(int(r) for r in rej["row"])
    problems = []
    for i, rec in enumerate(f.records):
        n = f.row_of(i)
        if i == j:
            continue
        if n in bad:
            problems.append(f"row {n}: untouched record rejected: {rej[rej['row'] == n]['reason'].tolist()}")
            continue
        sel = t[t["id"] == rec.values["id"]] if "id" in t.columns else t.iloc[0:0]
        if sel.empty:
            problems.append(f"row {n}: untouched record (id {rec.values['id']}) not loaded")
            continue
        got_row = sel.iloc[0]
        for col in dict.fromkeys(f.columns):
            got = got_row[col] if col in t.columns else None
            if not same(FIELDS[f.entity][col].kind, rec.values.get(col), got):
                problems.append(f"row {n}: untouched {col} = {got!r}, expected {rec.values.get(col)!r}")
    assert not problems, f"{f.name} ({f.encoding}) {f.mutation}:\n  " + "\n  ".join(problems[:10])


# --------------------------------------------------------------------------------------------- explicit heavy cases

COMPANIES = [{"id": 175, "companyName": "Café Société Ltd", "companyType": 1, "isActive": True},
             {"id": 176, "companyName": "Granite Wines", "companyType": 1, "isActive": False}]


def _plan(entity: str, shape: str, rows: list[dict], **kw) -> FilePlan:
    cols = list(dict.fromkeys(k for r in rows for k in r))
    recs = [Rec(dict(r)) for r in rows]
    f = FilePlan(entity, shape, cols, recs, **kw)
    if shape == "csv-grid" and not f.labels:
        f.labels = {c.name: c.labels[0].replace("{T}", "Organization") for c in es.SCHEMA[entity]}
    if shape in ("json-pages", "json-mixed", "jsonl") and not f.pages:
        f.pages = (("bare", 1),) * len(recs) if shape != "json-pages" else (("page", len(recs)),)
        if shape == "json-mixed":
            f.pages = (("page", 1),) + (("bare", 1),) * (len(recs) - 1)
    return f


DEPTH = 10_000


@pytest.mark.parametrize("shape", ["json-page", "json-bare", "jsonl"])
@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"a": ', "}")])
def test_a_value_nested_10000_deep_costs_at_most_its_record(shape, opener, closer):
    f = _plan("Companies", shape, COMPANIES)
    f.records[1].extra["nested"] = Raw(opener * DEPTH + "1" + closer * DEPTH)
    f.records[1].status, f.records[1].reject_cols = "either", frozenset({"nested", "-"})
    f.mutation = "nested 10,000 deep"
    other = _plan("Products", "json-page", [{"id": 5, "name": "Cat6 patch lead"}])
    plan = ExportPlan([f, other])
    export, raw = run(plan)
    check_all(plan, export, raw)


@pytest.mark.parametrize("document", ["[" * DEPTH + "]" * DEPTH, '{"items": ' + "[" * DEPTH + "]" * DEPTH + "}",
                                      '{"a": ' * DEPTH + "1" + "}" * DEPTH])
def test_a_document_nested_10000_deep_is_a_problem_not_an_exception(document):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "Companies.json").write_text(document, encoding="utf-8")
        (folder / "Products.json").write_text('{"items": [{"id": 5, "name": "Cat6 patch lead"}]}')
        export = load_export(folder)  # must not raise RecursionError
    assert export.tables["Products"]["id"].tolist() == [5]
    led = export.ledger.set_index("file")
    assert led.loc["Companies.json", "read"] == led.loc["Companies.json", "loaded"] + \
        led.loc["Companies.json", "rejected"]
    if led.loc["Companies.json", "read"] == 0:
        assert any("Companies.json" in p for p in export.problems), export.problems


@pytest.mark.parametrize("big", [2**63, 2**63 + 1, 2**64, 10**30, -(2**63) - 1])
@pytest.mark.parametrize("shape", ["json-page", "json-bare", "jsonl", "csv-rest", "csv-grid"])
@pytest.mark.parametrize("column", ["id", "companyID"])
def test_an_id_beyond_int64_rejects_its_row_only(shape, big, column):
    rows = [{"id": 101, "contractName": "Managed Services", "companyID": 175, "contractType": 7, "status": 1},
            {"id": 102, "contractName": "Block 20h", "companyID": 176, "contractType": 4, "status": 0},
            {"id": 103, "contractName": "Per ticket", "companyID": 176, "contractType": 8, "status": 1}]
    f = _plan("Contracts", shape, rows)
    f.records[1].values[column] = big
    f.records[1].status, f.records[1].reject_cols = "invalid", frozenset({column})
    if shape.startswith("csv"):
        f.records[1].cells[column] = str(big)
    f.mutation = f"{column}={big}"
    plan = ExportPlan([f])
    export, raw = run(plan)
    check_all(plan, export, raw)


@pytest.mark.parametrize("text", ["MM/dd/yyyy", "dd/MM/yyyy", "yyyy-MM-dd"])
@pytest.mark.parametrize("shape", ["json-page", "csv-rest", "csv-grid"])
def test_resource_date_format_is_text(shape, text):
    rows = [{"id": 29682888, "firstName": "Ingrid", "dateFormat": text, "timeFormat": "hh:mm a",
             "hireDate": dt.datetime(2013, 12, 14)}]
    plan = ExportPlan([_plan("Resources", shape, rows, date_order="DMY")])
    export, raw = run(plan)
    check_all(plan, export, raw)


@pytest.mark.parametrize("code", ["00123", "DL-5440", "12345"])
@pytest.mark.parametrize("shape", ["json-page", "csv-rest", "csv-grid"])
def test_product_codes_are_text(shape, code):
    rows = [{"id": 29684002, "name": "Dell Latitude 5440 Laptop", "internalProductID": code,
             "externalProductID": code}]
    plan = ExportPlan([_plan("Products", shape, rows)])
    export, raw = run(plan)
    check_all(plan, export, raw)


@pytest.mark.parametrize("char", es.CONTROL_CHARS)
@pytest.mark.parametrize("shape", ["jsonl", "json-page", "csv-rest", "csv-grid"])
def test_a_line_breaking_character_inside_a_text_value_is_text(shape, char):
    rows = [{"id": 175, "companyName": "Café Société Ltd", "notes": f"first{char}second"},
            {"id": 176, "companyName": "Granite Wines", "notes": "plain"}]
    f = _plan("Companies", shape, rows, ensure_ascii=False)
    plan = ExportPlan([f])
    export, raw = run(plan)
    check_all(plan, export, raw)


@pytest.mark.parametrize("char", ["\x1c", "\t", "\x01"])
def test_a_raw_control_character_in_a_json_string_costs_at_most_its_record(char):
    """Strict JSON forbids raw control characters in strings; writers that concatenate text emit them. At most
    that record may be lost (the line in JSON Lines), never the rest of the file."""
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "Companies.jsonl").write_text(
            '{"id": 175, "companyName": "Caf\u00e9", "notes": "a' + char + 'b"}\n'
            '{"id": 176, "companyName": "Granite Wines", "notes": null}\n', encoding="utf-8")
        (folder / "Products.json").write_text(
            '{"items": [{"id": 5, "name": "Cat6' + char + 'lead"}, {"id": 6, "name": "Mouse"}]}', encoding="utf-8")
        export = load_export(folder)
    led = export.ledger.set_index("file")
    assert led.loc["Companies.jsonl", "read"] == 2
    assert 176 in export.tables["Companies"]["id"].tolist()
    assert led.loc["Products.json", "read"] == 2, (export.problems, export.ledger)
    assert 6 in export.tables["Products"]["id"].tolist()


# --------------------------------------------------------------------------------------------- files not read

@pytest.mark.parametrize("name,entity", [("Contracts (1).csv", "Contracts"), ("TicketsExport.csv", "Tickets"),
                                         ("Companies - Copy.json", "Companies"),
                                         ("export_Resources_2025-06-30.jsonl", "Resources")])
def test_a_file_that_is_not_read_is_named_with_the_entity_it_may_be(name, entity):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "Companies.csv").write_text("id,companyName\n175,Granite Wines\n", encoding="utf-8")
        body = {"Contracts": "id,companyID,contractType,status\n101,175,7,1\n",
                "Tickets": "id,companyID,status\n5,175,1\n",
                "Companies": '{"items": [{"id": 176, "companyName": "Acme"}]}',
                "Resources": '{"id": 9, "firstName": "Ingrid"}\n'}[entity]
        (folder / name).write_text(body, encoding="utf-8")
        export = load_export(folder)
    said = [p for p in export.problems if name in p]
    assert said, f"{name} is not read and no problem names it: {export.problems}"
    assert any(entity in p.replace(name, "") for p in said), f"{name}: the problem does not name {entity}: {said}"
    assert export.tables["Companies"]["id"].tolist() == [175]


def test_a_file_that_is_no_entity_is_named_too():
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "Companies.csv").write_text("id,companyName\n175,Granite Wines\n", encoding="utf-8")
        (folder / "Opportunities.csv").write_text("id,title\n1,x\n", encoding="utf-8")
        export = load_export(folder)
    assert any("Opportunities.csv" in p for p in export.problems), export.problems
