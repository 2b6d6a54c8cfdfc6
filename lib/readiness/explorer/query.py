"""Selecting contracts and findings: the explorer's filters, sorts and selector options (pandas only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from readiness.vocabulary import ATTENTION_ORDER, SEVERITIES

ALL = "__all__"  # filter value meaning "no filter"
ANY_EDGE, NO_EDGE = "__any__", "__none__"
OPEN = "__open__"  # findings status filter: FAIL or REVIEW
VERDICT_ORDER = ("manual", "rethink", "direct", "retire")
SEVERITY_ORDER = SEVERITIES
STATUS_ORDER = ATTENTION_ORDER

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


def as_text(s: pd.Series) -> pd.Series:
    """`s` as text, missing values as ""."""
    return s.astype("string").fillna("")


def with_sort_keys(contract_map: pd.DataFrame) -> pd.DataFrame:
    """The contract map plus n_edge_cases (int) and verdict_rank (manual first) used for sorting."""
    out = contract_map.copy()
    edges = as_text(out["edge_cases"])
    out["n_edge_cases"] = edges.str.count(r"\|").add(1).where(edges.ne(""), 0).astype(int)
    out["verdict_rank"] = as_text(out["verdict"]).map({v: i for i, v in enumerate(VERDICT_ORDER)}).fillna(
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
            keep &= as_text(contract_map[col]).eq(value)
    if edge_case not in (ALL, None, ""):
        edges = as_text(contract_map["edge_cases"])
        if edge_case == ANY_EDGE:
            keep &= edges.ne("")
        elif edge_case == NO_EDGE:
            keep &= edges.eq("")
        else:
            keep &= ("|" + edges + "|").str.contains(f"|{edge_case}|", regex=False)
    for col, value in (("company_name", company), ("contract_name", text)):
        value = (value or "").strip().casefold()
        if value:
            keep &= as_text(contract_map[col]).str.casefold().str.contains(value, regex=False)
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
            keep &= as_text(findings[col]).eq(value)
    if status == OPEN:
        keep &= as_text(findings["status"]).isin(["FAIL", "REVIEW"])
    elif status not in (ALL, None, ""):
        keep &= as_text(findings["status"]).eq(status)
    if muted not in (ALL, None, ""):
        keep &= findings["muted"].astype(bool).eq(bool(muted))
    value = (text or "").strip().casefold()
    if value:
        hay = (as_text(findings["rule_id"]) + " " + as_text(findings["entity_type"]) + ":"
               + as_text(findings["entity_id"]) + " " + as_text(findings["company_name"]) + " "
               + as_text(findings["reason"]))
        keep &= hay.str.casefold().str.contains(value, regex=False)
    return order_findings(findings[keep.to_numpy()])


def order_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings sorted by status (FAIL, ERROR, REVIEW, PASS), then severity (blocker first), then rule and entity."""
    rank_status = as_text(findings["status"]).map({s: i for i, s in enumerate(STATUS_ORDER)}).fillna(9)
    rank_sev = as_text(findings["severity"]).map({s: i for i, s in enumerate(SEVERITY_ORDER)}).fillna(9)
    order = np.lexsort((as_text(findings["entity_id"]).to_numpy(), as_text(findings["rule_id"]).to_numpy(),
                        rank_sev.to_numpy(), rank_status.to_numpy()))
    return findings.iloc[order]


def edge_case_options(contract_map: pd.DataFrame, rules: dict | None = None) -> list[str]:
    """Edge-case rule ids to offer in the filter: the catalogue's edge-case rules plus any seen in the map."""
    if rules is None:
        from readiness.rules import RULES as rules
    seen = as_text(contract_map["edge_cases"]).str.split("|").explode()
    ids = {rid for rid, r in rules.items() if getattr(r, "edge_case", False)} | set(seen[seen.ne("")])
    return sorted(ids)


def contract_options(contracts: pd.DataFrame, limit: int) -> list[tuple[str, int]]:
    """(label, contract id) for the first `limit` contracts: "name — company (id)"."""
    top = contracts.head(limit)
    labels = (as_text(top["contract_name"]) + " — " + as_text(top["company_name"]) + " ("
              + top["contract_id"].astype("string") + ")")
    return list(zip(labels.tolist(), top["contract_id"].astype(int).tolist()))


def mutable_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings a mute can apply to: not muted yet, and FAIL or REVIEW (ERROR is always shown)."""
    return findings[~findings["muted"].astype(bool).to_numpy()
                    & as_text(findings["status"]).isin(["FAIL", "REVIEW"]).to_numpy()]


def finding_options(findings: pd.DataFrame, limit: int) -> list[tuple[str, str]]:
    """(label, finding id) for the first `limit` mutable findings: "status · rule · entity id · company"."""
    can = mutable_findings(findings).head(limit)
    labels = (as_text(can["status"]) + " · " + as_text(can["rule_id"]) + " · " + as_text(can["entity_type"]) + " "
              + as_text(can["entity_id"]) + " · " + as_text(can["company_name"])).str.slice(0, 140)
    return list(zip(labels.tolist(), as_text(can["finding_id"]).tolist()))
