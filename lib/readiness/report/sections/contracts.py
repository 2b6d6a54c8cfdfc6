"""The contract map: contracts by type and verdict, edge cases, and the decisions agreed on them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from readiness.report import charts
from readiness.report.sections.common import CONTRACTS_SHEET, Block, _date, _n, _section, _table, _title, e

VERDICT_WORDS = {
    "direct": "moves across with its rates re-keyed",
    "rethink": "rebuilt in HaloPSA's structure (agreement, pre-pay or project)",
    "manual": "no direct HaloPSA equivalent: decide by hand how to bill it",
    "retire": "inactive: do not migrate",
}


def contract_map(result, max_rows: int = 15) -> Block:
    """Contracts by type and verdict (table and chart), what each verdict means, and the edge cases."""
    cm = result.contract_map
    if cm is None or cm.empty:
        return Block("")
    cm = cm.assign(contract_type=cm["contract_type"].astype("string").fillna("Unknown type"),
                   verdict=cm["verdict"].astype("string").fillna("unmapped"))
    xt = pd.crosstab(cm["contract_type"], cm["verdict"])
    verdict_cols = [v for v in charts.VERDICT_STYLE if v in xt.columns] + \
        [v for v in xt.columns if v not in charts.VERDICT_STYLE]
    xt = xt[verdict_cols]
    xt = xt.loc[xt.sum(axis=1).sort_values(ascending=False).index]

    parts = []
    known = xt[[c for c in verdict_cols if c in charts.VERDICT_STYLE]]
    if known.to_numpy().sum():
        parts.append(charts.figure_html(charts.contract_verdicts(known),
                                        "Bar chart: contracts per Autotask type split by HaloPSA verdict",
                                        "Every contract in the export by its Autotask type and what it becomes in "
                                        "HaloPSA."))
    table = xt.copy()
    table.columns = [c.capitalize() for c in table.columns]
    table["Total"] = table.sum(axis=1)
    # The target of the live contracts describes the type; inactive ones only say "retire".
    live_first = cm.assign(_r=cm["verdict"].eq("retire").astype(int)).sort_values("_r")
    targets = live_first.groupby("contract_type")["halo_target"].agg(
        lambda s: next(iter(s.dropna().astype(str)), "—"))
    table.insert(0, "HaloPSA target", targets.reindex(table.index).fillna("—"))
    table = table.reset_index().rename(columns={"contract_type": "Autotask type"})
    n_num = len(table.columns) - 2
    table.columns = [str(c) for c in table.columns]
    parts.append(_table(table, [20, 40 - 2 * max(n_num - 5, 0)] + [8] * n_num,
                        num=tuple(table.columns[2:])))
    present_verdicts = [v for v in VERDICT_WORDS if v in set(cm["verdict"])]
    parts.append('<ul class="verdicts">' + "".join(
        f"<li><b>{v.capitalize()}</b>: {VERDICT_WORDS[v]} ({_n((cm['verdict'] == v).sum())})</li>"
        for v in present_verdicts) + "</ul>")

    edge = cm[cm["edge_cases"].astype("string").fillna("").str.len() > 0]
    manual = cm[cm["verdict"].eq("manual") & ~cm.index.isin(edge.index)]
    picked = pd.concat([edge, manual])
    # Contracts with no HaloPSA twin first, then those hit by the most edge-case rules.
    n_edges = picked["edge_cases"].astype("string").fillna("").str.count(r"\|") + \
        picked["edge_cases"].astype("string").fillna("").str.len().gt(0).astype(int)
    picked = picked.assign(_m=picked["verdict"].ne("manual").astype(int), _n=-n_edges).sort_values(
        ["_m", "_n", "contract_name"]).drop(columns=["_m", "_n"])
    if len(picked):
        rule_ids = sorted({i for ids in picked["edge_cases"].astype("string").fillna("") for i in ids.split("|") if i})
        titles = {i: _title(i, result.findings) for i in rule_ids}
        why = picked["edge_cases"].astype("string").fillna("").map(
            lambda ids: "; ".join(titles[i] for i in ids.split("|") if i))
        no_twin = picked["verdict"].eq("manual").to_numpy()
        why = pd.Series(["; ".join(x for x in ("No direct HaloPSA equivalent for this contract type" if m else "", w) if x)
                         for m, w in zip(no_twin, why)], index=picked.index)
        df = pd.DataFrame({"Contract": picked["contract_name"].astype("string"),
                           "Company": picked["company_name"].astype("string"),
                           "Type": picked["contract_type"].astype("string"),
                           "Verdict": picked["verdict"].astype("string"),
                           "Why it needs attention": why})
        parts.append(f'<h3>Edge cases: {_n(len(picked))} contracts to handle one by one</h3>'
                     '<p>These contracts carry something HaloPSA has no direct twin for. Handle each individually, '
                     'not as part of the bulk import, and check its first invoice in the parallel billing cycle.</p>')
        parts.append(_table(df, [22, 20, 14, 10, 34], max_rows, "contracts", CONTRACTS_SHEET))
    parts.append(_agreed_decisions(result, max_rows))
    return _section("contract-map", "Contract map", "".join(parts), major=False,
                    lead=f"{_n(len(cm))} contracts, {_n(cm['status'].eq('Active').sum())} of them active. "
                         "Each Autotask contract type has a HaloPSA counterpart and a verdict.")


def _agreed_decisions(result, max_rows: int) -> str:
    """The decisions agreed with the MSP in the contract explorer, beside each contract's proposed target."""
    from readiness.decisions import DECISIONS

    dec = getattr(result, "decisions", None)
    elsewhere = getattr(result, "decisions_elsewhere", None) or []
    warning = ("".join(f'<p class="warning">Decisions for this client were also saved in {e(p)}, which this report '
                       'did not read: run the report with that folder\'s parent as --out to use them.</p>'
                       for p in elsewhere))
    if dec is None or dec.empty:
        return warning
    cm = result.contract_map.assign(contract_id=pd.to_numeric(result.contract_map["contract_id"], errors="coerce"))
    rows = dec.merge(cm[["contract_id", "company_name", "halo_target", "verdict"]], on="contract_id", how="left")
    decided = rows["decision"].map(lambda d: DECISIONS.get(d, d)).astype("string")
    rebuild = rows["decision"].eq("rebuild").fillna(False) & rows["rebuild_as"].notna()
    decided = decided.where(~rebuild, "Rebuild as " + rows["rebuild_as"].astype("string"))
    df = pd.DataFrame({"Contract": rows["contract_name"].astype("string"),
                       "Company": rows["company_name"].astype("string"),
                       "Proposed": rows["halo_target"].astype("string"),
                       "Agreed": decided, "Note": rows["note"].astype("string"),
                       "Date": rows["decided_at"].map(_date)})
    source = getattr(result, "decisions_file", "") or ""
    return (f'<h3>Agreed decisions: {_n(len(df))} contracts</h3><p>Decided with the MSP in the contract '
            'explorer; these override the proposed target'
            + (f' (read from {e(Path(source).name)} in the client\'s output folder)' if source else "") + '.</p>'
            + warning
            + _table(df, [20, 16, 18, 16, 20, 10], max_rows, "decisions", CONTRACTS_SHEET))
