"""Contract explorer: filter the contract map, drill into one contract, log decisions, mute findings.

Plain functions do the work (filters, contract detail, HTML, decisions, mutes) so they are testable without a
browser; `ExplorerUI` wires them to ipywidgets for JupyterLab and Voilà (nothing Lab-only is used).
Everything that comes from the export is HTML-escaped before it reaches a widget.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from readiness.decisions import DECISIONS, empty_decisions, load_decisions, save_decision  # noqa: F401 (re-export)
from readiness.entities import singular
from readiness.safe import inside, replace_into, slugify
from readiness.suppress import SuppressionError, apply_suppressions, load_suppressions, parse_suppressions

ALL = "__all__"  # filter value meaning "no filter"
ANY_EDGE, NO_EDGE = "__any__", "__none__"
OPEN = "__open__"  # findings status filter: FAIL or REVIEW
VERDICT_ORDER = ("manual", "rethink", "direct", "retire")
SEVERITY_ORDER = ("blocker", "high", "medium", "low", "info")
STATUS_ORDER = ("FAIL", "ERROR", "REVIEW", "PASS")
SUPPRESSIONS_FILE = "suppressions.yaml"
TABLE_ROWS = 200  # rows rendered in a table; the count always states the full number
OPEN_ENDED_YEAR = 9000  # Autotask writes open-ended end dates as 9999-12-31

# Sort choices for the contract table: label -> (columns, ascending).
SORTS = {
    "Edge cases (most first)": (["n_edge_cases", "contract_name"], [False, True]),
    "Contract name": (["contract_name"], [True]),
    "Company": (["company_name", "contract_name"], [True, True]),
    "Contract type": (["contract_type", "contract_name"], [True, True]),
    "Verdict": (["verdict_rank", "contract_name"], [True, True]),
    "Status": (["status", "contract_name"], [True, True]),
    "Contract id": (["contract_id"], [True]),
}


# ----------------------------------------------------------------------------------------------------------- filters

def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("")


def with_sort_keys(contract_map: pd.DataFrame) -> pd.DataFrame:
    """The contract map plus n_edge_cases (int) and verdict_rank (manual first) used for sorting."""
    out = contract_map.copy()
    edges = _text(out["edge_cases"])
    out["n_edge_cases"] = edges.str.count(r"\|").add(1).where(edges.ne(""), 0).astype(int)
    out["verdict_rank"] = _text(out["verdict"]).map({v: i for i, v in enumerate(VERDICT_ORDER)}).fillna(
        len(VERDICT_ORDER)).astype(int)
    return out


def filter_contracts(contract_map: pd.DataFrame, contract_type=ALL, verdict=ALL, edge_case=ALL, company="",
                     status=ALL, text="") -> pd.DataFrame:
    """Rows of the contract map matching every filter; ALL (or None/"") switches a filter off.

    edge_case: a rule id (contract hit by it), ANY_EDGE or NO_EDGE. company and text: case-insensitive
    substring of company_name and contract_name (literal text, not a pattern).
    """
    keep = pd.Series(True, index=contract_map.index)
    for col, value in (("contract_type", contract_type), ("verdict", verdict), ("status", status)):
        if value not in (ALL, None, ""):
            keep &= _text(contract_map[col]).eq(value)
    if edge_case not in (ALL, None, ""):
        edges = _text(contract_map["edge_cases"])
        if edge_case == ANY_EDGE:
            keep &= edges.ne("")
        elif edge_case == NO_EDGE:
            keep &= edges.eq("")
        else:
            keep &= ("|" + edges + "|").str.contains(f"|{edge_case}|", regex=False)
    for col, value in (("company_name", company), ("contract_name", text)):
        value = (value or "").strip().casefold()
        if value:
            keep &= _text(contract_map[col]).str.casefold().str.contains(value, regex=False)
    return contract_map[keep.to_numpy()]


def sort_contracts(df: pd.DataFrame, sort: str = "Edge cases (most first)") -> pd.DataFrame:
    """`df` (with sort keys, see with_sort_keys) ordered by one of SORTS' labels."""
    cols, ascending = SORTS.get(sort, SORTS["Contract name"])
    keyed = df if set(cols) <= set(df.columns) else with_sort_keys(df)
    return keyed.sort_values(cols, ascending=ascending, kind="stable", na_position="last",
                             key=lambda s: s.str.casefold() if pd.api.types.is_string_dtype(s) else s)


def filter_findings(findings: pd.DataFrame, area=ALL, severity=ALL, status=OPEN, muted=ALL, text="") -> pd.DataFrame:
    """Findings matching every filter, most severe first.

    status: a status, OPEN (FAIL or REVIEW, the default) or ALL. muted: ALL, True or False.
    text: case-insensitive substring of rule id, entity, company or reason.
    """
    keep = pd.Series(True, index=findings.index)
    for col, value in (("area", area), ("severity", severity)):
        if value not in (ALL, None, ""):
            keep &= _text(findings[col]).eq(value)
    if status == OPEN:
        keep &= _text(findings["status"]).isin(["FAIL", "REVIEW"])
    elif status not in (ALL, None, ""):
        keep &= _text(findings["status"]).eq(status)
    if muted not in (ALL, None, ""):
        keep &= findings["muted"].astype(bool).eq(bool(muted))
    value = (text or "").strip().casefold()
    if value:
        hay = (_text(findings["rule_id"]) + " " + _text(findings["entity_type"]) + ":" + _text(findings["entity_id"])
               + " " + _text(findings["company_name"]) + " " + _text(findings["reason"]))
        keep &= hay.str.casefold().str.contains(value, regex=False)
    return order_findings(findings[keep.to_numpy()])


