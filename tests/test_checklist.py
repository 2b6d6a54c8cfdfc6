"""Go-live checklist: 13 items, evidence sentences from the data, and the items only a person can tick."""

import pandas as pd

from readiness.checklist import COLUMNS, ITEMS, build_checklist, classify_integrations
from readiness.contract_map import build_contract_map
from readiness.loader import Export
from readiness.facts import Facts


def findings(rows):
    """rows: (rule_id, area, status, entity_type, entity_id, muted)."""
    df = pd.DataFrame(rows, columns=["rule_id", "area", "status", "entity_type", "entity_id", "muted"])
    df["entity_id"] = df["entity_id"].astype("string")
    return df


def full_export():
    b = lambda *v: pd.array(list(v), dtype="boolean")  # noqa: E731
    i = lambda *v: pd.array(list(v), dtype="Int64")  # noqa: E731
    s = lambda *v: pd.array(list(v), dtype="string")  # noqa: E731
    tables = {
        "Companies": pd.DataFrame({"id": i(1, 2, 3), "companyName": s("Acme", "Globex", "Lead Co"),
                                   "companyType": i(1, 1, 2), "isActive": b(True, True, True),
                                   "isClientPortalActive": b(True, False, False)}),
        "Contacts": pd.DataFrame({"id": i(1, 2, 3, 4), "companyID": i(1, 1, 2, 2),
                                  "isActive": b(True, True, True, False)}),
        "ConfigurationItems": pd.DataFrame({"id": i(1, 2, 3), "companyID": i(1, 1, 2),
                                            "isActive": b(True, True, False)}),
        "Tickets": pd.DataFrame({"id": i(1, 2, 3, 4, 5), "companyID": i(1, 1, 1, 2, 2),
                                 "status": i(1, 8, 5, 7, 5)}),
        "Contracts": pd.DataFrame({"id": i(1, 2, 3, 4), "companyID": i(1, 1, 2, 2), "contractType": i(1, 7, 8, 4),
                                   "status": i(1, 1, 1, 0), "contractName": s("a", "b", "c", "d")}),
        "Resources": pd.DataFrame({"id": i(1, 2, 3), "userType": i(1, 5, 5), "isActive": b(True, True, False)}),
        "WorkflowRules": pd.DataFrame({"rule_name": s("r1", "r2", "r3", "r4"), "active": b(True, True, True, False)}),
        "NotificationTemplates": pd.DataFrame({"template_name": s("Ack", "SLA", "Internal", "Old"),
                                               "recipients": s("client", "client", "internal", "client"),
                                               "active": b(True, True, True, True)}),
    }
    client = {"name": "Acme IT", "technicians": 12, "billing_day": 1,
              "integrations": ["Pax8", "Datto RMM", "Xero", "Homegrown Portal Sync"]}
    return Export(tables=tables, client=client)


FINDINGS = findings([
    ("contact_missing_email", "data_quality", "REVIEW", "Contact", "2", False),
    ("contact_duplicate_email", "data_quality", "FAIL", "Contact", "1", True),      # muted: not counted
    ("configuration_item_missing_serial", "data_quality", "REVIEW", "ConfigurationItem", "1", False),
    ("ticket_open_unassigned", "tickets", "REVIEW", "Ticket", "1", False),
    ("ticket_open_inactive_resource", "tickets", "FAIL", "Ticket", "2", False),
    ("contract_setup_fee", "billing", "REVIEW", "Contract", "2", False),
    ("workflow_rule_rebuild", "automations", "REVIEW", "WorkflowRule", "r1", False),
    ("workflow_rule_rebuild", "automations", "REVIEW", "WorkflowRule", "r2", False),
    ("workflow_rule_stale", "automations", "REVIEW", "WorkflowRule", "r3", False),
    ("workflow_rule_inactive", "automations", "REVIEW", "WorkflowRule", "r4", False),
    ("workflow_rule_duplicate", "automations", "REVIEW", "WorkflowRule", "r1", False),
    ("workflow_rule_duplicate", "automations", "REVIEW", "WorkflowRule", "r3", False),
    ("notification_template_rebuild", "notifications", "REVIEW", "NotificationTemplate", "Ack", False),
    ("notification_template_rebuild", "notifications", "REVIEW", "NotificationTemplate", "SLA", False),
    ("notification_template_rebuild", "notifications", "REVIEW", "NotificationTemplate", "Internal", False),
    ("notification_template_unused", "notifications", "REVIEW", "NotificationTemplate", "Old", False),
])


def checklist(export=None, f=FINDINGS):
    export = export or full_export()
    cm = build_contract_map(export, f, {"contract_setup_fee": type("R", (), {"edge_case": True})()})
    return build_checklist(Facts(export, "2025-06-30"), f, cm).set_index("item")


def test_thirteen_items_in_guide_order():
    cl = build_checklist(Facts(full_export(), "2025-06-30"), FINDINGS, build_contract_map(full_export(), FINDINGS, {}))
    assert list(cl.columns) == COLUMNS
    assert cl["item"].tolist() == list(ITEMS) and len(ITEMS) == 13
    assert set(cl["status"]) <= {"ok", "attention", "person"}
    assert set(cl["state"]) <= {"data", "person"}


