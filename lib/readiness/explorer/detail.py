"""One contract's detail as data: header, target, services, units, prepaid, rates, exclusions, rules, findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from readiness.facts import Facts
from readiness.explorer.query import order_findings

OPEN_ENDED_YEAR = 9000  # Autotask writes open-ended end dates as 9999-12-31


def number_text(x) -> str:
    """A number with thousands separators, at most 2 decimals and no trailing zeros (12, 12.5, 1,250.75)."""
    if x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)):
        return ""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


@dataclass
class ContractDetail:
    """Everything the decision on one contract needs. Frames hold display-ready values; `missing` lists the
    entities the export did not include (so an empty section reads "not exported", not "none")."""

    contract_id: int
    name: str
    header: dict = field(default_factory=dict)
    target: dict = field(default_factory=dict)
    services: pd.DataFrame = field(default_factory=pd.DataFrame)
    bundles: pd.DataFrame = field(default_factory=pd.DataFrame)
    units: pd.DataFrame = field(default_factory=pd.DataFrame)  # service, period_start, period_end, units, price
    blocks: pd.DataFrame = field(default_factory=pd.DataFrame)
    retainers: pd.DataFrame = field(default_factory=pd.DataFrame)
    ticket_purchases: pd.DataFrame = field(default_factory=pd.DataFrame)
    rates: pd.DataFrame = field(default_factory=pd.DataFrame)
    block_factors: pd.DataFrame = field(default_factory=pd.DataFrame)
    exclusion_roles: pd.DataFrame = field(default_factory=pd.DataFrame)
    exclusion_billing_codes: pd.DataFrame = field(default_factory=pd.DataFrame)
    exclusion_set: dict = field(default_factory=dict)
    exclusion_set_roles: pd.DataFrame = field(default_factory=pd.DataFrame)
    exclusion_set_work_types: pd.DataFrame = field(default_factory=pd.DataFrame)
    exclusion_chain: pd.DataFrame = field(default_factory=pd.DataFrame)
    billing_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    passed: int = 0  # PASS findings on the contract (not listed)
    missing: list = field(default_factory=list)


def as_facts(source) -> Facts:
    """The audit's facts for an Export (as of today: the detail passes its own as-of where it matters), or
    `source` itself when it already is one."""
    return source if isinstance(source, Facts) else Facts(source, pd.Timestamp.today())


def _rows(f: Facts, entity: str, cid: int, missing: list | None = None) -> pd.DataFrame:
    """The entity's rows on contract `cid`; empty (and `entity` added to `missing`) when not exported."""
    rows = f.contract_rows(entity, cid)
    if rows is None:
        if missing is not None:
            missing.append(entity)
        return pd.DataFrame()
    return rows


def _table(f: Facts, entity: str) -> pd.DataFrame | None:
    """The entity's typed table, None when it was not exported."""
    return f.table(entity) if f.has(entity) else None


def _named(ids: pd.Series, names: pd.Series) -> pd.Series:
    """'Name (id)' for each id; just the id when the name is unknown."""
    idtext = ids.astype("Int64").astype("string")
    name = ids.map(names).astype("string")
    return (name + " (" + idtext + ")").fillna(idtext).fillna("")


def _col(df: pd.DataFrame, name: str, dtype="Float64") -> pd.Series:
    return df[name] if name in df else pd.Series(pd.NA, index=df.index, dtype=dtype)


def _label(f: Facts, entity: str, fld: str, codes: pd.Series) -> pd.Series:
    """Picklist labels for a code column: the tenant's fields/ label, else Autotask's default, else "code 19"."""
    labels = f.labels(entity, fld)
    numeric = pd.to_numeric(codes, errors="coerce")
    as_code = ("code " + numeric.astype("Int64").astype("string")).fillna(codes.astype("string"))
    return numeric.map(labels).astype("string").fillna(as_code)


