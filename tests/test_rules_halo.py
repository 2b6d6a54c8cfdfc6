"""HaloPSA counterparts: contract targets, native integrations, workflow rebuild-as."""

from __future__ import annotations

import pandas as pd

from readiness import halo
from rules_fixtures import contract, frame


def test_contract_targets_follow_the_research_table():
    c = frame("Contracts", [contract(1, type=1), contract(2, type=6), contract(3, type=7), contract(4, type=4),
                            contract(5, type=3), contract(6, type=8), contract(7, type=7, status=0),
                            contract(8, type=9)])
    t = halo.contract_targets(c).set_index("contract_id")
    assert list(t.columns) == ["contract_type_label", "halo_target", "verdict"]
    assert t.loc[1].tolist() == ["Time & Materials", "Pay-as-you-go with charge rates", "direct"]
    assert t.loc[2].tolist() == ["Retainer", "Pre-pay by amount", "direct"]
    assert t.loc[3].tolist() == ["Recurring Service", "Agreement + billing rules + recurring invoice lines", "rethink"]
    assert t.loc[4].tolist() == ["Block Hours", "Pre-pay hours", "rethink"]
    assert t.loc[5].tolist() == ["Fixed Price", "Project with valued milestones", "rethink"]
    assert t.loc[6, "verdict"] == "manual" and t.loc[6, "halo_target"].startswith("No direct HaloPSA equivalent")
    assert t.loc[7, "verdict"] == "retire" and t.loc[7, "contract_type_label"] == "Recurring Service"
    assert t.loc[8].tolist() == ["Type 9", halo.UNKNOWN_TYPE_TARGET, "manual"]
    assert set(t["verdict"]) <= set(halo.VERDICTS)


def test_contract_targets_empty_table():
    t = halo.contract_targets(frame("Contracts", []))
    assert len(t) == 0 and list(t.columns) == ["contract_id", "contract_type_label", "halo_target", "verdict"]


def test_native_integrations_match_after_folding():
    names = pd.Series(["datto rmm", "NinjaOne", "Ninja One", "N-able N-central", "ncentral", "QuickBooks Online",
                       "Sage 50", "IT Glue", "itglue", "Hudu", "Pax8", "Giacom", "Microsoft CSP", "TD Synnex",
                       "Sherweb", "Ingram Micro", "Xero", "ConnectWise Automate", "Kaseya VSA", "N-sight",
                       "Home-grown billing", "Datto"])
    got = halo.native_integrations(names)
    assert got.iloc[:-2].notna().all()
    assert got.iloc[-2:].isna().all()  # unknown tool; bare vendor name left for a person to confirm
    assert got.iloc[0] == "Datto RMM integration"
    assert got.iloc[3] == got.iloc[4] == "N-able N-central integration"
    assert all(k == halo.fold(k) for k in halo.NATIVE_INTEGRATIONS)


def test_workflow_rebuild_as_classification():
    rules = frame("WorkflowRules", [
        {"rule_name": "a", "actions": "Assign To Queue 'Level I'|Set Priority To 'Critical'"},
        {"rule_name": "b", "actions": "", "notification_template": "Ticket Created"},
        {"rule_name": "c", "actions": "Send notification e-mail to Primary Resource"},
        {"rule_name": "d", "actions": "Set Status To 'Escalated'", "time_offset": "30 Minutes"},
        {"rule_name": "e", "events": "Due date approaching", "actions": "Send notification"},
        {"rule_name": "f", "actions": "Create To-Do 'Order hardware'|Create Ticket 'Onboarding'"},
        {"rule_name": "g", "actions": "Set Service Level Agreement As 'Premium SLA'"},
        {"rule_name": "h"},
    ])
    assert halo.workflow_rebuild_as(rules).tolist() == [
        "Ticket Rule", "Notification + Email Template", "Notification + Email Template", "SLA + Notification",
        "SLA + Notification", "Workflow / Runbook", "Ticket Rule", "Ticket Rule"]
    assert set(halo.WORKFLOW_REBUILD["rebuild_as"]) == {"Ticket Rule", "Notification + Email Template",
                                                        "SLA + Notification", "Workflow / Runbook"}