def order_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings sorted by status (FAIL, ERROR, REVIEW, PASS), then severity (blocker first), then rule and entity."""
    rank_status = _text(findings["status"]).map({s: i for i, s in enumerate(STATUS_ORDER)}).fillna(9)
    rank_sev = _text(findings["severity"]).map({s: i for i, s in enumerate(SEVERITY_ORDER)}).fillna(9)
    order = np.lexsort((_text(findings["entity_id"]).to_numpy(), _text(findings["rule_id"]).to_numpy(),
                        rank_sev.to_numpy(), rank_status.to_numpy()))
    return findings.iloc[order]


def edge_case_options(contract_map: pd.DataFrame, rules: dict | None = None) -> list[str]:
    """Edge-case rule ids to offer in the filter: the catalogue's edge-case rules plus any seen in the map."""
    if rules is None:
        from readiness.rules import RULES as rules
    seen = _text(contract_map["edge_cases"]).str.split("|").explode()
    ids = {rid for rid, r in rules.items() if getattr(r, "edge_case", False)} | set(seen[seen.ne("")])
    return sorted(ids)


# ------------------------------------------------------------------------------------------------- contract detail

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

    def __init__(self, export):
        self.export = export
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
            etype, eid = _text(findings["entity_type"]), _text(findings["entity_id"])
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
        return _num(float(value))
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
        out["Units min–max"] = (ids.map(stats["min"]).astype("Float64").map(_num).astype("string") + "–"
                                + ids.map(stats["max"]).astype("Float64").map(_num).astype("string")).to_numpy()
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


def exclusion_chain(export, contract_id: int, limit: int = 20) -> pd.DataFrame:
    """Contracts that excluded labour rolls to, in order (contract_id, contract_name, status, note).

    Follows Contracts.exclusionContractID from `contract_id`; stops at a contract with none, one not in the
    export ("not in the export") or a loop ("loops back"). Empty when the contract names no exclusion contract.
    """
    ix = _index(export)
    cols = ["contract_id", "contract_name", "status", "note"]
    nxt = ix.column("Contracts", "exclusionContractID")
    links, seen, cur = [], {int(contract_id)}, nxt.get(int(contract_id), pd.NA)  # (contract id, note)
    while pd.notna(cur) and len(links) < limit:  # a chain is a handful of links, not a table scan
        cur = int(cur)
        if cur in seen:
            links.append((cur, "loops back"))
            break
        if cur not in nxt.index:
            links.append((cur, "not in the export"))
            break
        links.append((cur, ""))
        seen.add(cur)
        cur = nxt.get(cur, pd.NA)
    if not links:
        return pd.DataFrame(columns=cols)
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


# ---------------------------------------------------------------------------------------------------------- HTML

def _num(x) -> str:
    """A number with thousands separators, at most 2 decimals and no trailing zeros (12, 12.5, 1,250.75)."""
    if x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)):
        return ""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every column as display text: dates YYYY-MM-DD (open-ended 9999 dates as "open-ended"), integers (ids,
    counts) plain, other numbers with thousands separators and at most 2 decimals, flags yes/no, missing as ""."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            text = s.dt.strftime("%Y-%m-%d").astype("string")
            text = text.where(~(s.dt.year >= OPEN_ENDED_YEAR).fillna(False), "open-ended")
        elif pd.api.types.is_bool_dtype(s):
            text = s.astype("boolean").map({True: "yes", False: "no"}).astype("string")
        elif pd.api.types.is_integer_dtype(s):
            text = s.astype("Int64").astype("string")  # ids and counts: no thousands separators
        elif pd.api.types.is_numeric_dtype(s):
            text = s.astype("Float64").map(_num, na_action="ignore").astype("string")
        else:
            text = s.astype("string")
        out[col] = text.fillna("")
    return out


def esc(s: pd.Series) -> pd.Series:
    """HTML-escape a text column (vectorised; & first so entities are not doubled)."""
    return (_text(s).str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False).str.replace('"', "&quot;", regex=False)
            .str.replace("'", "&#x27;", regex=False))


def _badge_class(s: pd.Series) -> pd.Series:
    """A CSS-safe class suffix from a value (letters and digits only)."""
    return _text(s).str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True)


