"""Suppressions: validation messages, pattern matching, expiry, and muted findings kept in place."""

from pathlib import Path

import pandas as pd
import pytest

from readiness.suppress import (
    SuppressionError,
    applies_to_client,
    apply_suppressions,
    load_suppressions,
    parse_suppressions,
)

AS_OF = pd.Timestamp("2025-06-30")


def findings():
    return pd.DataFrame({
        "finding_id": ["workflow_rule_stale:WorkflowRule:Old alert", "workflow_rule_stale:WorkflowRule:Escalate P1",
                       "contract_setup_fee:Contract:1042", "contract_setup_fee:Contract:7",
                       "contract_type_mapping:Contract:7", "notification_template_unused:NotificationTemplate:x"],
        "rule_id": ["workflow_rule_stale", "workflow_rule_stale", "contract_setup_fee", "contract_setup_fee",
                    "contract_type_mapping", "notification_template_unused"],
        "status": ["REVIEW", "REVIEW", "REVIEW", "REVIEW", "FAIL", "ERROR"],
        "entity_type": ["WorkflowRule", "WorkflowRule", "Contract", "Contract", "Contract", "NotificationTemplate"],
        "entity_id": pd.array(["Old alert", "Escalate P1", "1042", "7", "7", "-"], dtype="string"),
    })


def doc(*mutes, **top):
    return {"version": 1, **top, "mutes": list(mutes)}


def test_rule_and_entity_patterns_mute_only_matching_findings():
    supp = parse_suppressions(doc(
        {"rule": "workflow_rule_*", "entity": "old*", "reason": "retired"},
        {"rule": "contract_setup_fee", "entity": "Contract:1042", "reason": "billed by hand"},
    ))
    out, report = apply_suppressions(findings(), supp, AS_OF)
    assert out["muted"].tolist() == [True, False, True, False, False, False]
    assert out.loc[0, "mute_reason"] == "retired"
    assert out.loc[2, "mute_reason"] == "billed by hand"
    assert pd.isna(out.loc[1, "mute_reason"])
    assert [a["findings"] for a in report["applied"]] == [1, 1]


def test_muted_findings_keep_their_real_status_and_stay():
    supp = parse_suppressions(doc({"rule": "*", "reason": "accept all"}))
    out, _ = apply_suppressions(findings(), supp, AS_OF)
    assert len(out) == len(findings())
    assert out["status"].tolist() == findings()["status"].tolist()


def test_error_findings_are_never_muted():
    supp = parse_suppressions(doc({"rule": "*", "entity": "*", "reason": "accept all"}))
    out, _ = apply_suppressions(findings(), supp, AS_OF)
    assert not out.loc[out["status"].eq("ERROR"), "muted"].any()
    assert out.loc[out["status"].ne("ERROR"), "muted"].all()


def test_first_matching_mute_gives_the_reason():
    supp = parse_suppressions(doc(
        {"rule": "contract_*", "entity": "7", "reason": "first"},
        {"rule": "contract_setup_fee", "entity": "*", "reason": "second"},
    ))
    out, _ = apply_suppressions(findings(), supp, AS_OF)
    assert out.loc[3, "mute_reason"] == "first"
    assert out.loc[2, "mute_reason"] == "second"


def test_expired_mute_is_not_applied_and_reported():
    supp = parse_suppressions(doc(
        {"rule": "workflow_rule_stale", "reason": "until spring", "expires": "2025-03-31"},
        {"rule": "contract_setup_fee", "reason": "still valid", "expires": pd.Timestamp("2025-06-30").date()},
    ))
    out, report = apply_suppressions(findings(), supp, AS_OF)
    assert not out.loc[out["rule_id"].eq("workflow_rule_stale"), "muted"].any()
    # the expiry day itself is still covered
    assert out.loc[out["rule_id"].eq("contract_setup_fee"), "muted"].all()
    assert [e["entry"] for e in report["expired"]] == [1]


def test_unused_mutes_are_reported():
    supp = parse_suppressions(doc({"rule": "nothing_like_this", "reason": "x"}))
    out, report = apply_suppressions(findings(), supp, AS_OF)
    assert not out["muted"].any()
    assert report["unused"][0]["entry"] == 1


