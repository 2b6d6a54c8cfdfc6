"""One contract's detail as data: header, target, services, units, prepaid, rates, exclusions, rules, findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from readiness.entities import singular
from readiness.facts import Facts
from readiness.explorer.query import as_text, order_findings

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


class ExportIndex:
    """Lookups built once per export so opening a contract does not scan whole tables: row positions of every
    table with a contractID per contract, id -> column maps, and which contract owns each child record."""

    def __init__(self, export, facts=None):
        self.export = export
        # the audit's facts when the explorer has them (a chain is then walked once for rules and explorer alike)
        self.facts = facts if facts is not None else Facts(export, pd.Timestamp.today())
        self._positions: dict[str, dict] = {}
        self._columns: dict[tuple, pd.Series] = {}
        self._names: dict[tuple, pd.Series] = {}
        self._owner: pd.Series | None = None
        self._findings_seen: pd.DataFrame | None = None  # kept so its id cannot be reused by another frame
        self._finding_contract = np.empty(0, dtype=np.int64)

    def rows(self, entity: str, cid: int, missing: list | None = None) -> pd.DataFrame:
        """The entity's rows on contract `cid`; empty (and `entity` added to `missing`) when not exported."""
        df = self.export.tables.get(entity)
        if df is None or "contractID" not in df:
            if missing is not None:
                missing.append(entity)
            return pd.DataFrame()
        if entity not in self._positions:
            self._positions[entity] = df.groupby("contractID", dropna=True).indices
        pos = self._positions[entity].get(cid)
        return df.iloc[pos].copy() if pos is not None else df.iloc[:0].copy()

    def column(self, entity: str, col: str) -> pd.Series:
        """id -> `col` for a table (empty when the table or column is missing); first row wins on duplicate ids."""
        key = (entity, col)
        if key not in self._columns:
            df = self.export.tables.get(entity)
            if df is None or "id" not in df or col not in df:
                self._columns[key] = pd.Series(dtype="object")
            else:
                self._columns[key] = df.drop_duplicates("id").set_index("id")[col]
        return self._columns[key]

    def names(self, entity: str, col: str = "name") -> pd.Series:
        """id -> display name (text). Converted once per table and column: every section of a contract looks
        names up, and opening contract after contract would otherwise convert whole tables each time."""
        key = (entity, col)
        if key not in self._names:
            self._names[key] = self.column(entity, col).astype("string")
        return self._names[key]

    def owner(self) -> pd.Series:
        """'EntityType:id' of every contract child record (ContractService:201, ...) -> its contract id."""
        if self._owner is None:
            parts = []
            for entity, df in self.export.tables.items():
                if entity.startswith("Contract") and entity != "Contracts" and {"contractID", "id"} <= set(df):
                    keys = singular(entity) + ":" + df["id"].astype("string")
                    parts.append(pd.Series(df["contractID"].to_numpy(), index=keys.to_numpy()))
            owner = pd.concat(parts) if parts else pd.Series(dtype="Int64")
            self._owner = owner[~owner.index.duplicated()].astype("Int64")
        return self._owner

    def finding_contracts(self, findings: pd.DataFrame) -> np.ndarray:
        """Contract id of each finding, on the contract itself or on one of its child records (-1 for none).
        Worked out once per findings frame: a large MSP has hundreds of thousands of findings."""
        if self._findings_seen is not findings:
            etype, eid = as_text(findings["entity_type"]), as_text(findings["entity_id"])
            on_contract = pd.to_numeric(eid.where(etype.eq("Contract")), errors="coerce").astype("Int64")
            on_child = (etype + ":" + eid).map(self.owner()).astype("Int64")
            self._finding_contract = on_contract.fillna(on_child).fillna(-1).to_numpy(dtype=np.int64)
            self._findings_seen = findings
        return self._finding_contract


def _index(export) -> ExportIndex:
    return export if isinstance(export, ExportIndex) else ExportIndex(export)


def _named(ids: pd.Series, names: pd.Series) -> pd.Series:
    """'Name (id)' for each id; just the id when the name is unknown."""
    idtext = ids.astype("Int64").astype("string")
    name = ids.map(names).astype("string")
    return (name + " (" + idtext + ")").fillna(idtext).fillna("")


def _col(df: pd.DataFrame, name: str, dtype="Float64") -> pd.Series:
    return df[name] if name in df else pd.Series(pd.NA, index=df.index, dtype=dtype)


def _label(export, entity: str, fld: str, codes: pd.Series) -> pd.Series:
    """Picklist labels for a code column (the code itself when the label is unknown)."""
    labels = export.labels(entity, fld)
    return codes.map(labels).astype("string").fillna(codes.astype("string"))


