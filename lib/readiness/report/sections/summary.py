"""Page one: the executive summary, and the per-area counts it and the findings chart read."""

from __future__ import annotations

import pandas as pd

from readiness.report import charts
from readiness.report.sections.common import (AREA_TEXT, CLASS_CSS, Block, _badge, _date, _live, _n, _plural,
                                              _rejected_rows, _rule_text, _sev, e)
from readiness.report.sections.effort import _effort_total
from readiness.vocabulary import UNKNOWN

CLASS_MEANING = {
    "Ready": "The export shows nothing that must be fixed or decided before the move.",
    "Ready with conditions": "Nothing blocks the move outright, but the items below must be fixed or decided "
                             "before go-live.",
    "Not ready": "At least one blocker must be resolved before HaloPSA can go live.",
    "Unknown": "The export could not be judged, so no score is given.",
}


def area_counts(result) -> pd.DataFrame:
    """Per area in report order: readiness class, unmuted counts per status and the muted count, as the audit
    rolled them up (summary.json `areas`); an area the audit did not roll up reads Unknown with no counts."""
    areas = result.summary.get("areas") or {}
    rows = []
    for area in list(AREA_TEXT) + sorted(set(areas) - set(AREA_TEXT)):
        a = areas.get(area, {})
        rows.append({"area": area, "label": AREA_TEXT.get(area, (area.replace("_", " ").capitalize(),))[0],
                     "readiness": a.get("readiness") or UNKNOWN,
                     **{s: int(a.get(s, 0)) for s in ("FAIL", "REVIEW", "PASS", "ERROR")},
                     "muted": int(a.get("muted", 0))})
    return pd.DataFrame(rows)


def executive_summary(result) -> Block:
    """Page one: client, dates, the readiness class in words and colour, score, coverage, data completeness,
    effort range, and the things that matter most (blockers first)."""
    s = result.summary
    cls = s.get("readiness", "Unknown")
    read, rejected = _rejected_rows(result)
    low, high = _effort_total(s.get("effort"))
    unknown = cls == "Unknown"

    kpis = []
    if not unknown:
        score = s.get("score")
        kpis.append(("Score", "—" if score is None else f"{float(score):.0f}<small>/100</small>",
                     "weighted share of passing checks"))
    cov = s.get("coverage")
    kpis.append(("Coverage", "—" if cov is None else f"{float(cov):.0f}<small>%</small>",
                 "share of the checks the export allowed"))
    kpis.append(("Data loaded", f"{_n(read - rejected)}<small> of {_n(read)} rows</small>",
                 f"{_n(rejected)} rows rejected on load" if rejected else "no rows rejected"))
    if not unknown and high:
        kpis.append(("Effort", f"{charts._num(low)}–{charts._num(high)}<small> weeks</small>",
                     "from audit to cutover"))
    kpi_html = "".join(f'<td><div class="kpi-label">{k}</div><div class="kpi-value">{v}</div>'
                       f'<div class="kpi-note">{note}</div></td>' for k, v, note in kpis)

    reason = s.get("readiness_reason") or ""
    verdict = (f'<div class="verdict {CLASS_CSS.get(cls, "unknown")}">'
               f'<div class="verdict-label">Readiness</div><div class="verdict-class">{e(cls)}</div>'
               f'<p class="verdict-meaning">{e(CLASS_MEANING.get(cls, ""))}</p>'
               + (f'<p class="verdict-reason">{e(reason)}</p>' if reason and unknown else "")
               + (f'<p class="verdict-reason">{e(s["coverage_warning"])}</p>' if s.get("coverage_warning") else "")
               + (f'<p class="verdict-reason">{_n(len(s["errors"]))} check(s) failed to run (ERROR) and are shown '
                  'under their area; readiness cannot be Ready until they run.</p>' if s.get("errors") else "")
               + f'<table class="kpis"><tr>{kpi_html}</tr></table></div>')

    taken = result.facts.client.get("export_date")
    meta = (f'<p class="meta">Readiness as of <b>{_date(result.as_of)}</b>'
            + (f' · export taken {_date(taken)}' if taken else "")
            + f' · report prepared {_date(pd.Timestamp.now())}</p>')
    head = (f'<div class="doc-type">Autotask PSA → HaloPSA migration readiness report</div>'
            f'<h1 class="client">{e(str(result.client))}</h1>{meta}')

    body = head + verdict
    body += _unknown_detail(result) if unknown else _top_list(result) + _area_table(result)
    return Block(f'<section class="cover" id="summary"><h2 class="hidden-heading">Executive summary</h2>{body}'
                 f'</section>')