def test_no_suppressions_adds_columns_unmuted():
    out, report = apply_suppressions(findings(), None, AS_OF)
    assert not out["muted"].any() and out["mute_reason"].isna().all()
    assert report["file"] is None


def test_missing_reason_names_file_and_entry(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text("version: 1\nmutes:\n  - rule: a\n    reason: ok\n  - rule: b\n    entity: '*'\n")
    with pytest.raises(SuppressionError) as err:
        load_suppressions(path)
    assert str(path) in str(err.value) and "entry 2" in str(err.value) and "reason" in str(err.value)


def test_blank_reason_is_rejected():
    with pytest.raises(SuppressionError, match="entry 1.*reason"):
        parse_suppressions(doc({"rule": "a", "reason": "   "}), "x.yaml")


def test_unknown_key_names_file_and_entry():
    with pytest.raises(SuppressionError) as err:
        parse_suppressions(doc({"rule": "a", "reason": "r"}, {"rule": "b", "reason": "r", "resource": "x"}), "s.yaml")
    assert "s.yaml" in str(err.value) and "entry 2" in str(err.value) and "resource" in str(err.value)


def test_unknown_top_level_key_and_bad_version():
    with pytest.raises(SuppressionError, match="unknown top-level"):
        parse_suppressions({"version": 1, "mutes": [], "muted": []}, "s.yaml")
    with pytest.raises(SuppressionError, match="version"):
        parse_suppressions({"version": 2, "mutes": []}, "s.yaml")


def test_bad_expiry_date():
    with pytest.raises(SuppressionError, match="entry 1.*expires"):
        parse_suppressions(doc({"rule": "a", "reason": "r", "expires": "next year"}), "s.yaml")


def test_missing_file_and_invalid_yaml(tmp_path):
    with pytest.raises(SuppressionError, match="not found"):
        load_suppressions(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nmutes: [\n")
    with pytest.raises(SuppressionError, match="not valid YAML"):
        load_suppressions(bad)


def test_client_scope():
    assert applies_to_client(parse_suppressions(doc()), "Acme IT", "acme-it")
    assert applies_to_client(parse_suppressions(doc(client="acme-*")), "Acme IT", "acme-it")
    assert applies_to_client(parse_suppressions(doc(client="Acme IT")), "Acme IT", "acme-it")
    assert not applies_to_client(parse_suppressions(doc(client="globex")), "Acme IT", "acme-it")


def test_example_file_is_valid():
    path = Path(__file__).resolve().parents[1] / "data" / "suppressions.example.yaml"
    supp = load_suppressions(path)
    assert supp.version == 1 and len(supp.mutes) >= 2
    assert all(m.reason for m in supp.mutes)


def test_a_suppressions_file_with_yaml_aliases_is_refused(tmp_path):
    from readiness.suppress import SuppressionError, load_suppressions

    path = tmp_path / "s.yaml"
    path.write_text('version: 1\nx: &a ["lol", "lol"]\nmutes: [{rule: r, entity: "*", reason: *a}]\n')
    with pytest.raises(SuppressionError, match="aliases"):
        load_suppressions(path)
    path.write_bytes("version: 1\nmutes: [{rule: r, entity: '*', reason: 'caf\xe9'}]\n".encode("cp1252"))
    with pytest.raises(SuppressionError, match="s.yaml"):
        load_suppressions(path)


def test_a_mute_written_for_a_former_rule_id_still_mutes_the_renamed_rule():
    import pandas as pd

    from readiness.suppress import apply_suppressions, parse_suppressions

    findings = pd.DataFrame({"finding_id": ["service_gone:Service:7"], "rule_id": ["service_gone"],
                             "entity_type": ["Service"], "entity_id": ["7"], "status": ["REVIEW"]})
    supp = parse_suppressions({"version": 1, "mutes": [{"rule": "service_retired_old", "reason": "Kept on purpose"}]})
    muted, report = apply_suppressions(findings, supp, aliases={"service_gone": ("service_retired_old",)})
    assert muted["muted"].tolist() == [True] and muted["mute_reason"].tolist() == ["Kept on purpose"]
    plain, _ = apply_suppressions(findings, supp)
    assert plain["muted"].tolist() == [False]
