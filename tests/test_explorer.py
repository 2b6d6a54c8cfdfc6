"""Contract explorer: filters, contract detail, HTML escaping, decision log, muting, the widgets' state, and a
headless papermill run of notebooks/contract_explorer.ipynb.

The export is a small REST-CSV folder written by `write_export` and read by the real loader; the widget tests
set widget values (observers fire synchronously outside a kernel) and assert on state, not on Output contents.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from readiness.audit import run_audit
from readiness.config import EXPLORER_NOTEBOOK, SAMPLE_DIR
from readiness.decisions import COLUMNS as DECISION_COLUMNS
from readiness.explorer import (
    ALL, ANY_EDGE, NO_EDGE, ExplorerUI, as_facts, contract_detail, contracts_table_html, detail_html,
    exclusion_chain,
    filter_contracts, filter_findings, findings_table_html, html_table, load_decisions, mute_entry, mute_finding,
    save_decision, sort_contracts, suppressions_path, units_chart_png, with_sort_keys,
)
from readiness.explorer.view import units_chart_html
from readiness.loader import load_export
from readiness.suppress import SuppressionError, apply_suppressions, load_suppressions

AS_OF = "2025-06-30"
SLUG = "acme-it-services"


def write_export(folder: Path) -> Path:
    """A six-contract export touching every section of the contract detail (REST CSV shape)."""
    folder.mkdir(parents=True, exist_ok=True)
    months = range(1, 7)
    units = [(201, 11, m, 20 + m, 45) for m in months] + [(202, 12, m, 3 if m < 4 else 4, 150) for m in months]
    tables = {
        "Companies": [
            {"id": 1, "companyName": "Acme <Dental>", "isActive": True, "companyType": 1},
            {"id": 2, "companyName": "Beta Logistics", "isActive": True, "companyType": 1},
            {"id": 3, "companyName": "Gamma Law", "isActive": False, "companyType": 1},
        ],
        "Contracts": [
            {"id": 101, "contractName": "Acme Managed Services", "companyID": 1, "contractType": 7, "status": 1,
             "startDate": "2024-01-01", "endDate": "2026-12-31", "setupFee": 500, "contractExclusionSetID": 900,
             "exclusionContractID": 104},
            {"id": 102, "contractName": "Acme Block 20h", "companyID": 1, "contractType": 4, "status": 1,
             "startDate": "2024-01-01", "endDate": "2025-03-31"},
            {"id": 103, "contractName": "Beta Per Ticket", "companyID": 2, "contractType": 8, "status": 1,
             "startDate": "2024-01-01", "endDate": "2026-12-31"},
            {"id": 104, "contractName": "Acme T&M (hourly)", "companyID": 1, "contractType": 1, "status": 1,
             "startDate": "2024-01-01", "endDate": "9999-12-31", "exclusionContractID": 101},
            {"id": 105, "contractName": "Gamma Retainer", "companyID": 3, "contractType": 6, "status": 1,
             "startDate": "2024-01-01", "endDate": "2026-12-31"},
            {"id": 106, "contractName": "Old Fixed Price <script>alert(1)</script><img src=x onerror=alert(2)>",
             "companyID": 2,
             "contractType": 3, "status": 0, "startDate": "2022-01-01", "endDate": "2023-12-31"},
        ],
        "Services": [{"id": 11, "name": "Managed Workstation", "periodType": 2, "unitPrice": 45},
                     {"id": 12, "name": "Managed Server", "periodType": 2, "unitPrice": 150}],
        "ServiceBundles": [{"id": 21, "name": "Security Pack"}],
        "ServiceBundleServices": [{"id": 1, "serviceBundleID": 21, "serviceID": 11},
                                  {"id": 2, "serviceBundleID": 21, "serviceID": 12}],
        "ContractServices": [{"id": 201, "contractID": 101, "serviceID": 11, "unitPrice": 45, "unitCost": 20},
                             {"id": 202, "contractID": 101, "serviceID": 12, "unitPrice": 150, "unitCost": 60}],
        "ContractServiceBundles": [{"id": 301, "contractID": 101, "serviceBundleID": 21, "unitPrice": 30}],
        "ContractServiceUnits": [
            {"id": 400 + i, "contractID": 101, "contractServiceID": cs, "serviceID": sv,
             "startDate": f"2025-{m:02d}-01", "endDate": f"2025-{m:02d}-28", "units": u, "price": u * p}
            for i, (cs, sv, m, u, p) in enumerate(units)],
        "ContractBlocks": [{"id": 501, "contractID": 102, "startDate": "2025-01-01", "endDate": "2025-12-31",
                            "datePurchased": "2025-01-01", "hours": 20, "hourlyRate": 120, "isPaid": True,
                            "status": 1}],
        "ContractBlockHourFactors": [{"id": 511, "contractID": 102, "roleID": 31, "blockHourMultiplier": 1.5}],
        "ContractRetainers": [{"id": 521, "contractID": 105, "startDate": "2025-01-01", "endDate": "2025-12-31",
                               "amount": 5000, "amountApproved": 1200, "isPaid": True}],
        "ContractTicketPurchases": [{"id": 531, "contractID": 103, "startDate": "2025-01-01", "endDate": "2025-12-31",
                                     "ticketsPurchased": 10, "ticketsUsed": 4, "perTicketRate": 90}],
        "Roles": [{"id": 31, "name": "Engineer", "hourlyRate": 120},
                  {"id": 32, "name": "Senior Engineer", "hourlyRate": 160}],
        "ContractRates": [{"id": 541, "contractID": 104, "roleID": 31, "contractHourlyRate": 100}],
        "BillingCodes": [{"id": 41, "name": "Remote Support", "useType": 1},
                         {"id": 42, "name": "Onsite", "useType": 1}],
        "ContractExclusionRoles": [{"id": 551, "contractID": 101, "roleID": 32}],
        "ContractExclusionBillingCodes": [{"id": 561, "contractID": 101, "billingCodeID": 42}],
        "ContractExclusionSets": [{"id": 900, "name": "Standard exclusions", "isActive": True}],
        "ContractExclusionSetExcludedRoles": [{"id": 1, "contractExclusionSetID": 900, "excludedRoleID": 32}],
        "ContractExclusionSetExcludedWorkTypes": [{"id": 1, "contractExclusionSetID": 900, "excludedWorkTypeID": 41}],
        "Products": [{"id": 61, "name": "Per Device Backup", "billingType": 3}],
        "ContractBillingRules": [{"id": 571, "contractID": 101, "productID": 61, "isActive": True,
                                  "startDate": "2025-01-01", "minimumUnits": 5, "executionMethod": 2}],
        "ContractMilestones": [{"id": 581, "contractID": 106, "title": "Go-live", "amount": 2500,
                                "dateDue": "2023-06-30", "status": 1, "billingCodeID": 41}],
        "TimeEntries": [{"id": 701, "contractID": 102, "dateWorked": "2025-02-01", "hoursWorked": 3, "hoursToBill": 3,
                         "resourceID": 1, "roleID": 31},
                        {"id": 702, "contractID": 102, "dateWorked": "2024-12-01", "hoursWorked": 9, "hoursToBill": 9,
                         "resourceID": 1, "roleID": 31},
                        {"id": 703, "contractID": 101, "dateWorked": "2025-06-20", "hoursWorked": 1, "hoursToBill": 1,
                         "resourceID": 1, "roleID": 31}],
    }
    for name, rows in tables.items():
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
    (folder / "client.yaml").write_text("name: Acme IT Services\ntechnicians: 5\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    return write_export(tmp_path_factory.mktemp("explorer") / "acme")


@pytest.fixture(scope="module")
def result(export_dir):
    return run_audit(export_dir, as_of=AS_OF)


@pytest.fixture(scope="module")
def cmap(result):
    return with_sort_keys(result.contract_map)


def ids(df) -> list[int]:
    return sorted(df["contract_id"].astype(int).tolist())


# ---------------------------------------------------------------------------------------------------- filters

def test_no_filter_returns_every_contract(cmap):
    assert ids(filter_contracts(cmap)) == [101, 102, 103, 104, 105, 106]


@pytest.mark.parametrize("kwargs, expected", [
    ({"contract_type": "Block Hours"}, [102]),
    ({"verdict": "rethink"}, [101, 102]),
    ({"verdict": "retire"}, [106]),
    ({"status": "Inactive"}, [106]),
    ({"edge_case": "contract_expired_active"}, [102]),
    ({"edge_case": NO_EDGE}, [106]),
    ({"company": "acme"}, [101, 102, 104]),           # case-insensitive substring: the searchable company box
    ({"company": "  BETA "}, [103, 106]),
    ({"text": "t&m (hourly)"}, [104]),                # literal text, not a regex
    ({"verdict": "direct", "company": "gamma"}, [105]),
    ({"contract_type": "Per Ticket", "verdict": "direct"}, []),
])
def test_filters_narrow_the_contract_map(cmap, kwargs, expected):
    assert ids(filter_contracts(cmap, **kwargs)) == expected


def test_edge_case_filter_matches_whole_rule_ids_only(cmap):
    any_edge = filter_contracts(cmap, edge_case=ANY_EDGE)
    assert 106 not in ids(any_edge) and len(any_edge) == 5
    # "contract_exclusion" is a prefix of real rule ids but not a rule id itself
    assert filter_contracts(cmap, edge_case="contract_exclusion").empty


def test_sorts(cmap):
    by_edges = sort_contracts(cmap, "Edge cases (most first)")
    assert by_edges["n_edge_cases"].is_monotonic_decreasing
    assert int(by_edges["contract_id"].iloc[0]) == 101
    assert int(by_edges["contract_id"].iloc[-1]) == 106
    by_name = sort_contracts(cmap, "Contract name")["contract_name"].tolist()
    assert by_name == sorted(by_name, key=str.casefold)
    assert sort_contracts(cmap, "Verdict")["verdict"].iloc[0] == "manual"


def test_findings_filters(result):
    f = result.findings
    open_ = filter_findings(f)
    assert set(open_["status"]) <= {"FAIL", "REVIEW"} and len(open_) > 0
    assert open_["status"].iloc[0] == "FAIL"  # most severe first
    assert set(filter_findings(f, area="billing", status=ALL)["area"]) == {"billing"}
    assert set(filter_findings(f, severity="blocker")["severity"]) == {"blocker"}
    assert set(filter_findings(f, status="PASS")["status"]) == {"PASS"}
    assert filter_findings(f, muted=True).empty
    hit = filter_findings(f, text="BETA PER TICKET")
    assert len(hit) > 0 and hit["reason"].str.contains("Beta Per Ticket").all()


# ---------------------------------------------------------------------------------------------- contract detail

def test_detail_of_recurring_contract(result):
    d = contract_detail(result.export, 101, result.findings, result.contract_map, as_of=AS_OF)
    assert d.name == "Acme Managed Services"
    assert d.header["Company"] == "Acme <Dental> (1)" and d.header["Setup fee"] == "500"
    assert d.header["Exclusion set"] == "Standard exclusions (900)"
    assert d.target["verdict"] == "rethink" and "Agreement" in d.target["halo_target"]
    assert "contract_exclusion_chain" in d.target["edge_cases"]
    services = d.services.set_index("Service")
    assert services.loc["Managed Workstation (11)", "Units now"] == 26
    assert services.loc["Managed Server (12)", "Units min–max"] == "3–4"
    assert len(d.units) == 12 and set(d.units["service"]) == {"Managed Workstation (11)", "Managed Server (12)"}
    assert d.bundles["Contains"].iloc[0] == "Managed Workstation (11), Managed Server (12)"
    assert d.exclusion_roles["Role"].tolist() == ["Senior Engineer (32)"]
    assert d.exclusion_billing_codes["Work type"].tolist() == ["Onsite (42)"]
    assert d.exclusion_set["name"] == "Standard exclusions"
    assert d.exclusion_set_roles["Role"].tolist() == ["Senior Engineer (32)"]
    assert d.exclusion_set_work_types["Work type"].tolist() == ["Remote Support (41)"]
    assert d.exclusion_chain[["contract_id", "note"]].values.tolist() == [[104, ""], [101, "loops back"]]
    assert d.billing_rules["Product"].tolist() == ["Per Device Backup (61)"]
    assert d.billing_rules["Billing type"].tolist() == ["Per Device"]
    assert d.billing_rules["Execution"].tolist() == ["Automatic"]
    assert set(d.findings["status"]) <= {"FAIL", "REVIEW", "ERROR"}
    assert "contract_role_exclusions" in set(d.findings["rule_id"])
    assert d.findings["remediation"].notna().all() and d.passed > 0
    assert d.missing == []


def test_detail_prepaid_balances_and_rates(result):
    exp, f, cm = result.export, result.findings, result.contract_map
    block = contract_detail(exp, 102, f, cm, AS_OF)
    assert block.blocks["Hours bought"].iloc[0] == 20
    assert block.blocks["Balance"].iloc[0] == "not exported"  # hoursApproved is not in the export
    assert block.blocks["Hours logged (time entries)"].iloc[0] == 3  # the 2024 entry is outside the block
    assert block.block_factors["Multiplier"].tolist() == [1.5]
    retainer = contract_detail(exp, 105, f, cm, AS_OF)
    assert retainer.retainers["Balance"].iloc[0] == 3800 and retainer.retainers["Open"].iloc[0] == "open"
    tickets = contract_detail(exp, 103, f, cm, AS_OF)
    assert tickets.ticket_purchases["Balance"].iloc[0] == 6
    rates = contract_detail(exp, 104, f, cm, AS_OF).rates
    assert rates[["Role", "Contract rate", "Standard rate", "Difference"]].values.tolist() == [
        ["Engineer (31)", 100, 120, -20]]
    fixed = contract_detail(exp, 106, f, cm, AS_OF)
    assert fixed.milestones[["Title", "Amount"]].values.tolist() == [["Go-live", 2500]]
    assert fixed.milestones["Billing code"].tolist() == ["Remote Support (41)"]
    assert fixed.target["verdict"] == "retire"


def test_detail_of_a_bare_export_says_what_was_not_exported(tmp_path):
    folder = tmp_path / "bare"
    folder.mkdir()
    pd.DataFrame([{"id": 7, "contractName": "Lonely", "companyID": 1, "contractType": 1, "status": 1}]).to_csv(
        folder / "Contracts.csv", index=False)
    exp = load_export(folder)
    d = contract_detail(exp, 7)
    assert {"ContractServices", "ContractBlocks", "ContractRates", "ContractMilestones"} <= set(d.missing)
    assert d.services.empty and d.exclusion_chain.empty
    page = detail_html(d)
    assert "Not in the export:" in page and "ContractBillingRules" in page
    with pytest.raises(KeyError):
        contract_detail(exp, 999)


def _contracts_only(tmp_path, rows: list[tuple]) -> Path:
    """An export folder holding only Contracts.csv: one (id, name, status, exclusion contract id) per row."""
    folder = tmp_path / "chain"
    folder.mkdir()
    pd.DataFrame([{"id": i, "contractName": name, "companyID": 1, "contractType": 1, "status": status,
                   "exclusionContractID": nxt} for i, name, status, nxt in rows]
                 ).astype({"exclusionContractID": "Int64"}).to_csv(folder / "Contracts.csv", index=False)
    return folder


def test_exclusion_chain_stops_at_a_contract_not_in_the_export(tmp_path):
    folder = _contracts_only(tmp_path, [(1, "A", 1, 2), (2, "B", 1, 3)])
    chain = exclusion_chain(load_export(folder), 1)
    assert chain[["contract_id", "note"]].values.tolist() == [[2, ""], [3, "not in the export"]]
    assert exclusion_chain(load_export(folder), 2)["note"].tolist() == ["not in the export"]


def test_names_and_exclusion_chain_match_their_plain_definitions(tmp_path):
    folder = _contracts_only(tmp_path, [(1, "A", 1, 2), (2, "B", 0, 3), (3, "C", 7, 2), (4, "D", 1, None)])
    exp = load_export(folder)
    ix = as_facts(exp)
    names = ix.names("Contracts", "contractName")
    assert ix.names("Contracts", "contractName") is names  # converted once, then reused
    assert names.tolist() == ix.id_column("Contracts", "contractName").astype("string").tolist()
    chain = exclusion_chain(ix, 1)
    assert chain[["contract_id", "note"]].values.tolist() == [[2, ""], [3, ""], [2, "loops back"]]
    # each contract shown with its own name and status label (7 has no label: the code itself)
    c = exp.tables["Contracts"].set_index("id")
    assert chain["contract_name"].tolist() == [c.loc[i, "contractName"] for i in chain["contract_id"]]
    labels = exp.labels("Contracts", "status")
    assert chain["status"].tolist() == [labels.get(int(c.loc[i, "status"]), f"code {c.loc[i, 'status']}")
                                        for i in chain["contract_id"]]
    assert "code 7" in chain["status"].tolist()  # a code with no label says it is a code
    assert exclusion_chain(ix, 4).empty


def test_everything_from_the_export_is_escaped(result):
    d = contract_detail(result.export, 106, result.findings, result.contract_map, AS_OF)
    page = detail_html(d)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    table = contracts_table_html(with_sort_keys(result.contract_map))
    assert "<script>" not in table and "Acme &lt;Dental&gt;" in table and "<Dental>" not in table
    ftable = findings_table_html(filter_findings(result.findings, status=ALL))
    assert "<Dental>" not in ftable and "<script>" not in ftable
    assert "&lt;b&gt;" in html_table(pd.DataFrame({"<b>": ["x"]}))


HOSTILE = "<img src=x onerror=alert(1)> \"&'"


class _Markup(HTMLParser):
    """Tags, attributes and text of an HTML fragment, as a browser would see them (entities decoded)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_a_hostile_contract_name_is_escaped_in_every_html_the_explorer_renders(tmp_path):
    folder = write_export(tmp_path / "hostile")
    contracts = pd.read_csv(folder / "Contracts.csv")
    contracts.loc[contracts["id"].eq(101), "contractName"] = HOSTILE  # has units (chart) and is in 104's chain
    contracts.to_csv(folder / "Contracts.csv", index=False)
    (folder / "ServiceBundles.csv").write_text('id,name\n21,"Pack $^$ and ' + HOSTILE.replace('"', '""') + '"\n')
    services = pd.read_csv(folder / "Services.csv")
    services.loc[services["id"].eq(11), "name"] = "Backup $^$ " + HOSTILE  # a `$` must not break the chart
    services.to_csv(folder / "Services.csv", index=False)
    (folder / "client.yaml").write_text(yaml.safe_dump({"name": HOSTILE + " IT", "technicians": 5}))
    res = run_audit(folder, as_of=AS_OF)
    ui = ExplorerUI(res, out_dir=tmp_path / "out")
    c, f = ui.contracts_panel, ui.findings_panel
    assert c.selected == 101
    d = contract_detail(res.export, 101, res.findings, res.contract_map, AS_OF)
    pages = {
        "head": ui.widget.children[0].value,
        "contracts table": c.table.value,
        "contracts table (function)": contracts_table_html(with_sort_keys(res.contract_map)),
        "detail": c.detail_html.value,
        "detail (function)": detail_html(d),
        "detail of 104 (its chain names 101)": detail_html(contract_detail(res.export, 104, res.findings,
                                                                           res.contract_map, AS_OF)),
        "chart": c.chart.value,
        "chart (function)": units_chart_html(d.units, d.name),
        "findings table": f.table.value,
        "findings table (function)": findings_table_html(filter_findings(res.findings, status=ALL), max_rows=None,
                                                         remediation=True),
    }
    for where, page in pages.items():
        assert "<img src=x" not in page and "\"&'" not in page, f"{where}: not escaped"
        seen = _Markup(page)
        shown = "".join(seen.text) + "".join(v or "" for _, attrs in seen.tags for v in attrs.values())
        assert HOSTILE in shown, f"{where}: the name is not shown as text"
        assert not [a for _, a in seen.tags if "onerror" in a], f"{where}: markup from the export became a tag"
        assert all(t != "img" or a["src"].startswith("data:image/png;base64,") for t, a in seen.tags), where
    # the chart is the only image; its alt text and caption carry the name as text
    chart = _Markup(pages["chart"])
    (img,) = [a for t, a in chart.tags if t == "img"]
    assert HOSTILE in img["alt"] and HOSTILE in "".join(chart.text)
    assert HOSTILE in "".join(_Markup(pages["head"]).text)


