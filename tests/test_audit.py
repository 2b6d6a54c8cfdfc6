"""The audit end to end: run_audit's assembly, write_outputs' files, and audit_command's exit codes.

Unit tests run against a small stand-in rule catalogue so they test the audit, not the rules; the last test
runs the real catalogue on the committed sample export when it is there.
"""

import csv
import json
import sys
import types
from pathlib import Path
from types import SimpleNamespace as NS

import pandas as pd
import pytest

from readiness.audit import (
    CONTRACT_MAP_COLUMNS,
    FINDING_COLUMNS,
    AuditInputError,
    audit_command,
    parse_as_of,
    run_audit,
    write_outputs,
)
from readiness.loader import Export
from readiness.suppress import SuppressionError, parse_suppressions

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "acme-it"
EVIL = '=HYPERLINK("http://evil.example","click")'


def _rule(rid, area, severity, requires, edge_case=False):
    return NS(id=rid, area=area, severity=severity, requires=requires, weight=1.0, edge_case=edge_case,
              title=f"{rid} title", remediation=f"{rid} remediation")


STAND_IN_RULES = {
    "contract_type_mapping": _rule("contract_type_mapping", "contracts", "medium", ("Contracts",)),
    "contract_setup_fee": _rule("contract_setup_fee", "billing", "medium", ("Contracts",), edge_case=True),
    "workflow_rule_stale": _rule("workflow_rule_stale", "automations", "low", ("WorkflowRules",)),
}


def _stand_in_run_rules(export, as_of=None, params=None):
    """Judges contract types (Per Ticket = blocker FAIL) and setup fees; workflow rules need their sheet."""
    rows, judged = [], {rid: False for rid in STAND_IN_RULES}
    if export.has("Contracts"):
        c = export.tables["Contracts"]
        names = export.tables["Companies"].set_index("id")["companyName"] if export.has("Companies") else {}
        ctype = c["contractType"].astype("Int64")
        status = pd.Series("PASS", index=c.index).where(~ctype.isin([3, 4, 7]), "REVIEW").where(~ctype.eq(8), "FAIL")
        sev = pd.Series("medium", index=c.index).where(~ctype.eq(8), "blocker")
        fee = c["setupFee"].fillna(0).gt(0) if "setupFee" in c else pd.Series(False, index=c.index)
        for rid, st, sv in (("contract_type_mapping", status, sev),
                            ("contract_setup_fee", pd.Series("PASS", index=c.index).where(~fee, "REVIEW"), "medium")):
            rows.append(pd.DataFrame({
                "rule_id": rid, "area": STAND_IN_RULES[rid].area, "severity": sv, "status": st,
                "entity_type": "Contract", "entity_id": c["id"].astype("string"),
                "company_id": c["companyID"].astype("Int64"),
                "company_name": c["companyID"].map(names).astype("string") if len(names) else pd.NA,
                "reason": "-12.50", "remediation": STAND_IN_RULES[rid].remediation,
                "title": STAND_IN_RULES[rid].title}))
            judged[rid] = True
    findings = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=[c for c in FINDING_COLUMNS if c not in ("muted", "mute_reason")] + ["title"])
    findings["finding_id"] = findings["rule_id"] + ":" + findings["entity_type"] + ":" + findings["entity_id"]
    coverage = pd.DataFrame({"rule_id": list(STAND_IN_RULES), "area": [r.area for r in STAND_IN_RULES.values()],
                             "severity": [r.severity for r in STAND_IN_RULES.values()],
                             "judged": [judged[r] for r in STAND_IN_RULES],
                             "note": ["" if judged[r] else "missing table" for r in STAND_IN_RULES]})
    return NS(findings=findings, coverage=coverage)


@pytest.fixture
def stand_in_rules(monkeypatch):
    mod = types.ModuleType("readiness.rules")
    mod.RULES = STAND_IN_RULES
    mod.run_rules = _stand_in_run_rules
    monkeypatch.setitem(sys.modules, "readiness.rules", mod)
    return mod


