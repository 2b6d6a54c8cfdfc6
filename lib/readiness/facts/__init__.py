"""Audit facts: the derived tables that rules, the report, the checklist, the effort model and the explorer
read, each computed once per audit, on first use, from the typed tables, as of one day and with the rule
parameters the run used.

A fact is computed in one place (a function of this package's modules) and everything downstream reads it;
nothing re-derives it from the raw tables. `Facts.for_presentation()` keeps the computed facts and drops the
export, which is what the report's notebook receives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from readiness.columns import is_active
from readiness.entities import ASSUMED_PICKLISTS, is_assumed_label
from readiness.facts import automations, contracts, duplicates, notifications, records, tickets

# The history-table columns the facts read (the rules declare theirs): the lean load keeps these.
COLUMNS = {
    "TimeEntries": ("ticketID", "contractID", "dateWorked"),
    "Tickets": ("contractID", "status"),
    "ContractServiceUnits": ("contractID", "startDate", "endDate", "units"),
    "BillingItems": ("contractID", "itemDate"),
    "NotificationHistory": ("templateName", "notificationSentTime"),
}


def _frame(df) -> pd.DataFrame:
    return df.copy() if isinstance(df, pd.DataFrame) else pd.DataFrame()


class CannotJudge(Exception):
    """The export lacks what a fact or a rule needs (a table or a column): coverage, not an error."""


class Facts:
    """The facts of one audit of `export` as of `as_of`; `params` is {rule_id: {param: value}} as the run used
    them (defaults included)."""

    def __init__(self, export, as_of, params: dict | None = None):
        self.export = export
        self.as_of = pd.Timestamp(as_of).normalize()
        self.params = {rid: dict(p) for rid, p in (params or {}).items()}
        self._client = dict(getattr(export, "client", None) or {}) if export is not None else {}
        self._cache: dict = {}

    # -- plumbing -----------------------------------------------------------------------------------------------
    def cached(self, key, build: Callable[[], object]):
        """`build()` computed once under `key`."""
        if key not in self._cache:
            if self.export is None:
                raise KeyError(f"fact {key!r} was not computed before the export was let go")
            self._cache[key] = build()
        value = self._cache[key]
        if isinstance(value, CannotJudge):  # kept by for_presentation: the export could not give this fact
            raise value
        return value

    def param(self, rule_id: str, name: str):
        """The value of rule `rule_id`'s parameter `name` in this run."""
        return self.params[rule_id][name]

    def has(self, entity: str, *columns: str) -> bool:
        """True when the entity's table was exported (it may have zero rows) and carries `columns`."""
        return (self.export is not None and self.export.has(entity)
                and all(c in self.export.tables[entity].columns for c in columns))

    @property
    def client(self) -> dict:
        """client.yaml's contents ({} when absent)."""
        return dict(self._client)

    def table(self, entity: str) -> pd.DataFrame:
        """The entity's typed table; raises CannotJudge ("missing X.csv") when it was not exported."""
        if not self.has(entity):
            raise CannotJudge(f"missing {entity}.csv")
        return self.export.tables[entity]

    def entities(self) -> list[str]:
        """The entities the export holds a table for."""
        return list(self.export.tables) if self.export is not None else []

    def labels(self, entity: str, field: str) -> dict:
        """Code -> label map of a picklist (the tenant's labels over Autotask's defaults)."""
        return self.cached(("labels", entity, field), lambda: self.export.labels(entity, field))

    def assumed_labels(self) -> list[str]:
        """"Entity.field" of each picklist whose shown labels include assumed ones (entities.ASSUMED_PICKLISTS:
        Autotask publishes their labels, not their codes) because the tenant's fields/ does not label them."""
        def build():
            out = []
            for entity, field in ASSUMED_PICKLISTS:
                if not self.has(entity, field):
                    continue
                tenant = (getattr(self.export, "picklists", None) or {}).get((entity, field))
                codes = self.table(entity)[field].dropna().unique()
                if any(is_assumed_label(entity, field, c, tenant) for c in codes):
                    out.append(f"{entity}.{field}")
            return out
        return self.cached("assumed_labels", build)

    def need(self, entity: str, *columns: str) -> pd.DataFrame:
        """The entity's table, checked to carry `columns`; raises CannotJudge naming what is absent."""
        df = self.table(entity)
        absent = [c for c in columns if c not in df.columns]
        if absent:
            raise CannotJudge(f"{entity}.csv has no {', '.join(absent)} column")
        return df

    def label(self, entity: str, field: str, code) -> str:
        """Picklist label for a code (the tenant's, else Autotask's default), else the code itself."""
        try:
            return self.labels(entity, field).get(int(code), str(code))
        except Exception:  # a label is presentation only; never let it fail anything
            return str(code)

    def for_presentation(self, keys) -> "Facts":
        """A copy holding only the facts named in `keys` (computed now if needed) and no export."""
        out = Facts(None, self.as_of, self.params)
        out._client = dict(self._client)
        for key in keys:
            name, *args = key if isinstance(key, tuple) else (key,)
            try:
                out._cache[key] = getattr(self, name)(*args)
            except CannotJudge as exc:  # asked for again, it raises again
                out._cache[key] = exc
        return out

    # -- how the export was read (the report's data annex) ---------------------------------------------------------
    def load_ledger(self) -> pd.DataFrame:
        """Per file read: entity, file, read_as, read, loaded, rejected (the loader's ledger)."""
        return self.cached("load_ledger", lambda: _frame(getattr(self.export, "ledger", None)))

    def load_rejects(self) -> pd.DataFrame:
        """Every rejected input row: entity, file, row, column, value, reason."""
        return self.cached("load_rejects", lambda: _frame(getattr(self.export, "rejects", None)))

    def load_problems(self) -> list[str]:
        """What the loader had to say about the export as a whole (files not read, assumptions made)."""
        return self.cached("load_problems", lambda: [str(p) for p in (getattr(self.export, "problems", None) or [])])

    def source_path(self) -> str:
        """The export folder's absolute path ("" when the export was not read from a folder)."""
        def build():
            path = getattr(self.export, "path", None)
            return str(Path(path).resolve()) if path else ""
        return self.cached("source_path", build)

    # -- the facts ------------------------------------------------------------------------------------------------
    def company_names(self) -> pd.Series:
        """Company name by company id (empty when Companies is missing)."""
        return self.cached("company_names", lambda: contracts.company_names(self))

    def active_rows(self, entity: str, column: str = "isActive") -> pd.DataFrame:
        """The entity's rows not marked inactive in `column` (a missing column or value does not filter)."""
        return self.cached(("active_rows", entity, column),
                           lambda: self.table(entity)[is_active(self.table(entity), column).to_numpy()])

    def client_portals(self) -> int:
        """Companies with the Autotask client portal active (Companies.isClientPortalActive)."""
        return self.cached("client_portals", lambda: int(
            self.table("Companies")["isClientPortalActive"].eq(True).fillna(False).sum()))

    def native_records(self) -> dict:
        """What HaloPSA's own import brings across, counted: active customers, active contacts, active
        configuration items and open tickets (None for a table the export lacks)."""
        def build():
            def count(entity, rows):
                return int(len(rows())) if self.has(entity) else None
            return {"clients": count("Companies", self.active_customers),
                    "contacts": count("Contacts", lambda: self.active_rows("Contacts")),
                    "assets": count("ConfigurationItems", lambda: self.active_rows("ConfigurationItems")),
                    "open_tickets": (int(len(self.open_tickets())) if self.has("Tickets", "status") else None)}
        return self.cached("native_records", build)

    def active_customers(self) -> pd.DataFrame:
        """Companies that are active and of type Customer (1)."""
        return self.cached("active_customers", lambda: contracts.active_customers(self))

    def contracts(self) -> pd.DataFrame:
        """Contracts plus type label, HaloPSA target, verdict, company name and is_active."""
        return self.cached("contracts", lambda: contracts.contracts(self))

    def active_contracts(self) -> pd.DataFrame:
        """Contracts with status Active (1)."""
        return self.cached("active_contracts", lambda: self.contracts()[self.contracts()["is_active"]])

    def ticket_contract(self) -> pd.Series:
        """Contract id per ticket id (only tickets that carry one)."""
        return self.cached("ticket_contract", lambda: contracts.ticket_contract(self))

    def contract_activity(self) -> pd.DataFrame:
        """Last activity date per contract id from each source the export holds (contracts.contract_activity)."""
        return self.cached("contract_activity", lambda: contracts.contract_activity(self))

    def exclusion_chains(self) -> pd.DataFrame:
        """Per contract naming an exclusion contract: the path its excluded labour takes
        (contracts.exclusion_chains)."""
        return self.cached("exclusion_chains", lambda: contracts.exclusion_chains(self))

    def open_tickets(self) -> pd.DataFrame:
        """Tickets not Complete (status 5); empty when Tickets or its status is missing."""
        return self.cached("open_tickets", lambda: tickets.open_tickets(self.export.tables.get("Tickets")))

    def workflow_audit_flagged(self) -> pd.Series:
        """Per WorkflowRules row: True when Autotask's rule audit says "Has not triggered recently"."""
        return self.cached("workflow_audit_flagged", lambda: automations.audit_flagged(self))

    def workflow_stale(self, stale_days: int) -> pd.Series:
        """Per WorkflowRules row: True stale, False recently alive or inactive, NA unknown (automations.stale)."""
        return self.cached(("workflow_stale", int(stale_days)), lambda: automations.stale(self, int(stale_days)))

    def workflow_rules(self) -> pd.DataFrame:
        """The captured workflow rules with what each is rebuilt as in HaloPSA and its days since it fired."""
        return self.cached("workflow_rules", lambda: automations.workflow_rules(self))

    def template_sends(self, window_days: int) -> pd.DataFrame:
        """Per case/space-folded template name: last_sent (up to as-of) and sends in the `window_days` to as-of."""
        return self.cached(("template_sends", int(window_days)),
                           lambda: notifications.template_sends(self, int(window_days)))

    def duplicate_groups(self, kind: str) -> pd.DataFrame:
        """Active records sharing a folded matching key, for kind in duplicates.KEYS (company_name,
        contact_email, configuration_item_serial): id, key, duplicate, group_size, group_ids."""
        return self.cached(("duplicate_groups", kind), lambda: duplicates.duplicate_groups(self, kind))

    def templates(self) -> pd.DataFrame:
        """The captured notification templates with their folded name (the key sends are matched on)."""
        return self.cached("templates", lambda: notifications.templates(self))

    # -- record lookups (the explorer's contract detail) ---------------------------------------------------------
    def contract_rows(self, entity: str, contract_id: int) -> pd.DataFrame | None:
        """A copy of `entity`'s rows on the contract (possibly empty); None when the table or its contractID
        column was not exported."""
        positions = self.cached(("contract_positions", entity), lambda: records.contract_positions(self, entity))
        if positions is None:
            return None
        pos = positions.get(int(contract_id))
        table = self.table(entity)
        return table.iloc[pos].copy() if pos is not None else table.iloc[:0].copy()

    def id_column(self, entity: str, col: str) -> pd.Series:
        """id -> `col` of a table (empty when missing; records.id_column)."""
        return self.cached(("id_column", entity, col), lambda: records.id_column(self, entity, col))

    def names(self, entity: str, col: str = "name") -> pd.Series:
        """id -> display name as text, converted once per table and column."""
        return self.cached(("names", entity, col), lambda: self.id_column(entity, col).astype("string"))

    def record_contract(self) -> pd.Series:
        """'EntityType:id' of every contract child record -> its contract id (records.record_contract)."""
        return self.cached("record_contract", lambda: records.record_contract(self))

    def newest_date(self) -> pd.Timestamp | None:
        """The export's own as-of (client.yaml export_date, else its newest history date)."""
        return self.cached("newest_date", lambda: self.export.newest_date())

    def finding_contracts(self, findings: pd.DataFrame):
        """Contract id of each finding (on the contract or one of its child records; -1 for none), as a numpy
        array. Kept for the latest findings frame: a large MSP has hundreds of thousands of findings and the
        explorer asks once per contract opened."""
        seen = self._cache.get("finding_contracts")
        if seen is None or seen[0] is not findings:
            seen = (findings, records.finding_contracts(self, findings))
            self._cache["finding_contracts"] = seen
        return seen[1]
