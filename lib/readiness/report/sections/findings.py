"""Findings by area (chart, then each area's open findings per rule) and the muted findings."""

from __future__ import annotations

import pandas as pd

from readiness.report.sections.common import (AREA_TEXT, Block, _badge, _live, _n, _plural, _rule_text,
                                              _section, _sev, _table, _title, e)
from readiness.report.sections.summary import area_counts
from readiness.vocabulary import ATTENTION_ORDER, SEVERITIES

SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
WORKBOOK_FINDINGS = "workbook.xlsx (Findings sheet)"
STATUS_ORDER = {s: i for i, s in enumerate(ATTENTION_ORDER)}


def findings_by_area(result, max_rows: int = 15) -> Block:
    """Per area (contracts and billing first): why it matters in HaloPSA, its counts and the checks that found
    something, with what to do (up to `max_rows` checks an area; every finding is in the workbook)."""
    f = result.findings
    if f.empty:
        return Block("")
    counts = area_counts(result)
    parts = []
    classes = dict(zip(counts["area"], counts["readiness"]))
    for area in list(AREA_TEXT) + sorted(set(f["area"].dropna().astype(str)) - set(AREA_TEXT)):
        parts.append(_area_block(result, area, classes.get(area, "Unknown"), max_rows))
    return _section("findings", "Findings by area", "".join(parts), major=False,
                    lead="Each area lists the checks that found something, why it matters in HaloPSA and what "
                         "to do. Contracts and billing come first: that is where migrations succeed or fail. "
                         f"Every finding, with the record it concerns and the reason, is in {WORKBOOK_FINDINGS}.")


def _area_block(result, area: str, cls: str, max_rows: int) -> str:
    """One area: heading with its class, why it matters, counts, then one line per check with open findings
    (worst first): what it found, how many, and what to do. The entities themselves are listed in the
    workbook's Findings sheet; the report shows up to `max_rows` checks per area."""
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
        out.append('<p class="ok">Nothing to fix or decide in this area.</p></div>')
        return "".join(out)
    out.append(_checks_table(open_, max_rows))
    out.append("</div>")
    return "".join(out)


def _checks_table(open_: pd.DataFrame, max_rows: int) -> str:
    """One row per check and severity with open findings, worst first: the severity, the check's title, what it
    hit (exact counts per status, of that severity only), and what to do."""
    keyed = open_.assign(_s=open_["severity"].map(SEVERITY_ORDER).fillna(9),
                         _st=open_["status"].map(STATUS_ORDER).fillna(9))
    per = (keyed.groupby(["rule_id", "_s"]).agg(_st=("_st", "min"), n=("entity_id", "nunique")).reset_index()
           .sort_values(["_st", "_s", "n"], ascending=[True, True, False]))
    rows = []
    for rule_id, sev_rank in zip(per["rule_id"], per["_s"]):
        rows_of = keyed[keyed["rule_id"].eq(rule_id) & keyed["_s"].eq(sev_rank)]
        sev = SEVERITIES[int(sev_rank)] if sev_rank < len(SEVERITIES) else ""
        statuses = rows_of["status"].value_counts()
        ordered = sorted(statuses.index, key=lambda k: STATUS_ORDER.get(k, 9))
        etype = str(rows_of["entity_type"].iloc[0])
        hit = (_plural(rows_of["entity_id"].nunique(), etype) + " ("
               + ", ".join(f"{_n(statuses[k])} {k}" for k in ordered) + ")")
        rows.append((sev, _title(str(rule_id), rows_of), hit, _rule_text(str(rule_id), rows_of, "remediation")))
    shown = rows[:max_rows] if max_rows else rows
    body = "".join(f'<tr><td>{_sev(sev)}</td><td><b>{e(title)}</b></td><td>{e(hit)}</td><td>{e(todo)}</td></tr>'
                   for sev, title, hit, todo in shown)
    more = (f'<p class="more">… and {_n(len(rows) - len(shown))} more checks — every finding is in '
            f'{WORKBOOK_FINDINGS}.</p>' if len(rows) > len(shown) else "")
    return ('<table class="data checks"><colgroup><col style="width:11%"><col style="width:28%">'
            '<col style="width:17%"><col style="width:44%"></colgroup><thead><tr><th>Severity</th><th>Check</th>'
            f'<th>Found</th><th>What to do</th></tr></thead><tbody>{body}</tbody></table>{more}')


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