def _pick(df: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """Rename and keep the given columns (source -> display), skipping ones the export lacks."""
    present = {k: v for k, v in columns.items() if k in df}
    return df[list(present)].rename(columns=present).reset_index(drop=True)


def _one(df: pd.DataFrame, col: str):
    """Value of `col` in the first row (NA when the column is absent)."""
    if col not in df:
        return pd.NA
    return df[col].iloc[0]


def contract_detail(export, contract_id: int, findings: pd.DataFrame | None = None,
                    contract_map: pd.DataFrame | None = None, as_of=None) -> ContractDetail:
    """Assemble the detail of one contract from the export (an Export or an ExportIndex over it, which is
    faster when many contracts are opened), its findings and its contract-map row.

    Raises KeyError when the contract is not in the export. as_of (default: the export's newest date) decides
    which service period is "now". Amounts are in the tenant's currency; hours in hours.
    """
    ix = _index(export)
    cid = int(contract_id)
    contracts = ix.export.tables.get("Contracts", pd.DataFrame())
    row = contracts[contracts["id"].eq(cid).fillna(False).to_numpy()] if "id" in contracts else contracts
    if row.empty:
        raise KeyError(f"contract {cid} is not in the export")
    rec = row.iloc[0]
    as_of = pd.Timestamp(as_of) if as_of is not None else (ix.export.newest_date() or pd.Timestamp.today().normalize())
    missing: list[str] = []
    name = rec.get("contractName")
    d = ContractDetail(contract_id=cid, name=str(name) if pd.notna(name) else f"Contract {cid}", missing=missing)
    d.header = _header(ix, rec)
    d.target = _target(contract_map, cid)
    d.units = _units(ix, cid, missing)
    d.services = _services(ix, cid, d.units, as_of, missing)
    d.bundles = _bundles(ix, cid, missing)
    d.blocks, d.retainers, d.ticket_purchases = _prepaid(ix, cid, as_of, missing)
    d.rates, d.block_factors = _rates(ix, cid, missing)
    _exclusions(ix, rec, cid, d, missing)
    d.billing_rules = _billing_rules(ix, cid, missing)
    d.milestones = _milestones(ix, cid, missing)
    if findings is not None:
        d.findings, d.passed = _contract_findings(ix, cid, findings)
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


def _header(ix: ExportIndex, rec: pd.Series) -> dict:
    """Contract header fields (label -> display text), only those the export has and that hold a value.
    One contract's ~20 fields are read as scalars."""
    out = {"Contract id": str(int(rec["id"]))}
    for fld, label in _HEADER_FIELDS.items():
        value = rec.get(fld, pd.NA)
        if value is None or pd.isna(value) or str(value) == "":
            continue
        if fld in _HEADER_LOOKUPS:
            name = ix.names(*_HEADER_LOOKUPS[fld]).get(int(value), pd.NA)
            out[label] = f"{name} ({int(value)})" if pd.notna(name) else str(int(value))
        elif fld in _HEADER_PICKLISTS:
            out[label] = ix.export.label("Contracts", fld, value)
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


def _units(ix: ExportIndex, cid: int, missing: list) -> pd.DataFrame:
    """Unit history: one row per service per billing period (service, period_start, period_end, units, price)."""
    u = ix.rows("ContractServiceUnits", cid, missing)
    if u.empty:
        return pd.DataFrame(columns=["service", "contract_service_id", "period_start", "period_end", "units", "price"])
    service_id = _col(u, "serviceID", "Int64")
    if "serviceID" not in u:  # older exports: take the service from the contract service
        service_id = u["contractServiceID"].map(ix.column("ContractServices", "serviceID")).astype("Int64")
    service = _named(service_id, ix.names("Services"))
    out = pd.DataFrame({
        "service": service.to_numpy(),
        "contract_service_id": u["contractServiceID"].astype("Int64").to_numpy(),
        "period_start": _col(u, "startDate", "datetime64[ms]").to_numpy(),
        "period_end": _col(u, "endDate", "datetime64[ms]").to_numpy(),
        "units": pd.to_numeric(_col(u, "units"), errors="coerce").astype("Float64").to_numpy(),
        "price": pd.to_numeric(_col(u, "price"), errors="coerce").astype("Float64").to_numpy(),
    })
    return out.sort_values(["period_start", "service"], kind="stable").reset_index(drop=True)


def _services(ix: ExportIndex, cid: int, units: pd.DataFrame, as_of, missing: list) -> pd.DataFrame:
    """Services on the contract with prices and unit history summary (units now, min/max, periods)."""
    cs = ix.rows("ContractServices", cid, missing)
    if cs.empty:
        return pd.DataFrame()
    out = pd.DataFrame({"Service": _named(cs["serviceID"], ix.names("Services")).to_numpy()})
    period = ix.column("Services", "periodType")
    if not period.empty:
        out["Period"] = _label(ix.export, "Services", "periodType",
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


def _bundles(ix: ExportIndex, cid: int, missing: list) -> pd.DataFrame:
    """Service bundles on the contract with prices and the services each bundle contains."""
    b = ix.rows("ContractServiceBundles", cid, missing)
    if b.empty:
        return pd.DataFrame()
    out = pd.DataFrame({"Bundle": _named(b["serviceBundleID"], ix.names("ServiceBundles")).to_numpy()})
    for src, label in (("unitPrice", "Unit price"), ("adjustedPrice", "Adjusted price")):
        if src in b:
            out[label] = b[src].to_numpy()
    sbs = ix.export.tables.get("ServiceBundleServices")
    if sbs is not None and {"serviceBundleID", "serviceID"} <= set(sbs):
        part = sbs[sbs["serviceBundleID"].isin(b["serviceBundleID"])]
        names = _named(part["serviceID"], ix.names("Services"))
        contains = names.groupby(part["serviceBundleID"].to_numpy()).agg(", ".join)
        out["Contains"] = b["serviceBundleID"].map(contains).astype("string").fillna("").to_numpy()
    return out


def _logged_hours(ix: ExportIndex, cid: int, blocks: pd.DataFrame) -> pd.Series | None:
    """Hours logged to the contract inside each block's dates, from TimeEntries (None when not exported)."""
    te = ix.export.tables.get("TimeEntries")
    if te is None or not {"contractID", "dateWorked"} <= set(te) or not {"startDate", "endDate"} <= set(blocks):
        return None
    hours_col = "hoursToBill" if "hoursToBill" in te else "hoursWorked" if "hoursWorked" in te else None
    if hours_col is None:
        return None
    t = ix.rows("TimeEntries", cid)[["dateWorked", hours_col]]
    # One contract's blocks x its time entries is small, so a cross join is the simple vectorised interval match.
    pairs = blocks[["id", "startDate", "endDate"]].merge(t, how="cross")
    inside_block = pairs["dateWorked"].ge(pairs["startDate"]) & pairs["dateWorked"].le(pairs["endDate"])
    logged = pairs[inside_block.fillna(False).to_numpy()].groupby("id")[hours_col].sum()
    return blocks["id"].map(logged).astype("Float64").fillna(0)


def _prepaid(ix: ExportIndex, cid: int, as_of, missing: list):
    """(blocks, retainers, ticket purchases) with what was bought, used, the balance left and whether it is live."""
    def table(entity, bought, used, unit_label, extra):
        df = ix.rows(entity, cid, missing)
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
                out[label] = (_label(ix.export, entity, src, df[src]) if src == "status" else df[src]).to_numpy()
        return out, df

    blocks, raw_blocks = table("ContractBlocks", "hours", "hoursApproved", "Hours", {"hourlyRate": "Hourly rate"})
    if raw_blocks is not None and "hoursApproved" not in raw_blocks:
        logged = _logged_hours(ix, cid, raw_blocks)
        if logged is not None:
            # hoursApproved is not queryable through REST; time logged in the block's dates is the next best view.
            blocks["Hours logged (time entries)"] = logged.to_numpy()
    retainers, _ = table("ContractRetainers", "amount", "amountApproved", "Amount", {})
    tickets, _ = table("ContractTicketPurchases", "ticketsPurchased", "ticketsUsed", "Tickets",
                       {"perTicketRate": "Per-ticket rate"})
    return blocks, retainers, tickets


def _rates(ix: ExportIndex, cid: int, missing: list):
    """(role-rate overrides with the role's standard rate, block-hour factors per role)."""
    roles = ix.names("Roles")
    r = ix.rows("ContractRates", cid, missing)
    rates = pd.DataFrame()
    if not r.empty:
        rates = pd.DataFrame({"Role": _named(r["roleID"], roles).to_numpy()})
        rates["Contract rate"] = _col(r, "contractHourlyRate").to_numpy()
        std = ix.column("Roles", "hourlyRate")
        if not std.empty:
            rates["Standard rate"] = r["roleID"].map(std).astype("Float64").to_numpy()
            rates["Difference"] = (rates["Contract rate"] - rates["Standard rate"]).to_numpy()
    f = ix.rows("ContractBlockHourFactors", cid, missing)
    factors = pd.DataFrame()
    if not f.empty:
        factors = pd.DataFrame({"Role": _named(f["roleID"], roles).to_numpy(),
                                "Multiplier": _col(f, "blockHourMultiplier").to_numpy()})
    return rates, factors


def _exclusions(ix: ExportIndex, rec: pd.Series, cid: int, d: ContractDetail, missing: list) -> None:
    """Contract-level excluded roles and billing codes, the exclusion set with its roles and work types, and the
    chain of exclusion contracts that excluded labour rolls to."""
    export = ix.export
    roles, codes = ix.names("Roles"), ix.names("BillingCodes")
    er = ix.rows("ContractExclusionRoles", cid, missing)
    if not er.empty:
        d.exclusion_roles = pd.DataFrame({"Role": _named(er["roleID"], roles).to_numpy()})
    eb = ix.rows("ContractExclusionBillingCodes", cid, missing)
    if not eb.empty:
        d.exclusion_billing_codes = pd.DataFrame({"Work type": _named(eb["billingCodeID"], codes).to_numpy()})

    set_id = rec.get("contractExclusionSetID", pd.NA)
    if pd.notna(set_id):
        sets = export.tables.get("ContractExclusionSets")
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
            t = export.tables.get(entity)
            if t is None or "contractExclusionSetID" not in t:
                missing.append(entity)
                continue
            part = t[t["contractExclusionSetID"].eq(int(set_id)).fillna(False).to_numpy()]
            setattr(d, attr, pd.DataFrame({label: _named(part[col], target).to_numpy()}))
    d.exclusion_chain = exclusion_chain(ix, cid)


def exclusion_chain(export, contract_id: int) -> pd.DataFrame:
    """Contracts that excluded labour rolls to, in order (contract_id, contract_name, status, note).

    The walk is the audit's fact (facts.exclusion_chains, the one contract_exclusion_chain judges); this shows it up
    to the first contract met again ("loops back") or missing from the export ("not in the export"), with each
    contract's name and status label. Empty when the contract names no exclusion contract.
    """
    ix = _index(export)
    cols = ["contract_id", "contract_name", "status", "note"]
    chains = ix.facts.exclusion_chains()
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
    names = ix.names("Contracts", "contractName")
    codes = ix.column("Contracts", "status")
    # Most contracts name no exclusion contract, so only the few in the chain get their status label.
    shown = [c for c in dict.fromkeys(c for c, _ in links) if c in codes.index]
    status = _label(ix.export, "Contracts", "status", codes.loc[shown])
    return pd.DataFrame([{"contract_id": c, "contract_name": names.get(c, pd.NA), "status": status.get(c, pd.NA),
                          "note": note} for c, note in links], columns=cols)


def _billing_rules(ix: ExportIndex, cid: int, missing: list) -> pd.DataFrame:
    """Billing rules (per-contact / per-device) with product, units rule, limits and execution."""
    br = ix.rows("ContractBillingRules", cid, missing)
    if br.empty:
        return br
    out = pd.DataFrame({"Product": _named(_col(br, "productID", "Int64"), ix.names("Products")).to_numpy()})
    bt = ix.column("Products", "billingType")
    if not bt.empty and "productID" in br:
        out["Billing type"] = _label(ix.export, "Products", "billingType",
                                     br["productID"].map(bt).astype("Int64")).to_numpy()
    for src, label in (("determineUnits", "Units from"), ("executionMethod", "Execution")):
        if src in br:
            out[label] = _label(ix.export, "ContractBillingRules", src, br[src]).to_numpy()
    rest = _pick(br, {"minimumUnits": "Min units", "maximumUnits": "Max units", "isActive": "Active",
                      "startDate": "Start", "endDate": "End", "isDailyProrationEnabled": "Daily proration",
                      "invoiceDescription": "Invoice description"})
    return pd.concat([out, rest], axis=1)


def _milestones(ix: ExportIndex, cid: int, missing: list) -> pd.DataFrame:
    """Fixed-price milestones with amount, due date, status and billing code."""
    m = ix.rows("ContractMilestones", cid, missing)
    if m.empty:
        return m
    out = _pick(m, {"title": "Title", "amount": "Amount", "dateDue": "Due", "isInitialPayment": "Initial payment"})
    if "status" in m:
        out["Status"] = _label(ix.export, "ContractMilestones", "status", m["status"]).to_numpy()
    if "billingCodeID" in m:
        out["Billing code"] = _named(m["billingCodeID"], ix.names("BillingCodes")).to_numpy()
    return out


def _contract_findings(ix: ExportIndex, cid: int, findings: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Non-PASS findings on the contract or any of its child records (services, blocks, rules ...), and the number
    of PASS findings."""
    mine = findings[ix.finding_contracts(findings) == cid]
    passed = int(mine["status"].eq("PASS").fillna(False).sum())
    return order_findings(mine[mine["status"].ne("PASS").fillna(True).to_numpy()]), passed


