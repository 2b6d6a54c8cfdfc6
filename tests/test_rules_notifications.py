"""Notification template rules (captured sheet + NotificationHistory)."""

from __future__ import annotations

from rules_fixtures import export, run, statuses

TEMPLATES = [{"template_name": "Ticket Created - Customer", "event": "Ticket Created", "recipients": "client",
              "active": True},
             {"template_name": "Ticket Assigned - Internal", "event": "Ticket Assigned", "recipients": "internal",
              "active": True},
             {"template_name": "Survey 2019", "event": "Ticket Completed", "recipients": "client", "active": True}]
HISTORY = [{"id": 1, "templateName": "ticket created -  customer", "notificationSentTime": "2025-06-20 10:00"},
           {"id": 2, "templateName": "Ticket Assigned - Internal", "notificationSentTime": "2025-03-01"},
           {"id": 3, "templateName": "Survey 2019", "notificationSentTime": "2024-10-01"},
           {"id": 4, "templateName": "Contract Block Expiring", "notificationSentTime": "2025-06-01"},
           {"id": 5, "templateName": "Contract Block Expiring", "notificationSentTime": "2025-06-10"},
           {"id": 6, "templateName": "Ancient", "notificationSentTime": "2020-01-01"}]


def _export():
    return export(NotificationTemplates=TEMPLATES, NotificationHistory=HISTORY)


def test_notification_template_unused_flagged():
    f, _ = run(_export(), "notification_template_unused")
    assert statuses(f)["Survey 2019"] == "REVIEW"
    assert "last send 2024-10-01" in f.set_index("entity_id").loc["Survey 2019", "reason"]


def test_notification_template_unused_clean():
    f, _ = run(_export(), "notification_template_unused")
    st = statuses(f)
    assert st["Ticket Created - Customer"] == "PASS"  # matched despite case and spacing
    assert st["Ticket Assigned - Internal"] == "PASS"
    f, _ = run(_export(), "notification_template_unused", stale_days=365)
    assert statuses(f)["Survey 2019"] == "PASS"


def test_notification_template_unused_needs_send_times():
    e = export(NotificationTemplates=TEMPLATES, NotificationHistory=[{"id": 1, "templateName": "x"}])
    f, cov = run(e, "notification_template_unused")
    assert len(f) == 0 and not cov["judged"] and "notificationSentTime" in cov["note"]


def test_notification_template_rebuild_flagged():
    f, _ = run(_export(), "notification_template_rebuild")
    assert statuses(f) == {"Ticket Created - Customer": "REVIEW", "Ticket Assigned - Internal": "REVIEW"}
    sev = dict(zip(f["entity_id"], f["severity"]))
    assert sev == {"Ticket Created - Customer": "medium", "Ticket Assigned - Internal": "low"}
    assert "(client-facing, event 'Ticket Created')" in f["reason"].iloc[0]


def test_notification_template_rebuild_clean():
    e = export(NotificationTemplates=TEMPLATES[2:], NotificationHistory=HISTORY)
    f, cov = run(e, "notification_template_rebuild")
    assert len(f) == 0 and cov["judged"]  # nothing in use to rebuild


def test_notification_template_uncaptured_flagged():
    f, _ = run(_export(), "notification_template_uncaptured")
    assert statuses(f) == {"Contract Block Expiring": "REVIEW"}  # "Ancient" sent too long ago
    assert "sent 2 notification(s)" in f["reason"].iloc[0]


def test_notification_template_uncaptured_clean():
    f, cov = run(export(NotificationTemplates=TEMPLATES, NotificationHistory=HISTORY[:3]),
                 "notification_template_uncaptured")
    assert len(f) == 0 and cov["judged"]
