"""The rule engine: metadata validation, coverage, ERROR findings, deterministic ids, parameters."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from readiness.rules import (AREAS, COVERAGE_COLUMNS, ENTITY_TYPES, RUN_COLUMNS, RULES, SEVERITIES, CannotJudge,
                             Rule, RuleDefinitionError, resolve_params, rule, run_rules)
from rules_fixtures import AS_OF, companies, contract, export, statuses

GOOD = dict(id="demo_rule", area="billing", severity="low", title="Demo condition holds",
            impact="Something breaks in HaloPSA.", remediation="Rebuild it in HaloPSA.", entity_type="Contract",
            requires=("Contracts",), params={"stale_days": 180},
            sources=("https://haloitsm.com/guides/article/?kbid=1957",))


def demo_rule(ctx):
    return pd.DataFrame({"entity_id": ["1"], "status": ["PASS"], "reason": ["ok"]})


def small_export():
    return export(Companies=companies((1, "Acme"), (2, "Beta")),
                  Contracts=[contract(1, type=8), contract(2, type=1, company=2)])


# -- metadata ---------------------------------------------------------------------------------------------

def test_catalogue_metadata_is_valid_and_complete():
    assert len(RULES) >= 31
    for rid, r in RULES.items():
        assert rid == r.id == r.func.__name__
        assert r.area in AREAS and r.severity in SEVERITIES and r.entity_type in ENTITY_TYPES
        assert len(r.title) <= 150 and not r.title.lower().startswith("ensure")
        assert r.impact and r.remediation and len(r.impact) <= 400 and len(r.remediation) <= 400
        assert r.func.__doc__, f"{rid} has no docstring"
    assert {r.area for r in RULES.values()} == set(AREAS)


def test_issue_catalogue_ids_present():
    issue_ids = """contract_type_mapping contract_block_hour_factors contract_open_prepaid_balance
    contract_rate_overrides contract_role_exclusions contract_worktype_exclusions contract_exclusion_chain
    contract_setup_fee contract_milestones contract_billing_rule_units contract_expired_active
    contract_multiple_active contract_no_activity service_inactive_in_use service_retired
    service_bundle_inactive_member workflow_rule_inactive workflow_rule_stale workflow_rule_duplicate
    workflow_rule_rebuild notification_template_unused notification_template_rebuild company_duplicate_name
    contact_missing_email contact_duplicate_email configuration_item_missing_serial orphan_reference
    ticket_open_unassigned ticket_open_inactive_resource integration_rebuild security_level_mapping""".split()
    assert set(issue_ids) <= set(RULES)
    edge = {"contract_block_hour_factors", "contract_open_prepaid_balance", "contract_rate_overrides",
            "contract_role_exclusions", "contract_worktype_exclusions", "contract_exclusion_chain",
            "contract_setup_fee", "contract_milestones", "contract_billing_rule_units", "contract_expired_active",
            "contract_no_activity"}
    assert edge <= {rid for rid, r in RULES.items() if r.edge_case}
    assert RULES["contract_multiple_active"].entity_type == "Company"
    assert RULES["integration_rebuild"].entity_type == "Integration"
    assert RULES["security_level_mapping"].entity_type == "SecurityLevel"


def test_every_rule_has_a_flagged_and_a_clean_unit_test():
    source = "\n".join(p.read_text() for p in Path(__file__).parent.glob("test_rules_*.py"))
    for rid in RULES:
        assert re.search(rf"def test_{rid}_flag", source), f"no flagged-case test for {rid}"
        assert re.search(rf"def test_{rid}_clean", source), f"no clean-case test for {rid}"


@pytest.mark.parametrize("change, message", [
    ({"id": "Demo-Rule"}, "snake_case"),
    ({"area": "finance"}, "area"),
    ({"severity": "critical"}, "severity"),
    ({"title": "Ensure contracts are mapped"}, "Ensure"),
    ({"title": "x" * 151}, "max 150"),
    ({"title": " "}, "title is empty"),
    ({"impact": ""}, "impact is empty"),
    ({"remediation": "y" * 401}, "max 400"),
    ({"entity_type": "Widget"}, "entity_type"),
    ({"requires": ("Contracts", "Agreements")}, "unknown entities"),
    ({"params": {"stale_days": None}}, "no default"),
    ({"edge_case": True, "entity_type": "Company"}, "edge_case"),
    ({"weight": 0}, "weight"),
    ({"sources": ()}, "declares no sources"),
    ({"sources": ("http://example.com/",)}, "must start with https://"),
    ({"sources": ("https://halopsa.com/guides/article?kbid=929 " + "x" * 300,)}, "max 300"),
    ({"sources": "https://halopsa.com/guides/article?kbid=929"}, "sources must be a tuple"),
])
def test_bad_metadata_is_rejected_at_declaration(change, message):
    with pytest.raises(RuleDefinitionError, match=re.escape(message)):
        rule(**{**GOOD, **change}, registry={})(demo_rule)


def test_function_name_must_equal_rule_id():
    with pytest.raises(RuleDefinitionError, match="must equal the rule id"):
        rule(**{**GOOD, "id": "other_rule"}, registry={})(demo_rule)


def test_duplicate_rule_id_is_rejected():
    reg = {}
    rule(**GOOD, registry=reg)(demo_rule)
    with pytest.raises(RuleDefinitionError, match="already registered"):
        rule(**GOOD, registry=reg)(demo_rule)


def test_rule_dataclass_validates_directly():
    with pytest.raises(RuleDefinitionError, match="severity"):
        Rule(**{**GOOD, "severity": "urgent"}, func=demo_rule)


# -- running ----------------------------------------------------------------------------------------------

def test_findings_and_coverage_have_contract_columns():
    out = run_rules(small_export(), as_of=AS_OF)
    assert list(out.findings.columns) == RUN_COLUMNS
    assert list(out.coverage.columns) == COVERAGE_COLUMNS
    assert list(out.coverage["rule_id"]) == list(RULES)
    assert out.findings["company_id"].dtype == "Int64"
    assert set(out.findings["status"]) <= {"FAIL", "REVIEW", "PASS"}
    assert out.as_of == AS_OF


def test_missing_tables_are_not_judged_and_do_not_crash():
    out = run_rules(export(), as_of=AS_OF)
    assert len(out.findings) == 0 and list(out.findings.columns) == RUN_COLUMNS
    cov = out.coverage.set_index("rule_id")
    assert not cov["judged"].any()
    assert cov.loc["contract_type_mapping", "note"] == "missing Contracts.csv"
    assert "missing" in cov.loc["service_inactive_in_use", "note"]


def test_missing_optional_column_is_not_judged():
    out = run_rules(small_export(), as_of=AS_OF, only=["contract_setup_fee"])
    assert len(out.findings) == 0
    assert not out.coverage["judged"].iloc[0]
    assert "setupFee" in out.coverage["note"].iloc[0]


def test_rule_that_raises_becomes_error_finding_and_others_still_run():
    reg = {}

    @rule(**{**GOOD, "id": "exploding_rule"}, registry=reg)
    def exploding_rule(ctx):
        """Always fails."""
        raise ZeroDivisionError("boom at row 3")

    rules = {"exploding_rule": reg["exploding_rule"], "contract_type_mapping": RULES["contract_type_mapping"]}
    out = run_rules(small_export(), as_of=AS_OF, rules=rules)
    err = out.findings[out.findings["status"] == "ERROR"]
    assert len(err) == 1
    row = err.iloc[0]
    assert row["finding_id"] == "exploding_rule:Contract:-"
    assert row["reason"] == "ZeroDivisionError: boom at row 3"
    assert row["remediation"] == "Rebuild it in HaloPSA."
    assert (out.findings["rule_id"] == "contract_type_mapping").sum() == 2
    cov = out.coverage.set_index("rule_id")
    assert not cov.loc["exploding_rule", "judged"] and "boom" in cov.loc["exploding_rule", "note"]
    assert cov.loc["contract_type_mapping", "judged"]


def test_malformed_rule_output_is_an_error():
    reg = {}

    @rule(**{**GOOD, "id": "bad_status_rule"}, registry=reg)
    def bad_status_rule(ctx):
        """Returns a status outside the closed set."""
        return pd.DataFrame({"entity_id": ["1"], "status": ["OK"], "reason": ["fine"]})

    out = run_rules(small_export(), as_of=AS_OF, rules=reg)
    assert list(out.findings["status"]) == ["ERROR"]
    assert "status" in out.findings["reason"].iloc[0]


def test_cannot_judge_is_coverage_not_error():
    reg = {}

    @rule(**{**GOOD, "id": "shy_rule"}, registry=reg)
    def shy_rule(ctx):
        """Cannot tell."""
        raise CannotJudge("Contracts.csv has no magic column")

    out = run_rules(small_export(), as_of=AS_OF, rules=reg)
    assert len(out.findings) == 0
    assert out.coverage["note"].iloc[0] == "Contracts.csv has no magic column"


def test_finding_ids_are_deterministic_and_company_names_filled():
    a = run_rules(small_export(), as_of=AS_OF).findings
    b = run_rules(small_export(), as_of=AS_OF).findings
    pd.testing.assert_frame_equal(a, b)
    assert a["finding_id"].is_unique
    row = a[a["finding_id"] == "contract_type_mapping:Contract:2"].iloc[0]
    assert row["company_name"] == "Beta" and row["company_id"] == 2
    assert (a["finding_id"] == a["rule_id"] + ":" + a["entity_type"] + ":" + a["entity_id"]).all()


def test_repeated_entity_ids_get_stable_suffixes():
    reg = {}

    @rule(**{**GOOD, "id": "twice_rule", "entity_type": "WorkflowRule", "requires": ()}, registry=reg)
    def twice_rule(ctx):
        """Two captured rows with one name."""
        return pd.DataFrame({"entity_id": ["Rule A", "Rule A"], "status": ["PASS", "REVIEW"], "reason": ["a", "b"]})

    ids = list(run_rules(export(), as_of=AS_OF, rules=reg).findings["finding_id"])
    assert ids == ["twice_rule:WorkflowRule:Rule A", "twice_rule:WorkflowRule:Rule A#2"]


def test_params_defaults_run_wide_and_per_rule_overrides():
    p = resolve_params({"stale_days": 90, "service_retired": {"stale_days": "30"}}, RULES)
    assert p["workflow_rule_stale"]["stale_days"] == 90
    assert p["service_retired"]["stale_days"] == 30
    assert resolve_params(None, RULES)["contract_no_activity"]["stale_days"] == 180
    with pytest.raises(ValueError, match="no parameter"):
        resolve_params({"service_retired": {"stale_dayz": 1}}, RULES)
    with pytest.raises(ValueError, match="unknown rule or parameter"):
        resolve_params({"nonsense": 1}, RULES)
    with pytest.raises(ValueError, match="unknown rule id"):
        run_rules(small_export(), as_of=AS_OF, only=["no_such_rule"])


def test_as_of_defaults_to_newest_record_date_not_a_future_end_date():
    ex = small_export()
    ex.tables["TimeEntries"] = pd.DataFrame({"id": pd.array([1], dtype="Int64"),
                                             "dateWorked": pd.to_datetime(["2025-05-05"]).astype("datetime64[ms]")})
    out = run_rules(ex, only="contract_type_mapping")
    assert out.as_of == pd.Timestamp("2025-05-05")  # contract end dates in 2026 look forward and do not count


def test_severity_override_per_row():
    f = run_rules(small_export(), as_of=AS_OF, only=["contract_type_mapping"]).findings
    assert statuses(f) == {"1": "FAIL", "2": "PASS"}
    assert f.set_index("entity_id").loc["1", "severity"] == "blocker"