def make_export(contract_types=(1, 7, 8), path=None, client=None):
    n = len(contract_types)
    companies = pd.DataFrame({"id": pd.array([10, 11], dtype="Int64"),
                              "companyName": pd.array([EVIL, "Globex"], dtype="string"),
                              "companyType": pd.array([1, 1], dtype="Int64"),
                              "isActive": pd.array([True, True], dtype="boolean"),
                              "createDate": pd.to_datetime(["2024-01-05", "2025-05-31"]).astype("datetime64[ms]")})
    contracts = pd.DataFrame({"id": pd.array(range(1, n + 1), dtype="Int64"),
                              "contractName": pd.array([f"C{i}" for i in range(n)], dtype="string"),
                              "companyID": pd.array([10] * n, dtype="Int64"),
                              "contractType": pd.array(list(contract_types), dtype="Int64"),
                              "status": pd.array([1] * n, dtype="Int64"),
                              "setupFee": pd.array([-5.0] + [250.0] * (n - 1), dtype="Float64")})
    ledger = pd.DataFrame({"entity": ["Companies", "Contracts"], "file": ["Companies.csv", "Contracts.csv"],
                           "read": [2, n + 1], "loaded": [2, n], "rejected": [0, 1]})
    return Export(path=path, tables={"Companies": companies, "Contracts": contracts},
                  client={"name": "Acme IT", "technicians": 12} if client is None else client, ledger=ledger,
                  problems=["Contracts.csv: 1 row rejected"])


def write_export_folder(folder: Path, with_contracts=True):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "client.yaml").write_text("name: Acme IT\ntechnicians: 8\nintegrations: [Pax8, Datto RMM]\n")
    (folder / "Companies.csv").write_text(
        "id,companyName,companyType,isActive\n10,Acme Client,1,true\n11,\"=SUM(A1:A9)\",1,true\n")
    if with_contracts:
        (folder / "Contracts.csv").write_text(
            "id,contractName,companyID,contractType,status,startDate,endDate,setupFee\n"
            "1,Managed,10,7,1,2025-01-01,2025-12-31,0\n2,Hours,11,1,1,2025-02-01,2026-01-31,100\n")
    return folder


# --- run_audit -------------------------------------------------------------------------------------------

def test_run_audit_assembles_the_result(stand_in_rules):
    r = run_audit(make_export(), as_of="2025-06-30")
    assert r.client == "Acme IT" and r.slug == "acme-it" and r.as_of == pd.Timestamp("2025-06-30")
    s = r.summary
    assert s["readiness"] == "Not ready"                     # the Per Ticket contract is a blocker FAIL
    assert s["score"] is not None and 0 <= s["score"] <= 100
    for key in ("client", "slug", "as_of", "generated_with", "readiness", "readiness_reason", "score",
                "score_method", "coverage", "coverage_detail", "areas", "counts", "top_findings", "effort",
                "checklist", "load", "load_problems", "rejected_rows"):
        assert key in s, key
    assert s["load"] == {"Companies": {"read": 2, "loaded": 2, "rejected": 0},
                         "Contracts": {"read": 4, "loaded": 3, "rejected": 1}}
    assert s["load_problems"] == ["Contracts.csv: 1 row rejected"]
    assert s["coverage_detail"]["missing_tables"] == ["WorkflowRules"]
    assert s["areas"]["automations"]["readiness"] == "Unknown"
    assert s["top_findings"][0]["rule_id"] == "contract_type_mapping"
    assert s["top_findings"][0]["severity"] == "blocker"
    assert s["effort"]["weeks_low"] <= s["effort"]["weeks_high"]
    assert len(s["checklist"]) == 13
    assert list(r.contract_map.columns) == CONTRACT_MAP_COLUMNS and len(r.contract_map) == 3
    assert r.contract_map.set_index("contract_id").loc[2, "edge_cases"] == "contract_setup_fee"
    assert r.findings["muted"].dtype == bool


def test_defaults_as_of_newest_date_and_client_names(stand_in_rules, tmp_path):
    r = run_audit(make_export())
    assert r.as_of == pd.Timestamp("2025-05-31")
    assert run_audit(make_export(), client="Someone Else").slug == "someone-else"
    folder_named = run_audit(make_export(path=tmp_path / "globex-corp", client={}))
    assert folder_named.client == "globex-corp" and folder_named.slug == "globex-corp"


def test_as_of_defaults_to_today_without_dates(stand_in_rules):
    ex = make_export()
    ex.tables["Companies"] = ex.tables["Companies"].drop(columns="createDate")
    assert run_audit(ex).as_of == pd.Timestamp.today().normalize()


def test_parse_as_of():
    assert parse_as_of("2025-06-30") == pd.Timestamp("2025-06-30")
    assert parse_as_of(None) is None
    for bad in ("30/06/2025", "2025-13-45", "yesterday"):
        with pytest.raises(AuditInputError):
            parse_as_of(bad)


