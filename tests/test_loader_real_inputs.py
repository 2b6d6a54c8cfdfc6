"""Exports as real tenants and real tools write them: schema-typed fields, encodings, delimiters, hostile JSON/YAML.

Each case loads or is rejected with a reason naming file, row and column; nothing raises, nothing is lost."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest

from readiness import entities
from readiness.loader import load_export


def _balanced(export):
    for _, r in export.ledger.iterrows():
        assert r["read"] == r["loaded"] + r["rejected"], r.to_dict()


def _page(items, next_url=None):
    return {"items": items, "pageDetails": {"count": len(items), "requestCount": 500, "prevPageUrl": None,
                                            "nextPageUrl": next_url}}


# ------------------------------------------------------------------------------- typed by Autotask's schema

def test_every_field_kind_comes_from_autotasks_model_not_the_name():
    assert entities.field_kind("Resources", "dateFormat") == entities.TEXT
    assert entities.field_kind("Products", "internalProductID") == entities.TEXT
    assert entities.field_kind("Products", "externalProductID") == entities.TEXT
    assert entities.field_kind("ConfigurationItems", "deviceNetworkingID") == entities.TEXT
    assert entities.field_kind("ConfigurationItems", "rmmDeviceID") == entities.ID  # long? in the model
    assert entities.field_kind("Resources", "travelAvailabilityPct") == entities.TEXT  # string in the model
    assert entities.field_kind("ContractServiceUnits", "units") == entities.INT
    assert entities.field_kind("Contacts", "isActive") == entities.BOOL  # an int 0/1 flag in the model
    assert entities.field_kind("Tickets", "status") == entities.PICK
    assert entities.field_kind("Tickets", "someFieldAutotaskNeverHad") is None  # unknown: kept as text


def test_the_generated_field_table_is_what_the_generator_makes_of_the_reference():
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    reference = root / "tools" / "autotask-rest-fields.json"
    spec = importlib.util.spec_from_file_location("gen", root / "tools" / "gen_autotask_fields.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    fresh = gen.generate(json.loads(reference.read_text(encoding="utf-8")))
    assert fresh["kinds"] == entities.rest_model(), "run python tools/gen_autotask_fields.py"


def test_real_rest_resource_product_and_device_records_load(tmp_path):
    (tmp_path / "Resources.json").write_text(json.dumps(_page([
        {"id": 10, "firstName": "Dana", "lastName": "Cole", "email": "dana@acme.example", "dateFormat": "MM/dd/yyyy",
         "timeFormat": "h:mm a", "numberFormat": "X,XXX.XX", "travelAvailabilityPct": "25%", "isActive": True,
         "userType": 1, "licenseType": 3, "hireDate": "2019-04-01T00:00:00Z", "internalCost": 42.5,
         "userDefinedFields": []}])))
    (tmp_path / "Products.json").write_text(json.dumps(_page([
        {"id": 29683001, "name": "Microsoft 365 Business Premium", "internalProductID": "MS-365-BP",
         "externalProductID": "CFQ7TTC0LCHC", "sku": "0001", "isActive": True, "unitPrice": 22.0,
         "billingType": 1, "periodType": 2}])))
    (tmp_path / "ConfigurationItems.json").write_text(json.dumps(_page([
        {"id": 501, "companyID": 0, "isActive": True, "deviceNetworkingID": "00-1A-2B-3C-4D-5E",
         "rmmDeviceID": 8812345, "rmmDeviceUID": "4c5d8f0e-9a1b-4c3d-8e7f-112233445566",
         "serialNumber": "5CD1234XYZ", "dattoAvailableKilobytes": 1048576, "installDate": "2023-02-01T00:00:00Z"}])))
    ex = load_export(tmp_path)
    assert ex.rejects.empty, ex.rejects.to_dict("records")
    assert ex.tables["Resources"].loc[0, "dateFormat"] == "MM/dd/yyyy"
    assert ex.tables["Resources"].loc[0, "travelAvailabilityPct"] == "25%"
    assert ex.tables["Products"].loc[0, "internalProductID"] == "MS-365-BP"
    assert ex.tables["ConfigurationItems"].loc[0, "deviceNetworkingID"] == "00-1A-2B-3C-4D-5E"
    assert ex.tables["ConfigurationItems"]["rmmDeviceID"].dtype == "Int64"
    assert ex.tables["ConfigurationItems"]["dattoAvailableKilobytes"].dtype == "Int64"


def test_the_tenants_own_fields_file_overrides_the_model(tmp_path):
    (tmp_path / "fields").mkdir()
    (tmp_path / "fields" / "Resources.json").write_text(json.dumps({"fields": [
        {"name": "internalCost", "dataType": "string", "isPickList": False}]}))
    (tmp_path / "Resources.csv").write_text("id,internalCost\n1,see payroll\n")
    ex = load_export(tmp_path)
    assert ex.rejects.empty and ex.tables["Resources"].loc[0, "internalCost"] == "see payroll"


def test_the_shipped_resources_fields_fixture_types_date_format_as_text(tmp_path):
    from pathlib import Path

    # a live tenant's GET /V1.0/Resources/entityInformation/fields, unchanged (see tests/real_rest_export.py)
    fixture = Path(__file__).resolve().parent / "data" / "real_rest" / "fields" / "Resources.json"
    (tmp_path / "fields").mkdir()
    (tmp_path / "fields" / "Resources.json").write_bytes(fixture.read_bytes())
    (tmp_path / "Resources.csv").write_text("id,dateFormat,userType,locationID\n1,dd/MM/yyyy,1,1\n")
    ex = load_export(tmp_path)
    assert ex.rejects.empty and ex.tables["Resources"].loc[0, "dateFormat"] == "dd/MM/yyyy"


# ------------------------------------------------------------------------------- encodings and delimiters

def test_windows_1252_grid_export_with_non_ascii_in_typed_columns(tmp_path):
    text = ("Contract ID,Organization ID,Contract Type,Status,Contract Name,Setup Fee,Start Date,Notes Free\n"
            "1,1,Recurring Service,Active,Café support,\"£1,250.00\",13/01/2025\u00a0,Crème\n"
            "2,1,Block Hours,Active,Plain,\"£99.50\",14/02/2025,résumé\n")
    (tmp_path / "Contracts.csv").write_bytes(text.encode("cp1252"))
    ex = load_export(tmp_path)
    assert ex.rejects.empty, ex.rejects.to_dict("records")
    c = ex.tables["Contracts"].set_index("id")
    assert c.loc[1, "setupFee"] == 1250.0 and c.loc[1, "contractName"] == "Café support"
    assert c.loc[1, "startDate"] == pd.Timestamp("2025-01-13")
    assert "Windows-1252" in ex.ledger.loc[0, "read_as"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_tab_separated_unicode_text(tmp_path, encoding):
    text = "id\tcompanyName\n1\tZürich AG\n2\tÅland Oy\n"
    raw = text.encode(encoding)
    if encoding != "utf-16":  # Excel's "Unicode text" carries a byte-order mark
        raw = ("\ufeff" + text).encode(encoding)
    (tmp_path / "Companies.csv").write_bytes(raw)
    ex = load_export(tmp_path)
    assert ex.rejects.empty and list(ex.tables["Companies"]["companyName"]) == ["Zürich AG", "Åland Oy"]
    assert "tab-separated" in ex.ledger.loc[0, "read_as"]


def test_semicolon_csv_from_european_excel(tmp_path):
    (tmp_path / "Contracts.csv").write_text("id;companyID;contractType;status;contractName;setupFee\n"
                                            "1;1;7;1;Managed, all in;1.250,50\n2;1;4;1;Block;99\n")
    ex = load_export(tmp_path)
    assert ex.rejects.empty, ex.rejects.to_dict("records")
    c = ex.tables["Contracts"].set_index("id")
    assert c.loc[1, "contractName"] == "Managed, all in" and c.loc[1, "setupFee"] == 1250.5
    assert any("semicolon" in n for n in ex.notes)


def test_files_not_read_are_named_with_the_entity_they_may_be(tmp_path):
    (tmp_path / "Contracts (1).csv").write_text("id,companyID,contractType,status\n1,1,7,1\n")
    (tmp_path / "TicketsExport.csv").write_text("id,companyID,status\n1,1,1\n")
    (tmp_path / "holiday photos.zip").write_bytes(b"PK\x03\x04")
    (tmp_path / "client.yaml").write_text("name: Acme\n")
    ex = load_export(tmp_path)
    text = "\n".join(ex.problems)
    assert "Contracts (1).csv: not read; rename it Contracts.csv if it is the Contracts export" in text
    assert "TicketsExport.csv: not read; rename it Tickets.csv" in text
    assert "holiday photos.zip: not read" in text
    assert "client.yaml" not in text


# ------------------------------------------------------------------------------- JSON that cannot hurt

def test_an_id_beyond_64_bits_is_rejected_with_a_reason(tmp_path):
    (tmp_path / "Companies.json").write_text('{"items": [{"id": 9223372036854775808, "companyName": "Big"},'
                                             ' {"id": 7, "companyName": "Fine"}], "pageDetails": {}}')
    ex = load_export(tmp_path)
    _balanced(ex)
    assert list(ex.tables["Companies"]["id"]) == [7]
    r = ex.rejects.iloc[0]
    assert (r["file"], r["row"], r["column"]) == ("Companies.json", 1, "id") and "64-bit" in r["reason"]


def test_json_nested_ten_thousand_deep_is_refused_clearly(tmp_path):
    (tmp_path / "Companies.json").write_text("[" * 10_000 + "]" * 10_000)
    (tmp_path / "Contracts.jsonl").write_text('{"id": 1, "companyID": 1, "contractType": 7, "status": 1}\n'
                                              + '{"id": 2, "x": ' + "[" * 10_000 + "]" * 10_000 + "}\n")
    ex = load_export(tmp_path)
    _balanced(ex)
    assert any("Companies.json" in p and "nested" in p for p in ex.problems)
    assert list(ex.tables["Contracts"]["id"]) == [1]
    assert "nested" in ex.rejects.iloc[0]["reason"] and ex.rejects.iloc[0]["row"] == 2


def test_a_record_nested_deeper_than_the_bound_is_rejected(tmp_path):
    deep = {"v": 1}
    for _ in range(100):
        deep = {"v": deep}
    (tmp_path / "Companies.json").write_text(json.dumps([{"id": 1, "companyName": "A", "extra": deep},
                                                         {"id": 2, "companyName": "B"}]))
    ex = load_export(tmp_path)
    _balanced(ex)
    assert list(ex.tables["Companies"]["id"]) == [2] and "nested more than" in ex.rejects.iloc[0]["reason"]


def test_a_list_mixing_pages_and_bare_records_is_read_completely(tmp_path):
    data = [_page([{"id": 1, "companyName": "A"}, {"id": 2, "companyName": "B"}]),
            {"id": 3, "companyName": "C"}, _page([{"id": 4, "companyName": "D"}])]
    (tmp_path / "Companies.json").write_text(json.dumps(data))
    ex = load_export(tmp_path)
    assert sorted(ex.tables["Companies"]["id"]) == [1, 2, 3, 4] and ex.ledger.loc[0, "read"] == 4


def test_empty_records_are_rejects_and_the_ledger_balances(tmp_path):
    (tmp_path / "Companies.json").write_text(json.dumps(_page([{}] * 60)))
    ex = load_export(tmp_path)
    led = ex.ledger.iloc[0]
    assert (led["read"], led["loaded"], led["rejected"]) == (60, 0, 60)
    assert set(ex.rejects["reason"]) == {"empty record (no fields)"}


def test_a_key_given_twice_in_one_record_is_a_reject(tmp_path):
    (tmp_path / "Companies.json").write_text('[{"id": 1, "companyName": "A", "companyName": "B"},'
                                             ' {"id": 2, "companyName": "C"}]')
    ex = load_export(tmp_path)
    _balanced(ex)
    assert list(ex.tables["Companies"]["id"]) == [2] and "given twice" in ex.rejects.iloc[0]["reason"]


def test_json_lines_split_on_line_feeds_only(tmp_path):
    names = ["line\u2028separator", "next\u0085line", "file\x1cseparator", "cr\rinside"]
    lines = [json.dumps({"id": i + 1, "companyName": n}, ensure_ascii=False) for i, n in enumerate(names)]
    (tmp_path / "Companies.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    ex = load_export(tmp_path)
    assert ex.rejects.empty and list(ex.tables["Companies"]["companyName"]) == names


def test_nan_and_infinity_literals_are_not_numbers(tmp_path):
    (tmp_path / "Contracts.json").write_text('[{"id": 1, "companyID": 1, "contractType": 7, "status": 1,'
                                             ' "setupFee": Infinity}, {"id": 2, "companyID": 1,'
                                             ' "contractType": 7, "status": 1, "setupFee": NaN}]')
    ex = load_export(tmp_path)
    _balanced(ex)
    assert ex.tables.get("Contracts") is None or ex.tables["Contracts"].empty
    assert set(ex.rejects["column"]) == {"setupFee"}


def test_a_rest_pull_cut_short_says_so(tmp_path):
    (tmp_path / "Companies.json").write_text(json.dumps(_page([{"id": 1, "companyName": "A"}],
                                                              "https://x/V1.0/Companies/query/next?paging=abc")))
    ex = load_export(tmp_path)
    assert any("nextPageUrl" in p for p in ex.problems)


# ------------------------------------------------------------------------------- YAML and grid limits

def test_a_billion_laughs_client_yaml_is_refused_at_once(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    lines.append("name: *i")
    (tmp_path / "client.yaml").write_text("\n".join(lines) + "\n")
    start = time.perf_counter()
    ex = load_export(tmp_path)
    assert time.perf_counter() - start < 5
    assert ex.client == {} and any("client.yaml" in p and "aliases" in p for p in ex.problems)


def test_an_oversized_client_yaml_is_refused(tmp_path):
    (tmp_path / "client.yaml").write_text("notes: " + "x" * (2 << 20) + "\n")
    ex = load_export(tmp_path)
    assert ex.client == {} and any("client.yaml" in p for p in ex.problems)


def test_a_grid_export_of_exactly_5000_rows_is_flagged_as_possibly_cut(tmp_path):
    rows = "".join(f"{i},Client {i}\n" for i in range(1, 5001))
    (tmp_path / "Companies.csv").write_text("Organization ID,Organization Name\n" + rows)
    ex = load_export(tmp_path)
    assert len(ex.tables["Companies"]) == 5000
    assert any("5,000-row grid export limit" in p for p in ex.problems)
    (tmp_path / "Companies.csv").write_text("id,companyName\n" + rows)  # a REST CSV has no such limit
    assert not any("5,000" in p for p in load_export(tmp_path).problems)


def test_ambiguous_day_month_order_is_said_with_the_order_assumed(tmp_path):
    (tmp_path / "Contracts.csv").write_text("Contract ID,Organization ID,Contract Type,Status,Start Date\n"
                                            "1,1,Recurring Service,Active,01/02/2025\n")
    ex = load_export(tmp_path)
    assert any("ambiguous" in p and "MM/dd/yyyy" in p for p in ex.problems)


def test_nan_and_exponents_in_csv_number_columns(tmp_path):
    (tmp_path / "Contracts.csv").write_text("id,companyID,contractType,status,setupFee\n1,1,7,1,NaN\n2,1,7,1,1.5e3\n"
                                            "3,1,7,1,inf\n4,1,7,1,12\n")
    ex = load_export(tmp_path)
    _balanced(ex)
    assert dict(zip(ex.tables["Contracts"]["id"], ex.tables["Contracts"]["setupFee"])) == {2: 1500.0, 4: 12.0}
    assert sorted(ex.rejects["row"]) == [2, 4] and set(ex.rejects["column"]) == {"setupFee"}
    # written as text beside a currency sign, an exponent is still read as written
    (tmp_path / "Contracts.csv").write_text("Contract ID,Organization ID,Contract Type,Status,Setup Fee\n"
                                            "1,1,Recurring Service,Active,1.5e3\n2,1,Block Hours,Active,£20\n")
    c = load_export(tmp_path).tables["Contracts"].set_index("id")
    assert c.loc[1, "setupFee"] == 1500.0 and c.loc[2, "setupFee"] == 20.0


def test_grid_terms_and_a_twelve_hour_clock_on_iso_dates(tmp_path):
    (tmp_path / "Companies.csv").write_text("Customer ID,Customer Name,Customer Type\n1,Acme,Customer\n")
    (tmp_path / "Tickets.csv").write_text("Ticket ID,Customer ID,Status,Completed\n7,1,Complete,2025-03-14 02:41 PM\n")
    (tmp_path / "Contracts.json").write_text('{"items": [], "pageDetails": {"count": 0}}')
    ex = load_export(tmp_path)
    assert ex.rejects.empty, ex.rejects.to_dict("records")
    assert ex.tables["Companies"].loc[0, "companyType"] == 1
    assert ex.tables["Tickets"].loc[0, "completedDate"] == pd.Timestamp("2025-03-14 14:41")
    assert ex.has("Contracts") and ex.tables["Contracts"].empty  # an empty REST response is an empty table


def test_a_json_file_cut_short_or_with_one_broken_record_keeps_the_others(tmp_path):
    records = [{"id": i, "companyName": f"Client {i} {{[\"]}}"} for i in range(1, 6)]
    text = json.dumps(_page(records))
    (tmp_path / "Companies.json").write_text(text[: text.index('"id": 4')])  # cut inside the fourth record
    ex = load_export(tmp_path)
    _balanced(ex)
    assert list(ex.tables["Companies"]["id"]) == [1, 2, 3]
    assert ex.rejects.iloc[0]["row"] == 4 and "cut short" in ex.rejects.iloc[0]["reason"]
    deep = '{"id": 9, "companyName": "Deep", "v": ' + "[" * 5000 + "]" * 5000 + "}"
    body = ",".join([json.dumps(records[0]), deep, json.dumps(records[1])])
    (tmp_path / "Companies.json").write_text('{"items": [' + body + '], "pageDetails": {}}')
    ex = load_export(tmp_path)
    assert list(ex.tables["Companies"]["id"]) == [1, 2] and ex.rejects.iloc[0]["row"] == 2


def test_a_utf8_file_with_one_damaged_byte_costs_only_that_record(tmp_path):
    raw = "id,companyName\n1,Müller GmbH\n2,Bad NAME\n3,Zoë Ltd\n".encode("utf-8").replace(b"NAME", b"N\xffME")
    (tmp_path / "Companies.csv").write_bytes(raw)
    ex = load_export(tmp_path)
    _balanced(ex)
    assert list(ex.tables["Companies"]["companyName"]) == ["Müller GmbH", "Zoë Ltd"]  # not read as Windows-1252
    r = ex.rejects.iloc[0]
    assert (r["row"], r["column"]) == (3, "companyName") and "cannot be decoded" in r["reason"]


def test_raw_control_characters_inside_json_strings_are_text(tmp_path):
    (tmp_path / "Companies.json").write_text('[{"id": 1, "companyName": "Tab\there"}, {"id": 2, "companyName": "x\x01"}]')
    ex = load_export(tmp_path)
    assert ex.rejects.empty and list(ex.tables["Companies"]["companyName"]) == ["Tab\there", "x\x01"]


def test_excels_sep_hint_line_sets_the_delimiter(tmp_path):
    (tmp_path / "Companies.csv").write_text("sep=;\nid;companyName\n1;Acme, Inc.\n2;Beta;extra\n3;Gamma\n")
    ex = load_export(tmp_path)
    _balanced(ex)
    assert list(ex.tables["Companies"]["companyName"]) == ["Acme, Inc.", "Gamma"]
    assert list(ex.rejects["row"]) == [4]  # the hint is line 1, the header line 2