def _top_list(result) -> str:
    items = result.summary.get("top_findings") or []  # ranked by the audit (scoring.top_findings)
    if not items:
        return '<h3>What matters most</h3><p>No check failed and nothing needs a decision.</p>'
    f = result.findings
    lis = []
    for it in items:
        part = f[f["rule_id"].eq(it["rule_id"])]
        etype = str(part["entity_type"].iloc[0]) if len(part) else ""
        impact = _rule_text(it["rule_id"], part, "impact")
        open_ = _live(part)[_live(part)["status"].isin(["FAIL", "REVIEW"])]
        live = open_["status"].value_counts()
        split = ", ".join(f"{_n(live[s])} {s}" for s in ("FAIL", "REVIEW") if live.get(s, 0))
        lis.append(f'<li>{_sev(it["severity"])} <b class="top-title">{e(it["title"])}</b> — '
                   f'{_plural(open_["entity_id"].nunique(), etype)} ({split}).'
                   + (f'<div class="top-impact">{e(impact)}</div>' if impact else "") + "</li>")
    return f'<h3>What matters most</h3><ol class="top">{"".join(lis)}</ol>'


def _area_table(result) -> str:
    ac = area_counts(result)
    ac = ac[(ac[["FAIL", "REVIEW", "PASS", "ERROR", "muted"]].sum(axis=1) > 0) | (ac["readiness"] != "Unknown")]
    if ac.empty:
        return ""
    rows = "".join(
        f'<tr><td>{e(r.label)}</td><td>{_badge(r.readiness)}</td><td class="num">{_n(r.FAIL)}</td>'
        f'<td class="num">{_n(r.REVIEW)}</td><td class="num">{_n(r.PASS)}</td><td class="num">{_n(r.muted)}</td></tr>'
        for r in ac.itertuples())
    return ('<h3>Readiness by area</h3><p class="legend"><b>FAIL</b> must be dealt with before go-live · '
            '<b>REVIEW</b> a person must decide · <b>PASS</b> nothing to do · <b>Muted</b> accepted by the client, '
            'shown with its reason and left out of the score.</p>'
            '<table class="data areas"><colgroup><col style="width:34%">'
            '<col style="width:26%"><col style="width:10%"><col style="width:10%"><col style="width:10%">'
            '<col style="width:10%"></colgroup><thead><tr><th>Area</th><th>Readiness</th><th class="num">FAIL</th>'
            '<th class="num">REVIEW</th><th class="num">PASS</th><th class="num">Muted</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def _unknown_detail(result) -> str:
    """What could not be read, instead of a score."""
    s = result.summary
    items = []
    if s.get("readiness_reason"):
        items.append(s["readiness_reason"])
    items += result.facts.load_problems()
    cov = s.get("coverage_detail") or {}
    if cov.get("missing_tables"):
        items.append("Tables the checks need but the export does not contain: " + ", ".join(cov["missing_tables"]))
    lis = "".join(f"<li>{e(str(i))}</li>" for i in dict.fromkeys(items))
    return ('<h3>What could not be read</h3>'
            f'<ul class="problems">{lis or "<li>No usable tables were found in the export.</li>"}</ul>'
            '<p>Send a complete export (at least Companies and Contracts) and the audit can be re-run; the '
            'data completeness annex lists every file and row that was read.</p>')
