"""Workflow rule rules (captured sheet)."""

from __future__ import annotations

from rules_fixtures import export, run, statuses


def wf(name, active=True, **extra):
    return {"rule_name": name, "area_tab": "Service Desk", "entity": "Ticket", "active": active,
            "events": "Created", "conditions": f"Queue equal to '{name}'", "actions": "Set Priority To 'High'",
            "last_triggered": "2025-06-01", "last_modified": "2024-01-01", **extra}


def test_workflow_rule_inactive_flagged():
    f, _ = run(export(WorkflowRules=[wf("Old escalation", active=False)]), "workflow_rule_inactive")
    assert statuses(f) == {"Old escalation": "REVIEW"}
    assert f["severity"].iloc[0] == "info" and f["entity_type"].iloc[0] == "WorkflowRule"


def test_workflow_rule_inactive_clean():
    f, _ = run(export(WorkflowRules=[wf("Assign triage")]), "workflow_rule_inactive")
    assert statuses(f) == {"Assign triage": "PASS"}


STALE_RULES = [
    wf("Old trigger", last_triggered="2024-11-30"),
    wf("Audit flagged", audit_flags="Has Inactive Static Notification Recipients|Has not triggered recently"),
    wf("Never fired", last_triggered=None, last_modified="2023-05-01"),
    wf("Fresh"),
    wf("New, never fired", last_triggered=None, last_modified="2025-06-01"),
    wf("Unknown", last_triggered=None, last_modified=None),
    wf("Off and old", active=False, last_triggered="2020-01-01"),
]


def test_workflow_rule_stale_flagged():
    f, _ = run(export(WorkflowRules=STALE_RULES), "workflow_rule_stale")
    st = statuses(f)
    assert st["Old trigger"] == st["Audit flagged"] == st["Never fired"] == "REVIEW"
    reason = f.set_index("entity_id")["reason"]
    assert "last triggered on 2024-11-30" in reason["Old trigger"]
    assert "Has not triggered recently" in reason["Audit flagged"]


def test_workflow_rule_stale_clean():
    f, _ = run(export(WorkflowRules=STALE_RULES), "workflow_rule_stale")
    st = statuses(f)
    assert st["Fresh"] == st["New, never fired"] == "PASS"
    assert "Unknown" not in st and "Off and old" not in st
    f, _ = run(export(WorkflowRules=STALE_RULES[:1]), "workflow_rule_stale", stale_days=365)
    assert statuses(f) == {"Old trigger": "PASS"}


def test_workflow_rule_duplicate_flagged():
    rules = [wf("A", events="Created|Edited", conditions="Priority equal to 'High'|Queue equal to 'Triage'"),
             wf("B", events=" edited | CREATED", conditions="queue  equal to 'triage'|Priority equal to 'High'"),
             wf("C", events="Created", conditions="Priority equal to 'High'")]
    f, _ = run(export(WorkflowRules=rules), "workflow_rule_duplicate")
    assert statuses(f) == {"A": "REVIEW", "B": "REVIEW", "C": "PASS"}
    assert "1 other active rule(s): 'A', 'B'" in f.set_index("entity_id").loc["A", "reason"]


def test_workflow_rule_duplicate_clean():
    rules = [wf("A", events="Created"), wf("B", events="Created", active=False, conditions="Queue equal to 'A'"),
             wf("C", entity="Project", conditions="Queue equal to 'A'")]
    f, _ = run(export(WorkflowRules=rules), "workflow_rule_duplicate")
    assert statuses(f) == {"A": "PASS", "C": "PASS"}  # inactive B is ignored; C is on another entity


def test_workflow_rule_rebuild_flagged():
    rules = [wf("Route", actions="Assign To Queue 'Level I'|Set Priority To 'Critical'"),
             wf("Ack", actions="", notification_template="Ticket Created - Customer"),
             wf("Escalate", actions="Set Status To 'Escalated'", time_offset="2 Hours"),
             wf("Onboard", actions="Create To-Do 'Call customer'"),
             wf("Stale", last_triggered="2023-01-01"), wf("Off", active=False)]
    f, _ = run(export(WorkflowRules=rules), "workflow_rule_rebuild")
    assert statuses(f) == {"Route": "REVIEW", "Ack": "REVIEW", "Escalate": "REVIEW", "Onboard": "REVIEW"}
    reason = f.set_index("entity_id")["reason"]
    assert reason["Route"].endswith("rebuild as Ticket Rule")
    assert "rebuild as Notification + Email Template; sends template 'Ticket Created - Customer'" in reason["Ack"]
    assert "rebuild as SLA + Notification" in reason["Escalate"]
    assert "rebuild as Workflow / Runbook" in reason["Onboard"]


def test_workflow_rule_rebuild_clean():
    rules = [wf("Stale", last_triggered="2023-01-01"), wf("Off", active=False)]
    f, cov = run(export(WorkflowRules=rules), "workflow_rule_rebuild")
    assert len(f) == 0 and cov["judged"]  # nothing live to rebuild
