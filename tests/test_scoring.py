"""Readiness roll-up, score and coverage arithmetic on hand-made findings."""

import math
from types import SimpleNamespace as NS

import pandas as pd
import pytest

from readiness import scoring
from readiness.loader import Export


def rule(area, severity, weight=1.0, requires=()):
    return NS(area=area, severity=severity, weight=weight, requires=requires, title="t", edge_case=False)


def frame(rows):
    """rows: (rule_id, area, severity, status, entity_id, muted)."""
    df = pd.DataFrame(rows, columns=["rule_id", "area", "severity", "status", "entity_id", "muted"])
    df["entity_type"] = "Contract"
    df["remediation"] = "fix"
    df["entity_id"] = df["entity_id"].astype("string")
    return df


def export(tables=("Companies", "Contracts"), rows=1, ledger=None):
    t = {name: pd.DataFrame({"id": pd.array(range(1, rows + 1), dtype="Int64")}) for name in tables}
    return Export(tables=t, ledger=ledger if ledger is not None else pd.DataFrame(
        columns=["entity", "file", "read", "loaded", "rejected"]))


def coverage_of(rules, judged):
    return pd.DataFrame({"rule_id": list(rules), "area": [r.area for r in rules.values()],
                         "severity": [r.severity for r in rules.values()],
                         "judged": [judged.get(k, True) for k in rules], "note": ""})


def test_score_hand_computed():
    rules = {"a": rule("contracts", "blocker"), "b": rule("billing", "high"), "c": rule("billing", "medium"),
             "d": rule("services", "low", weight=2.0), "e": rule("tickets", "info"), "f": rule("tickets", "high")}
    f = frame([
        ("a", "contracts", "blocker", "PASS", "1", False),   # no work left
        ("b", "billing", "high", "REVIEW", "1", False),      # w 5, open 0.5 -> 5 x log2(1.5) = 2.925
        ("c", "billing", "medium", "FAIL", "1", False),      # w 3, open 1   -> 3 x log2(2)   = 3
        ("c", "billing", "medium", "FAIL", "2", False),      # the same rule again: open 2 -> 3 x log2(3) = 4.755
        ("d", "services", "low", "PASS", "1", False),        # no work left
        ("e", "tickets", "info", "REVIEW", "1", True),       # muted: left out
        ("f", "tickets", "high", "ERROR", "-", False),       # error: left out
    ])
    # work 2.925 + 4.755 = 7.680; 100 x 100 / 107.680
    assert scoring.remaining_work(f, rules) == pytest.approx(5 * math.log2(1.5) + 3 * math.log2(3))
    assert scoring.score(f, rules) == 92.9


def test_score_none_when_nothing_judged():
    assert scoring.score(frame([("a", "contracts", "high", "FAIL", "1", True)]), {}) is None
    assert scoring.score(frame([]), {}) is None


def test_muted_findings_leave_numerator_and_denominator():
    f = frame([("a", "contracts", "high", "PASS", "1", False), ("a", "contracts", "high", "FAIL", "2", True)])
    assert scoring.score(f) == 100.0


@pytest.mark.parametrize("rows, expected", [
    ([("a", "contracts", "blocker", "FAIL", "1", False)], "Not ready"),
    ([("a", "contracts", "high", "FAIL", "1", False)], "Ready with conditions"),
    ([("a", "contracts", "blocker", "REVIEW", "1", False)], "Ready with conditions"),
    ([("a", "contracts", "blocker", "PASS", "1", False)], "Ready"),
    ([("a", "contracts", "blocker", "FAIL", "1", True), ("a", "contracts", "blocker", "PASS", "2", False)], "Ready"),
    ([("a", "contracts", "blocker", "FAIL", "1", True), ("b", "contracts", "low", "REVIEW", "2", False)],
     "Ready with conditions"),
    ([("a", "contracts", "low", "PASS", "1", False), ("b", "contracts", "low", "ERROR", "-", False)],
     "Ready with conditions"),
])
def test_overall_class(rows, expected):
    rules = {"a": rule("contracts", "blocker"), "b": rule("contracts", "low")}
    f = frame(rows)
    out = scoring.readiness(f, coverage_of(rules, {}), export(), rules)
    assert out["readiness"] == expected
    assert out["areas"]["contracts"]["readiness"] == expected
    assert out["score"] is not None


