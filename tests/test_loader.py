"""Loader: every input shape, encoding, date format and picklist, and each kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.loader import detect_date_order, load_export
from readiness.rules import lean_columns

REST_CONTRACTS = [
    {"id": 101, "contractName": "Managed Services", "companyID": 1, "contractType": 7, "status": 1,
     "startDate": "2023-01-01T00:00:00.000Z", "endDate": "9999-12-31T00:00:00.000Z", "setupFee": 250.0,
     "userDefinedFields": [{"name": "Indexering", "value": "0.00"}]},
    {"id": 102, "contractName": "Block 20h", "companyID": 2, "contractType": 4, "status": 0,
     "startDate": "2022-03-15T00:00:00.000Z", "endDate": "2023-03-14T00:00:00.000Z", "setupFee": None},
]
COMPANIES = [{"id": 1, "companyName": "Acme Dental", "companyType": 1, "isActive": True},
             {"id": 2, "companyName": "Café Société Ltd", "companyType": 1, "isActive": False}]


def write(folder: Path, name: str, content, encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, (bytes, bytearray)):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding=encoding)
    else:
        path.write_text(json.dumps(content), encoding=encoding)
    return path


def contracts_ok(export) -> None:
    c = export.tables["Contracts"].set_index("id")
    assert list(c.index) == [101, 102]
    assert str(c.index.dtype) == "Int64"
    assert c.loc[101, "contractType"] == 7 and c.loc[102, "contractType"] == 4
    assert c.loc[102, "status"] == 0
    assert c.loc[101, "endDate"] == pd.Timestamp("9999-12-31")  # open-ended, no overflow
    assert c.loc[102, "startDate"] == pd.Timestamp("2022-03-15")
    assert c.loc[101, "setupFee"] == 250.0


@pytest.mark.parametrize("shape", ["response", "pages", "bare", "jsonl"])
def test_rest_json_shapes_load_the_same_contracts(tmp_path, shape):
    if shape == "response":
        write(tmp_path, "Contracts.json", {"items": REST_CONTRACTS, "pageDetails": {"count": 2, "nextPageUrl": None}})
    elif shape == "pages":
        write(tmp_path, "Contracts.json", [{"items": REST_CONTRACTS[:1], "pageDetails": {"count": 1}},
                                           {"items": REST_CONTRACTS[1:], "pageDetails": {"count": 1}}])
    elif shape == "bare":
        write(tmp_path, "Contracts.json", REST_CONTRACTS)
    else:
        write(tmp_path, "Contracts.jsonl", "\n".join(json.dumps(r) for r in REST_CONTRACTS) + "\n")
    export = load_export(tmp_path)
    contracts_ok(export)
    assert export.ledger.set_index("entity").loc["Contracts", "loaded"] == 2


def test_user_defined_fields_become_columns(tmp_path):
    write(tmp_path, "Contracts.json", {"items": REST_CONTRACTS})
    c = load_export(tmp_path).tables["Contracts"]
    assert c.loc[c["id"] == 101, "udf:Indexering"].iloc[0] == "0.00"


def test_rest_csv_with_field_names(tmp_path):
    write(tmp_path, "Contracts.csv", pd.DataFrame(REST_CONTRACTS).drop(columns="userDefinedFields").to_csv(index=False))
    export = load_export(tmp_path)
    contracts_ok(export)
    assert export.rejects.empty


def grid_contracts(date_fmt: str) -> str:
    d1, d2 = ("15/03/2022", "14/03/2023") if date_fmt == "dmy" else ("03/15/2022", "03/14/2023")
    return ("Contract ID,Contract Name,Organization,Contract Type,Status,Start Date,End Date,Contract Setup Fee,Notes\n"
            f'101,Managed Services,Acme Dental,Recurring Service,Active,01/01/2023,31/12/9999,"$250.00",x\n'
            .replace("31/12/9999", "31/12/9999" if date_fmt == "dmy" else "12/31/9999")
            + f'102,Block 20h,Café Société Ltd,Block Hours,Inactive,{d1},{d2},,keep me\n')


@pytest.mark.parametrize("date_fmt", ["dmy", "mdy"])
def test_grid_export_labels_tenant_terms_and_detected_date_format(tmp_path, date_fmt):
    write(tmp_path, "Companies.csv", "Organization ID,Organization Name,Type,Active\n1,Acme Dental,Customer,Yes\n"
          "2,Café Société Ltd,Customer,No\n", encoding="cp1252")
    write(tmp_path, "Contracts.csv", "\ufeff" + grid_contracts(date_fmt))
    export = load_export(tmp_path)
    assert export.rejects.empty, export.rejects
    contracts_ok(export)
    c = export.tables["Contracts"].set_index("id")
    assert c.loc[102, "companyID"] == 2  # organisation name resolved to its id
    assert c.loc[102, "notes"] == "keep me"  # unknown columns are kept
    companies = export.tables["Companies"].set_index("id")
    assert companies.loc[2, "companyName"] == "Café Société Ltd"  # Windows-1252 decoded
    assert companies.loc[2, "isActive"] == False  # noqa: E712


def test_client_yaml_date_format_overrides_detection(tmp_path):
    # 01/02/2024 alone is ambiguous; client.yaml says day first.
    write(tmp_path, "client.yaml", "name: Acme IT\ndate_format: dd/MM/yyyy\ntechnicians: 12\n")
    write(tmp_path, "Contracts.csv", "id,companyID,contractType,status,startDate\n1,1,1,1,01/02/2024\n")
    export = load_export(tmp_path)
    assert export.tables["Contracts"].loc[0, "startDate"] == pd.Timestamp("2024-02-01")
    assert export.client["technicians"] == 12


def test_ambiguous_dates_are_read_month_first_and_said(tmp_path):
    write(tmp_path, "Contracts.csv", "id,companyID,contractType,status,startDate\n1,1,1,1,01/02/2024 09:30 PM\n")
    export = load_export(tmp_path)
    assert export.tables["Contracts"].loc[0, "startDate"] == pd.Timestamp("2024-01-02 21:30")
    assert any("ambiguous" in p for p in export.problems)


def test_detect_date_order_from_an_unambiguous_value():
    assert detect_date_order(pd.Series(["01/02/2022", "13/01/2022"])) == ("DMY", True)
    assert detect_date_order(pd.Series(["01/02/2022", "01/13/2022"])) == ("MDY", True)
    assert detect_date_order(pd.Series(["01/02/2022"])) == ("MDY", False)


def test_money_with_symbols_and_separators(tmp_path):
    write(tmp_path, "ContractBlocks.csv", 'id,contractID,hours,hourlyRate\n1,5,"1,000","$1,250.50"\n'
          '2,5,10,"(€ 99.00)"\n3,5,2,"£1.250,75"\n')
    b = load_export(tmp_path).tables["ContractBlocks"].set_index("id")
    assert b.loc[1, "hours"] == 1000 and b.loc[1, "hourlyRate"] == 1250.50
    assert b.loc[2, "hourlyRate"] == -99.0
    assert b.loc[3, "hourlyRate"] == 1250.75


def test_picklist_labels_from_fields_json(tmp_path):
    write(tmp_path, "Tickets.csv", "Ticket ID,Organization ID,Status,Queue\n1,1,Waiting Customer,Helpdesk Queue\n"
          "2,1,Complete,Triage\n3,1,Brand New Custom Status,\n")
    fields = {"fields": [{"name": "queueID", "isPickList": True, "picklistValues": [
        {"value": "29683325", "label": "Helpdesk Queue"}, {"value": "29748501", "label": "Triage"}]}]}
    write(tmp_path / "fields", "Tickets.json", fields)
    export = load_export(tmp_path)
    t = export.tables["Tickets"].set_index("id")
    assert t.loc[1, "queueID"] == 29683325 and t.loc[2, "queueID"] == 29748501
    assert t.loc[1, "status"] == 7 and t.loc[2, "status"] == 5
    custom = t.loc[3, "status"]  # a tenant's own status keeps a code and its label
    assert export.label("Tickets", "status", custom) == "Brand New Custom Status"
    assert export.label("Contracts", "contractType", 8) == "Per Ticket"


def test_unknown_contract_type_label_is_rejected_with_reason(tmp_path):
    write(tmp_path, "Contracts.csv", "id,companyID,contractType,status\n1,1,Umbrella Deal,Active\n2,1,Retainer,Active\n")
    export = load_export(tmp_path)
    assert list(export.tables["Contracts"]["contractType"]) == [6]
    r = export.rejects.iloc[0]
    assert (r["file"], r["row"], r["column"]) == ("Contracts.csv", 2, "contractType")
    assert "Umbrella Deal" in r["reason"]


# ------------------------------------------------------------------------------------------ bad input

def test_truncated_json_is_a_problem_and_other_files_still_load(tmp_path):
    write(tmp_path, "Contracts.json", '{"items": [{"id": 1, "companyID": 1, "contractType": 1, "st')
    write(tmp_path, "Companies.json", {"items": COMPANIES})
    export = load_export(tmp_path)
    assert export.has("Companies") and export.tables["Contracts"].empty  # read record by record: the one is cut
    led = export.ledger.set_index("entity").loc["Contracts"]
    assert (led["read"], led["rejected"]) == (1, 1)
    assert any("Contracts.json" in p and "cut short" in p for p in export.problems)
    write(tmp_path, "Contracts.json", '{"items": oops')  # nothing to salvage: the file is a problem
    export = load_export(tmp_path)
    assert not export.has("Contracts") and any("Contracts.json" in p and "truncated" in p for p in export.problems)


def test_binary_file_named_csv(tmp_path):
    write(tmp_path, "Contracts.csv", b"PK\x03\x04\x00\x00binary\x00junk")
    export = load_export(tmp_path)
    assert not export.has("Contracts")
    assert any("Contracts.csv" in p and "binary" in p for p in export.problems)


def test_empty_file(tmp_path):
    write(tmp_path, "Contracts.csv", "")
    export = load_export(tmp_path)
    assert not export.has("Contracts")
    assert any("Contracts.csv" in p and "empty" in p for p in export.problems)


def test_missing_required_column_rejects_every_row_with_reason(tmp_path):
    write(tmp_path, "Contracts.csv", "id,contractName,contractType,status\n1,A,1,1\n2,B,1,1\n")
    export = load_export(tmp_path)
    assert not export.has("Contracts")
    led = export.ledger.set_index("entity").loc["Contracts"]
    assert (led["read"], led["loaded"], led["rejected"]) == (2, 0, 2)
    assert set(export.rejects["column"]) == {"companyID"}
    assert any("companyID" in p for p in export.problems)


def test_non_numeric_id_and_unparseable_date_name_file_row_and_column(tmp_path):
    write(tmp_path, "Contracts.csv", "id,companyID,contractType,status,startDate\n1,1,1,1,2024-01-01\n"
          "abc,1,1,1,2024-01-01\n3,1,1,1,2024-99-01\n4,1,1,1,2024-01-02\n")
    export = load_export(tmp_path)
    assert list(export.tables["Contracts"]["id"]) == [1, 4]
    rej = export.rejects.set_index("row")
    assert rej.loc[3, "column"] == "id" and "abc" in rej.loc[3, "reason"]
    assert rej.loc[4, "column"] == "startDate" and "2024-99-01" in rej.loc[4, "reason"]
    assert set(rej["file"]) == {"Contracts.csv"}


@pytest.mark.parametrize("value, expected", [
    ("13/02/2024 09:30 PM", "2024-02-13 21:30:00"), ("1/2/24 9:05:33", "2024-02-01 09:05:33"),
    ("31/12/2023 12:00 AM", "2023-12-31 00:00:00"), ("31/12/2023 12:15 PM", "2023-12-31 12:15:00"),
    ("05.06.2025 7:08 pm", "2025-06-05 19:08:00"),
    ("31/02/2024", None), ("01/01/2024 24:00", None), ("01/01/2024 11:60", None), ("01/01/2024 10:00:60", None),
    ("1/0024/2024", None), ("1/1/024", None), ("next week", None),
])
def test_grid_dates_are_real_calendar_dates_and_clock_times(tmp_path, value, expected):
    write(tmp_path, "client.yaml", "date_format: dd/MM/yyyy\n")
    write(tmp_path, "Contracts.csv", f"id,companyID,contractType,status,startDate\n1,1,1,1,{value}\n")
    export = load_export(tmp_path)
    if expected is None:
        assert export.tables["Contracts"].empty and "is not a date (dd/MM/yyyy)" in export.rejects["reason"].iloc[0]
    else:
        assert export.tables["Contracts"]["startDate"].iloc[0] == pd.Timestamp(expected)


def test_duplicate_ids_and_ragged_rows_are_rejected_not_lost(tmp_path):
    write(tmp_path, "Contracts.csv", "id,companyID,contractType,status\n1,1,1,1\n1,1,3,1\n2,1,1,1,extra,fields\n3,1,1,1\n")
    export = load_export(tmp_path)
    led = export.ledger.set_index("entity").loc["Contracts"]
    assert led["read"] == 4 and led["loaded"] == 2 and led["rejected"] == 2
    assert any("duplicate" in r for r in export.rejects["reason"])


def test_nothing_usable_gives_an_empty_export_not_an_exception(tmp_path):
    write(tmp_path, "notes.txt", "hello")
    export = load_export(tmp_path)
    assert export.tables == {} and export.ledger.empty


def test_missing_folder_raises():
    with pytest.raises(FileNotFoundError):
        load_export("/nonexistent/export/folder")


def test_captured_sheets_load_with_yes_no_and_dates(tmp_path):
    write(tmp_path, "client.yaml", "date_format: dd/MM/yyyy\n")
    write(tmp_path, "WorkflowRules.csv",
          "Rule Name,Area Tab,Entity,Active,Description,Events,Conditions,Actions,Notification Template,Notify,"
          "Time Offset,Last Triggered,Last Modified,Audit Flags\n"
          "Critical ticket,Service Desk,Ticket,Yes,,Created|Edited,Priority = Critical,Set Queue Level I,,,,"
          "13/01/2025,02/01/2024,Has not triggered recently\n")
    write(tmp_path, "NotificationTemplates.csv", "template_name,area_tab,event,active,recipients,subject,last_modified\n"
          "Ticket Created,Service Desk,Created,True,client,We got your ticket,2024-01-05\n")
    export = load_export(tmp_path)
    w = export.tables["WorkflowRules"].iloc[0]
    assert w["rule_name"] == "Critical ticket" and bool(w["active"]) is True
    assert w["last_triggered"] == pd.Timestamp("2025-01-13") and w["last_modified"] == pd.Timestamp("2024-01-02")
    assert export.tables["NotificationTemplates"].iloc[0]["recipients"] == "client"


def test_bad_client_yaml_is_a_problem_not_a_crash(tmp_path):
    write(tmp_path, "client.yaml", "name: [unclosed\n")
    write(tmp_path, "Companies.json", {"items": COMPANIES})
    export = load_export(tmp_path)
    assert export.client == {} and any("client.yaml" in p for p in export.problems)


# ------------------------------------------------------------------------------------------ the ledger

cell = st.one_of(st.integers(-5, 10**6).map(str), st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=6), st.just(""), st.just("2024-02-30"),
                 st.just("13/01/2022"), st.just("$1,000.00"), st.sampled_from(["Active", "Inactive", "Retainer", "7"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(cell, cell, cell, cell, cell), min_size=0, max_size=25))
def test_ledger_always_balances(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("ledger")
    df = pd.DataFrame(rows, columns=["id", "companyID", "contractType", "status", "startDate"])
    (folder / "Contracts.csv").write_text(df.to_csv(index=False), encoding="utf-8")
    export = load_export(folder)
    for _, led in export.ledger.iterrows():
        assert led["read"] == led["loaded"] + led["rejected"]
        assert led["rejected"] == (export.rejects["entity"] == led["entity"]).sum()
        assert led["read"] == len(rows)
    if export.has("Contracts"):
        assert len(export.tables["Contracts"]) == export.ledger.iloc[0]["loaded"]


def test_default_as_of_ignores_forward_looking_dates(tmp_path):
    write(tmp_path, "Tickets.csv", "id,companyID,status,createDate,dueDateTime,lastActivityDate\n"
          "1,1,1,2024-01-01,2028-05-31,2025-06-29T10:00:00Z\n2,1,1,2024-01-01,9999-12-31,2025-06-30T08:00:00Z\n")
    assert load_export(tmp_path).newest_date() == pd.Timestamp("2025-06-30")
    write(tmp_path, "client.yaml", "export_date: 2025-07-01\n")
    assert load_export(tmp_path).newest_date() == pd.Timestamp("2025-07-01")


def test_lean_load_reads_only_audited_columns_and_keeps_every_row(tmp_path):
    write(tmp_path, "TimeEntries.csv",
          "id,ticketID,dateWorked,endDateTime,createDateTime,hoursWorked,summaryNotes,Custom Thing\n"
          '1,5,2025-01-02,2025-01-02T10:00:00Z,2025-01-03T09:00:00Z,1.5,"Fixed, at last",x\n'
          "2,5,2025-01-03,2025-01-03T10:00:00Z,2025-01-04T09:00:00Z,0.5,Call,y\n")
    full, lean = load_export(tmp_path), load_export(tmp_path, lean=lean_columns())
    dropped = ["endDateTime", "summaryNotes", "customThing"]
    assert set(dropped) <= set(full.tables["TimeEntries"].columns)
    assert not set(dropped) & set(lean.tables["TimeEntries"].columns)
    # history dates stay: they set the default as-of
    assert lean.tables["TimeEntries"].equals(full.tables["TimeEntries"].drop(columns=dropped))
    assert lean.newest_date() == full.newest_date() == pd.Timestamp("2025-01-04")
    assert lean.ledger.equals(full.ledger)


def test_lean_load_leaves_history_dates_out_once_client_yaml_fixes_the_as_of(tmp_path):
    write(tmp_path, "TimeEntries.csv", "id,ticketID,dateWorked,createDateTime\n1,5,2025-01-02,2025-01-03T09:00:00Z\n")
    write(tmp_path, "client.yaml", "name: Acme IT\nexport_date: '2025-02-01'\n")
    lean = load_export(tmp_path, lean=lean_columns())
    assert "createDateTime" not in lean.tables["TimeEntries"] and "dateWorked" in lean.tables["TimeEntries"]
    assert lean.newest_date() == pd.Timestamp("2025-02-01")
    write(tmp_path, "client.yaml", "name: Acme IT\nexport_date: someday\n")  # not a date: history decides
    assert "createDateTime" in load_export(tmp_path, lean=lean_columns()).tables["TimeEntries"]


def test_lean_grid_labels_count_by_meaning(tmp_path):
    write(tmp_path, "Tickets.csv", "Ticket ID,Organization ID,Status,Queue,Priority\n1,1,Complete,Triage,High\n")
    t = load_export(tmp_path, lean=lean_columns()).tables["Tickets"]
    assert {"id", "companyID", "status", "queueID"} <= set(t.columns) and "priority" not in t.columns


def test_a_bad_value_in_a_column_the_audit_never_reads_rejects_no_row_there(tmp_path):
    write(tmp_path, "TimeEntries.csv", "id,ticketID,dateWorked,endDateTime\n1,5,2025-01-02,not a date\n")
    assert len(load_export(tmp_path).rejects) == 1
    lean = load_export(tmp_path, lean=lean_columns())
    assert lean.rejects.empty and len(lean.tables["TimeEntries"]) == 1


def test_unknown_client_date_format_is_said_and_detection_takes_over(tmp_path):
    write(tmp_path, "client.yaml", "date_format: sometime\n")
    write(tmp_path, "Contracts.csv", "id,companyID,contractType,status,startDate\n1,1,1,1,13/02/2024\n")
    export = load_export(tmp_path)
    assert export.tables["Contracts"].loc[0, "startDate"] == pd.Timestamp("2024-02-13")
    assert any("date_format 'sometime' not understood" in p for p in export.problems)


@pytest.mark.parametrize("block", [256, 4096, 1 << 24])
def test_values_spanning_lines_load_whole_at_any_block_edge(tmp_path, monkeypatch, block):
    """Ticket descriptions with line breaks: the fast line-by-line read must never cut a value at a block edge."""
    import readiness.loader as loader

    monkeypatch.setattr(loader, "CSV_BLOCK_BYTES", block)
    lines = ["id,companyID,title,description,status"]
    for i in range(1, 400):
        text = f"First line {i}\nsecond, with a comma\n\"quoted\" third" if i % 3 == 0 else f"one line {i}"
        lines.append(f'{i},1,"Ticket {i}","{text.replace(chr(34), chr(34) * 2)}",1')
    write(tmp_path, "Tickets.csv", "\n".join(lines) + "\n")
    export = load_export(tmp_path)
    t = export.tables["Tickets"].set_index("id")
    assert len(t) == 399 and export.rejects.empty
    assert t.loc[3, "description"] == 'First line 3\nsecond, with a comma\n"quoted" third'
    assert t.loc[4, "description"] == "one line 4"


def test_converting_distinct_texts_gives_what_converting_every_row_gives():
    """Grid columns are typed once per distinct text and spread back (loader._by_distinct): same values, same
    bad rows and reasons as typing row by row, missing texts included."""
    import numpy as np

    import readiness.loader as loader

    rng = np.random.default_rng(7)
    pools = {
        loader._to_int: ["1", "22", " 7 ", "1,000", "abc", "3.5", "9223372036854775808", None, ""],
        loader._to_number: ["$1,250.00", "1.250,50", "(12.5)", "-3", "abc", "0.75", None, ""],
        loader._to_bool: ["Yes", "no", "TRUE", "0", "maybe", None, ""],
    }
    for convert, pool in pools.items():
        s = pd.Series(rng.choice(np.array(pool, dtype=object), 5000), dtype="string", index=np.arange(2, 5002))
        def three(u, f=convert):  # _to_int gives its own reasons; the others a mask only
            out = f(u)
            return out if len(out) == 3 else (*out, None)
        fast_val, fast_bad, fast_reason = loader._by_distinct(three, s)
        slow_val, slow_bad, slow_reason = three(s)
        pd.testing.assert_series_equal(fast_val, slow_val, check_names=False)
        assert fast_bad.tolist() == slow_bad.tolist() and fast_bad.any()
        if slow_reason is not None:
            pd.testing.assert_series_equal(fast_reason, slow_reason, check_names=False)
    ctx = loader._Ctx(None, {}, [], {})
    labels = pd.Series(rng.choice(np.array(["Recurring Service", "Block Hours", "Umbrella", None], dtype=object),
                                  5000), dtype="string")
    fast = loader._by_distinct(lambda u: loader._picklist("Contracts", "contractType", u, ctx), labels)
    slow = loader._picklist("Contracts", "contractType", labels, loader._Ctx(None, {}, [], {}))
    pd.testing.assert_series_equal(fast[0], slow[0], check_names=False)
    assert fast[1].tolist() == slow[1].tolist() and fast[1].any()
    pd.testing.assert_series_equal(fast[2], slow[2], check_names=False)


def test_lean_reads_a_stand_in_only_when_the_column_it_stands_in_for_is_missing(tmp_path):
    write(tmp_path, "TimeEntries.csv", "id,ticketID,dateWorked,startDateTime\n1,5,2025-01-02,2025-01-02T08:00:00Z\n")
    assert "startDateTime" not in load_export(tmp_path, lean=lean_columns()).tables["TimeEntries"]
    write(tmp_path, "TimeEntries.csv", "id,ticketID,startDateTime\n1,5,2025-01-02T08:00:00Z\n")
    assert "startDateTime" in load_export(tmp_path, lean=lean_columns()).tables["TimeEntries"]


def test_malformed_records_are_named_by_row_even_after_a_value_spanning_lines(tmp_path):
    write(tmp_path, "Tickets.csv", 'id,companyID,status,title\n1,1,1,"two\nlines"\n2,1,1,x,extra\n3,1,1,ok\n')
    export = load_export(tmp_path)
    rej = export.rejects.set_index("row")
    assert rej.loc[3, "reason"] == "expected 4 fields, found 5" and rej.loc[3, "value"] == "2,1,1,x,extra"
    assert export.tables["Tickets"]["title"].tolist() == ["two\nlines", "ok"]