def test_open_ended_dates_and_numbers_display_plainly(result):
    d = contract_detail(result.export, 104, result.findings, result.contract_map, AS_OF)
    assert d.header["End"] == "open-ended"
    assert "1,250.5" in html_table(pd.DataFrame({"n": pd.array([1250.5], dtype="Float64")}))


def _last_cells(table: str) -> list[str]:
    """The last cell of every body row of the first HTML table in `table`."""
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row)[-1] for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_muted_column_shows_the_reason_of_muted_findings_only(result):
    f = result.findings.copy()
    assert "<th>Muted</th>" not in findings_table_html(f)
    f["muted"] = [i % 2 == 0 for i in range(len(f))]
    f["mute_reason"] = "why <" + f["finding_id"].astype("string") + ">"  # on unmuted rows too: must not show

    def expected(rows):  # the plain definition: the reason on muted rows, nothing on the rest
        return [html.escape(r) if m else "" for m, r in zip(rows["muted"], rows["mute_reason"])]

    table = findings_table_html(f, max_rows=None)
    assert "<th>Muted</th>" in table and _last_cells(table) == expected(f)
    d = contract_detail(result.export, 101, f, result.contract_map, AS_OF)
    assert d.findings["muted"].nunique() == 2  # both kinds on the contract
    section = detail_html(d).split("<h4>Findings (", 1)[1]
    assert "<th>Muted</th>" in section.split("</table>", 1)[0] and _last_cells(section) == expected(d.findings)


