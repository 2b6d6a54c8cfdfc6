"""Contract map: one row per contract, HaloPSA target and verdict, and the edge-case rules that hit it."""

from types import SimpleNamespace as NS

import pandas as pd

from readiness.contract_map import COLUMNS, build_contract_map, edge_cases, verdict_counts
from readiness.loader import Export

RULES = {
    "contract_role_exclusions": NS(edge_case=True),
    "contract_setup_fee": NS(edge_case=True),
    "contract_block_hour_factors": NS(edge_case=True),
    "contract_type_mapping": NS(edge_case=False),
}


def make_export(with_companies=True):
    contracts = pd.DataFrame({
        "id": pd.array([1, 2, 3, 4, 5, 6, 7], dtype="Int64"),
        "contractName": pd.array(["T&M", "Managed", "Blocks", "Retainer", "Project", "Tickets", "Old"],
                                 dtype="string"),
        "companyID": pd.array([10, 10, 11, 11, 12, 12, 99], dtype="Int64"),
        "contractType": pd.array([1, 7, 4, 6, 3, 8, 7], dtype="Int64"),
        "status": pd.array([1, 1, 1, 1, 1, 1, 0], dtype="Int64"),
    })
    tables = {"Contracts": contracts}
    if with_companies:
        tables["Companies"] = pd.DataFrame({"id": pd.array([10, 11, 12], dtype="Int64"),
                                            "companyName": pd.array(["Acme", "Globex", "Initech"], dtype="string")})
    return Export(tables=tables)


def findings(rows):
    """rows: (rule_id, status, entity_type, entity_id, muted)."""
    df = pd.DataFrame(rows, columns=["rule_id", "status", "entity_type", "entity_id", "muted"])
    df["entity_id"] = df["entity_id"].astype("string")
    return df


def test_every_contract_with_target_and_verdict():
    cm = build_contract_map(make_export(), findings([]), RULES)
    assert list(cm.columns) == COLUMNS
    assert len(cm) == 7
    got = dict(zip(cm["contract_id"].tolist(), cm["verdict"].tolist()))
    assert got == {1: "direct", 2: "rethink", 3: "rethink", 4: "direct", 5: "rethink", 6: "manual", 7: "retire"}
    row = cm.set_index("contract_id").loc[3]
    assert row["contract_type"] == "Block Hours" and row["halo_target"] == "Pre-pay hours"
    assert row["company_name"] == "Globex" and row["status"] == "Active"
    old = cm.set_index("contract_id").loc[7]
    assert old["status"] == "Inactive" and pd.isna(old["company_name"])  # company 99 not in the export
    assert cm["edge_cases"].eq("").all()


def test_edge_cases_unmuted_fail_or_review_of_edge_rules_only():
    f = findings([
        ("contract_setup_fee", "REVIEW", "Contract", "2", False),
        ("contract_role_exclusions", "FAIL", "Contract", "2", False),
        ("contract_role_exclusions", "FAIL", "Contract", "2", False),      # duplicate hit listed once
        ("contract_block_hour_factors", "FAIL", "Contract", "3", True),     # muted: not listed
        ("contract_setup_fee", "PASS", "Contract", "4", False),             # PASS: not listed
        ("contract_type_mapping", "REVIEW", "Contract", "5", False),        # not an edge-case rule
        ("contract_setup_fee", "REVIEW", "Company", "1", False),            # not a contract
    ])
    cm = build_contract_map(make_export(), f, RULES).set_index("contract_id")
    assert cm.loc[2, "edge_cases"] == "contract_role_exclusions|contract_setup_fee"
    assert cm.loc[3, "edge_cases"] == "" and cm.loc[4, "edge_cases"] == "" and cm.loc[5, "edge_cases"] == ""
    assert cm.loc[1, "edge_cases"] == ""


def test_edge_cases_series_empty_without_hits():
    assert edge_cases(findings([]), RULES).empty


def test_missing_contracts_gives_empty_map_with_columns():
    cm = build_contract_map(Export(tables={}), findings([]), RULES)
    assert list(cm.columns) == COLUMNS and cm.empty


def test_missing_companies_leaves_names_blank():
    cm = build_contract_map(make_export(with_companies=False), findings([]), RULES)
    assert cm["company_name"].isna().all() and len(cm) == 7


def test_injected_halo_stand_in_is_used():
    class Halo:
        @staticmethod
        def contract_targets(contracts):
            return pd.DataFrame({"contract_id": contracts["id"], "contract_type_label": "X",
                                 "halo_target": "Somewhere", "verdict": "manual"})

    cm = build_contract_map(make_export(), findings([]), RULES, halo=Halo)
    assert cm["verdict"].eq("manual").all() and cm["halo_target"].eq("Somewhere").all()


def test_verdict_counts_active_only():
    cm = build_contract_map(make_export(), findings([]), RULES)
    assert verdict_counts(cm) == {"direct": 2, "rethink": 3, "manual": 1, "retire": 0}
    assert verdict_counts(cm, active_only=False)["retire"] == 1
