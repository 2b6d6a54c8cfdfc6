"""The client report: notebook under papermill, code-free self-contained HTML, escaping, PDF, failure handling.

Kernel runs are the slow part (~2–3 s each), so one module-scoped report build is shared by most tests and
only two more notebook runs happen (a failing cell and an export that cannot be judged).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from readiness import config
from readiness.audit import audit_command
from readiness.decisions import save_decision
from readiness.explorer import mute_finding
from readiness.safe import slugify
from readiness.report import PdfUnavailable, ReportError, build_report, report_command
from readiness.report import present, render

HOSTILE = "<script>alert(1)</script>"
CLIENT = "Contoso IT & Co"
AS_OF = "2025-06-30"
NOTEBOOK = config.REPORT_NOTEBOOK


def write_export(folder: Path, client: str = CLIENT, with_contracts: bool = True) -> Path:
    """A small REST-CSV Autotask export: customers (one named like a script tag), contacts, resources,
    contracts of several types, services, open tickets, captured workflow rules and templates, client.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "Companies.csv": f"""\
            id,companyName,companyType,isActive
            1,Alpha Dental,1,True
            2,"{HOSTILE}",1,True
            3,Bravo Logistics,1,True
            4,Charlie Law,1,True
            5,alpha dental ,1,True
            """,
        "Contacts.csv": """\
            id,companyID,firstName,lastName,emailAddress,isActive
            10,1,Ann,Ames,ann@alpha.example,1
            11,2,Bob,Bell,,1
            12,3,Cat,Cole,cat@bravo.example,1
            13,4,Dan,Dee,cat@bravo.example,1
            """,
        "Resources.csv": """\
            id,firstName,lastName,email,userType,isActive
            100,Tess,Tech,tess@msp.example,1,True
            101,Ian,Old,ian@msp.example,2,False
            """,
        "Contracts.csv": """\
            id,companyID,contractName,contractType,status,startDate,endDate,setupFee
            200,1,Alpha managed services,7,1,2024-01-01T00:00:00Z,2026-12-31T00:00:00Z,0
            201,2,Hostile per-ticket pack,8,1,2024-01-01T00:00:00Z,2026-12-31T00:00:00Z,0
            202,3,Bravo hours,4,1,2024-01-01T00:00:00Z,2026-12-31T00:00:00Z,250
            203,4,Charlie T&M,1,1,2024-01-01T00:00:00Z,2026-12-31T00:00:00Z,0
            204,1,Alpha old retainer,6,0,2020-01-01T00:00:00Z,2021-12-31T00:00:00Z,0
            205,3,Bravo expired,3,1,2023-01-01T00:00:00Z,2024-12-31T00:00:00Z,0
            """,
        "Services.csv": """\
            id,name,isActive,unitPrice
            300,Managed desktop,True,45
            301,Legacy backup,False,10
            """,
        "ContractServices.csv": """\
            id,contractID,serviceID,unitPrice
            400,200,300,45
            401,200,301,10
            """,
        "Tickets.csv": """\
            id,companyID,title,status,queueID,assignedResourceID,createDate
            500,1,Printer down,1,29683,100,2025-06-20T09:00:00Z
            501,2,VPN issue,8,,,2025-06-25T09:00:00Z
            502,3,New starter,1,29683,101,2025-06-28T09:00:00Z
            503,4,Old ticket,5,29683,100,2025-01-10T09:00:00Z
            """,
        "WorkflowRules.csv": """\
            rule_name,area_tab,entity,active,description,events,conditions,actions,notification_template,notify,time_offset,last_triggered,last_modified,audit_flags
            Escalate P1,Service Desk,Ticket,Yes,Escalate priority 1,Created,Priority = P1,Notify,Ticket Created,Queue,,2025-06-29,2024-01-01,
            Old nag,Service Desk,Ticket,Yes,Nag on waiting,Edited,Status = Waiting,Notify,,Contact,,2023-01-05,2022-01-01,Has not triggered recently
            Retired,Service Desk,Ticket,No,Old,Created,,Set queue,,,,2022-03-01,2021-01-01,
            """,
        "NotificationTemplates.csv": """\
            template_name,area_tab,event,active,recipients,subject,last_modified
            Ticket Created,Service Desk,Ticket created,Yes,client,We got your ticket,2024-01-01
            Tech Assigned,Service Desk,Ticket assigned,Yes,internal,Assigned to you,2024-01-01
            """,
        "NotificationHistory.csv": """\
            id,templateName,notificationSentTime,companyID,ticketID
            600,Ticket Created,2025-06-20T09:01:00Z,1,500
            601,Ticket Created,2025-06-25T09:01:00Z,2,501
            """,
    }
    if not with_contracts:
        files = {"Companies.csv": files["Companies.csv"]}
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (folder / "client.yaml").write_text(
        f"name: {json.dumps(client)}\ntechnicians: 6\nintegrations: [Datto RMM, Xero, Homegrown Portal]\n",
        encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One full `readiness report` build of the small export: paths, timings, summary and HTML text."""
    base = tmp_path_factory.mktemp("report")
    export = write_export(base / "export")
    suppress = base / "suppress.yaml"
    suppress.write_text("version: 1\nmutes:\n  - rule: workflow_rule_stale\n    entity: Old nag\n"
                        f"    reason: \"Kept on purpose {HOSTILE}\"\n", encoding="utf-8")
    # a decision agreed earlier in the contract explorer, already in the client's output folder
    save_decision(base / "out" / slugify(CLIENT), 201, "Hostile per-ticket pack", "rebuild",
                  "Pre-pay by amount", note=f"Agreed with billing admin {HOSTILE}")
    timings: dict = {}
    paths = build_report(export, base / "out", as_of=AS_OF, suppress=suppress, timings=timings)
    summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    return {"paths": paths, "timings": timings, "summary": summary, "export": export, "out": base / "out",
            "html": paths["html"].read_text(encoding="utf-8")}


def _pdftotext(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text)


# ------------------------------------------------------------------ committed notebook (no kernel)


def test_committed_notebook_has_no_outputs_or_execution_counts():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the report notebook has no code cells"
    assert all(c.get("outputs") == [] for c in code), "committed notebook carries outputs"
    assert all(c.get("execution_count") is None for c in code), "committed notebook carries execution counts"


def test_parameters_cell_is_tagged_typed_and_commented():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    src = tagged[0].source
    for name in ("export_dir", "client", "as_of", "suppress", "out_dir"):
        assert re.search(rf"^{name}: str = \"\"\s+# \S", src, re.M), f"{name} is not typed and commented"


def test_papermill_reads_every_parameter():
    """papermill skips lines it cannot parse (e.g. a second '=' in the comment) and then warns on each run."""
    import papermill as pm

    params = pm.inspect_notebook(str(NOTEBOOK))
    assert {"export_dir", "client", "as_of", "suppress", "out_dir"} <= set(params)
    assert all(p["inferred_type_name"] in ("str", "int") and p["help"] for p in params.values())


def test_notebook_cells_stay_short():
    """Logic lives in the package: every code cell is a few lines."""
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    for c in nb.cells:
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []):
            assert len([ln for ln in c.source.splitlines() if ln.strip()]) <= 4, c.source


# ------------------------------------------------------------------ the built report


def test_report_files_land_beside_the_audit_outputs(built):
    paths = built["paths"]
    folder = paths["summary"].parent
    for key in ("findings", "contract_map", "summary", "notebook", "html", "pdf"):
        assert paths[key].parent == folder and paths[key].exists(), key
    assert paths["notebook"].name == "report.ipynb" and paths["pdf"].name == "report.pdf"


def test_executed_notebook_shows_every_section(built):
    nb = nbformat.read(str(built["paths"]["notebook"]), as_version=4)
    assert nb.metadata["papermill"]["parameters"]["as_of"] == AS_OF
    html_outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/html" in o.get("data", {})]
    assert len(html_outputs) >= 8


def test_html_has_no_code_prompts_or_parameters(built):
    html = built["html"]
    assert "jp-InputArea" not in html and "In&nbsp;[" not in html and "In [" not in html
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if line.strip() and cell.cell_type == "code":
                assert line.strip() not in html, f"notebook source leaked into the HTML: {line!r}"
    assert "present.executive_summary" not in html and "export_dir" not in html
    assert "This notebook is the template" not in html  # the hand-run note is tagged remove-cell


def test_html_is_self_contained_without_external_urls(built):
    """Nothing is loaded from elsewhere; the only web addresses are the Sources appendix's references."""
    html = built["html"]
    for needle in ("//cdn", "<link", "@import", "url(http"):
        assert needle not in html, needle
    body, _, sources = html.partition('<section class="major" id="sources">')
    assert sources, "the Sources appendix is missing"
    for needle in ("http://", "https://"):
        assert needle not in body, needle
    assert "<script" not in html.lower()
    srcs = re.findall(r'src="([^"]*)"', html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)


def test_hostile_company_name_is_escaped(built):
    html = built["html"]
    assert HOSTILE not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 1
    assert "Contoso IT &amp; Co" in html


def test_pdf_has_pages_client_class_and_top_finding(built):
    pdf = built["paths"]["pdf"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 4
    assert "(A4)" in info
    text = _pdftotext(pdf)
    s = built["summary"]
    assert CLIENT in text
    assert s["readiness"] in text
    top = s["top_findings"][0]["title"]
    assert re.sub(r"\s+", " ", top) in text
    assert HOSTILE in text.replace(" ", "")  # shown as text (a table cell may wrap it), not run


def test_footer_carries_client_name_and_page_numbers(built):
    pdf = built["paths"]["pdf"]
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert CLIENT in page2 and re.search(r"Page 2 of \d+", page2)


def test_summary_page_leads_with_the_verdict_and_blockers(built):
    html = built["html"]
    s = built["summary"]
    first = html.split('id="findings"')[0]
    assert s["readiness"] in first and "What matters most" in first
    tops = s["top_findings"]
    blockers = [t for t in tops if t["severity"] == "blocker" and t["status"] == "FAIL"]
    if blockers:
        assert first.index(present.e(blockers[0]["title"])) < first.index("Readiness by area")


def test_muted_findings_shown_as_muted_with_reason(built):
    html = built["html"]
    muted = html.split('id="muted"')[1].split("</section>")[0]
    assert "Old nag" in muted and "REVIEW (muted)" in muted
    assert "Kept on purpose &lt;script&gt;" in muted


def test_letter_paper_prints_from_the_same_html(built, tmp_path):
    pdf = render.html_to_pdf(built["paths"]["html"], tmp_path / "letter.pdf", paper="letter")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "612 x 792" in info


def test_charts_embedded_and_sections_present(built):
    html = built["html"]
    assert html.count('<figure class="chart">') >= 3
    for anchor in ("findings", "contract-map", "rebuild", "checklist", "data"):
        assert f'id="{anchor}"' in html, anchor


# ------------------------------------------------------------------ failures


def test_failing_cell_leaves_partial_notebook_and_names_the_cell(tmp_path):
    out = tmp_path / "client" / "report.ipynb"
    with pytest.raises(ReportError) as info:
        from readiness.report.execute import run_notebook

        run_notebook(out, {"export_dir": str(tmp_path / "no-such-export"), "as_of": AS_OF})
    err = info.value
    assert err.notebook_path == out and out.exists()
    assert "audit" in err.cell_label and "audit" in str(err)
    assert err.ename == "FileNotFoundError"
    partial = nbformat.read(str(out), as_version=4)
    assert any("error" == o.get("output_type") for c in partial.cells for o in c.get("outputs", []))


def test_cell_label_names_the_cell_holding_the_error_in_the_saved_notebook(tmp_path):
    from readiness.report.execute import cell_label

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("An error banner"),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["injected-parameters"]}),
                nbformat.v4.new_code_cell("\n  present.contract_map(result)\n",
                                          metadata={"tags": ["contract-map", "papermill-error-cell-tag"]},
                                          outputs=[nbformat.v4.new_output("error", ename="KeyError", evalue="x",
                                                                          traceback=[])])]
    path = tmp_path / "report.ipynb"
    nbformat.write(nb, str(path))
    assert cell_label(path, 1) == "cell 2 [contract-map] `present.contract_map(result)`"
    assert cell_label(path) == "cell 2 [contract-map] `present.contract_map(result)`"
    path.write_text("{ truncated", encoding="utf-8")
    assert cell_label(path, 1) == "cell 1"  # the execution-time index is the fallback
    assert cell_label(path) == ""