def test_ids_keep_their_digits_and_the_audits_facts_give_the_same_detail(result):
    table = contracts_table_html(with_sort_keys(result.contract_map))
    assert "<td>101</td>" in table
    ix = result.facts
    for cid in (101, 102, 106):
        plain = contract_detail(result.export, cid, result.findings, result.contract_map, AS_OF)
        fast = contract_detail(ix, cid, result.findings, result.contract_map, AS_OF)
        assert detail_html(plain) == detail_html(fast)
    assert ix.record_contract()["ContractService:201"] == 101


def test_each_finding_is_placed_on_its_contract_once_per_findings_frame():
    res = run_audit(SAMPLE_DIR / "acme-it")
    ix, f = res.facts, res.findings
    placed = ix.finding_contracts(f)
    assert ix.finding_contracts(f) is placed  # opening another contract reuses it
    etype, eid = f["entity_type"].astype("string"), f["entity_id"].astype("string")
    on_child = placed[etype.ne("Contract").to_numpy()]
    assert (on_child > 0).any()  # a finding on a contract service belongs to that service's contract
    for cid in {int(on_child[on_child > 0][0]), *res.contract_map["contract_id"].head(3).astype(int)}:
        # the plain definition: the contract itself, or a child record it owns
        own = (etype.eq("Contract") & eid.eq(str(cid))) | (etype + ":" + eid).map(ix.record_contract()).eq(cid)
        assert (placed == cid).tolist() == own.fillna(False).tolist()


