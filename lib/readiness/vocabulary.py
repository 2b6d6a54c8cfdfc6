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

# Readiness classes, by consequence.
READY, CONDITIONS, NOT_READY, UNKNOWN = "Ready", "Ready with conditions", "Not ready", "Unknown"
CLASSES = (READY, CONDITIONS, NOT_READY, UNKNOWN)

# What happens to a contract in HaloPSA: maps with re-keying only, maps to a different structure, no equivalent
# (decide case by case), inactive (not migrated).
VERDICTS = ("direct", "rethink", "manual", "retire")

# Autotask's Contracts.contractType codes (Autotask help: ContractsEntity; codes as public tenants' data show them).
CONTRACT_TYPE_LABELS = {1: "Time & Materials", 3: "Fixed Price", 4: "Block Hours", 6: "Retainer",
                        7: "Recurring Service", 8: "Per Ticket"}
