"""Loader and audit on one complete export in Autotask's real REST shape (tests/data/real_rest/).

The folder is written by tests/real_rest_export.py (see its docstring): a fictional 7-technician MSP whose six
core entities (Resources, Products, ConfigurationItems, Contracts, Tickets, TimeEntries) carry every field of
Autotask's REST model, with realistic values of the REST JSON type the model gives (text that looks like a date,
a time, an id or a MAC address stays text: Resources.dateFormat "dd/MM/yyyy", Products.internalProductID
"MS-365-BP", ConfigurationItems.deviceNetworkingID "AC:86:74:1B:2F:90" ...), every reference resolving.

So a correct loader loads every row (no rejects), types every column as the model says, keeps every value, and
the audit finds nothing the loader caused: no ERROR, no orphan reference, and the security-level rule sees the
resources. The first group of tests checks the fixture itself, so a failure below them is the loader's.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import real_rest_export as rr
from readiness.loader import load_export
from readiness.rules import lean_columns

FOLDER = rr.FOLDER
REFERENCE = Path("/work/shared/reference/autotask-rest-fields.json")
RAW = {e: rr.read_records(FOLDER, e) for e in rr.FILES}
# C# type of the REST model -> the dtype a typed table column must have
DTYPES = {"long?": "Int64", "int?": "Int64", "double?": "Float64", "decimal?": "Float64", "bool?": "boolean",
          "DateTime?": "datetime64", "string": "string"}


def model(entity: str, extras: bool = False) -> dict[str, str]:
    """{field: C# type} of the entity's REST model (userDefinedFields aside); with `extras` the live-only fields."""
    fields = rr.model_fields(entity)
    keep = set(rr.SCHEMA[rr.ENTITY_MODEL[entity]]) | (set(rr.LIVE_EXTRAS.get(entity, {})) if extras else set())
    return {k: v for k, v in fields.items() if k != "userDefinedFields" and k in keep}


def dtype_ok(s: pd.Series, cs_type: str) -> bool:
    want = DTYPES[cs_type]
    if want == "datetime64":
        return pd.api.types.is_datetime64_any_dtype(s)
    if want == "string":
        return isinstance(s.dtype, pd.StringDtype)
    return str(s.dtype) == want


def utc_naive(value) -> pd.Timestamp:
    t = pd.Timestamp(value)
    return t.tz_convert("UTC").tz_localize(None) if t.tzinfo is not None else t


def same(loaded, raw, cs_type: str) -> bool:
    """Whether a loaded cell holds the JSON value `raw` (None = missing) as a value of its model type."""
    if raw is None:
        return loaded is None or (not isinstance(loaded, str) and bool(pd.isna(loaded)))
    if loaded is None or (not isinstance(loaded, str) and pd.isna(loaded)):
        return False
    if cs_type == "DateTime?":
        return isinstance(loaded, (pd.Timestamp, dt.datetime, np.datetime64)) and utc_naive(loaded) == utc_naive(raw)
    if cs_type == "string":
        return isinstance(loaded, str) and loaded == raw
    if cs_type == "bool?":
        return isinstance(loaded, (bool, np.bool_)) and bool(loaded) is raw
    if cs_type in ("long?", "int?"):
        return isinstance(loaded, (int, np.integer)) and not isinstance(loaded, (bool, np.bool_)) and loaded == raw
    return isinstance(loaded, (float, np.floating)) and float(loaded) == raw


def by_id(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index(table["id"].astype("Int64"), drop=False)


def short(problems: list[str], n: int = 25) -> str:
    more = f"\n... and {len(problems) - n} more" if len(problems) > n else ""
    return "\n".join(problems[:n]) + more


# --------------------------------------------------------------------------------------------- the fixture itself


def test_committed_folder_is_what_the_builder_writes(tmp_path):
    rr.write_export(tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(FOLDER).as_posix() for p in FOLDER.rglob("*") if p.is_file())
    if rr.FIXTURES.is_dir():
        assert names == committed
    else:  # fields/ is copied from shared/autotask-fixtures, which this machine lacks
        assert set(committed) - set(names) == {"fields/Resources.json", "fields/Tickets.json"}
    stale = [n for n in names if (tmp_path / n).read_bytes() != (FOLDER / n).read_bytes()]
    assert not stale, f"rebuild with `python tests/real_rest_export.py`: {stale}"


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared/reference not available")
def test_embedded_schema_is_the_reference_model():
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    for name, fields in rr.SCHEMA.items():
        assert fields == reference[name], name


def test_files_have_the_rest_response_shapes():
    pages = json.loads((FOLDER / "Tickets.json").read_text(encoding="utf-8"))
    assert isinstance(pages, list) and len(pages) == 2
    assert pages[0]["pageDetails"]["nextPageUrl"] and pages[0]["pageDetails"]["prevPageUrl"] is None
    assert pages[1]["pageDetails"]["prevPageUrl"] and pages[1]["pageDetails"]["nextPageUrl"] is None
    assert [p["pageDetails"]["count"] for p in pages] == [len(p["items"]) for p in pages]
    lines = (FOLDER / "TimeEntries.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(RAW["TimeEntries"]) and all(line.startswith("{") for line in lines)
    for entity, name in rr.FILES.items():
        if entity in ("Tickets", "TimeEntries"):
            continue
        doc = json.loads((FOLDER / name).read_text(encoding="utf-8"))
        assert set(doc) == {"items", "pageDetails"}, name
        assert doc["pageDetails"] == {"count": len(doc["items"]), "requestCount": 500, "prevPageUrl": None,
                                      "nextPageUrl": None}, name


@pytest.mark.parametrize("entity", list(rr.FILES))
def test_every_record_carries_every_model_field(entity):
    fields = set(rr.model_fields(entity))
    for r in RAW[entity]:
        assert set(r) == fields, (entity, r["id"], sorted(fields ^ set(r)))
        assert isinstance(r["userDefinedFields"], list)
        assert all(set(u) == {"name", "value"} and (u["value"] is None or isinstance(u["value"], str))
                   for u in r["userDefinedFields"])


@pytest.mark.parametrize("entity", rr.FULL)
def test_every_field_of_the_core_entities_is_set_somewhere(entity):
    empty = [f for f in model(entity, extras=True) if all(r[f] is None for r in RAW[entity])]
    assert sorted(empty) == sorted(f for e, f in rr.ALWAYS_NULL if e == entity)


@pytest.mark.parametrize("entity", list(rr.FILES))
def test_values_have_the_json_type_of_their_model_type(entity):
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z")
    bad = []
    for r in RAW[entity]:
        for f, t in model(entity, extras=True).items():
            v = r[f]
            ok = (v is None or (t in ("long?", "int?") and type(v) is int) or (t == "double?" and type(v) is float)
                  or (t == "bool?" and type(v) is bool) or (t == "string" and type(v) is str)
                  or (t == "DateTime?" and type(v) is str and iso.fullmatch(v)))
            if not ok:
                bad.append(f"{entity} {r['id']} {f} ({t}): {v!r}")
    assert not bad, short(bad)


def test_ids_are_unique_and_every_reference_resolves():
    ids = {e: [r["id"] for r in RAW[e]] for e in RAW}
    assert all(len(v) == len(set(v)) for v in ids.values()), {e: len(v) - len(set(v)) for e, v in ids.items()}
    broken = []
    for child, fk, parent in rr.REFERENCES:
        known = set(ids.get(parent, ()))
        broken += [f"{child} {r['id']}.{fk} = {r[fk]} not in {parent}" for r in RAW[child]
                   if r[fk] is not None and r[fk] not in known]
    for child, fk, kind in rr.PERSON_REFERENCES:
        for r in RAW[child]:
            if r[fk] is not None and r[fk] not in set(ids[{1: "Resources", 2: "Contacts"}[r[kind]]]):
                broken.append(f"{child} {r['id']}.{fk} = {r[fk]} (person type {r[kind]}) not found")
    assert not broken, short(broken)


# --------------------------------------------------------------------------------------------- loading


@pytest.fixture(scope="module", params=[False, True], ids=["full", "lean"])
def export(request):
    return load_export(FOLDER, lean=lean_columns() if request.param else None)


@pytest.fixture(scope="module")
def full_export():
    return load_export(FOLDER)


def test_nothing_is_rejected(export):
    r = export.rejects
    lines = [f"{e} {c}: {n} row(s), e.g. {reason!r}" for (e, c), g in r.groupby(["entity", "column"])
             for n, reason in [(len(g), g["reason"].iloc[0])]]
    assert r.empty, "rejected rows:\n" + short(lines)


def test_no_load_problems(export):
    assert export.problems == []


def test_every_row_is_read_and_loaded(export):
    ledger = export.ledger.set_index("entity")
    wrong = []
    for entity, rows in RAW.items():
        if entity not in ledger.index:
            wrong.append(f"{entity}: not in the ledger")
            continue
        got = ledger.loc[entity]
        if not (int(got["read"]) == int(got["loaded"]) == len(rows)):
            wrong.append(f"{entity}: {len(rows)} records, read {got['read']}, loaded {got['loaded']}, "
                         f"rejected {got['rejected']}")
        if len(export.table(entity)) != len(rows):
            wrong.append(f"{entity}: table has {len(export.table(entity))} rows, the file {len(rows)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("entity", rr.FULL)
def test_columns_have_the_dtype_of_their_model_type(export, entity, request):
    table = export.table(entity)
    lean = "lean" in request.node.callspec.id
    wrong = []
    for f, t in model(entity).items():
        if f not in table.columns:
            if not lean:
                wrong.append(f"{f}: missing")
            continue
        if not dtype_ok(table[f], t):
            wrong.append(f"{f} ({t}): {table[f].dtype}, want {DTYPES[t]}")
    assert not wrong, f"{entity}:\n" + short(wrong, 60)


@pytest.mark.parametrize("entity", rr.FULL)
def test_every_value_survives_loading(export, entity):
    table = by_id(export.table(entity))
    wrong = []
    for r in RAW[entity]:
        if r["id"] not in table.index:
            wrong.append(f"id {r['id']}: row not loaded")
            continue
        row = table.loc[r["id"]]
        for f, t in model(entity).items():
            if f in table.columns and not same(row[f], r[f], t):
                wrong.append(f"id {r['id']} {f}: file {r[f]!r}, table {row[f]!r}")
    assert not wrong, f"{entity}:\n" + short(wrong, 40)


EXTRAS = [(e, f, t) for e, fields in rr.LIVE_EXTRAS.items() for f, t in fields.items()]


def described(entity: str, field: str) -> bool:
    """Whether the export's own fields/<Entity>.json (entityInformation/fields) describes the field."""
    path = FOLDER / "fields" / f"{entity}.json"
    return path.is_file() and field in {f["name"] for f in json.loads(path.read_text(encoding="utf-8"))["fields"]}


@pytest.mark.parametrize("entity,field,cs_type", EXTRAS, ids=[f"{e}.{f}" for e, f, _ in EXTRAS])
def test_live_fields_beyond_the_model_survive(full_export, entity, field, cs_type):
    """Fields the live API returns beyond the model: typed when the export's fields/ file describes them,
    otherwise at least kept (typed, or as the exact JSON text)."""
    table = by_id(full_export.table(entity))
    assert field in table.columns
    strict = described(entity, field)
    wrong = [f"id {r['id']}: file {r[field]!r}, table {table.loc[r['id'], field]!r}" for r in RAW[entity]
             if r["id"] in table.index and not (same(table.loc[r["id"], field], r[field], cs_type) or (
                 not strict and isinstance(r[field], str) and same(table.loc[r["id"], field], r[field], "string")))]
    assert not wrong, ("typed from fields/: " if strict else "") + short(wrong)


TEXT_FIELDS = [
    ("Resources", "dateFormat"), ("Resources", "timeFormat"), ("Resources", "numberFormat"),
    ("Resources", "travelAvailabilityPct"), ("Resources", "officeExtension"), ("Resources", "accountingReferenceID"),
    ("Resources", "emailTypeCode2"), ("Resources", "gender"),
    ("Products", "internalProductID"), ("Products", "externalProductID"), ("Products", "sku"),
    ("Products", "vendorProductNumber"),
    ("ConfigurationItems", "deviceNetworkingID"), ("ConfigurationItems", "rmmDeviceUID"),
    ("ConfigurationItems", "dattoInternalIP"), ("ConfigurationItems", "dattoSerialNumber"),
    ("ConfigurationItems", "referenceNumber"), ("ConfigurationItems", "serialNumber"),
    ("ConfigurationItems", "rmmDeviceAuditMacAddress"),
    ("Contracts", "contractNumber"), ("Contracts", "purchaseOrderNumber"),
    ("Tickets", "ticketNumber"), ("Tickets", "externalID"), ("Tickets", "rmmAlertID"),
    ("Tickets", "changeInfoField5"), ("TimeEntries", "internalNotes"),
]


@pytest.mark.parametrize("entity,field", TEXT_FIELDS, ids=[f"{e}.{f}" for e, f in TEXT_FIELDS])
def test_text_fields_keep_their_text(full_export, entity, field):
    table = full_export.table(entity)
    assert field in table.columns, f"{entity}.{field} not loaded"
    assert isinstance(table[field].dtype, pd.StringDtype), f"{entity}.{field} is typed {table[field].dtype}, not text"
    got = by_id(table)[field]
    lost = [r["id"] for r in RAW[entity] if r["id"] not in got.index]
    assert not lost, f"{len(lost)} of {len(RAW[entity])} {entity} rows not loaded: {lost}"
    wrong = [f"id {r['id']}: file {r[field]!r}, table {got[r['id']]!r}" for r in RAW[entity]
             if not same(got[r["id"]], r[field], "string")]
    assert not wrong, short(wrong)


NAMED = [  # (entity, id, field, value as loaded): values a loader that guesses types from names gets wrong
    ("Resources", rr.R_JOMAR, "dateFormat", "MM/dd/yyyy"), ("Resources", rr.R_DANIEL, "dateFormat", "dd/MM/yyyy"),
    ("Resources", rr.R_TOM, "dateFormat", "yyyy-MM-dd"), ("Resources", rr.R_MARCUS, "timeFormat", "hh:mm tt"),
    ("Resources", rr.R_SOFIA, "numberFormat", "X.XXX,XX"),
    ("Resources", rr.R_TOM, "travelAvailabilityPct", "up to 50%"),
    ("Resources", rr.R_TOM, "officeExtension", "0142"), ("Resources", rr.R_PRIYA, "greeting", 3),
    ("Products", rr.PR_M365BP, "internalProductID", "MS-365-BP"),
    ("Products", rr.PR_UPS, "internalProductID", "004512"),  # leading zeros: text, not the number 4512
    ("Products", rr.PR_M365BP, "externalProductID", "CFQ7TTC0LCHC:0002"), ("Products", rr.PR_UPS, "priceCostMethod", 3),
    ("ConfigurationItems", rr.CI_PFC_AP, "deviceNetworkingID", "AC:86:74:1B:2F:90"),
    ("ConfigurationItems", rr.CI_BDG_SIRIS, "dattoInternalIP", "10.0.0.12"),
    ("ConfigurationItems", rr.CI_BDG_PC, "rmmDeviceID", 1843201),
    ("ConfigurationItems", rr.CI_BDG_PC, "rmmDeviceUID", "6f1d3c2e-8a47-4b9e-a0c5-2d7e9f418b36"),
    ("ConfigurationItems", rr.CI_BDG_SIRIS, "dattoOffsiteUsedBytes", 1287702609920),  # beyond 32 bits
    ("ConfigurationItems", rr.CI_BDG_SIRIS, "dattoDrivesErrors", False),
    ("ConfigurationItems", rr.CI_BDG_SIRIS, "dattoPercentageUsed", 27.42),
    ("Tickets", rr.T_WIFI, "ticketNumber", "T20250314.0001"), ("Tickets", rr.T_NEWSTARTER, "externalID", "483920"),
    ("Tickets", rr.T_VPN, "problemTicketId", rr.T_PROBLEM), ("Tickets", rr.T_DISK, "monitorID", 4471902),
    ("Tickets", rr.T_WIFI, "createDate", pd.Timestamp("2025-03-14 09:30:00.123")),  # UTC, milliseconds kept
    ("Contracts", rr.CT_COASTAL, "endDate", pd.Timestamp("9999-12-31")),  # evergreen
    ("TimeEntries", 96001, "dateWorked", pd.Timestamp("2025-01-07")),  # the local day, at midnight UTC
    ("TimeEntries", 96001, "billingApprovalLevelMostRecent", 1),
]


@pytest.mark.parametrize("entity,id_,field,want", NAMED, ids=[f"{e}.{f}={w}" for e, _, f, w in NAMED])
def test_named_values(full_export, entity, id_, field, want):
    table = by_id(full_export.table(entity))
    assert id_ in table.index, f"{entity} {id_} not loaded"
    got = table.loc[id_, field]
    if isinstance(want, pd.Timestamp):
        assert isinstance(got, pd.Timestamp) and utc_naive(got) == want, repr(got)
    else:
        assert type(got) is not str or isinstance(want, str), f"{got!r} is text, want {want!r}"
        assert got == want and isinstance(got, str) == isinstance(want, str), f"{got!r} ({type(got).__name__})"


# --------------------------------------------------------------------------------------------- the audit


@pytest.fixture(scope="module")
def audit():
    from readiness.audit import run_audit

    return run_audit(FOLDER)


def test_audit_has_no_error(audit):
    errors = audit.findings[audit.findings["status"].eq("ERROR")]
    assert errors.empty, "\n".join(f"{r}: {t}" for r, t in zip(errors["rule_id"], errors["reason"]))


def test_audit_finds_no_orphan_reference(audit):
    f = audit.findings
    orphans = f[f["rule_id"].eq("orphan_reference") | f["reason"].astype("string").str.contains(
        "not in the export", regex=False).fillna(False)]
    assert orphans.empty, "every parent is in the export, yet:\n" + short(
        [f"{r.rule_id} {r.entity_type} {r.entity_id}: {r.reason}" for r in orphans.itertuples()])


def test_audit_load_summary(audit):
    s = audit.summary
    assert s["rejected_rows"] == 0, f"{s['rejected_rows']} rows rejected on load: {s['load']}"
    assert s["load_problems"] == []
    assert {e: (v["read"], v["loaded"], v["rejected"]) for e, v in s["load"].items() if e in RAW} == {
        e: (len(rows), len(rows), 0) for e, rows in RAW.items()}


def test_security_level_rule_sees_the_resources(audit):
    active = Counter(r["userType"] for r in RAW["Resources"] if r["isActive"] and r["userType"] is not None)
    f = audit.findings[audit.findings["rule_id"].eq("security_level_mapping")]
    loaded = len(audit.export.table("Resources"))
    assert dict(zip(f["entity_id"].astype(str), f["status"])) == {str(k): "REVIEW" for k in active}, (
        f"security levels judged: {sorted(f['entity_id'].astype(str))}; held by active resources in the file: "
        f"{sorted(map(str, active))}; Resources loaded: {loaded} of {len(RAW['Resources'])}")
    held = {str(e): int(re.search(r"held by (\d+) active", str(t)).group(1)) for e, t in zip(f["entity_id"],
                                                                                           f["reason"])}
    assert held == {str(k): n for k, n in active.items()}
    assert "Service Coordinator" in " ".join(f["reason"].astype(str))  # the tenant's own label, from fields/


def test_open_ticket_rules_see_the_assigned_resources(audit):
    open_assigned = {str(r["id"]) for r in RAW["Tickets"] if r["status"] != rr.COMPLETE and r["assignedResourceID"]}
    f = audit.findings[audit.findings["rule_id"].eq("ticket_open_inactive_resource")]
    assert dict(zip(f["entity_id"].astype(str), f["status"])) == {t: "PASS" for t in open_assigned}, (
        f"open tickets judged against their resource: {sorted(f['entity_id'].astype(str))}, want "
        f"{sorted(open_assigned)}; Resources loaded: {len(audit.export.table('Resources'))} of {len(RAW['Resources'])}")


def test_cli_audit_writes_no_rejects_and_no_errors(tmp_path):
    from readiness.cli import main

    assert main(["audit", str(FOLDER), "--out", str(tmp_path)]) == 0
    out = tmp_path / "harbourside-it"
    rejects = pd.read_csv(out / "rejects.csv")
    findings = pd.read_csv(out / "findings.csv")
    assert rejects.empty, rejects.head(20).to_string()
    assert not findings["status"].eq("ERROR").any()
    assert not findings["rule_id"].eq("orphan_reference").any()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["as_of"] == rr.EXPORT_DATE