@pytest.mark.slow
def test_every_contract_of_the_bundled_sample_opens():
    folder = SAMPLE_DIR / "acme-it"
    if not folder.is_dir():
        pytest.skip(f"bundled sample {folder} is not generated")
    res = run_audit(folder)
    ix = res.facts
    pages = [detail_html(contract_detail(ix, cid, res.findings, res.contract_map, res.as_of))
             for cid in res.contract_map["contract_id"].astype(int)]
    assert len(pages) == len(res.contract_map) > 0
    assert all('<div class="rx-title">' in p for p in pages)


def test_units_chart_is_a_png(result):
    d = contract_detail(result.export, 101, result.findings, result.contract_map, AS_OF)
    png = units_chart_png(d.units)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    assert units_chart_png(d.units.iloc[:0]) is None


# ---------------------------------------------------------------------------------------------- decision log

def test_decisions_round_trip_and_newest_wins(tmp_path):
    client_dir = tmp_path / SLUG
    assert load_decisions(client_dir).columns.tolist() == DECISION_COLUMNS
    save_decision(client_dir, 101, "Acme Managed Services", "keep", note="fine", decided_at="2025-07-01 09:00")
    save_decision(client_dir, 102, "Acme Block 20h", "retire", decided_at="2025-07-01 09:05")
    now = save_decision(client_dir, 101, "Acme Managed Services", "Rebuild", rebuild_as="Pre-pay hours",
                        note="=HYPERLINK(\"http://x\")", decided_at="2025-07-02 10:00")
    assert now["contract_id"].tolist() == [101, 102]
    assert now.set_index("contract_id").loc[101, "decision"] == "rebuild"
    assert now.set_index("contract_id").loc[101, "rebuild_as"] == "Pre-pay hours"
    raw = (client_dir / "decisions.csv").read_text()
    assert raw.splitlines()[0] == ",".join(DECISION_COLUMNS)
    assert "'=HYPERLINK" in raw  # formula-safe
    assert len(load_decisions(client_dir, latest=False)) == 3  # the file is a log
    # the same log through the three ways the report may point at it
    for args in ((client_dir,), (client_dir / "decisions.csv",), (tmp_path, "Acme IT Services")):
        got = load_decisions(*args)
        assert got["decision"].tolist() == ["rebuild", "retire"]
        assert str(got["contract_id"].dtype) == "Int64"
        assert pd.api.types.is_datetime64_any_dtype(got["decided_at"])