def _pick(df: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """Rename and keep the given columns (source -> display), skipping ones the export lacks."""
    present = {k: v for k, v in columns.items() if k in df}
    return df[list(present)].rename(columns=present).reset_index(drop=True)


def _one(df: pd.DataFrame, col: str):
    """Value of `col` in the first row (NA when the column is absent)."""
    if col not in df:
        return pd.NA
    return df[col].iloc[0]


def contract_detail(source, contract_id: int, findings: pd.DataFrame | None = None,
                    contract_map: pd.DataFrame | None = None, as_of=None) -> ContractDetail:
    """Assemble the detail of one contract from the audit's facts (or an Export, whose facts are then worked out
    here: pass the audit's Facts when many contracts are opened), its findings and its contract-map row.

    Raises KeyError when the contract is not in the export. as_of (default: the export's newest date) decides
    which service period is "now". Amounts are in the tenant's currency; hours in hours.
    """
    f = as_facts(source)
    cid = int(contract_id)
    contracts = _table(f, "Contracts")
    contracts = pd.DataFrame() if contracts is None else contracts
    row = contracts[contracts["id"].eq(cid).fillna(False).to_numpy()] if "id" in contracts else contracts
    if row.empty:
        raise KeyError(f"contract {cid} is not in the export")
    rec = row.iloc[0]
    as_of = pd.Timestamp(as_of) if as_of is not None else (f.newest_date() or pd.Timestamp.today().normalize())
    missing: list[str] = []
    name = rec.get("contractName")
    d = ContractDetail(contract_id=cid, name=str(name) if pd.notna(name) else f"Contract {cid}", missing=missing)
    d.header = _header(f, rec)
    d.target = _target(contract_map, cid)
    d.units = _units(f, cid, missing)
    d.services = _services(f, cid, d.units, as_of, missing)
    d.bundles = _bundles(f, cid, missing)
    d.blocks, d.retainers, d.ticket_purchases = _prepaid(f, cid, as_of, missing)
    d.rates, d.block_factors = _rates(f, cid, missing)
    _exclusions(f, rec, cid, d, missing)
    d.billing_rules = _billing_rules(f, cid, missing)
    d.milestones = _milestones(f, cid, missing)
    if findings is not None:
        d.findings, d.passed = _contract_findings(f, cid, findings)
    return d


_HEADER_FIELDS = {
    "contractNumber": "Contract number", "companyID": "Company", "contactName": "Contact", "contractType": "Type",
    "contractCategory": "Category", "status": "Status", "startDate": "Start", "endDate": "End",
    "contractPeriodType": "Period", "billingPreference": "Billing preference", "setupFee": "Setup fee",
    "setupFeeBillingCodeID": "Setup fee billing code", "overageBillingRate": "Overage rate",
    "estimatedRevenue": "Estimated revenue", "isDefaultContract": "Default contract",
    "serviceLevelAgreementID": "SLA", "purchaseOrderNumber": "PO number",
    "contractExclusionSetID": "Exclusion set", "exclusionContractID": "Exclusion contract",
    "renewedContractID": "Renewed as", "billToCompanyID": "Bill to",
}
_HEADER_LOOKUPS = {  # id field -> (entity, name column)
    "companyID": ("Companies", "companyName"), "billToCompanyID": ("Companies", "companyName"),
    "setupFeeBillingCodeID": ("BillingCodes", "name"), "contractExclusionSetID": ("ContractExclusionSets", "name"),
    "exclusionContractID": ("Contracts", "contractName"), "renewedContractID": ("Contracts", "contractName"),
}
_HEADER_PICKLISTS = ("contractType", "contractCategory", "status", "contractPeriodType", "billingPreference",
                     "serviceLevelAgreementID")


def _scalar_text(value) -> str:
    """One header value as display text (dates YYYY-MM-DD or open-ended, numbers trimmed, flags yes/no)."""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return "open-ended" if value.year >= OPEN_ENDED_YEAR else value.strftime("%Y-%m-%d")
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number_text(float(value))
    return str(value)


def _header(f: Facts, rec: pd.Series) -> dict:
    """Contract header fields (label -> display text), only those the export has and that hold a value.
    One contract's ~20 fields are read as scalars."""
    out = {"Contract id": str(int(rec["id"]))}
    for fld, label in _HEADER_FIELDS.items():
        value = rec.get(fld, pd.NA)
        if value is None or pd.isna(value) or str(value) == "":
            continue
        if fld in _HEADER_LOOKUPS:
            name = f.names(*_HEADER_LOOKUPS[fld]).get(int(value), pd.NA)
            out[label] = f"{name} ({int(value)})" if pd.notna(name) else str(int(value))
        elif fld in _HEADER_PICKLISTS:
            out[label] = _label(f, "Contracts", fld, pd.Series([value])).iloc[0]
        else:
            out[label] = _scalar_text(value)
    return out


def _target(contract_map: pd.DataFrame | None, cid: int) -> dict:
    """halo_target, verdict, contract_type and edge_cases from the contract map row ({} when not given)."""
    if contract_map is None or contract_map.empty:
        return {}
    row = contract_map[contract_map["contract_id"].eq(cid).fillna(False).to_numpy()]
    if row.empty:
        return {}
    r = row.iloc[0]
    edges = "" if pd.isna(r.get("edge_cases")) else str(r.get("edge_cases"))
    return {"halo_target": r.get("halo_target"), "verdict": r.get("verdict"), "contract_type": r.get("contract_type"),
            "status": r.get("status"), "edge_cases": [e for e in edges.split("|") if e]}


def _units(f: Facts, cid: int, missing: list) -> pd.DataFrame:
    """Unit history: one row per service per billing period (service, period_start, period_end, units, price)."""
    u = _rows(f, "ContractServiceUnits", cid, missing)
    if u.empty:
        return pd.DataFrame(columns=["service", "contract_service_id", "period_start", "period_end", "units", "price"])
    service_id = _col(u, "serviceID", "Int64")
    if "serviceID" not in u:  # older exports: take the service from the contract service
        service_id = u["contractServiceID"].map(f.id_column("ContractServices", "serviceID")).astype("Int64")
    service = _named(service_id, f.names("Services"))
    out = pd.DataFrame({
        "service": service.to_numpy(),
        "contract_service_id": u["contractServiceID"].astype("Int64").to_numpy(),
        "period_start": _col(u, "startDate", "datetime64[ms]").to_numpy(),
        "period_end": _col(u, "endDate", "datetime64[ms]").to_numpy(),
        "units": pd.to_numeric(_col(u, "units"), errors="coerce").astype("Float64").to_numpy(),
        "price": pd.to_numeric(_col(u, "price"), errors="coerce").astype("Float64").to_numpy(),
    })
    return out.sort_values(["period_start", "service"], kind="stable").reset_index(drop=True)


def _services(f: Facts, cid: int, units: pd.DataFrame, as_of, missing: list) -> pd.DataFrame:
    """Services on the contract with prices and unit history summary (units now, min/max, periods)."""
    cs = _rows(f, "ContractServices", cid, missing)
    if cs.empty:
        return pd.DataFrame()
    out = pd.DataFrame({"Service": _named(cs["serviceID"], f.names("Services")).to_numpy()})
    period = f.id_column("Services", "periodType")
    if not period.empty:
        out["Period"] = _label(f, "Services", "periodType",
                               cs["serviceID"].map(period).astype("Int64")).to_numpy()
    for src, label in (("unitPrice", "Unit price"), ("unitCost", "Unit cost"),
                       ("invoiceDescription", "Invoice description")):
        if src in cs:
            out[label] = cs[src].to_numpy()
    if not units.empty:
        ids = cs["id"].astype("Int64")
        current = units[units["period_start"].le(as_of).fillna(False)].groupby("contract_service_id")["units"].last()
        stats = units.groupby("contract_service_id")["units"].agg(["min", "max", "size"])
        out["Units now"] = ids.map(current).to_numpy()
        out["Units min–max"] = (ids.map(stats["min"]).astype("Float64").map(number_text).astype("string") + "–"
                                + ids.map(stats["max"]).astype("Float64").map(number_text).astype("string")).to_numpy()
        out["Periods"] = ids.map(stats["size"]).astype("Int64").to_numpy()
    return out


def _bundles(f: Facts, cid: int, missing: list) -> pd.DataFrame:
    """Service bundles on the contract with prices and the services each bundle contains."""
    b = _rows(f, "ContractServiceBundles", cid, missing)
    if b.empty:
        return pd.DataFrame()
    out = pd.DataFrame({"Bundle": _named(b["serviceBundleID"], f.names("ServiceBundles")).to_numpy()})
    for src, label in (("unitPrice", "Unit price"), ("adjustedPrice", "Adjusted price")):
        if src in b:
            out[label] = b[src].to_numpy()
    sbs = _table(f, "ServiceBundleServices")
    if sbs is not None and {"serviceBundleID", "serviceID"} <= set(sbs):
        part = sbs[sbs["serviceBundleID"].isin(b["serviceBundleID"])]
        names = _named(part["serviceID"], f.names("Services"))
        contains = names.groupby(part["serviceBundleID"].to_numpy()).agg(", ".join)
        out["Contains"] = b["serviceBundleID"].map(contains).astype("string").fillna("").to_numpy()
    return out


def _logged_hours(f: Facts, cid: int, blocks: pd.DataFrame) -> pd.Series | None:
    """Hours logged to the contract inside each block's dates, from TimeEntries (None when not exported)."""
    te = _table(f, "TimeEntries")
    if te is None or not {"contractID", "dateWorked"} <= set(te) or not {"startDate", "endDate"} <= set(blocks):
        return None
    hours_col = "hoursToBill" if "hoursToBill" in te else "hoursWorked" if "hoursWorked" in te else None
    if hours_col is None:
        return None
    t = _rows(f, "TimeEntries", cid)[["dateWorked", hours_col]]
    # One contract's blocks x its time entries is small, so a cross join is the simple vectorised interval match.
    pairs = blocks[["id", "startDate", "endDate"]].merge(t, how="cross")
    inside_block = pairs["dateWorked"].ge(pairs["startDate"]) & pairs["dateWorked"].le(pairs["endDate"])
    logged = pairs[inside_block.fillna(False).to_numpy()].groupby("id")[hours_col].sum()
    return blocks["id"].map(logged).astype("Float64").fillna(0)


def _prepaid(f: Facts, cid: int, as_of, missing: list):
    """(blocks, retainers, ticket purchases) with what was bought, used, the balance left and whether it is live."""
    def table(entity, bought, used, unit_label, extra):
        df = _rows(f, entity, cid, missing)
        if df.empty:
            return df, None
        b = pd.to_numeric(_col(df, bought), errors="coerce").astype("Float64")
        out = _pick(df, {"startDate": "Start", "endDate": "End", "datePurchased": "Purchased", **extra})
        out[f"{unit_label} bought"] = b.to_numpy()
        if used in df:
            u = pd.to_numeric(df[used], errors="coerce").astype("Float64").fillna(0)
            out[f"{unit_label} used"] = u.to_numpy()
            out["Balance"] = (b - u).to_numpy()
        else:
            out[f"{unit_label} used"] = "not exported"
            out["Balance"] = "not exported"
        end = _col(df, "endDate", "datetime64[ms]")
        out["Open"] = np.where(end.lt(as_of).fillna(False).to_numpy(), "expired", "open")
        for src, label in (("isPaid", "Paid"), ("status", "Status")):
            if src in df:
                out[label] = (_label(f, entity, src, df[src]) if src == "status" else df[src]).to_numpy()
        return out, df

    blocks, raw_blocks = table("ContractBlocks", "hours", "hoursApproved", "Hours", {"hourlyRate": "Hourly rate"})
    if raw_blocks is not None and "hoursApproved" not in raw_blocks:
        logged = _logged_hours(f, cid, raw_blocks)
        if logged is not None:
            # hoursApproved is not queryable through REST; time logged in the block's dates is the next best view.
            blocks["Hours logged (time entries)"] = logged.to_numpy()
    retainers, _ = table("ContractRetainers", "amount", "amountApproved", "Amount", {})
    tickets, _ = table("ContractTicketPurchases", "ticketsPurchased", "ticketsUsed", "Tickets",
                       {"perTicketRate": "Per-ticket rate"})
    return blocks, retainers, tickets


def _rates(f: Facts, cid: int, missing: list):
    """(role-rate overrides with the role's standard rate, block-hour factors per role)."""
    roles = f.names("Roles")
    r = _rows(f, "ContractRates", cid, missing)
    rates = pd.DataFrame()
    if not r.empty:
        rates = pd.DataFrame({"Role": _named(r["roleID"], roles).to_numpy()})
        rates["Contract rate"] = _col(r, "contractHourlyRate").to_numpy()
        std = f.id_column("Roles", "hourlyRate")
        if not std.empty:
            rates["Standard rate"] = r["roleID"].map(std).astype("Float64").to_numpy()
            rates["Difference"] = (rates["Contract rate"] - rates["Standard rate"]).to_numpy()
    bf = _rows(f, "ContractBlockHourFactors", cid, missing)
    factors = pd.DataFrame()
    if not bf.empty:
        factors = pd.DataFrame({"Role": _named(bf["roleID"], roles).to_numpy(),
                                "Multiplier": _col(bf, "blockHourMultiplier").to_numpy()})
    return rates, factors


def _exclusions(f: Facts, rec: pd.Series, cid: int, d: ContractDetail, missing: list) -> None:
    """Contract-level excluded roles and billing codes, the exclusion set with its roles and work types, and the
    chain of exclusion contracts that excluded labour rolls to."""
    roles, codes = f.names("Roles"), f.names("BillingCodes")
    er = _rows(f, "ContractExclusionRoles", cid, missing)
    if not er.empty:
        d.exclusion_roles = pd.DataFrame({"Role": _named(er["roleID"], roles).to_numpy()})
    eb = _rows(f, "ContractExclusionBillingCodes", cid, missing)
    if not eb.empty:
        d.exclusion_billing_codes = pd.DataFrame({"Work type": _named(eb["billingCodeID"], codes).to_numpy()})

    set_id = rec.get("contractExclusionSetID", pd.NA)
    if pd.notna(set_id):
        sets = _table(f, "ContractExclusionSets")
        info = {"id": int(set_id), "name": None, "description": None, "active": None}
        if sets is not None and "id" in sets:
            hit = sets[sets["id"].eq(int(set_id)).fillna(False).to_numpy()]
            if not hit.empty:
                info.update(name=_one(hit, "name"), description=_one(hit, "description"),
                            active=_one(hit, "isActive"))
        else:
            missing.append("ContractExclusionSets")
        d.exclusion_set = {k: (None if v is pd.NA or (not isinstance(v, str) and pd.isna(v)) else v)
                           for k, v in info.items()}
        for entity, col, target, attr, label in (
                ("ContractExclusionSetExcludedRoles", "excludedRoleID", roles, "exclusion_set_roles", "Role"),
                ("ContractExclusionSetExcludedWorkTypes", "excludedWorkTypeID", codes, "exclusion_set_work_types",
                 "Work type")):
            t = _table(f, entity)
            if t is None or "contractExclusionSetID" not in t:
                missing.append(entity)
                continue
            part = t[t["contractExclusionSetID"].eq(int(set_id)).fillna(False).to_numpy()]
            setattr(d, attr, pd.DataFrame({label: _named(part[col], target).to_numpy()}))
    d.exclusion_chain = exclusion_chain(f, cid)


def exclusion_chain(source, contract_id: int) -> pd.DataFrame:
    """Contracts that excluded labour rolls to, in order (contract_id, contract_name, status, note).

    The walk is the audit's fact (facts.exclusion_chains, the one contract_exclusion_chain judges); this shows it up
    to the first contract met again ("loops back") or missing from the export ("not in the export"), with each
    contract's name and status label. Empty when the contract names no exclusion contract.
    """
    f = as_facts(source)
    cols = ["contract_id", "contract_name", "status", "note"]
    chains = f.exclusion_chains()
    if int(contract_id) not in chains.index:
        return pd.DataFrame(columns=cols)
    row = chains.loc[int(contract_id)]
    links, seen = [], {int(contract_id)}
    for i, cid in enumerate(row["path"]):
        if cid in seen:
            links.append((cid, "loops back"))
            break
        if row["missing"] and i == len(row["path"]) - 1:
            links.append((cid, "not in the export"))
            break
        links.append((cid, ""))
        seen.add(cid)
    names = f.names("Contracts", "contractName")
    codes = f.id_column("Contracts", "status")
    # Most contracts name no exclusion contract, so only the few in the chain get their status label.
    shown = [c for c in dict.fromkeys(c for c, _ in links) if c in codes.index]
    status = _label(f, "Contracts", "status", codes.loc[shown])
    return pd.DataFrame([{"contract_id": c, "contract_name": names.get(c, pd.NA), "status": status.get(c, pd.NA),
                          "note": note} for c, note in links], columns=cols)


def _billing_rules(f: Facts, cid: int, missing: list) -> pd.DataFrame:
    """Billing rules (per-contact / per-device) with product, units rule, limits and execution."""
    br = _rows(f, "ContractBillingRules", cid, missing)
    if br.empty:
        return br
    out = pd.DataFrame({"Product": _named(_col(br, "productID", "Int64"), f.names("Products")).to_numpy()})
    bt = f.id_column("Products", "billingType")
    if not bt.empty and "productID" in br:
        out["Billing type"] = _label(f, "Products", "billingType",
                                     br["productID"].map(bt).astype("Int64")).to_numpy()
    for src, label in (("determineUnits", "Units from"), ("executionMethod", "Execution")):
        if src in br:
            out[label] = _label(f, "ContractBillingRules", src, br[src]).to_numpy()
    rest = _pick(br, {"minimumUnits": "Min units", "maximumUnits": "Max units", "isActive": "Active",
                      "startDate": "Start", "endDate": "End", "isDailyProrationEnabled": "Daily proration",
                      "invoiceDescription": "Invoice description"})
    return pd.concat([out, rest], axis=1)


def _milestones(f: Facts, cid: int, missing: list) -> pd.DataFrame:
    """Fixed-price milestones with amount, due date, status and billing code."""
    m = _rows(f, "ContractMilestones", cid, missing)
    if m.empty:
        return m
    out = _pick(m, {"title": "Title", "amount": "Amount", "dateDue": "Due", "isInitialPayment": "Initial payment"})
    if "status" in m:
        out["Status"] = _label(f, "ContractMilestones", "status", m["status"]).to_numpy()
    if "billingCodeID" in m:
        out["Billing code"] = _named(m["billingCodeID"], f.names("BillingCodes")).to_numpy()
    return out


def _contract_findings(f: Facts, cid: int, findings: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Non-PASS findings on the contract or any of its child records (services, blocks, rules ...), and the number
    of PASS findings."""
    mine = findings[f.finding_contracts(findings) == cid]
    passed = int(mine["status"].eq("PASS").fillna(False).sum())
    return order_findings(mine[mine["status"].ne("PASS").fillna(True).to_numpy()]), passed