def test_unknown_export_says_what_could_not_be_read(tmp_path):
    export = write_export(tmp_path / "export", client="Gamma Ltd", with_contracts=False)
    paths = build_report(export, tmp_path / "out", as_of=AS_OF, pdf=False)
    html = paths["html"].read_text(encoding="utf-8")
    assert json.loads(paths["summary"].read_text())["readiness"] == "Unknown"
    assert "What could not be read" in html and "Contracts" in html
    assert "Score" not in html.split('id="findings"')[0]
    assert "pdf" not in paths


def test_pdf_engine_failure_keeps_html_and_sets_exit_code(built, tmp_path, monkeypatch, capsys):
    from readiness.report import execute

    def fake_run(out_path, parameters, **kw):  # reuse the executed notebook: no extra kernel
        shutil.copy(built["paths"]["notebook"], out_path)
        return Path(out_path)

    def no_pdf(html_path, pdf_path, engine="weasyprint", paper="A4"):
        raise PdfUnavailable(f"WeasyPrint is not available (test); the HTML report is at {html_path}")

    monkeypatch.setattr(execute, "run_notebook", fake_run)
    monkeypatch.setattr(render, "html_to_pdf", no_pdf)
    assert report_command(str(built["export"]), str(tmp_path / "a"), as_of=AS_OF, pdf=True) == 1
    assert "PDF not made" in capsys.readouterr().err
    assert next((tmp_path / "a").glob("*/report.html")).exists()
    assert report_command(str(built["export"]), str(tmp_path / "b"), as_of=AS_OF, pdf=False) == 0
    assert not list((tmp_path / "b").glob("*/report.pdf"))


