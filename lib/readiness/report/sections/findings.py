"""Findings by area (chart, then each area's open findings per rule) and the muted findings."""

from __future__ import annotations

import pandas as pd

from readiness.report import charts
from readiness.report.sections.common import (AREA_TEXT, ENTITY_PLURAL, Block, _badge, _live, _n, _plural,
                                              _rule_text, _section, _sev, _table, _title, e)
from readiness.report.sections.summary import area_counts
from readiness.vocabulary import ATTENTION_ORDER, SEVERITIES

SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
STATUS_ORDER = {s: i for i, s in enumerate(ATTENTION_ORDER)}


def findings_by_area(result, max_rows: int = 15) -> Block:
    """Chart of readiness by area, then per area (contracts and billing first): what was found, why it matters
    in HaloPSA, what to do, counts and the entities involved (lists trimmed to `max_rows`)."""
    f = result.findings
    if f.empty:
        return Block("")
    counts = area_counts(result)
    ac = counts.set_index("label")
    ac = ac[ac[["FAIL", "REVIEW", "PASS", "ERROR"]].sum(axis=1) > 0]
    parts = []
    if len(ac):
        fig = charts.readiness_by_area(ac)
        parts.append(charts.figure_html(fig, "Bar chart: share of failing, to-decide and passing checks per area",
                                        "Checks per area by outcome; muted findings are left out. "
                                        "The numbers at the right count open items (FAIL, REVIEW, ERROR)."))
    classes = dict(zip(counts["area"], counts["readiness"]))
    for area in list(AREA_TEXT) + sorted(set(f["area"].dropna().astype(str)) - set(AREA_TEXT)):
        parts.append(_area_block(result, area, classes.get(area, "Unknown"), max_rows))
    return _section("findings", "Findings by area", "".join(parts),
                    lead="Each area lists what the audit found, why it matters in HaloPSA and what to do. "
                         "Contracts and billing come first: that is where migrations succeed or fail.")


def _area_block(result, area: str, cls: str, max_rows: int) -> str:
    """One area: heading with its class, why it matters, counts, then each rule with open findings."""
    f = result.findings
    part = f[f["area"].eq(area)]
    if part.empty:
        return ""
    label, why = AREA_TEXT.get(area, (area.replace("_", " ").capitalize(), ""))
    live = _live(part)
    counts = live["status"].value_counts()
    muted_n = len(part) - len(live)
    summary = (f'{_n(len(live))} checks: <b>{_n(counts.get("FAIL", 0))} FAIL</b>, '
               f'{_n(counts.get("REVIEW", 0))} REVIEW, {_n(counts.get("PASS", 0))} PASS'
               + (f', {_n(counts.get("ERROR", 0))} ERROR' if counts.get("ERROR", 0) else "")
               + (f'; {_n(muted_n)} muted (see <a href="#muted">Muted findings</a>)' if muted_n else "") + ".")
    out = [f'<div class="area" id="area-{e(area)}"><h3>{e(label)} {_badge(cls)}</h3>'
           f'<p class="why">{e(why)}</p><p class="counts">{summary}</p>']
    open_ = live[live["status"].isin(["FAIL", "REVIEW", "ERROR"])]
    if open_.empty:
        out.append('<p class="ok">Nothing to fix or decide in this area.</p>')
    order = (open_.assign(_s=open_["severity"].map(SEVERITY_ORDER).fillna(9),
                          _st=open_["status"].map(STATUS_ORDER).fillna(9))
             .groupby("rule_id").agg(_s=("_s", "min"), _st=("_st", "min"), n=("entity_id", "size"))
             .sort_values(["_st", "_s", "n"], ascending=[True, True, False]))
    for rule_id in order.index:
        out.append(_rule_block(str(rule_id), open_[open_["rule_id"].eq(rule_id)], max_rows))
    out.append("</div>")
    return "".join(out)


def _rule_block(rule_id: str, rows: pd.DataFrame, max_rows: int) -> str:
    """One rule's open findings: title, severity, count, impact, remediation and the trimmed entity list."""
    title = _title(rule_id, rows)
    sevs = rows["severity"].dropna().astype(str) if "severity" in rows else pd.Series(dtype=str)
    sev = min(sevs, key=lambda v: SEVERITY_ORDER.get(v, 9)) if len(sevs) else ""
    etype = str(rows["entity_type"].iloc[0]) if len(rows) else ""
    statuses = rows["status"].value_counts()
    ordered = sorted(statuses.index, key=lambda k: STATUS_ORDER.get(k, 9))
    status_txt = ", ".join(f"{_n(statuses[k])} {e(k)}" for k in ordered)
    impact = _rule_text(rule_id, rows, "impact")
    remediation = _rule_text(rule_id, rows, "remediation")
    rows = rows.assign(_st=rows["status"].map(STATUS_ORDER).fillna(9)).sort_values(["_st", "entity_id"])
    table = _entity_table(rows, max_rows, what=ENTITY_PLURAL.get(etype, "rows"))
    return (f'<div class="finding"><h4>{_sev(sev)} {e(title)}</h4>'
            f'<p class="finding-count">{_plural(rows["entity_id"].nunique(), etype)} ({status_txt})</p>'
            + (f'<p><b>Why it matters in HaloPSA:</b> {e(impact)}</p>' if impact else "")
            + (f'<p><b>What to do:</b> {e(remediation)}</p>' if remediation else "")
            + table + "</div>")


def _entity_table(rows: pd.DataFrame, max_rows: int, what: str = "rows") -> str:
    """ID / company / status / detail table of findings; the company column only when any row has one."""
    df = pd.DataFrame({"ID": rows["entity_id"].astype("string"),
                       "Company": rows["company_name"].astype("string") if "company_name" in rows else pd.NA,
                       "Status": rows["status"].astype("string"),
                       "Detail": rows["reason"].astype("string")})
    if df["Company"].isna().all():
        return _table(df.drop(columns="Company"), [18, 10, 72], max_rows, what)
    return _table(df, [12, 22, 10, 56], max_rows, what)


def muted_findings(result, max_rows: int = 15) -> Block:
    """Muted findings, kept visible with the reason the client gave; they are out of the score."""
    f = result.findings
    m = f[f["muted"].fillna(False).astype(bool)] if "muted" in f else f.iloc[0:0]
    if m.empty:
        return Block("")
    titles = m["rule_id"].map({r: _title(r, f) for r in m["rule_id"].dropna().unique()})  # once per rule
    df = pd.DataFrame({"Check": titles.astype("string"), "Entity": m["entity_id"].astype("string"),
                       "Status": m["status"].astype("string") + " (muted)",
                       "Reason for muting": m["mute_reason"].astype("string")})
    return _section("muted", "Muted findings", _table(df, [34, 14, 14, 38], max_rows, "muted findings"),
                    major=False,
                    lead=f"{_n(len(m))} findings were accepted by the client through the suppressions file. "
                         "They keep their real status, are left out of the readiness class and score, and are "
                         "listed here so nothing is hidden.")