def test_area_classes_and_counts():
    rules = {"a": rule("contracts", "blocker"), "b": rule("billing", "high"), "c": rule("services", "low"),
             "d": rule("tickets", "low"), "w": rule("automations", "low", requires=("WorkflowRules",))}
    f = frame([
        ("a", "contracts", "blocker", "FAIL", "1", False),
        ("a", "contracts", "blocker", "PASS", "2", False),
        ("b", "billing", "high", "FAIL", "1", True),
        ("b", "billing", "high", "PASS", "2", False),
        ("c", "services", "low", "REVIEW", "1", False),
        ("d", "tickets", "low", "ERROR", "-", False),
    ])
    out = scoring.readiness(f, coverage_of(rules, {"w": False, "d": False}), export(), rules)
    areas = out["areas"]
    assert out["readiness"] == "Not ready"
    assert "contract" in out["readiness_reason"].lower() or "a" in out["readiness_reason"]
    assert areas["contracts"] == {"readiness": "Not ready", "score": 49.0, "FAIL": 1, "REVIEW": 0, "PASS": 1,
                                  "ERROR": 0, "muted": 0}
    assert areas["billing"]["readiness"] == "Ready" and areas["billing"]["muted"] == 1
    assert areas["services"]["readiness"] == "Ready with conditions"
    # the only tickets rule crashed: nothing judged the area -> Unknown, never Ready
    assert areas["tickets"]["readiness"] == "Unknown" and areas["tickets"]["ERROR"] == 1
    # tables missing for the automations rule
    assert areas["automations"]["readiness"] == "Unknown"
    assert set(scoring.AREAS) <= set(areas)


def test_error_in_judged_area_is_at_least_conditions():
    rules = {"a": rule("tickets", "low"), "b": rule("tickets", "low")}
    f = frame([("a", "tickets", "low", "PASS", "1", False), ("b", "tickets", "low", "ERROR", "-", False)])
    out = scoring.readiness(f, coverage_of(rules, {"b": False}), export(), rules)
    assert out["areas"]["tickets"]["readiness"] == "Ready with conditions"
    assert "ERROR" in out["readiness_reason"]


def test_gate_missing_contracts_is_unknown_without_score():
    rules = {"a": rule("data_quality", "high")}
    f = frame([("a", "data_quality", "high", "PASS", "1", False)])
    out = scoring.readiness(f, coverage_of(rules, {}), export(tables=("Companies",)), rules)
    assert out["readiness"] == "Unknown"
    assert out["score"] is None
    assert "Contracts" in out["readiness_reason"]
    assert all(a["score"] is None for a in out["areas"].values())
    # areas with judging rules still get their class; the rest are Unknown
    assert out["areas"]["data_quality"]["readiness"] == "Ready"
    assert out["areas"]["contracts"]["readiness"] == "Unknown"


def test_gate_all_rows_rejected_names_the_table():
    ledger = pd.DataFrame({"entity": ["Companies", "Contracts"], "file": ["a", "b"], "read": [3, 5],
                           "loaded": [3, 0], "rejected": [0, 5]})
    ex = export(ledger=ledger)
    ex.tables["Contracts"] = ex.tables["Contracts"].iloc[0:0]
    ok, reasons = scoring.gate(ex)
    assert not ok and reasons == ["all 5 Contracts rows were rejected on load"]


def test_gate_missing_both():
    ok, reasons = scoring.gate(export(tables=()))
    assert not ok and len(reasons) == 2 and "Companies" in reasons[0] and "Contracts" in reasons[1]


def test_coverage_weights_judged_rules_and_load_quality():
    rules = {"a": rule("contracts", "blocker", requires=("Contracts",)),      # w 10, judged, quality 0.5
             "b": rule("billing", "high", requires=("ContractRates",)),       # w 5, not judged (missing table)
             "c": rule("tickets", "medium", requires=("Tickets",))}           # w 3, judged, quality 1
    f = frame([("a", "contracts", "blocker", "PASS", "1", False), ("c", "tickets", "medium", "PASS", "1", False)])
    ledger = pd.DataFrame({"entity": ["Contracts", "Contracts", "Tickets"], "file": ["x", "y", "z"],
                           "read": [10, 10, 4], "loaded": [5, 5, 4], "rejected": [5, 5, 0]})
    value, detail = scoring.coverage(coverage_of(rules, {"b": False}), f, ledger, rules)
    # (10 x 0.5 + 3 x 1) / 18
    assert value == round(100 * 8 / 18, 1)
    assert detail["rules_judged"] == 2 and detail["rules_total"] == 3
    assert detail["missing_tables"] == ["ContractRates"]
    assert detail["load_quality"] == {"Contracts": 0.5, "Tickets": 1.0}