def test_missing_export_folder_is_exit_2(tmp_path, capsys):
    assert report_command(str(tmp_path / "nope"), str(tmp_path / "out")) == 2
    assert "not found" in capsys.readouterr().err


# ------------------------------------------------------------------ pieces (no kernel)


def test_table_escapes_and_trims():
    df = pd.DataFrame({"Name": [HOSTILE] + [f"row {i}" for i in range(19)]})
    html = present._table(df, max_rows=15, what="companies")
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert html.count("<tr>") == 16  # header + 15 rows
    assert "… and 5 more companies — full list in workbook.xlsx (Findings sheet)" in html


def test_charts_have_titles_and_axis_labels():
    from readiness.report import charts

    figs = [charts.contract_verdicts(pd.DataFrame({"direct": [2], "manual": [1]}, index=["Per $5 Ticket $"])),
            charts.automation_age(pd.Series([10.0, 400.0, float("nan")]), pd.Series([True, True, False])),
            charts.effort_phases(pd.DataFrame({"phase": ["Audit"], "low": [1.0], "high": [2.0]}))]
    for fig in figs:
        ax = fig.axes[0]
        assert ax.get_title(loc="left") and ax.get_xlabel() and ax.get_ylabel()
        assert any(p.get_hatch() for p in ax.patches), "series must differ by hatching, not colour alone"
        assert charts.figure_html(fig, "alt").startswith('<figure class="chart"><img src="data:image/png;base64,')
    # page one's pictures sit under their own heading: labelled axes and hatching, no second title
    overview = pd.DataFrame({"native": [50, 22], "rebuild": [0, 54], "retire": [0, 24]}, index=["Clients", "$Deals$"])
    for fig in (charts.migration_overview(overview),
                charts.timeline(pd.DataFrame({"phase": ["Audit", "Cutover"], "low": [1.0, 2.0], "high": [2.0, 4.0]}))):
        ax = fig.axes[0]
        assert ax.get_xlabel() and [t.get_text() for t in ax.get_yticklabels()]
        assert any(p.get_hatch() for p in ax.patches), "series must differ by hatching, not colour alone"