def test_muted_findings_stay_and_leave_the_score(stand_in_rules):
    before = run_audit(make_export(), as_of="2025-06-30")
    supp = parse_suppressions({"version": 1, "mutes": [
        {"rule": "contract_type_mapping", "entity": "Contract:3", "reason": "Per-ticket client leaves in July"}]})
    after = run_audit(make_export(), as_of="2025-06-30", suppress=supp)
    assert len(after.findings) == len(before.findings)
    row = after.findings[after.findings["finding_id"].eq("contract_type_mapping:Contract:3")].iloc[0]
    assert row["muted"] and row["status"] == "FAIL" and row["mute_reason"] == "Per-ticket client leaves in July"
    assert after.summary["readiness"] == "Ready with conditions"
    assert after.summary["score"] > before.summary["score"]
    assert after.summary["counts"]["muted"] == 1
    assert after.summary["suppressions"]["applied"][0]["findings"] == 1


def test_suppressions_for_another_client_are_refused(stand_in_rules):
    supp = parse_suppressions({"version": 1, "client": "globex", "mutes": []})
    with pytest.raises(SuppressionError, match="globex"):
        run_audit(make_export(), suppress=supp)


def test_gate_failure_is_unknown_with_no_score(stand_in_rules):
    ex = make_export()
    del ex.tables["Contracts"]
    r = run_audit(ex, as_of="2025-06-30")
    assert r.summary["readiness"] == "Unknown" and r.summary["score"] is None
    assert "Contracts" in r.summary["readiness_reason"]
    assert r.contract_map.empty and list(r.contract_map.columns) == CONTRACT_MAP_COLUMNS


# --- write_outputs ---------------------------------------------------------------------------------------

def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_write_outputs_files_columns_and_formula_safety(stand_in_rules, tmp_path):
    r = run_audit(make_export(), as_of="2025-06-30")
    paths = write_outputs(r, tmp_path)
    assert set(paths) == {"findings", "contract_map", "checklist", "rejects", "workbook", "summary"}
    for p in paths.values():
        assert p.parent == tmp_path / "acme-it" and p.exists()
    assert sorted(x.name for x in (tmp_path / "acme-it").iterdir()) == sorted(p.name for p in paths.values())

    findings = _read_csv(paths["findings"])
    assert findings[0] == FINDING_COLUMNS
    cm = _read_csv(paths["contract_map"])
    assert cm[0] == CONTRACT_MAP_COLUMNS
    assert _read_csv(paths["checklist"])[0] == ["item", "state", "evidence", "status"]
    assert _read_csv(paths["rejects"])[0] == ["entity", "file", "row", "column", "value", "reason"]

    f = pd.read_csv(paths["findings"], dtype=str, keep_default_na=False)
    assert f["company_name"].eq("'" + EVIL).all()            # formula neutralised
    assert f["reason"].eq("-12.50").all()                    # a negative number stays a number
    assert set(f["muted"]) == {"False"}
    c = pd.read_csv(paths["contract_map"], dtype=str, keep_default_na=False)
    assert c["company_name"].eq("'" + EVIL).all()

    summary = json.loads(paths["summary"].read_text())
    assert summary["as_of"] == "2025-06-30" and summary["client"] == "Acme IT"
    assert summary["readiness"] == r.summary["readiness"]


def test_write_outputs_stays_inside_out_dir(stand_in_rules, tmp_path):
    r = run_audit(make_export(), as_of="2025-06-30")
    r.slug = "../../outside"
    out = tmp_path / "out"
    paths = write_outputs(r, out)
    for p in paths.values():
        assert p.resolve().is_relative_to(out.resolve())
    assert not (tmp_path / "outside").exists()
    # no temporary files are left behind
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]


def test_rewrite_replaces_files(stand_in_rules, tmp_path):
    write_outputs(run_audit(make_export(), as_of="2025-06-30"), tmp_path)
    paths = write_outputs(run_audit(make_export(contract_types=(1,)), as_of="2025-06-30"), tmp_path)
    assert len(_read_csv(paths["contract_map"])) == 2


# --- audit_command ---------------------------------------------------------------------------------------

def test_audit_command_success(stand_in_rules, tmp_path, capsys):
    folder = write_export_folder(tmp_path / "acme")
    code = audit_command(str(folder), str(tmp_path / "out"), as_of="2025-06-30")
    out = capsys.readouterr().out
    assert code == 0
    assert "Acme IT" in out and "Readiness:" in out and "coverage" in out and "rows read" in out
    assert "contracts" in out and "FAIL" in out
    summary = json.loads((tmp_path / "out" / "acme-it" / "summary.json").read_text())
    assert summary["load"]["Companies"]["loaded"] == 2
    f = pd.read_csv(tmp_path / "out" / "acme-it" / "findings.csv", dtype=str, keep_default_na=False)
    assert list(f.columns) == FINDING_COLUMNS
    assert f["company_name"].str.startswith("=").sum() == 0