def test_evidence_from_the_data():
    cl = checklist()
    ev = cl["evidence"]
    assert ev[ITEMS[0]] == ("Active customers: 2, 0 with a colliding name; active contacts: 3, 1 without email, "
                            "0 sharing an email.")
    assert ev[ITEMS[1]] == ("Active configuration items: 2, 1 without serial number, 0 pointing at a record not in "
                            "the export.")
    assert ev[ITEMS[2]] == "Open tickets: 3 to migrate, 1 unassigned, 1 on inactive resources."
    assert ev[ITEMS[3]] == ("Active contracts: 3 (1 direct, 1 rethink, 1 manual); 1 with edge cases; "
                            "1 inactive to retire.")
    assert ev[ITEMS[4]] == ("Subscription platforms: Pax8 (Pax8 integration). "
                            "Integrations: 4 listed, 3 with a native HaloPSA integration.")
    assert ev[ITEMS[5]] == "RMM: Datto RMM (Datto RMM integration)."
    assert ev[ITEMS[6]] == "Accounting: Xero (Xero integration)."
    assert ev[ITEMS[7]] == "Notification templates: 3 in use, 2 client-facing; 1 unused (not rebuilt)."
    assert ev[ITEMS[8]] == ("Workflow rules: 2 to rebuild, 2 to retire (1 inactive, 1 stale); "
                            "2 duplicated (merge before rebuilding).")
    assert ev[ITEMS[9]] == "Security levels in use: 2 across 2 active resources; each needs a HaloPSA role."
    assert "Companies with the Autotask client portal active: 1." == ev[ITEMS[10]]
    assert ev[ITEMS[11]].startswith("Billing day: 1 (client.yaml).")
    assert ev[ITEMS[12]] == "Technicians to train: 12 (client.yaml)."


def test_status_per_item():
    st = checklist()["status"]
    assert st[ITEMS[0]] == "attention" and st[ITEMS[2]] == "attention" and st[ITEMS[3]] == "attention"
    assert st[ITEMS[4]] == "ok" and st[ITEMS[5]] == "ok" and st[ITEMS[6]] == "ok"
    assert st[ITEMS[8]] == "attention"


def test_items_only_a_person_can_tick():
    cl = checklist()
    person = cl[cl["state"].eq("person")]
    assert list(person.index) == [ITEMS[10], ITEMS[11], ITEMS[12]]
    assert person["status"].eq("person").all()


def test_clean_data_gives_ok():
    ex = full_export()
    ex.tables["Contracts"] = ex.tables["Contracts"].assign(contractType=pd.array([1, 1, 6, 1], dtype="Int64"))
    ex.tables["Tickets"] = ex.tables["Tickets"].assign(status=pd.array([5, 5, 5, 5, 5], dtype="Int64"))
    cl = checklist(ex, findings([]))
    assert cl.loc[ITEMS[0], "status"] == "ok"
    assert cl.loc[ITEMS[2], "evidence"] == "Open tickets: 0 to migrate, 0 unassigned, 0 on inactive resources."
    assert cl.loc[ITEMS[2], "status"] == "ok"
    assert cl.loc[ITEMS[3], "status"] == "ok"


def test_missing_tables_and_integrations_say_so():
    cl = checklist(Export(tables={}, client={}), findings([]))
    assert cl.loc[ITEMS[0], "evidence"].startswith("Companies not in the export")
    assert cl.loc[ITEMS[3], "evidence"].startswith("Contracts not in the export")
    assert cl.loc[ITEMS[8], "evidence"].startswith("WorkflowRules.csv not captured")
    assert cl.loc[ITEMS[4], "status"] == "person" and "none listed" in cl.loc[ITEMS[4], "evidence"]
    assert "15 assumed" in cl.loc[ITEMS[12], "evidence"]


def test_non_native_integration_needs_attention():
    ex = full_export()
    ex.client["integrations"] = ["Some RMM Nobody Knows"]
    cl = checklist(ex)
    assert cl.loc[ITEMS[5], "status"] == "attention"
    assert "no native HaloPSA integration known" in cl.loc[ITEMS[5], "evidence"]


def test_classify_integrations():
    got = classify_integrations(["Pax8", "NinjaOne", "QuickBooks Online", "IT Glue", "Our Own Tool"])
    assert got["category"].tolist() == ["subscription", "rmm", "accounting", "other", "other"]
    assert got["native"].tolist() == [True, True, True, True, False]
    assert classify_integrations([]).empty


def test_a_new_rule_feeding_an_item_is_counted_there_by_its_declaration_alone():
    """Declaring a rule with feeds=("checklist:clients",) and a tally is all it takes to be counted."""
    import pytest

    from readiness.rules.base import RULES, RuleDefinitionError, rule

    def contact_missing_phone(ctx):  # pragma: no cover - never run, only declared
        raise NotImplementedError

    meta = dict(id="contact_missing_phone", area="data_quality", severity="low", entity_type="Contact",
                title="Active contact has no phone number", impact="HaloPSA users without a phone cannot be called.",
                remediation="Add the phone number in Autotask.", requires=("Contacts",),
                feeds=("checklist:clients",), sources=("https://haloitsm.com/guides/article/?kbid=900",))
    with pytest.raises(RuleDefinitionError, match="declares no tally"):
        rule(**meta, registry={})(contact_missing_phone)
    rule(**meta, tally="without a phone number")(contact_missing_phone)
    try:
        f = pd.concat([FINDINGS, findings([("contact_missing_phone", "data_quality", "REVIEW", "Contact", "3",
                                            False)])], ignore_index=True)
        ev = checklist(f=f).loc[ITEMS[0], "evidence"]
        assert ev.endswith("active contacts: 3, 1 without email, 0 sharing an email, 1 without a phone number.")
    finally:
        del RULES["contact_missing_phone"]
