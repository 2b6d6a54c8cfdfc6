"""Ticket, integration and permission rules."""

from __future__ import annotations

from rules_fixtures import export, run, statuses


def ticket(id, status=1, queue=None, resource=None):
    return {"id": id, "ticketNumber": f"T2025.{id:04d}", "companyID": 1, "status": status, "queueID": queue,
            "assignedResourceID": resource}


RESOURCES = [{"id": 7, "firstName": "Sam", "lastName": "Gone", "isActive": False, "userType": 5},
             {"id": 8, "firstName": "Ana", "lastName": "Here", "isActive": True, "userType": 5},
             {"id": 9, "firstName": "Bo", "lastName": "Boss", "isActive": True, "userType": 1}]


def test_ticket_open_unassigned_flagged():
    f, _ = run(export(Tickets=[ticket(1), ticket(2, status=5)]), "ticket_open_unassigned")
    assert statuses(f) == {"1": "REVIEW"}  # completed ticket 2 is not open
    assert f["reason"].iloc[0] == "Ticket T2025.0001 (id 1) is open with no queue and no resource"


def test_ticket_open_unassigned_clean():
    f, _ = run(export(Tickets=[ticket(1, queue=29683325), ticket(2, status=8, resource=8)]), "ticket_open_unassigned")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}


def test_ticket_open_unassigned_needs_routing_columns():
    f, cov = run(export(Tickets=[{"id": 1, "companyID": 1, "status": 1}]), "ticket_open_unassigned")
    assert len(f) == 0 and not cov["judged"] and "queueID" in cov["note"]


def test_ticket_open_inactive_resource_flagged():
    f, _ = run(export(Tickets=[ticket(1, resource=7), ticket(2, status=5, resource=7)], Resources=RESOURCES),
               "ticket_open_inactive_resource")
    assert statuses(f) == {"1": "FAIL"}
    assert "inactive resource 'Sam Gone' (id 7)" in f["reason"].iloc[0]


def test_ticket_open_inactive_resource_clean():
    f, _ = run(export(Tickets=[ticket(1, resource=8), ticket(2), ticket(3, resource=99)], Resources=RESOURCES),
               "ticket_open_inactive_resource")
    assert statuses(f) == {"1": "PASS"}  # unassigned and unknown resources are other rules' business


def test_integration_rebuild_flagged():
    client = {"integrations": ["Datto RMM", "n-able  N-Central", "Pax8", "Acme Billing Sync"]}
    f, _ = run(export(client=client), "integration_rebuild")
    assert statuses(f) == {k: "REVIEW" for k in client["integrations"]}
    sev = dict(zip(f["entity_id"], f["severity"]))
    assert sev["Acme Billing Sync"] == "high" and sev["Pax8"] == "medium"
    reason = f.set_index("entity_id")["reason"]
    assert "N-able N-central integration" in reason["n-able  N-Central"]
    assert "no known native HaloPSA integration" in reason["Acme Billing Sync"]
    assert f["finding_id"].iloc[0] == "integration_rebuild:Integration:Datto RMM"


def test_integration_rebuild_clean():
    f, cov = run(export(client={"integrations": []}), "integration_rebuild")
    assert len(f) == 0 and cov["judged"]
    f, cov = run(export(client={"name": "Acme IT"}), "integration_rebuild")
    assert not cov["judged"] and "client.yaml" in cov["note"]


def test_security_level_mapping_flagged():
    f, _ = run(export(Resources=RESOURCES), "security_level_mapping")
    assert statuses(f) == {"5": "REVIEW", "1": "REVIEW"}
    reason = f.set_index("entity_id")["reason"]
    assert "(userType 5) is held by 1 active resource(s)" in reason["5"]  # the inactive holder does not count
    assert f["entity_type"].iloc[0] == "SecurityLevel"


def test_security_level_mapping_clean():
    f, cov = run(export(Resources=[{"id": 7, "isActive": False, "userType": 5}]), "security_level_mapping")
    assert len(f) == 0 and cov["judged"]