def test_errored_rule_does_not_count_as_covered():
    rules = {"a": rule("contracts", "high"), "b": rule("contracts", "high")}
    f = frame([("a", "contracts", "high", "PASS", "1", False), ("b", "contracts", "high", "ERROR", "-", False)])
    value, detail = scoring.coverage(coverage_of(rules, {}), f, None, rules)
    assert value == 50.0 and detail["rules_judged"] == 1


def test_top_findings_order():
    f = frame(
        [("rev_many", "services", "low", "REVIEW", str(i), False) for i in range(9)]
        + [("rev_few", "services", "medium", "REVIEW", "1", False)]
        + [("high_fail", "billing", "high", "FAIL", str(i), False) for i in range(2)]
        + [("blocker", "contracts", "blocker", "FAIL", "1", False)]
        + [("low_fail", "data_quality", "low", "FAIL", "1", False)]
        + [("muted_blocker", "contracts", "blocker", "FAIL", "1", True)]
        + [("ok", "contracts", "blocker", "PASS", "1", False)]
    )
    top = scoring.top_findings(f, n=5)
    assert [t["rule_id"] for t in top] == ["blocker", "high_fail", "low_fail", "rev_many", "rev_few"]
    assert top[1] == {"rule_id": "high_fail", "title": "", "status": "FAIL", "severity": "high", "count": 2,
                      "remediation": "fix"}
    assert top[3]["count"] == 9


def test_top_findings_split_a_rule_by_status_and_severity():
    f = frame([("mapping", "contracts", "blocker", "FAIL", "3", False),
               ("mapping", "contracts", "medium", "REVIEW", "1", False),
               ("mapping", "contracts", "medium", "REVIEW", "2", False)])
    top = scoring.top_findings(f)
    assert [(t["status"], t["severity"], t["count"]) for t in top] == [("FAIL", "blocker", 1), ("REVIEW", "medium", 2)]


def test_clean_records_never_raise_the_score_and_problems_lower_it():
    """The score measures work left: PASS findings added to the same problems leave it unchanged, one more
    problem lowers it, and an export with an unmuted blocker FAIL scores under 50."""
    rules = {"a": rule("billing", "high"), "b": rule("contracts", "blocker")}
    problems = frame([("a", "billing", "high", "FAIL", str(i), False) for i in range(3)])
    base = scoring.score(problems, rules)
    clean = pd.concat([problems, frame([("a", "billing", "high", "PASS", str(i), False)
                                        for i in range(3, 503)])], ignore_index=True)
    assert scoring.score(clean, rules) == base
    worse = pd.concat([problems, frame([("a", "billing", "high", "REVIEW", "x", False)])], ignore_index=True)
    assert scoring.score(worse, rules) < base
    blocked = pd.concat([clean, frame([("b", "contracts", "blocker", "FAIL", "1", False)])], ignore_index=True)
    assert scoring.score(blocked, rules) <= 49.0


def test_on_the_sample_clean_companies_do_not_raise_the_score_and_not_ready_scores_under_50():
    from readiness.audit import run_audit
    from readiness.config import DEFAULT_SAMPLE
    from readiness.loader import load_export

    export = load_export(DEFAULT_SAMPLE)
    before = run_audit(export, as_of="2025-06-30")
    assert before.summary["readiness"] == "Not ready" and before.summary["score"] < 50
    companies = export.tables["Companies"]
    start = int(companies["id"].max()) + 1
    clean = pd.DataFrame({"id": pd.array(range(start, start + 500), dtype="Int64"),
                          "companyName": pd.array([f"Clean Customer {i:04d}" for i in range(500)], dtype="string"),
                          "companyType": pd.array([1] * 500, dtype="Int64"),
                          "isActive": pd.array([True] * 500, dtype="boolean")})
    export.tables["Companies"] = pd.concat([companies, clean.astype(companies.dtypes[clean.columns].to_dict())],
                                           ignore_index=True)
    after = run_audit(export, as_of="2025-06-30")
    assert len(after.findings) > len(before.findings)  # the new companies were judged (and passed)
    assert after.summary["score"] <= before.summary["score"]
