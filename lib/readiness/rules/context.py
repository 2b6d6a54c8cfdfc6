"""What a rule function sees: the export's tables, the as-of date, its parameters, and shared joins.

Shared joins (active contracts with company names, contract activity dates, open tickets ...) are used
by several rules; each is computed once per run, on first use, and cached on the context.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from readiness import halo
from readiness.effort import open_tickets
from readiness.rules.base import CannotJudge
from readiness.rules.frames import col, flag, fold_space, is_active


class Context:
    """Per-run view of one export; `bind` gives each rule its own parameters over the shared cache."""

    def __init__(self, export, as_of: pd.Timestamp, params: dict | None = None, cache: dict | None = None):
        self.export = export
        self.as_of = pd.Timestamp(as_of)
        self._params = dict(params or {})
        self._cache = {} if cache is None else cache

    def bind(self, params: dict) -> "Context":
        """A context for one rule: same export, as-of and cache, that rule's parameters."""
        return Context(self.export, self.as_of, params, self._cache)

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
        if not self.export.has(entity):
            raise CannotJudge(f"missing {entity}.csv")
        return self.export.tables[entity]

    def need(self, entity: str, *columns: str) -> pd.DataFrame:
        """The entity's table, checked to carry `columns`; raises CannotJudge naming what is absent."""
        df = self.t(entity)
        absent = [c for c in columns if c not in df.columns]
        if absent:
            raise CannotJudge(f"{entity}.csv has no {', '.join(absent)} column")
        return df

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
        try:
            return self.export.label(entity, field, code)
        except Exception:  # a label is presentation only; never let it fail a rule
            return str(code)

    def cached(self, key, build: Callable[[], object]):
        """`build()` computed once per run under `key`."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # -- shared joins ----------------------------------------------------------------------------------
    def company_names(self) -> pd.Series:
        """Company name by company id (empty when Companies is missing)."""
        def build():
            if not self.has("Companies"):
                return pd.Series(dtype="string")
            c = self.export.tables["Companies"]
            names = col(c, "companyName", "string").astype("string")
            return pd.Series(names.to_numpy(), index=c["id"].astype("Int64").to_numpy(), dtype="string").groupby(
                level=0).first()
        return self.cached("company_names", build)

    def contracts(self) -> pd.DataFrame:
        """Contracts plus type label, HaloPSA target, verdict and company name."""
        def build():
            c = self.t("Contracts")
            targets = halo.contract_targets(c)
            out = c.copy()
            out["type_label"] = targets["contract_type_label"].to_numpy()
            out["halo_target"] = targets["halo_target"].to_numpy()
            out["verdict"] = targets["verdict"].to_numpy()
            out["company_name"] = out["companyID"].map(self.company_names()).astype("string")
            out["is_active"] = flag(out["status"].eq(1)).to_numpy()
            return out
        return self.cached("contracts", build)

    def active_contracts(self) -> pd.DataFrame:
        """Contracts with status Active (1)."""
        return self.cached("active_contracts", lambda: self.contracts()[self.contracts()["is_active"]])

    def active_customers(self) -> pd.DataFrame:
        """Companies that are active and of type Customer (1); a column the export lacks does not filter."""
        def build():
            c = self.t("Companies")
            keep = is_active(c)
            if "companyType" in c.columns:
                keep &= flag(c["companyType"].eq(1))
            return c[keep]
        return self.cached("active_customers", build)

    def ticket_contract(self) -> pd.Series:
        """Contract id per ticket id (only tickets that carry one)."""
        def build():
            if not self.has("Tickets") or "contractID" not in self.export.tables["Tickets"].columns:
                return pd.Series(dtype="Int64")
            t = self.export.tables["Tickets"][["id", "contractID"]].dropna()
            return pd.Series(t["contractID"].to_numpy(), index=t["id"].to_numpy(), dtype="Int64").groupby(
                level=0).first()
        return self.cached("ticket_contract", build)

    def contract_activity(self) -> pd.DataFrame:
        """Last activity date per contract id from each source the export holds.

        Columns: last_time (TimeEntries.dateWorked; contract taken from the entry, else from its ticket),
        last_units (ContractServiceUnits with units > 0: the end of the period, capped at as-of),
        last_charge (ContractCharges.datePurchased), last_billed (BillingItems.itemDate), last_activity
        (newest of these). Dates after as-of are ignored. `sources` lists the tables used.
        """
        def build():
            parts, sources = {}, []
            asof = self.as_of
            if self.has("TimeEntries"):
                te = self.export.tables["TimeEntries"]
                date = col(te, "dateWorked", "datetime64[ms]")
                if "dateWorked" not in te.columns and "startDateTime" in te.columns:
                    date = te["startDateTime"]
                contract = col(te, "contractID", "Int64").astype("Int64")
                if "ticketID" in te.columns:  # look up only the entries that lack a contract of their own
                    gap = contract.isna().to_numpy()
                    if gap.any():
                        contract = contract.copy()
                        contract[gap] = te["ticketID"][gap].map(self.ticket_contract()).astype("Int64").to_numpy()
                frame = pd.DataFrame({"contract": contract.to_numpy(), "date": pd.to_datetime(date).to_numpy()})
                frame = frame[frame["date"].le(asof).fillna(False) & frame["contract"].notna()]
                parts["last_time"] = frame.groupby("contract")["date"].max()
                sources.append("TimeEntries")
            if self.has("ContractServiceUnits"):
                u = self.export.tables["ContractServiceUnits"]
                units = pd.to_numeric(col(u, "units", "Float64"), errors="coerce")
                start = col(u, "startDate", "datetime64[ms]")
                end = col(u, "endDate", "datetime64[ms]").fillna(start)
                billed = flag(units.gt(0)) if "units" in u.columns else pd.Series(True, index=u.index)
                billed &= flag(start.le(asof))
                frame = pd.DataFrame({"contract": u["contractID"].to_numpy(),
                                      "date": end.where(end.le(asof), asof).to_numpy()})[billed.to_numpy()]
                parts["last_units"] = frame.groupby("contract")["date"].max()
                sources.append("ContractServiceUnits")
            for entity, field, key in (("ContractCharges", "datePurchased", "last_charge"),
                                       ("BillingItems", "itemDate", "last_billed")):
                if self.has(entity) and field in self.export.tables[entity].columns \
                        and "contractID" in self.export.tables[entity].columns:
                    d = self.export.tables[entity]
                    frame = pd.DataFrame({"contract": d["contractID"].to_numpy(), "date": d[field].to_numpy()})
                    frame = frame[frame["date"].le(asof).fillna(False) & frame["contract"].notna()]
                    parts[key] = frame.groupby("contract")["date"].max()
                    sources.append(entity)
            out = pd.DataFrame(parts)
            for key in ("last_time", "last_units", "last_charge", "last_billed"):
                if key not in out.columns:
                    out[key] = pd.Series(dtype="datetime64[ms]")
            out["last_activity"] = out[["last_time", "last_units", "last_charge", "last_billed"]].max(axis=1)
            out.index = out.index.astype("Int64")
            out.attrs["sources"] = sources
            return out
        return self.cached("contract_activity", build)

    def open_tickets(self) -> pd.DataFrame:
        """Tickets whose status is not Complete (5): the open work the effort model and checklist count too."""
        def build():
            self.need("Tickets", "status")
            return open_tickets(self.export)
        return self.cached("open_tickets", build)

    def workflow_stale(self, stale_days: int) -> pd.Series:
        """Per WorkflowRules row: True when the active rule looks stale, False when recently alive, NA unknown.

        Stale = last_triggered older than `stale_days` before as-of; or no last_triggered and last_modified
        that old; or Autotask's rule audit flagged "Has not triggered recently". Inactive rules are False.
        """
        def build():
            w = self.t("WorkflowRules")
            cut = self.cutoff(stale_days)
            trig = col(w, "last_triggered", "datetime64[ms]")
            mod = col(w, "last_modified", "datetime64[ms]")
            flagged = self.workflow_audit_flagged()
            old_trig = flag(trig.lt(cut))
            old_mod = flag(trig.isna() & mod.lt(cut))
            stale = flagged | old_trig | old_mod
            known = stale | trig.notna() | mod.notna()
            out = pd.Series(stale, dtype="boolean").where(known, pd.NA)
            return out.where(is_active(w, "active"), False)
        return self.cached(("workflow_stale", int(stale_days)), build)

    def workflow_audit_flagged(self) -> pd.Series:
        """Per WorkflowRules row: True when Autotask's rule audit says "Has not triggered recently" (any case)."""
        def build():
            w = self.t("WorkflowRules")
            return flag(col(w, "audit_flags", "string").astype("string").str.casefold()
                        .str.contains("has not triggered recently", regex=False))
        return self.cached("workflow_audit_flagged", build)

    def template_last_sent(self) -> pd.Series:
        """Newest NotificationHistory send (up to as-of) per case/space-folded template name."""
        def build():
            h = self.t("NotificationHistory")
            sent = col(h, "notificationSentTime", "datetime64[ms]")
            # a million sends use a few hundred names: fold each distinct name once, group by its code
            codes, names = pd.factorize(h["templateName"])
            frame = pd.DataFrame({"code": codes, "sent": sent.to_numpy()})
            frame = frame[(frame["code"] >= 0) & (frame["sent"].le(self.as_of).fillna(False) | frame["sent"].isna())]
            last = frame.groupby("code")["sent"].max()
            keys = fold_space(pd.Series(names, dtype="string")).to_numpy()[last.index.to_numpy()]
            last = pd.Series(last.to_numpy(), index=keys)
            last = last[pd.notna(last.index) & (last.index != "")]
            return last.groupby(level=0).max()
        return self.cached("template_last_sent", build)
