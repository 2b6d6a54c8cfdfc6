"""Facts about companies and contracts: names, active customers, contracts with their HaloPSA target, and each
contract's last activity."""

from __future__ import annotations

import pandas as pd

from readiness import halo
from readiness.columns import col, flag, is_active

CUSTOMER = 1  # Companies.companyType Customer: the only type contracts can be created for (Autotask help)
ACTIVE = 1  # Contracts.status Active


def company_names(facts) -> pd.Series:
    if not facts.has("Companies"):
        return pd.Series(dtype="string")
    c = facts.export.tables["Companies"]
    names = col(c, "companyName", "string").astype("string")
    return pd.Series(names.to_numpy(), index=c["id"].astype("Int64").to_numpy(), dtype="string").groupby(
        level=0).first()


def active_customers(facts) -> pd.DataFrame:
    """A column the export lacks does not filter."""
    c = facts.table("Companies")
    keep = is_active(c)
    if "companyType" in c.columns:
        keep &= flag(c["companyType"].eq(CUSTOMER))
    return c[keep]


def contracts(facts) -> pd.DataFrame:
    c = facts.table("Contracts")
    targets = halo.contract_targets(c)
    out = c.copy()
    out["type_label"] = targets["contract_type_label"].to_numpy()
    out["halo_target"] = targets["halo_target"].to_numpy()
    out["verdict"] = targets["verdict"].to_numpy()
    out["company_name"] = out["companyID"].map(facts.company_names()).astype("string")
    out["is_active"] = flag(out["status"].eq(ACTIVE)).to_numpy()
    return out


def ticket_contract(facts) -> pd.Series:
    if not facts.has("Tickets") or "contractID" not in facts.export.tables["Tickets"].columns:
        return pd.Series(dtype="Int64")
    t = facts.export.tables["Tickets"][["id", "contractID"]].dropna()
    return pd.Series(t["contractID"].to_numpy(), index=t["id"].to_numpy(), dtype="Int64").groupby(level=0).first()


def contract_activity(facts) -> pd.DataFrame:
    """Last activity date per contract id from each source the export holds.

    Columns: last_time (TimeEntries.dateWorked; contract taken from the entry, else from its ticket),
    last_units (ContractServiceUnits with units > 0: the end of the period, capped at as-of),
    last_charge (ContractCharges.datePurchased), last_billed (BillingItems.itemDate), last_activity
    (newest of these). Dates after as-of are ignored. `attrs["sources"]` lists the tables used.
    """
    parts, sources = {}, []
    asof = facts.as_of
    tables = facts.export.tables
    if facts.has("TimeEntries"):
        te = tables["TimeEntries"]
        date = col(te, "dateWorked", "datetime64[ms]")
        if "dateWorked" not in te.columns and "startDateTime" in te.columns:
            date = te["startDateTime"]
        contract = col(te, "contractID", "Int64").astype("Int64")
        if "ticketID" in te.columns:  # look up only the entries that lack a contract of their own
            gap = contract.isna().to_numpy()
            if gap.any():
                contract = contract.copy()
                contract[gap] = te["ticketID"][gap].map(facts.ticket_contract()).astype("Int64").to_numpy()
        frame = pd.DataFrame({"contract": contract.to_numpy(), "date": pd.to_datetime(date).to_numpy()})
        frame = frame[frame["date"].le(asof).fillna(False) & frame["contract"].notna()]
        parts["last_time"] = frame.groupby("contract")["date"].max()
        sources.append("TimeEntries")
    if facts.has("ContractServiceUnits"):
        u = tables["ContractServiceUnits"]
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
        if facts.has(entity) and field in tables[entity].columns and "contractID" in tables[entity].columns:
            d = tables[entity]
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


MAX_HOPS = 25  # exclusion-contract hops followed before a chain that is still moving is called a loop


def exclusion_chains(facts) -> pd.DataFrame:
    """Where each contract's excluded labour rolls to (Contracts.exclusionContractID), over every contract.

    Index: the id of every contract that names an exclusion contract. Columns: path (tuple of the contract ids
    the labour passes through, in order: a contract naming none ends it, one not in the export ends it as its
    last element), hops (len(path)), looped (the chain comes back to its origin, or still moves after MAX_HOPS
    hops) and missing (path's last contract is not in the export). One vectorised step per hop over all
    contracts, so a handful of steps covers every chain."""
    c = facts.table("Contracts")
    if "exclusionContractID" not in c.columns:
        return pd.DataFrame(columns=["path", "hops", "looped", "missing"])
    nxt = pd.Series(c["exclusionContractID"].astype("Int64").to_numpy(), index=c["id"].astype("Int64").to_numpy())
    nxt = nxt[~nxt.index.duplicated()]
    origin = nxt[nxt.notna()]
    origin_ids = pd.Series(origin.index, index=origin.index, dtype="Int64")
    cur = origin.astype("Int64")
    steps = [cur]
    looped = flag(cur.eq(origin_ids))
    alive = ~looped
    for _ in range(MAX_HOPS):
        step = cur.map(nxt).astype("Int64")
        go = alive & step.notna()
        if not go.any():
            break
        steps.append(step.where(go))
        looped |= go & flag(step.eq(origin_ids))
        cur = step.where(go, cur)
        alive = go & ~looped
    looped |= alive & cur.map(nxt).notna()  # still moving after MAX_HOPS hops: a loop not through the origin
    wide = pd.concat(steps, axis=1)
    paths = [tuple(int(v) for v in row if pd.notna(v)) for row in wide.itertuples(index=False)]
    out = pd.DataFrame({"path": paths}, index=origin.index)
    out["hops"] = out["path"].map(len).astype(int)
    out["looped"] = looped.to_numpy()
    out["missing"] = [bool(p) and p[-1] not in nxt.index for p in paths]
    return out