def test_agreed_decisions_from_the_explorer_appear_in_the_report(built):
    html = built["html"]
    assert "Agreed decisions: 1 contracts" in html
    assert "Rebuild as Pre-pay by amount" in html
    assert "Agreed with billing admin &lt;script&gt;" in html and "admin <script>" not in html


def test_mutes_saved_in_the_client_folder_are_used_without_suppress(tmp_path, capsys):
    export = write_export(tmp_path / "export")
    assert audit_command(export, tmp_path / "out", as_of=AS_OF) == 0
    client_dir = tmp_path / "out" / slugify(CLIENT)
    findings = pd.read_csv(client_dir / "findings.csv")
    target = findings[findings["rule_id"].eq("contract_type_mapping") & findings["status"].eq("FAIL")].iloc[0]
    mute_finding(client_dir / "suppressions.yaml", target, "Per-ticket pack ends before go-live")
    assert audit_command(export, tmp_path / "out", as_of=AS_OF) == 0
    again = pd.read_csv(client_dir / "findings.csv").set_index("finding_id")
    assert bool(again.loc[target["finding_id"], "muted"]) is True
    assert "suppressions.yaml" in capsys.readouterr().err


def test_sections_need_only_the_facts_handed_to_the_notebook():
    """build_report pickles the audit for the notebook with its facts and no export; every section must
    render exactly as it does from the whole audit (a fact left out would fail or silently empty a section)."""
    from readiness.audit import run_audit
    from readiness.decisions import empty_decisions
    from readiness.report import for_presentation

    full = run_audit(config.DEFAULT_SAMPLE)
    full.decisions = empty_decisions()
    slim = for_presentation(full)
    assert slim.export is None and slim.facts.export is None
    for section, args in [(present.executive_summary, ()), (present.findings_by_area, (15,)),
                          (present.contract_map, (15,)), (present.rebuild_by_hand, (15,)),
                          (present.not_to_migrate, (15,)), (present.effort_timeline, ()),
                          (present.golive_checklist, ()), (present.muted_findings, (15,)),
                          (present.data_completeness, (15,))]:
        assert section(slim, *args)._repr_html_() == section(full, *args)._repr_html_(), section.__name__


