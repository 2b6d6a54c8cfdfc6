"""What a rule function sees: the export's tables, the as-of date, its parameters, and the audit's facts.

The shared derived tables (active contracts with company names, contract activity dates, open tickets, template
sends ...) are facts (readiness.facts): computed once per audit and read by the report, checklist and effort
model too. A rule's own helper tables can be cached on the context with `cached`.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from readiness.facts import Facts


class Context:
    """Per-run view of one audit's facts; `bind` gives each rule its own parameters over the shared facts."""

    def __init__(self, facts: Facts, params: dict | None = None):
        self.facts = facts
        self.export = facts.export
        self.as_of = facts.as_of
        self._params = dict(params or {})

    def bind(self, params: dict) -> "Context":
        """A context for one rule: same facts, that rule's parameters."""
        return Context(self.facts, params)

    # -- tables and parameters -------------------------------------------------------------------------
    @property
    def client(self) -> dict:
        """client.yaml contents ({} when absent)."""
        return getattr(self.export, "client", None) or {}

    def has(self, entity: str) -> bool:
        """True when the entity's table is in the export (it may have zero rows)."""
        return self.export.has(entity)

    def t(self, entity: str) -> pd.DataFrame:
        """The entity's table; raises CannotJudge ("missing X.csv") when it was not exported."""
        return self.facts.table(entity)

    def need(self, entity: str, *columns: str) -> pd.DataFrame:
        """The entity's table, checked to carry `columns`; raises CannotJudge naming what is absent."""
        return self.facts.need(entity, *columns)

    def param(self, name: str):
        """This rule's parameter value (its default unless overridden for the run)."""
        if name not in self._params:
            raise KeyError(f"rule has no parameter {name!r}")
        return self._params[name]

    def cutoff(self, days: int) -> pd.Timestamp:
        """The as-of date minus `days` days: the start of a look-back window."""
        return self.as_of - pd.Timedelta(days=int(days))

    def label(self, entity: str, field: str, code) -> str:
        """Picklist label for a code, falling back to the code itself."""
        return self.facts.label(entity, field, code)

    def cached(self, key, build: Callable[[], object]):
        """`build()` computed once per run under `key` (a rule's own helper table)."""
        return self.facts.cached(("rule", key), build)

    # -- the audit's facts -------------------------------------------------------------------------------
    def company_names(self) -> pd.Series:
        return self.facts.company_names()

    def contracts(self) -> pd.DataFrame:
        return self.facts.contracts()

    def active_contracts(self) -> pd.DataFrame:
        return self.facts.active_contracts()

    def active_customers(self) -> pd.DataFrame:
        return self.facts.active_customers()

    def ticket_contract(self) -> pd.Series:
        return self.facts.ticket_contract()

    def contract_activity(self) -> pd.DataFrame:
        return self.facts.contract_activity()

    def open_tickets(self) -> pd.DataFrame:
        """Tickets not Complete (5); CannotJudge when Tickets or its status is missing."""
        self.need("Tickets", "status")
        return self.facts.open_tickets()

    def duplicate_groups(self, kind: str) -> pd.DataFrame:
        return self.facts.duplicate_groups(kind)

    def workflow_stale(self, stale_days: int) -> pd.Series:
        return self.facts.workflow_stale(stale_days)

    def workflow_audit_flagged(self) -> pd.Series:
        return self.facts.workflow_audit_flagged()

    def template_last_sent(self) -> pd.Series:
        """Newest NotificationHistory send (up to as-of) per case/space-folded template name."""
        # keyed by this rule's window, the same one the report asks for, so the history is grouped once
        return self.facts.template_sends(int(self._params.get("stale_days", 0)))["last_sent"]
