"""Contract map: every Autotask contract with its HaloPSA target, verdict and the edge-case rules that hit it."""

from __future__ import annotations

import pandas as pd

from readiness.halo import VERDICTS

COLUMNS = [
    "contract_id", "contract_name", "company_id", "company_name", "contract_type",
    "status", "halo_target", "verdict", "edge_cases",
]
STATUS_LABELS = {0: "Inactive", 1: "Active"}


def empty_map() -> pd.DataFrame:
    """A contract map with the contract columns and no rows."""
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c.endswith("_id") else "string") for c in COLUMNS})


def edge_cases(findings: pd.DataFrame, rules: dict) -> pd.Series:
    """`|`-joined sorted edge-case rule ids with an unmuted FAIL/REVIEW on each contract, indexed by contract id."""
    if findings is None or findings.empty:
        return pd.Series(dtype="string")
    edge_ids = [rid for rid, rule in rules.items() if getattr(rule, "edge_case", False)]
    muted = findings["muted"].astype(bool) if "muted" in findings else pd.Series(False, index=findings.index)
    hits = findings[
        findings["entity_type"].eq("Contract")
        & findings["status"].isin(["FAIL", "REVIEW"])
        & findings["rule_id"].isin(edge_ids)
        & ~muted
    ]
    if hits.empty:
        return pd.Series(dtype="string")
    ids = pd.to_numeric(hits["entity_id"].astype("string"), errors="coerce").astype("Int64")
    pairs = pd.DataFrame({"contract_id": ids, "rule_id": hits["rule_id"].astype(str)}).dropna().drop_duplicates()
    return pairs.sort_values("rule_id").groupby("contract_id")["rule_id"].agg("|".join).astype("string")


def build_contract_map(export, findings: pd.DataFrame, rules: dict | None = None, halo=None) -> pd.DataFrame:
    """One row per contract in the export with COLUMNS; empty (with columns) when Contracts is missing.

    `halo` is the module giving `contract_targets(contracts_df)` (default: readiness.halo); `rules` the rule
    catalogue giving `edge_case` flags (default: readiness.rules.RULES).
    """
    if not export.has("Contracts") or export.tables["Contracts"].empty:
        return empty_map()
    if halo is None:
        from readiness import halo
    if rules is None:
        from readiness.rules import RULES as rules

    contracts = export.tables["Contracts"]
    targets = halo.contract_targets(contracts)
    n = len(contracts)
    out = pd.DataFrame({
        "contract_id": contracts["id"].astype("Int64").to_numpy(),
        "contract_name": (contracts["contractName"] if "contractName" in contracts
                          else pd.Series(pd.NA, index=contracts.index)).astype("string").to_numpy(),
        "company_id": (contracts["companyID"] if "companyID" in contracts
                       else pd.Series(pd.NA, index=contracts.index)).astype("Int64").to_numpy(),
    }, index=range(n))

    companies = export.tables.get("Companies")
    if companies is not None and {"id", "companyName"} <= set(companies.columns):
        names = companies.drop_duplicates("id").set_index("id")["companyName"].astype("string")
        out["company_name"] = out["company_id"].map(names).astype("string")
    else:
        out["company_name"] = pd.Series(pd.NA, index=out.index, dtype="string")

    targets = targets.drop_duplicates("contract_id").set_index("contract_id")
    type_label = targets["contract_type_label"].astype("string") if "contract_type_label" in targets else None
    out["contract_type"] = (out["contract_id"].map(type_label) if type_label is not None
                            else pd.Series(pd.NA, index=out.index)).astype("string")
    if "contractType" in contracts:
        # Fall back to the picklist label when the target table has none for a row.
        codes = contracts["contractType"]
        labels = {code: export.label("Contracts", "contractType", code) for code in codes.dropna().unique()}
        fallback = pd.Series(codes.map(labels).to_numpy(), index=out.index).astype("string")
        out["contract_type"] = out["contract_type"].fillna(fallback)

    status = contracts["status"] if "status" in contracts else pd.Series(pd.NA, index=contracts.index)
    out["status"] = pd.Series(
        pd.to_numeric(status, errors="coerce").map(STATUS_LABELS).to_numpy(), index=out.index
    ).astype("string")
    out["halo_target"] = out["contract_id"].map(targets["halo_target"]).astype("string")
    out["verdict"] = out["contract_id"].map(targets["verdict"]).astype("string")
    out["edge_cases"] = out["contract_id"].map(edge_cases(findings, rules)).astype("string").fillna("")
    return out[COLUMNS]


def verdict_counts(contract_map: pd.DataFrame, active_only: bool = True) -> dict[str, int]:
    """Contracts per verdict (ints, every verdict present); active contracts only by default."""
    cm = contract_map[contract_map["status"].eq("Active").fillna(False)] if active_only else contract_map
    counts = cm["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}