def test_audit_command_unknown_writes_everything_and_exits_3(stand_in_rules, tmp_path, capsys):
    folder = write_export_folder(tmp_path / "acme", with_contracts=False)
    assert audit_command(folder, tmp_path / "out", as_of="2025-06-30") == 3  # README "Exit codes"
    summary = json.loads((tmp_path / "out" / "acme-it" / "summary.json").read_text())
    assert summary["readiness"] == "Unknown" and summary["score"] is None
    assert "Unknown" in capsys.readouterr().out


def test_audit_command_missing_folder(tmp_path, capsys):
    assert audit_command(tmp_path / "nope", tmp_path / "out") == 2
    assert "not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("bad", ["30/06/2025", "2025-02-30", "soon"])
def test_audit_command_bad_as_of(stand_in_rules, tmp_path, capsys, bad):
    folder = write_export_folder(tmp_path / "acme")
    assert audit_command(folder, tmp_path / "out", as_of=bad) == 2
    assert "--as-of" in capsys.readouterr().err


def test_audit_command_bad_suppressions(stand_in_rules, tmp_path, capsys):
    folder = write_export_folder(tmp_path / "acme")
    supp = tmp_path / "supp.yaml"
    supp.write_text("version: 1\nmutes:\n  - rule: contract_setup_fee\n")
    assert audit_command(folder, tmp_path / "out", suppress=supp) == 2
    err = capsys.readouterr().err
    assert "supp.yaml" in err and "entry 1" in err


# --- the real catalogue -----------------------------------------------------------------------------------

