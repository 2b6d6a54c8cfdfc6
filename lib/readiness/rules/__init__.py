"""The readiness rule catalogue and the engine that runs it.

RULES maps rule id -> Rule (metadata + vectorised function); run_rules(export, as_of, params, only)
returns a RuleRun with findings (PASS rows included) and coverage per rule.
"""

from readiness.rules.base import (AREAS, ENTITY_TYPES, RULES, SEVERITIES, STATUSES, CannotJudge, Rule,
                                  RuleDefinitionError, feeding, lean_columns, rule)
from readiness.rules.context import Context
from readiness.rules.engine import COVERAGE_COLUMNS, RUN_COLUMNS, RuleRun, empty_findings, resolve_params, run_rules

# Importing the area modules registers their rules in RULES, in this order (the findings order).
from readiness.rules import (contracts, billing, services, automations, notifications, data_quality,  # noqa: E402,F401
                             tickets, integrations, permissions)

EDGE_CASE_RULES = tuple(rid for rid, r in RULES.items() if r.edge_case)

__all__ = ["AREAS", "COVERAGE_COLUMNS", "EDGE_CASE_RULES", "ENTITY_TYPES", "RULES", "RUN_COLUMNS", "SEVERITIES",
           "STATUSES", "CannotJudge", "Context", "Rule", "RuleDefinitionError", "RuleRun",
           "empty_findings", "feeding", "lean_columns", "resolve_params", "rule", "run_rules"]