@pytest.mark.parametrize("decision, rebuild_as", [("maybe", ""), ("rebuild", "  "), ("", "")])
def test_invalid_decisions_are_refused(tmp_path, decision, rebuild_as):
    with pytest.raises(ValueError):
        save_decision(tmp_path, 1, "x", decision, rebuild_as=rebuild_as)
    assert not (tmp_path / "decisions.csv").exists()


# ---------------------------------------------------------------------------------------------------- muting

def finding(rule="workflow_rule_stale", etype="WorkflowRule", eid="Escalate [P1]*", status="REVIEW"):
    return {"rule_id": rule, "entity_type": etype, "entity_id": eid, "status": status}


def test_mute_entry_matches_only_its_own_finding():
    entry = mute_entry(finding(), "retired in the kick-off workshop")
    assert entry["entity"] == "WorkflowRule:Escalate [[]P1][*]"
    supp_findings = pd.DataFrame([
        {**finding(), "finding_id": "a"},
        {**finding(eid="Escalate P1 and more"), "finding_id": "b"},
        {**finding(eid="Escalate [P1]* copy"), "finding_id": "c"},
    ]).astype({"entity_id": "string"})
    from readiness.suppress import parse_suppressions

    out, _ = apply_suppressions(supp_findings, parse_suppressions({"version": 1, "mutes": [entry]}))
    assert out["muted"].tolist() == [True, False, False]