def html_table(df: pd.DataFrame, badges: tuple = (), max_rows: int | None = TABLE_ROWS, empty: str = "none",
               nowrap: tuple = ()) -> str:
    """An escaped HTML table of `df` (display-formatted). Columns in `badges` render as coloured badges, columns
    in `nowrap` do not wrap. At most `max_rows` rows are rendered."""
    if df.empty:
        return f'<div class="rx-empty">{html.escape(empty)}</div>'
    shown = display_frame(df.head(max_rows) if max_rows else df)
    nowrap = set(nowrap) | {c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = pd.Series("", index=shown.index, dtype="string")
    for col in shown.columns:  # one vectorised pass per column, never per row
        cell = esc(shown[col])
        if col in badges:
            cell = ('<span class="rx-badge rx-' + _badge_class(shown[col]) + '">' + cell + "</span>").where(
                shown[col].ne(""), "")
        body = body + ('<td class="rx-nw">' if col in nowrap else "<td>") + cell + "</td>"
    rows = "".join(("<tr>" + body + "</tr>").tolist())
    more = ""
    if max_rows and len(df) > max_rows:
        more = f'<div class="rx-more">showing the first {max_rows} of {len(df):,} rows</div>'
    return f'<table class="rx-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}'


def contracts_table_html(contracts: pd.DataFrame, decisions: pd.DataFrame | None = None,
                         max_rows: int = TABLE_ROWS) -> str:
    """The contract list as an escaped HTML table, with the logged decision when there is one."""
    cols = {"contract_id": "Id", "contract_name": "Contract", "company_name": "Company", "contract_type": "Type",
            "status": "Status", "verdict": "Verdict", "halo_target": "HaloPSA target", "edge_cases": "Edge cases"}
    view = contracts[list(cols)].rename(columns=cols)
    view["Edge cases"] = _text(view["Edge cases"]).str.replace("|", ", ", regex=False)
    if decisions is not None and not decisions.empty:
        d = decisions.set_index("contract_id")
        label = d["decision"].map(DECISIONS).astype("string").fillna(d["decision"])
        label = label.where(d["decision"].ne("rebuild"), "Rebuild as " + d["rebuild_as"].fillna("?"))
        view["Decision"] = contracts["contract_id"].map(label).astype("string").fillna("").to_numpy()
    return html_table(view, badges=("Verdict",), max_rows=max_rows, empty="No contract matches these filters.")


def _muted_column(findings: pd.DataFrame) -> np.ndarray | None:
    """Each finding's mute reason ("" when not muted), row for row; None when no finding is muted."""
    if "muted" not in findings:
        return None
    muted = findings["muted"].astype(bool).to_numpy()
    if not muted.any():
        return None
    return np.where(muted, _text(findings["mute_reason"]).to_numpy(dtype=object), "")


def findings_table_html(findings: pd.DataFrame, max_rows: int = TABLE_ROWS, remediation: bool = False) -> str:
    """Findings as an escaped HTML table (status and severity as badges; muted ones say why)."""
    cols = {"status": "Status", "severity": "Severity", "area": "Area", "rule_id": "Rule", "entity_type": "Entity",
            "entity_id": "Id", "company_name": "Company", "reason": "Reason"}
    if remediation:
        cols["remediation"] = "Remediation"
    view = findings[[c for c in cols if c in findings]].rename(columns=cols)
    muted = _muted_column(findings)
    if muted is not None:
        view["Muted"] = muted
    return html_table(view, badges=("Status", "Severity"), max_rows=max_rows, empty="No finding matches these filters.",
                      nowrap=("Entity", "Id", "Company"))


def _section(title: str, body: str) -> str:
    return f'<div class="rx-section"><h4>{html.escape(title)}</h4>{body}</div>'


def _dl(items: dict) -> str:
    """A two-column definition grid of label -> value (both escaped)."""
    cells = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>" for k, v in items.items())
    return f'<dl class="rx-dl">{cells}</dl>'


def detail_html(d: ContractDetail, rules: dict | None = None, units_periods: int = 12) -> str:
    """The contract detail as escaped HTML: target first, then header, findings, services, prepaid, rates,
    exclusions, billing rules and milestones. Sections with nothing to show are listed on one line at the end."""
    if rules is None:
        from readiness.rules import RULES as rules
    parts, empty = [], []
    t = d.target
    verdict = str(t.get("verdict") or "")
    target = ""
    if t:
        edges = ", ".join(html.escape(e) for e in t.get("edge_cases", [])) or "none"
        css = _badge_class(pd.Series([verdict]))[0]
        target = (f'<div class="rx-target"><span class="rx-badge rx-{css}">'
                  f"{html.escape(verdict)}</span> <b>HaloPSA target:</b> {html.escape(str(t.get('halo_target') or ''))}"
                  f'<div class="rx-sub">Edge cases: {edges}</div></div>')
    parts.append(f'<div class="rx-title">{html.escape(d.name)}</div>{target}')
    parts.append(_section("Contract", _dl(d.header)))

    if d.findings is not None and not d.findings.empty:
        f = d.findings.copy()
        title = f["rule_id"].map({k: getattr(r, "title", k) for k, r in rules.items()}).astype("string")
        f["rule_id"] = title.fillna(f["rule_id"])
        view = f[["status", "severity", "rule_id", "reason", "remediation"]].rename(columns={
            "status": "Status", "severity": "Severity", "rule_id": "Check", "reason": "Why",
            "remediation": "Remediation"})
        muted = _muted_column(f)
        if muted is not None:
            view["Muted"] = muted
        parts.append(_section(f"Findings ({len(f)} to act on, {d.passed} passed)",
                              html_table(view, badges=("Status", "Severity"), max_rows=None)))
    else:
        parts.append(_section("Findings", f'<div class="rx-empty">nothing to act on ({d.passed} checks passed)</div>'))

    def add(title, frame, entity, badges=()):
        if frame is None or frame.empty:
            empty.append((title, entity))
        else:
            parts.append(_section(title, html_table(frame, badges=badges, max_rows=None)))

    add("Services", d.services, "ContractServices")
    if not d.units.empty:
        hist = d.units.pivot_table(index="period_start", columns="service", values="units", aggfunc="sum")
        hist = hist.tail(units_periods).reset_index().rename(columns={"period_start": "Period from"})
        note = f" (last {units_periods} periods)" if d.units["period_start"].nunique() > units_periods else ""
        parts.append(_section("Units per period" + note, html_table(hist, max_rows=None)))
    else:
        empty.append(("Unit history", "ContractServiceUnits"))
    add("Bundles", d.bundles, "ContractServiceBundles")
    add("Blocks (prepaid hours)", d.blocks, "ContractBlocks", ("Open",))
    add("Retainers (prepaid amount)", d.retainers, "ContractRetainers", ("Open",))
    add("Ticket purchases", d.ticket_purchases, "ContractTicketPurchases", ("Open",))
    add("Role-rate overrides", d.rates, "ContractRates")
    add("Block-hour factors", d.block_factors, "ContractBlockHourFactors")
    add("Excluded roles (contract)", d.exclusion_roles, "ContractExclusionRoles")
    add("Excluded work types (contract)", d.exclusion_billing_codes, "ContractExclusionBillingCodes")
    if d.exclusion_set:
        s = d.exclusion_set
        active = {True: "active", False: "inactive"}.get(s.get("active"), "")
        head = _dl({"Set": f"{s.get('name') or '(name not exported)'} ({s['id']})",
                    **({"Description": s["description"]} if s.get("description") else {}),
                    **({"State": active} if active else {})})
        body = head + html_table(d.exclusion_set_roles, max_rows=None, empty="no excluded roles") \
            + html_table(d.exclusion_set_work_types, max_rows=None, empty="no excluded work types")
        parts.append(_section("Exclusion set", body))
    else:
        empty.append(("Exclusion set", "Contracts"))
    if not d.exclusion_chain.empty:
        chain = d.exclusion_chain.rename(columns={"contract_id": "Contract id", "contract_name": "Contract",
                                                  "status": "Status", "note": "Note"})
        parts.append(_section("Exclusion contract chain (excluded labour rolls to)", html_table(chain, max_rows=None)))
    else:
        empty.append(("Exclusion contract", "Contracts"))
    add("Billing rules", d.billing_rules, "ContractBillingRules")
    add("Milestones", d.milestones, "ContractMilestones")

    none = [title for title, entity in empty if entity not in d.missing]
    gone = sorted({entity for _, entity in empty if entity in d.missing})
    foot = ""
    if none:
        foot += f"<div><b>None on this contract:</b> {html.escape(', '.join(none))}</div>"
    if gone:
        foot += f"<div><b>Not in the export:</b> {html.escape(', '.join(gone))}</div>"
    if foot:
        parts.append(f'<div class="rx-foot">{foot}</div>')
    return '<div class="rx-detail">' + "".join(parts) + "</div>"


def units_chart_png(units: pd.DataFrame, title: str = "Units per period") -> bytes | None:
    """A small PNG step chart of units per billing period, one line per service (None when there is no history)."""
    if units is None or units.empty or units["units"].notna().sum() == 0:
        return None
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure  # no pyplot: no global figure state in a long-running kernel
    from matplotlib.ticker import MaxNLocator

    wide = units.pivot_table(index="period_start", columns="service", values="units", aggfunc="sum").sort_index()
    fig = Figure(figsize=(5.2, 2.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    for name in wide.columns[:8]:  # more lines than this are unreadable at this size
        series = wide[name].astype(float)
        ax.step(wide.index, series.to_numpy(), where="post", label=str(name)[:48], linewidth=1.6)
    ax.set_title(title, fontsize=9, loc="left")
    ax.set_ylabel("units", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(bottom=0)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # units are whole seats / devices
    fig.legend(fontsize=7, frameon=False, loc="outside lower left", ncol=2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# -------------------------------------------------------------------------------------------------------- muting

def suppressions_path(out_dir, client: str | None = None) -> Path:
    """The client's suppressions YAML: out_dir/<client-slug>/suppressions.yaml (out_dir/suppressions.yaml when
    out_dir is already the client's folder and client is None); kept inside out_dir."""
    rel = Path(slugify(client)) / SUPPRESSIONS_FILE if client else Path(SUPPRESSIONS_FILE)
    return inside(out_dir, rel)


def _glob_literal(text: str) -> str:
    """`text` as an fnmatch pattern that matches only itself ([, * and ? are pattern characters)."""
    return re.sub(r"([\[*?])", r"[\1]", text)  # a lone "]" is already literal


def mute_entry(finding, reason: str, expires=None) -> dict:
    """The suppressions entry (rule, entity, reason[, expires]) that mutes exactly this finding.

    `finding` is a findings row (mapping with rule_id, entity_type, entity_id, status). Raises ValueError for a
    blank reason, or a finding that cannot be muted (ERROR: a crashed rule is always shown; PASS: nothing to mute).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required to mute a finding: say why it is accepted")
    status = str(finding.get("status", ""))
    if status == "ERROR":
        raise ValueError("ERROR findings cannot be muted: the rule itself failed and must be looked at")
    if status == "PASS":
        raise ValueError("this finding passed: there is nothing to mute")
    entry = {"rule": _glob_literal(str(finding["rule_id"])),
             "entity": _glob_literal(f"{finding['entity_type']}:{finding['entity_id']}"),
             "reason": reason}
    if expires not in (None, ""):
        try:
            entry["expires"] = pd.Timestamp(expires).date()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"expires must be a date written YYYY-MM-DD, got {expires!r}") from exc
    return entry


def _dump(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)


def _replace_text(path: Path, text: str) -> None:
    replace_into(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def mute_finding(path, finding, reason: str, expires=None, client: str | None = None) -> Path:
    """Mute one finding in a suppressions YAML (the audit's format, readiness.suppress), creating the file.

    An existing entry for the same rule and entity gets the new reason/expiry; otherwise the entry is appended.
    Appending keeps the file's comments (the entry is added as text and the result re-read to check it);
    an update rewrites the file, keeping only its leading comment block. `client` (slug) is written as the
    file's client when the file is created. Returns the path.
    Raises ValueError (see mute_entry) and SuppressionError for an existing file the audit could not read.
    """
    path = Path(path)
    entry = mute_entry(finding, reason, expires)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"version": 1, **({"client": client} if client else {}), "mutes": [entry]}
        text = "# Muted findings, each with a reason. Read by `readiness audit --suppress`.\n" + _dump(doc)
        _replace_text(path, text)
        return path

    old_text = path.read_text(encoding="utf-8-sig")
    data = _mutes_doc(old_text, path)
    parse_suppressions(data, path)  # refuse to touch a file the audit could not read
    mutes = list(data.get("mutes") or [])
    same = [i for i, m in enumerate(mutes) if m.get("rule") == entry["rule"] and m.get("entity") == entry["entity"]]
    if not same and mutes:
        text = old_text.rstrip("\n") + "\n" + _indent_item(_dump([entry]), _item_indent(old_text))
        try:
            ok = (yaml.safe_load(text) or {}).get("mutes") == mutes + [entry]
        except yaml.YAMLError:
            ok = False  # an unusual layout (flow style, mutes not last): rewrite the document instead
        if ok:
            _replace_text(path, text)
            return path
    if same:
        mutes[same[0]] = entry
    else:
        mutes.append(entry)
    data["mutes"] = mutes
    _replace_text(path, _leading_comments(old_text) + _dump(data))
    return path


def _mutes_doc(text: str, path: Path) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SuppressionError(f"{path}: not valid YAML ({exc})") from exc
    return data if data is not None else {"version": 1}


def _leading_comments(text: str) -> str:
    """The comment lines at the top of a file (kept when the file is rewritten)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line + "\n")
    return "".join(lines)


def _item_indent(text: str) -> str:
    """The indentation of the existing `- rule:` list items (PyYAML writes none, people often write two)."""
    m = re.findall(r"^([ \t]*)-[ \t]", text, flags=re.MULTILINE)
    return m[-1] if m else ""


def _indent_item(dumped: str, indent: str) -> str:
    return "".join(indent + line + "\n" for line in dumped.splitlines())


def apply_mute_file(findings: pd.DataFrame, path, as_of=None) -> pd.DataFrame:
    """Findings with the mutes of the suppressions file at `path` added (existing mutes kept)."""
    supp = load_suppressions(path)
    fresh, _ = apply_suppressions(findings, supp, as_of)
    out = findings.copy()
    before = out["muted"].astype(bool) if "muted" in out else pd.Series(False, index=out.index)
    reason = out["mute_reason"].astype("string") if "mute_reason" in out else pd.Series(
        pd.NA, index=out.index, dtype="string")
    out["muted"] = before | fresh["muted"].astype(bool)
    out["mute_reason"] = reason.where(before, fresh["mute_reason"].astype("string"))
    return out


# ------------------------------------------------------------------------------------------------------------ UI

CSS = """<style>
.rx-app {font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", sans-serif); color: #1f2d3d}
.rx-head {font-size: 17px; font-weight: 600; margin: 2px 0 0}
.rx-sub {color: #5f6b7a; font-size: 12px}
.rx-count {font-size: 13px; padding: 4px 0}
table.rx-table {border-collapse: collapse; font-size: 12px; width: 100%; line-height: 1.35; margin: 2px 0}
table.rx-table th {background: #eef2f6; text-align: left; padding: 4px 8px; position: sticky; top: 0;
                   font-weight: 600; white-space: nowrap; z-index: 1}
table.rx-table td {padding: 3px 8px; border-bottom: 1px solid #e5e8ec; vertical-align: top}
table.rx-table tr:nth-child(even) td {background: #fafbfc}
.rx-badge {display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 11px; font-weight: 600;
           background: #e5e8ec; color: #333; white-space: nowrap}
.rx-direct, .rx-pass {background: #d9f2e3; color: #17633a}
.rx-rethink, .rx-review, .rx-medium, .rx-open {background: #fff1cc; color: #7a5300}
.rx-manual, .rx-fail, .rx-high {background: #fbd9d9; color: #8a1c1c}
.rx-retire, .rx-expired, .rx-info {background: #e5e8ec; color: #555}
.rx-error, .rx-blocker {background: #8a1c1c; color: #fff}
.rx-low {background: #e3ecf7; color: #1f4e85}
.rx-title {font-size: 15px; font-weight: 600; margin: 4px 0}
.rx-target {margin: 4px 0 8px; font-size: 13px}
.rx-section h4 {font-size: 13px; margin: 12px 0 4px; border-bottom: 1px solid #d5dbe1; padding-bottom: 2px}
.rx-dl {display: grid; grid-template-columns: max-content auto; gap: 2px 14px; font-size: 12px; margin: 0}
.rx-dl dt {color: #5f6b7a} .rx-dl dd {margin: 0}
table.rx-table td.rx-nw {white-space: nowrap}
.rx-empty {color: #7a8591; font-size: 12px; font-style: italic; padding: 2px 0}
.rx-more {color: #7a8591; font-size: 11px; padding: 4px 0}
.rx-foot {color: #5f6b7a; font-size: 12px; margin-top: 12px}
.rx-ok {color: #17633a; font-size: 12px} .rx-err {color: #8a1c1c; font-size: 12px}
.rx-panel {border: 1px solid #d5dbe1; border-radius: 4px; padding: 6px 8px; background: #fbfcfd}
</style>"""

PICK_LIMIT = 500  # contracts / findings offered in a selector; filter to narrow further
LABEL_STYLE = {"description_width": "70px"}


def _msg(text: str, ok: bool = True) -> str:
    return f'<span class="{"rx-ok" if ok else "rx-err"}">{html.escape(text)}</span>'


def _grid(W, children) -> object:
    """Filters in even columns (three on a laptop screen, fewer on narrow ones)."""
    return W.GridBox(children, layout=W.Layout(grid_template_columns="repeat(auto-fill, minmax(340px, 1fr))",
                                               grid_gap="4px 12px", width="100%"))


def _scroll(W, child, height: str):
    return W.Box([child], layout=W.Layout(max_height=height, overflow="auto", width="100%",
                                          border="1px solid #d5dbe1"))


class ExplorerUI:
    """The explorer over one audit result: a Contracts tab and a Findings tab, both HTML-escaped throughout.

    out_dir: output root; decisions.csv and suppressions.yaml go to out_dir/<client-slug>/ (None: read-only).
    Data shared by the tabs lives here: `findings` (mutes applied), `contract_map` (with sort keys) and
    `decisions` (current decision per contract). The tabs are `contracts_panel` and `findings_panel`;
    `widget` is the top-level widget to display.
    """

    def __init__(self, result, out_dir=None, rules: dict | None = None, notice: str = ""):
        import ipywidgets as W

        if rules is None:
            from readiness.rules import RULES as rules
        self.rules, self.result = rules, result
        self.export, self.as_of = result.export, result.as_of
        self.index = ExportIndex(result.export)
        self.findings = result.findings.copy()
        self.contract_map = with_sort_keys(result.contract_map)
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.client_dir = inside(self.out_dir, slugify(result.slug)) if self.out_dir else None
        self.suppressions_file = suppressions_path(self.out_dir, result.slug) if self.out_dir else None
        self.decisions = load_decisions(self.client_dir) if self.client_dir else empty_decisions()

        self.contracts_panel = ContractsPanel(self, W)
        self.findings_panel = FindingsPanel(self, W)
        head = W.HTML(CSS + f'<div class="rx-head">{html.escape(result.client)}: contract explorer</div>'
                      f'<div class="rx-sub">Autotask export as of {result.as_of.date().isoformat()} · '
                      f"{len(result.contract_map):,} contracts · readiness "
                      f"{html.escape(str(result.summary.get('readiness', 'n/a')))}</div>"
                      + (f"<div>{_msg(notice, ok=False)}</div>" if notice else ""))
        self.tabs = W.Tab(children=[self.contracts_panel.widget, self.findings_panel.widget])
        self.tabs.titles = ("Contracts", "Findings")
        self.widget = W.VBox([head, self.tabs], layout=W.Layout(width="100%"))
        self.widget.add_class("rx-app")

    @classmethod
    def from_export(cls, export_dir, as_of=None, out_dir=None, client: str | None = None) -> "ExplorerUI":
        """Audit `export_dir` (as_of YYYY-MM-DD, default the export's newest date) and build the explorer.

        Empty values mean defaults: export_dir the bundled sample (data/sample/acme-it), out_dir the project's
        outputs/ folder. When the client's suppressions.yaml exists there, the audit applies it; an unusable
        file is reported in the UI instead of stopping it.
        """
        from readiness.audit import _client_name, run_audit
        from readiness.config import DEFAULT_SAMPLE, OUTPUTS_DIR
        from readiness.loader import load_export

        out_dir = Path(out_dir) if out_dir else OUTPUTS_DIR
        export = load_export(export_dir or DEFAULT_SAMPLE)
        # the client's folder (and so its suppressions file) follows from the export; no audit needed to find it
        supp, notice = suppressions_path(out_dir, slugify(_client_name(export, client or None))), ""
        try:
            result = run_audit(export, as_of=as_of or None, client=client or None,
                               suppress=supp if supp.is_file() else None)
        except SuppressionError as exc:  # raised before any rule runs
            notice = f"Suppressions not applied: {exc}"
            result = run_audit(export, as_of=as_of or None, client=client or None)
        return cls(result, out_dir=out_dir, notice=notice)

    def after_mute(self, path: Path) -> None:
        """After a mute: re-read the suppressions file, drop muted edge cases from the map, refresh both tabs."""
        from readiness.contract_map import edge_cases

        self.findings = apply_mute_file(self.findings, path, self.as_of)
        # A muted edge-case finding no longer makes its contract an edge case, as in the next audit run.
        edges = self.contract_map["contract_id"].map(edge_cases(self.findings, self.rules))
        self.contract_map = with_sort_keys(self.contract_map.assign(edge_cases=edges.astype("string").fillna("")))
        self.findings_panel.refresh()
        self.contracts_panel.refresh(force=True)


class ContractsPanel:
    """Contracts tab: filters, live count, sortable table, contract selector, detail with units chart, and the
    decision form. State: `matching` (filtered, sorted contract map), `selected` (contract id), `detail`."""

    def __init__(self, ui: ExplorerUI, W):
        self.ui, self.W = ui, W
        cm = ui.contract_map
        auto = W.Layout(width="auto")  # "100%" plus the widget margin overflows a grid cell
        types = sorted(_text(cm["contract_type"]).replace("", pd.NA).dropna().unique())
        verdicts = [v for v in VERDICT_ORDER if v in set(_text(cm["verdict"]))]
        companies = sorted(_text(cm["company_name"]).replace("", pd.NA).dropna().unique(), key=str.casefold)
        self.type = W.Dropdown(options=[("All types", ALL)] + [(t, t) for t in types], description="Type",
                               style=LABEL_STYLE, layout=auto)
        self.verdict = W.Dropdown(options=[("All verdicts", ALL)] + [(v, v) for v in verdicts],
                                  description="Verdict", style=LABEL_STYLE, layout=auto)
        self.edge = W.Dropdown(options=[("All contracts", ALL), ("Any edge case", ANY_EDGE), ("No edge case", NO_EDGE)]
                               + [(r, r) for r in edge_case_options(cm, ui.rules)],
                               description="Edge case", style=LABEL_STYLE, layout=auto)
        self.company = W.Combobox(options=companies, placeholder="type to search companies", ensure_option=False,
                                  description="Company", style=LABEL_STYLE, layout=auto)
        self.status = W.Dropdown(options=[("Active and inactive", ALL), ("Active", "Active"), ("Inactive", "Inactive")],
                                 description="Status", style=LABEL_STYLE, layout=auto)
        self.text = W.Text(placeholder="contract name contains …", description="Name", style=LABEL_STYLE, layout=auto)
        self.sort = W.Dropdown(options=list(SORTS), description="Sort by", style={"description_width": "55px"},
                               layout=W.Layout(width="260px"))
        for w, css in ((self.type, "rx-f-type"), (self.verdict, "rx-f-verdict"), (self.edge, "rx-f-edge"),
                       (self.company, "rx-f-company"), (self.status, "rx-f-status"), (self.text, "rx-f-text"),
                       (self.sort, "rx-sort")):
            w.add_class(css)  # stable hooks for browser tests
            w.observe(lambda _: self.refresh(), names="value")
        self.count = W.HTML()
        self.count.add_class("rx-count")
        self.table = W.HTML()
        self.pick = W.Dropdown(options=[], description="Contract", style=LABEL_STYLE, layout=auto)
        self.pick.add_class("rx-pick")
        self.pick.observe(self._on_pick, names="value")
        self.detail_html = W.HTML()
        self.chart = W.Output(layout=W.Layout(min_height="40px"))

        self.choice = W.Dropdown(options=[("— choose —", "")] + [(v, k) for k, v in DECISIONS.items()],
                                 description="Decision", style=LABEL_STYLE, layout=auto)
        self.rebuild_as = W.Text(placeholder="HaloPSA structure, e.g. Pre-pay hours agreement",
                                 description="Rebuild as", style=LABEL_STYLE, layout=auto, disabled=True)
        self.note = W.Textarea(placeholder="what was agreed, with whom", description="Note", style=LABEL_STYLE,
                               layout=W.Layout(width="auto", height="64px"))
        self.save = W.Button(description="Save decision", button_style="primary", icon="check",
                             disabled=ui.client_dir is None)
        self.message = W.HTML(_msg("Read-only: no output folder.", ok=False) if ui.client_dir is None else "")
        self.choice.observe(lambda ch: setattr(self.rebuild_as, "disabled", ch["new"] != "rebuild"), names="value")
        self.save.on_click(lambda _: self.save_decision())

        self.matching = ui.contract_map.iloc[:0]
        self.selected: int | None = None
        self.detail: ContractDetail | None = None
        self._hold = False
        decision = W.VBox([W.HTML("<b>Decision</b>"), self.choice, self.rebuild_as, self.note,
                           W.HBox([self.save, self.message], layout=W.Layout(align_items="center", grid_gap="8px"))])
        decision.add_class("rx-panel")
        right = W.VBox([self.chart, decision], layout=W.Layout(flex="2 1 340px", min_width="320px"))
        left = W.VBox([self.detail_html], layout=W.Layout(flex="3 1 480px", min_width="360px", overflow="auto"))
        bar = W.HBox([self.count, self.sort], layout=W.Layout(justify_content="space-between", align_items="center"))
        self.widget = W.VBox([
            _grid(W, [self.type, self.verdict, self.edge, self.company, self.status, self.text]),
            bar, _scroll(W, self.table, "300px"), self.pick,
            W.HBox([left, right], layout=W.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="12px")),
        ], layout=W.Layout(width="100%"))
        self.refresh()

    def filters(self) -> dict:
        """The filters' current values as filter_contracts keyword arguments."""
        return {"contract_type": self.type.value, "verdict": self.verdict.value, "edge_case": self.edge.value,
                "company": self.company.value, "status": self.status.value, "text": self.text.value}

    def refresh(self, force: bool = False) -> None:
        """Re-filter and re-sort; update count, table and selector, keeping the selection while it still matches.
        force=True re-renders the open contract even when the selection did not change."""
        cm = self.ui.contract_map
        self.matching = sort_contracts(filter_contracts(cm, **self.filters()), self.sort.value)
        n = len(self.matching)
        edge = int(self.matching["n_edge_cases"].gt(0).sum())
        self.count.value = (f"<b>{n:,}</b> of {len(cm):,} contracts match"
                            + (f" · {edge:,} with edge cases" if n else ""))
        self.table.value = contracts_table_html(self.matching, self.ui.decisions)
        top = self.matching.head(PICK_LIMIT)
        ids = top["contract_id"].astype(int).tolist()
        labels = (_text(top["contract_name"]) + " — " + _text(top["company_name"]) + " ("
                  + top["contract_id"].astype("string") + ")").tolist()
        keep = self.selected if self.selected in ids else (ids[0] if ids else None)
        self._hold = True  # one detail render per refresh, not one per options change
        try:
            self.pick.options = list(zip(labels, ids))
            self.pick.value = keep
        finally:
            self._hold = False
        if force or keep != self.selected or self.detail is None:
            self.show(keep)

    def _on_pick(self, change) -> None:
        if not self._hold:
            self.show(change["new"])

    def show(self, contract_id) -> None:
        """Show one contract's detail, units chart and logged decision (None clears the panel)."""
        from IPython.display import Image, display

        ui = self.ui
        self.selected = None if contract_id is None else int(contract_id)
        self.chart.clear_output()
        if self.selected is None:
            self.detail = None
            self.detail_html.value = '<div class="rx-empty">No contract selected.</div>'
            self._fill_form()
            return
        self.detail = contract_detail(ui.index, self.selected, ui.findings, ui.contract_map, ui.as_of)
        self.detail_html.value = detail_html(self.detail, ui.rules)
        png = units_chart_png(self.detail.units)
        if png:
            with self.chart:
                display(Image(data=png, format="png"))
        self._fill_form()

    def _fill_form(self) -> None:
        """Prefill the decision form with the selected contract's logged decision (blank when none)."""
        d = self.ui.decisions
        row = d.iloc[:0] if self.selected is None else d[d["contract_id"].eq(self.selected).fillna(False).to_numpy()]
        if self.ui.client_dir is not None:
            self.message.value = ""
        if row.empty:
            self.choice.value, self.rebuild_as.value, self.note.value = "", "", ""
            return
        r = row.iloc[-1]
        self.choice.value = r["decision"] if r["decision"] in DECISIONS else ""
        self.rebuild_as.value = "" if pd.isna(r["rebuild_as"]) else str(r["rebuild_as"])
        self.note.value = "" if pd.isna(r["note"]) else str(r["note"])
        if pd.notna(r["decided_at"]) and self.ui.client_dir is not None:
            self.message.value = _msg(f"Logged {pd.Timestamp(r['decided_at']):%Y-%m-%d %H:%M}")

    def save_decision(self) -> bool:
        """Log the form's decision for the selected contract; True when saved (the message says why not)."""
        ui = self.ui
        if ui.client_dir is None:
            self.message.value = _msg("Read-only: no output folder to save to.", ok=False)
            return False
        if self.selected is None:
            self.message.value = _msg("Select a contract first.", ok=False)
            return False
        try:
            ui.decisions = save_decision(ui.client_dir, self.selected, self.detail.name if self.detail else "",
                                         self.choice.value, self.rebuild_as.value, self.note.value)
        except (ValueError, OSError) as exc:
            self.message.value = _msg(str(exc), ok=False)
            return False
        self.message.value = _msg(f"Saved to {ui.client_dir.name}/decisions.csv")
        self.table.value = contracts_table_html(self.matching, ui.decisions)
        return True


class FindingsPanel:
    """Findings tab: filters by area, severity, status, muted and text; table; mute the selected finding with a
    reason into the client's suppressions YAML. State: `matching` (filtered findings)."""

    def __init__(self, ui: ExplorerUI, W):
        self.ui, self.W = ui, W
        f = ui.findings
        auto = W.Layout(width="auto")
        areas = sorted(_text(f["area"]).replace("", pd.NA).dropna().unique())
        sevs = [s for s in SEVERITY_ORDER if s in set(_text(f["severity"]).unique())]
        self.area = W.Dropdown(options=[("All areas", ALL)] + [(a, a) for a in areas], description="Area",
                               style=LABEL_STYLE, layout=auto)
        self.severity = W.Dropdown(options=[("All severities", ALL)] + [(s, s) for s in sevs],
                                   description="Severity", style=LABEL_STYLE, layout=auto)
        self.status = W.Dropdown(options=[("FAIL or REVIEW", OPEN), ("All", ALL)] + [(s, s) for s in STATUS_ORDER],
                                 description="Status", style=LABEL_STYLE, layout=auto)
        self.muted = W.Dropdown(options=[("Muted or not", ALL), ("Not muted", False), ("Muted", True)],
                                description="Muted", style=LABEL_STYLE, layout=auto)
        self.text = W.Text(placeholder="rule, entity, company or reason contains …", description="Search",
                           style=LABEL_STYLE, layout=auto)
        for w, css in ((self.area, "rx-g-area"), (self.severity, "rx-g-severity"), (self.status, "rx-g-status"),
                       (self.muted, "rx-g-muted"), (self.text, "rx-g-text")):
            w.add_class(css)
            w.observe(lambda _: self.refresh(), names="value")
        self.count = W.HTML()
        self.count.add_class("rx-g-count")
        self.table = W.HTML()
        self.pick = W.Dropdown(options=[], description="Finding", style=LABEL_STYLE, layout=auto)
        self.reason = W.Text(placeholder="why this is accepted (required)", description="Reason", style=LABEL_STYLE,
                             layout=auto)
        self.expires = W.Text(placeholder="YYYY-MM-DD (optional)", description="Expires", style=LABEL_STYLE,
                              layout=W.Layout(width="260px"))
        self.mute = W.Button(description="Mute finding", icon="bell-slash", button_style="warning",
                             disabled=ui.suppressions_file is None)
        self.message = W.HTML(_msg("Read-only: no output folder.", ok=False) if ui.suppressions_file is None else "")
        self.mute.on_click(lambda _: self.mute_selected())
        self.matching = f.iloc[:0]
        form = W.VBox([W.HTML("<b>Mute a finding</b> <span class='rx-sub'>written to the client's suppressions file; "
                              "the next audit run leaves it out of readiness and score</span>"),
                       self.pick, self.reason,
                       W.HBox([self.expires, self.mute, self.message], layout=W.Layout(align_items="center",
                                                                                       grid_gap="8px"))])
        form.add_class("rx-panel")
        self.widget = W.VBox([_grid(W, [self.area, self.severity, self.status, self.muted, self.text]),
                              self.count, _scroll(W, self.table, "420px"), form], layout=W.Layout(width="100%"))
        self.refresh()

    def filters(self) -> dict:
        """The filters' current values as filter_findings keyword arguments."""
        return {"area": self.area.value, "severity": self.severity.value, "status": self.status.value,
                "muted": self.muted.value, "text": self.text.value}

    def refresh(self) -> None:
        """Re-filter; update count, table and the selector of findings that can be muted (unmuted FAIL/REVIEW)."""
        f = self.ui.findings
        self.matching = v = filter_findings(f, **self.filters())
        self.count.value = (f"<b>{len(v):,}</b> of {len(f):,} findings match · "
                            f"{int(v['muted'].astype(bool).sum()):,} muted")
        self.table.value = findings_table_html(v)
        can = v[~v["muted"].astype(bool).to_numpy() & _text(v["status"]).isin(["FAIL", "REVIEW"]).to_numpy()]
        can = can.head(PICK_LIMIT)
        labels = (_text(can["status"]) + " · " + _text(can["rule_id"]) + " · " + _text(can["entity_type"]) + " "
                  + _text(can["entity_id"]) + " · " + _text(can["company_name"])).str.slice(0, 140).tolist()
        ids = _text(can["finding_id"]).tolist()
        current = self.pick.value
        self.pick.options = list(zip(labels, ids))
        self.pick.value = current if current in ids else (ids[0] if ids else None)

    def mute_selected(self) -> bool:
        """Mute the selected finding with the typed reason; True when written (the message says why not)."""
        ui = self.ui
        if ui.suppressions_file is None:
            self.message.value = _msg("Read-only: no output folder to write suppressions to.", ok=False)
            return False
        fid = self.pick.value
        row = ui.findings[_text(ui.findings["finding_id"]).eq(fid or "").to_numpy()]
        if row.empty:
            self.message.value = _msg("Choose a finding to mute.", ok=False)
            return False
        try:
            path = mute_finding(ui.suppressions_file, row.iloc[0], self.reason.value,
                                self.expires.value.strip() or None, client=ui.result.slug)
            ui.after_mute(path)
        except (ValueError, OSError) as exc:  # SuppressionError is a ValueError
            self.message.value = _msg(str(exc), ok=False)
            return False
        self.reason.value, self.expires.value = "", ""
        self.message.value = _msg(f"Muted {fid}; written to {path.parent.name}/{path.name}")
        return True