def write_rich_export(folder: Path) -> Path:
    """A small export touching every area: files as a consultant would hand them over."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "client.yaml": "name: Rich MSP\ntechnicians: 18\nintegrations: [Pax8, Datto RMM, Xero, Homegrown Sync]\n",
        "Companies.csv": "id,companyName,companyType,isActive\n10,Acme Client,1,true\n"
                         f"11,\"{EVIL.replace(chr(34), chr(34) * 2)}\",1,true\n12,ACME client,1,true\n",
        "Contacts.csv": "id,companyID,firstName,lastName,emailAddress,isActive\n1,10,Ann,A,ann@acme.test,1\n"
                        "2,10,Bob,B,,1\n3,11,Cy,C,ann@acme.test,1\n",
        "Contracts.csv": "id,contractName,companyID,contractType,status,startDate,endDate,setupFee\n"
                         "1,Managed,10,7,1,2025-01-01,2025-12-31,0\n2,Hours,11,1,1,2025-02-01,2026-01-31,0\n"
                         "3,Tickets,11,8,1,2025-01-01,2025-12-31,250\n4,Old,12,4,0,2023-01-01,2023-12-31,0\n",
        "Resources.csv": "id,firstName,lastName,userType,isActive\n100,Tech,One,5,true\n101,Tech,Two,1,true\n"
                         "102,Gone,Away,5,false\n",
        "Tickets.csv": "id,companyID,status,queueID,assignedResourceID,createDate\n1,10,1,,,2025-06-01\n"
                       "2,10,8,5,102,2025-06-10\n3,11,5,5,100,2025-05-01\n4,11,7,5,100,2025-06-20\n",
        "WorkflowRules.csv": "rule_name,entity,active,events,actions,last_triggered,last_modified,audit_flags\n"
                             "Assign queue,Ticket,Yes,Created,Set queue to Triage,2025-06-20,2024-01-01,\n"
                             "Old alert,Ticket,Yes,Edited,Send email,2023-01-01,2022-01-01,Has not triggered recently\n"
                             "Retired,Ticket,No,Created,Set priority,,2021-01-01,\n",
        "NotificationTemplates.csv": "template_name,event,active,recipients,subject,last_modified\n"
                                     "Ticket Ack,Created,Yes,client,We got it,2024-01-01\n"
                                     "Internal Assign,Assigned,Yes,internal,Assigned,2024-01-01\n"
                                     "Old Template,Edited,Yes,client,Old,2020-01-01\n",
        "NotificationHistory.csv": "id,templateName,notificationSentTime,companyID,ticketID\n"
                                   "1,Ticket Ack,2025-06-25,10,4\n2,Internal Assign,2025-06-20,10,2\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_real_catalogue_on_an_export_folder(tmp_path):
    rules = pytest.importorskip("readiness.rules")
    folder = write_rich_export(tmp_path / "rich")
    r = run_audit(folder, as_of="2025-06-30")
    s = r.summary
    assert s["readiness"] == "Not ready"                     # the Per Ticket contract
    assert s["score"] is not None and s["coverage"] is not None
    assert s["load"]["Contracts"] == {"read": 4, "loaded": 4, "rejected": 0}
    cm = r.contract_map.set_index("contract_id")
    assert cm["verdict"].to_dict() == {1: "rethink", 2: "direct", 3: "manual", 4: "retire"}
    if rules.RULES["contract_setup_fee"].edge_case:
        assert "contract_setup_fee" in cm.loc[3, "edge_cases"].split("|")
    assert r.findings["finding_id"].is_unique
    cl = r.checklist.set_index("item")["evidence"]
    assert cl.iloc[2] == "Open tickets: 3 to migrate, 1 unassigned, 1 on inactive resources."
    assert cl.iloc[3].startswith("Active contracts: 3 (1 direct, 1 rethink, 1 manual)")
    paths = write_outputs(r, tmp_path / "out")
    f = pd.read_csv(paths["findings"], dtype=str, keep_default_na=False)
    assert list(f.columns) == FINDING_COLUMNS
    assert not f["company_name"].str.startswith("=").any()
    assert f["company_name"].eq("'" + EVIL).any()


# --- the real catalogue on the committed sample ----------------------------------------------------------

@pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample export not generated")
def test_end_to_end_on_sample(tmp_path):
    pytest.importorskip("readiness.rules")
    code = audit_command(SAMPLE, tmp_path, as_of=None)
    assert code == 0
    folder = next(tmp_path.iterdir())
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["readiness"] in ("Ready", "Ready with conditions", "Not ready", "Unknown")
    assert summary["coverage"] is not None
    f = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)
    assert list(f.columns) == FINDING_COLUMNS and len(f) > 0
    assert f["finding_id"].is_unique
    cm = pd.read_csv(folder / "contract_map.csv", dtype=str, keep_default_na=False)
    assert list(cm.columns) == CONTRACT_MAP_COLUMNS
    assert set(cm["verdict"]) <= {"direct", "rethink", "manual", "retire"}
    # reproducible: the same as-of gives the same findings
    code = audit_command(SAMPLE, tmp_path / "again", as_of=summary["as_of"])
    again = pd.read_csv(next((tmp_path / "again").iterdir()) / "findings.csv", dtype=str, keep_default_na=False)
    assert code == 0 and again.equals(f)


def test_rejected_rows_are_written_with_file_row_column_and_reason(tmp_path):
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    (export_dir / "Companies.csv").write_text("id,companyName,companyType,isActive\n1,Acme,1,True\n")
    (export_dir / "Contracts.csv").write_text("id,companyID,contractType,status,startDate\n1,1,7,1,2024-01-01\n"
                                              "2,1,7,1,31/31/2024\n")
    paths = write_outputs(run_audit(export_dir, as_of="2025-06-30"), tmp_path / "out")
    rejects = pd.read_csv(paths["rejects"])
    assert rejects[["file", "row", "column"]].values.tolist() == [["Contracts.csv", 3, "startDate"]]
    assert "31/31/2024" in rejects.loc[0, "reason"]


@pytest.mark.parametrize("sample", ["acme-it", "northwind-grid", "contoso-json"])
def test_reading_only_the_audited_columns_changes_no_finding(sample):
    """The audit's lean load (the columns the rules and facts declare, rules.lean_columns()) must leave out only
    columns no rule, fact, map or roll-up reads: a rule that reads an undeclared column changes a finding here."""
    from readiness.loader import load_export
    from readiness.rules import lean_columns

    folder = SAMPLE.parent / sample
    full, lean = run_audit(load_export(folder)), run_audit(load_export(folder, lean=lean_columns()))
    assert len(lean.export.tables["TimeEntries"].columns) < len(full.export.tables["TimeEntries"].columns)
    pd.testing.assert_frame_equal(lean.findings, full.findings)
    pd.testing.assert_frame_equal(lean.contract_map, full.contract_map)
    assert lean.summary["score"] == full.summary["score"] and lean.summary["effort"] == full.summary["effort"]