@pytest.mark.parametrize("kwargs, reason", [
    ({}, "   "), ({"status": "ERROR"}, "crashed"), ({"status": "PASS"}, "fine"),
])
def test_mute_needs_a_reason_and_an_open_finding(tmp_path, kwargs, reason):
    with pytest.raises(ValueError):
        mute_finding(tmp_path / "s.yaml", finding(**kwargs), reason)
    assert not (tmp_path / "s.yaml").exists()


def test_mute_file_is_created_appended_and_updated(tmp_path):
    path = suppressions_path(tmp_path, "Acme IT Services")
    assert path == tmp_path / SLUG / "suppressions.yaml"
    mute_finding(path, finding(), "retired", client=SLUG)
    supp = load_suppressions(path)
    assert supp.client == SLUG and [(m.rule, m.reason) for m in supp.mutes] == [("workflow_rule_stale", "retired")]

    # a hand-edited file keeps its comments when an entry is appended
    path.write_text("# agreed with Jo, 2025-05-02\n" + path.read_text(encoding="utf-8") + "  # keep\n")
    mute_finding(path, finding("contract_setup_fee", "Contract", "101"), "billed by hand", expires="2026-01-31")
    text = path.read_text(encoding="utf-8")
    assert "# agreed with Jo" in text and "# keep" in text
    supp = load_suppressions(path)
    assert [m.entity for m in supp.mutes] == ["WorkflowRule:Escalate [[]P1][*]", "Contract:101"]
    assert supp.mutes[1].expires == pd.Timestamp("2026-01-31")

    # muting the same finding again updates its entry instead of adding a second
    mute_finding(path, finding("contract_setup_fee", "Contract", "101"), "billed by hand until March")
    supp = load_suppressions(path)
    assert len(supp.mutes) == 2 and supp.mutes[1].reason == "billed by hand until March"
    assert supp.mutes[1].expires is None