def test_notebook_takes_the_audit_handed_over_rather_than_auditing_again(tmp_path, monkeypatch):
    """build_report runs the audit once; the notebook's kernel (another working folder) must use that result."""
    import os
    import pickle

    from readiness.audit import run_audit
    from readiness.report import for_presentation

    relative = os.path.relpath(config.DEFAULT_SAMPLE)  # as a user types it: `readiness report data/sample/...`
    cache = tmp_path / "audit.pkl"
    cache.write_bytes(pickle.dumps(for_presentation(run_audit(relative))))
    monkeypatch.chdir(tmp_path)
    result = present.audit(str(config.DEFAULT_SAMPLE.resolve()), audit_cache=str(cache))
    assert result.export is None  # a second audit would bring the export back


def test_the_template_table_agrees_with_the_findings_on_folded_names():
    """A template 'Ticket Closed' whose sends are logged as 'ticket  closed': the rebuild finding and the report's
    table beside it read the same fact (sends matched on the case- and space-folded name)."""
    from rules_fixtures import export as make_export

    from readiness.audit import run_audit
    from readiness.decisions import empty_decisions
    from readiness.report import for_presentation

    exp = make_export(
        Companies=[{"id": 1, "companyName": "Acme", "isActive": True, "companyType": 1}],
        Contracts=[{"id": 10, "companyID": 1, "contractName": "Acme MSA", "contractType": 7, "status": 1}],
        NotificationTemplates=[{"template_name": "Ticket Closed", "area_tab": "Tickets", "event": "Ticket completed",
                                "active": True, "recipients": "client", "subject": "Closed"}],
        NotificationHistory=[{"id": 1, "templateName": "ticket  closed",
                              "notificationSentTime": "2025-06-20T09:00:00"}])
    result = run_audit(exp, as_of="2025-06-30")
    result.decisions = empty_decisions()
    rebuild = result.findings[result.findings["rule_id"].eq("notification_template_rebuild")]
    assert "2025-06-20" in rebuild["reason"].iloc[0]
    html = present.rebuild_by_hand(for_presentation(result), 15)._repr_html_()
    row = html[html.index("Ticket Closed"):]
    row = row[:row.index("</tr>")]
    assert "2025-06-20" in row and ">1<" in row.replace(" ", "")


def test_the_sign_off_workbook_lands_beside_the_report_with_the_agreed_decision(built):
    """`readiness report` writes workbook.xlsx: one Contracts row per contract, the explorer's decision in the
    agreed-build column, the other sign-off columns left for the client."""
    import openpyxl

    from readiness.workbook import AGREED, APPROVED_BY, DATE

    path = built["paths"]["workbook"]
    assert path.parent == built["paths"]["html"].parent
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Contracts", "Findings", "Checklist", "Effort"]
    rows = list(wb["Contracts"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    contracts = pd.read_csv(built["paths"]["contract_map"], dtype=str)
    assert len(body) == len(contracts)
    agreed = {str(r[0]): r[header.index(AGREED)] for r in body}
    assert agreed["201"].startswith("Pre-pay by amount") and "&lt;" not in agreed["201"]
    assert all(r[header.index(APPROVED_BY)] is None and r[header.index(DATE)] is None for r in body)
