"""The audit's vocabulary, declared once: areas, severities, finding statuses, readiness classes, contract
verdicts and Autotask's contract-type labels. Every other module imports these names; none spells them again."""

from __future__ import annotations

# Where a finding belongs (summary.json `areas`, the report's sections).
AREAS = ("contracts", "billing", "services", "automations", "notifications", "data_quality", "integrations",
         "permissions", "tickets")
SEVERITIES = ("blocker", "high", "medium", "low", "info")

# Finding statuses: FAIL must be dealt with before go-live, REVIEW needs a person's decision, ERROR is the engine's
# (the rule itself failed: shown, never hidden).
FAIL, REVIEW, PASS, ERROR = "FAIL", "REVIEW", "PASS", "ERROR"
STATUSES = (FAIL, REVIEW, PASS, ERROR)
RULE_STATUSES = (FAIL, REVIEW, PASS)  # what a rule may return
OPEN_STATUSES = (FAIL, REVIEW)  # what is left to do
ATTENTION_ORDER = (FAIL, ERROR, REVIEW, PASS)  # statuses in the order a reader deals with them

# findings.csv's columns (the output contract), and the columns a rule run produces before suppressions: the
# same less the mute columns, plus the rule's title (shown by the report and explorer).
FINDING_COLUMNS = ["finding_id", "rule_id", "area", "severity", "status", "entity_type", "entity_id", "company_id",
                   "company_name", "reason", "remediation", "muted", "mute_reason"]
RUN_COLUMNS = [c for c in FINDING_COLUMNS if c not in ("muted", "mute_reason")] + ["title"]

# Readiness classes, by consequence.
READY, CONDITIONS, NOT_READY, UNKNOWN = "Ready", "Ready with conditions", "Not ready", "Unknown"
CLASSES = (READY, CONDITIONS, NOT_READY, UNKNOWN)

# What happens to a contract in HaloPSA: maps with re-keying only, maps to a different structure, no equivalent
# (decide case by case), inactive (not migrated).
VERDICTS = ("direct", "rethink", "manual", "retire")

# Autotask's Contracts.contractType codes (Autotask help: ContractsEntity; codes as public tenants' data show them).
CONTRACT_TYPE_LABELS = {1: "Time & Materials", 3: "Fixed Price", 4: "Block Hours", 6: "Retainer",
                        7: "Recurring Service", 8: "Per Ticket"}

# Where a rule's findings appear besides the findings list, declared by the rule (Rule.feeds) and validated when
# it is declared; the report, the checklist and the effort model pick their rules by these names.
PLACEMENTS = {
    "rebuild:workflow_rules": "report, what must be rebuilt by hand: workflow rules",
    "rebuild:templates": "report, what must be rebuilt by hand: notification templates",
    "rebuild:integrations": "report, what must be rebuilt by hand: integrations",
    "rebuild:security_levels": "report, what must be rebuilt by hand: security levels as HaloPSA roles",
    "retire:automations": "report, what not to migrate: stale or inactive workflow rules",
    "retire:templates": "report, what not to migrate: unused notification templates",
    "retire:services": "report, what not to migrate: retired services",
    "retire:contracts": "report, what not to migrate: active contracts with no recent activity",
    "effort:workflow_rules_rebuild": "effort model: workflow rules to rebuild",
    "effort:templates_rebuild": "effort model: notification templates to re-author",
    "effort:security_levels": "effort model: security levels to define",
    "checklist:clients": "go-live checklist: clients and contacts",
    "checklist:assets": "go-live checklist: assets",
    "checklist:open_tickets": "go-live checklist: open tickets",
    "checklist:templates": "go-live checklist: notification templates",
    "checklist:workflows": "go-live checklist: workflow automations",
    "checklist:roles": "go-live checklist: roles and permissions",
}