def test_mute_appends_to_the_documented_example_file_without_touching_it(tmp_path):
    example = SAMPLE_DIR.parent / "suppressions.example.yaml"
    if not example.is_file():
        pytest.skip("data/suppressions.example.yaml is not there")
    path = tmp_path / "suppressions.yaml"
    path.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    before = len(load_suppressions(path).mutes)
    mute_finding(path, finding("contract_expired_active", "Contract", "7", "FAIL"), "renewal signed")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(example.read_text(encoding="utf-8").rstrip("\n"))  # comments and entries kept
    assert len(load_suppressions(path).mutes) == before + 1


def test_mute_refuses_a_broken_file_and_leaves_it_alone(tmp_path):
    path = tmp_path / "suppressions.yaml"
    path.write_text("version: 7\nmutes: []\n")
    with pytest.raises(SuppressionError):
        mute_finding(path, finding(), "x")
    assert path.read_text() == "version: 7\nmutes: []\n"


def test_the_next_audit_run_mutes_what_was_muted(export_dir, result, tmp_path):
    target = result.findings[result.findings["finding_id"].eq("contract_expired_active:Contract:102")].iloc[0]
    path = mute_finding(tmp_path / "suppressions.yaml", target, "renewal signed, Autotask not yet updated")
    again = run_audit(export_dir, as_of=AS_OF, suppress=path)
    muted = again.findings[again.findings["muted"]]
    assert muted["finding_id"].tolist() == ["contract_expired_active:Contract:102"]
    row = again.contract_map.set_index("contract_id").loc[102]
    assert "contract_expired_active" not in row["edge_cases"]


# ------------------------------------------------------------------------------------------------- widgets

@pytest.fixture
def ui(result, tmp_path):
    return ExplorerUI(result, out_dir=tmp_path)


def test_changing_a_filter_updates_count_table_and_selector(ui):
    c = ui.contracts_panel
    assert c.count.value.startswith("<b>6</b> of 6")
    assert c.selected == 101  # most edge cases first
    c.verdict.value = "retire"
    assert c.count.value.startswith("<b>1</b> of 6")
    assert ids(c.matching) == [106] and c.pick.options == (
        ("Old Fixed Price <script>alert(1)</script><img src=x onerror=alert(2)> — Beta Logistics (106)", 106),)
    assert c.selected == 106 and c.detail.contract_id == 106
    assert "&lt;script&gt;" in c.table.value and "<script>" not in c.table.value
    c.verdict.value = ALL
    c.company.value = "acm"
    assert ids(c.matching) == [101, 102, 104]
    assert c.selected == 101  # the old selection no longer matches: the first match is shown
    c.text.value = "block"
    assert ids(c.matching) == [102] and c.selected == 102
    c.text.value = "no such contract"
    assert c.matching.empty and c.selected is None and c.pick.options == ()
    assert c.count.value.startswith("<b>0</b>")


def test_selection_survives_a_filter_that_keeps_it_and_sort_reorders(ui):
    c = ui.contracts_panel
    c.pick.value = 104
    assert c.detail.contract_id == 104
    c.status.value = "Active"
    assert c.selected == 104
    c.sort.value = "Contract id"
    assert c.matching["contract_id"].astype(int).tolist() == [101, 102, 103, 104, 105]
    c.sort.value = "Company"
    assert c.matching["company_name"].iloc[-1] == "Gamma Law"


def test_saving_a_decision_from_the_form(ui, result, tmp_path):
    c = ui.contracts_panel
    c.pick.value = 102
    c.choice.value = "rebuild"
    assert not c.rebuild_as.disabled
    c.rebuild_as.value = ""
    assert c.save_decision() is False and "rebuilt as" in c.message.value
    c.rebuild_as.value = "Pre-pay hours agreement"
    c.note.value = "Agreed with the billing admin"
    assert c.save_decision() is True
    log = load_decisions(tmp_path / SLUG)
    assert log[["contract_id", "decision", "rebuild_as"]].values.tolist() == [[102, "rebuild",
                                                                               "Pre-pay hours agreement"]]
    assert "Rebuild as Pre-pay hours agreement" in c.table.value
    # a fresh explorer on the same output folder shows the logged decision
    again = ExplorerUI(result, out_dir=tmp_path).contracts_panel
    again.pick.value = 102
    assert (again.choice.value, again.rebuild_as.value, again.note.value) == (
        "rebuild", "Pre-pay hours agreement", "Agreed with the billing admin")
    again.pick.value = 101
    assert again.choice.value == ""


def test_muting_from_the_findings_tab(ui, tmp_path):
    f, c = ui.findings_panel, ui.contracts_panel
    before = len(f.matching)
    f.area.value = "contracts"
    assert set(f.matching["area"]) == {"contracts"} and len(f.matching) < before
    f.pick.value = "contract_expired_active:Contract:102"
    f.reason.value = ""
    assert f.mute_selected() is False and "reason is required" in f.message.value
    assert not (tmp_path / SLUG / "suppressions.yaml").exists()
    f.reason.value = "renewal signed"
    assert f.mute_selected() is True
    supp = load_suppressions(tmp_path / SLUG / "suppressions.yaml")
    assert supp.client == SLUG and supp.mutes[0].entity == "Contract:102"
    muted = ui.findings[ui.findings["muted"]]
    assert muted["finding_id"].tolist() == ["contract_expired_active:Contract:102"]
    assert "contract_expired_active:Contract:102" not in [v for _, v in f.pick.options]
    # the contract map drops the muted edge case, as the next audit run would
    c.edge.value = "contract_expired_active"
    assert c.matching.empty
    f.muted.value = True
    assert f.matching["finding_id"].tolist() == ["contract_expired_active:Contract:102"]
    assert "renewal signed" in f.table.value


def test_explorer_applies_the_clients_suppressions_file(export_dir, tmp_path):
    path = tmp_path / SLUG / "suppressions.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({"version": 1, "mutes": [
        {"rule": "contract_type_mapping", "entity": "Contract:103", "reason": "redesign agreed"}]}))
    ui = ExplorerUI.from_export(export_dir, as_of=AS_OF, out_dir=tmp_path)
    assert ui.findings.loc[ui.findings["muted"], "finding_id"].tolist() == ["contract_type_mapping:Contract:103"]
    path.write_text("version: 1\nmutes:\n  - rule: x\n")  # no reason: unusable
    broken = ExplorerUI.from_export(export_dir, as_of=AS_OF, out_dir=tmp_path)
    assert not broken.findings["muted"].any()
    assert "Suppressions not applied" in broken.widget.children[0].value


def test_read_only_explorer_writes_nothing(result, tmp_path):
    ui = ExplorerUI(result, out_dir=None)
    assert ui.contracts_panel.save.disabled and ui.findings_panel.mute.disabled
    ui.contracts_panel.choice.value = "keep"
    assert ui.contracts_panel.save_decision() is False
    ui.findings_panel.reason.value = "x"
    assert ui.findings_panel.mute_selected() is False
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------------ notebook

def test_notebook_is_stored_clean_with_typed_parameters():
    nb = json.loads(EXPLORER_NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    src = "".join(params[0]["source"])
    for name in ("export_dir: str", "as_of: str", "out_dir: str"):
        assert name in src
    assert all("#" in line for line in src.splitlines() if line.strip())
    assert sum(len("".join(c["source"]).splitlines()) for c in code if c is not params[0]) <= 5


@pytest.mark.slow
def test_notebook_runs_headless_with_papermill(export_dir, tmp_path):
    import papermill as pm

    out = tmp_path / "explorer.ipynb"
    pm.execute_notebook(str(EXPLORER_NOTEBOOK), str(out), kernel_name="python3", cwd=str(EXPLORER_NOTEBOOK.parent),
                        parameters=dict(export_dir=str(export_dir), as_of=AS_OF, out_dir=str(tmp_path / "out")),
                        progress_bar=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    texts = [m["state"].get("value", "") for m in state.values() if m["model_name"] == "HTMLModel"]
    assert any(str(t).startswith("<b>6</b> of 6 contracts") for t in texts)
    assert not (tmp_path / "out").exists()  # exploring writes nothing until a decision or mute is saved


def test_contract_fields_show_the_tenants_labels_and_say_code_only_without_one(tmp_path):
    """Billing preference labelled by the tenant's fields/Contracts.json reads as its label; a category the
    tenant's file does not label (and Autotask publishes no default for) reads "code 19", never a bare 19."""
    import json

    folder = write_export(tmp_path / "export")
    contracts = pd.read_csv(folder / "Contracts.csv")
    contracts["billingPreference"] = 2
    contracts["contractCategory"] = 19
    contracts.to_csv(folder / "Contracts.csv", index=False)
    (folder / "fields").mkdir(exist_ok=True)
    (folder / "fields" / "Contracts.json").write_text(json.dumps({"fields": [
        {"name": "billingPreference", "dataType": "integer", "isPickList": True,
         "picklistValues": [{"value": "1", "label": "Manually", "isActive": True},
                            {"value": "2", "label": "On timesheet approval", "isActive": True}]},
        {"name": "contractCategory", "dataType": "integer", "isPickList": True, "picklistValues": []}]}))
    d = contract_detail(load_export(folder), 101)
    assert d.header["Billing preference"] == "On timesheet approval"
    assert d.header["Category"] == "code 19"
