"""Page one: the executive summary, and the per-area counts it and the findings chart read."""

from __future__ import annotations

import pandas as pd

from readiness.report import charts
from readiness.report.sections.common import (AREA_TEXT, CLASS_CSS, CURRENCY_SIGN, Block, _badge, _date, _live,
                                              _n, _plural, money, _rejected_rows, _rule_text, _sev, _title, e)
from readiness.report.sections.effort import _effort_phases, _effort_total
from readiness.vocabulary import UNKNOWN

CLASS_MEANING = {
    "Ready": "The export shows nothing that must be fixed or decided before the move.",
    "Ready with conditions": "Nothing blocks the move outright: HaloPSA can go live once the FAIL findings are "
                             "fixed and the REVIEW findings decided.",
    "Not ready": "At least one blocker must be resolved before HaloPSA can go live.",
    "Unknown": "The export could not be judged, so no score is given.",
}
WORKBOOK = "workbook.xlsx"


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


def _effort_kpis(effort: dict) -> list[tuple[str, str, str]]:
    """Effort in weeks, hours and (with a rate) money."""
    low, high = _effort_total(effort)
    if not high:
        return []
    hours = (f"{_n(effort['team_hours_low'])}–{_n(effort['team_hours_high'])} team hours"
             if effort.get("team_hours_high") else "from audit to cutover")
    out = [("Weeks", f"{charts._num(low)}–{charts._num(high)}", hours)]
    if effort.get("cost_high"):
        cur = effort.get("currency") or ""
        # the sign once: "£41,250–59,750"
        high_text = money(effort["cost_high"], cur)
        sign = CURRENCY_SIGN.get(cur, "")
        out.append(("Cost", f"{e(money(effort['cost_low'], cur))}–{e(high_text.removeprefix(sign))}",
                    f"at {e(money(effort['hourly_rate'], cur))} an hour ({e(effort.get('rate_from', ''))})"))
    return out


def _brand(result) -> str:
    """The consultancy's logo, name and contact line (profile), escaped; empty without a profile."""
    p = getattr(result, "profile", None) or {}
    if not p:
        return ""
    logo = (f'<img class="brand-logo" src="{e(p["logo_data_uri"], quote=True)}" alt="{e(p.get("name", "logo"))}">'
            if p.get("logo_data_uri") else "")
    name = f'<div class="brand-name">{e(p["name"])}</div>' if p.get("name") else ""
    contact = f'<div class="brand-contact">{e(p["contact"])}</div>' if p.get("contact") else ""
    return f'<div class="brand">{logo}<div>{name}{contact}</div></div>'


def executive_summary(result) -> Block:
    """Page one, for the MSP's owner: the readiness class and what it rests on, what moves across, what is rebuilt
    and what is retired, the decisions the owner must make, effort in weeks, hours and money, the timeline and
    the next three steps. Then the things that matter most and readiness by area."""
    s = result.summary
    cls = s.get("readiness", "Unknown")
    read, rejected = _rejected_rows(result)
    unknown = cls == "Unknown"
    effort = s.get("effort") or {}

    kpis = []
    if not unknown:
        score = s.get("score")
        kpis.append(("Score", "—" if score is None else f"{float(score):.0f}<small>/100</small>",
                     "falls with the work left; not ready ≤ 49"))
    cov = s.get("coverage")
    kpis.append(("Coverage", "—" if cov is None else f"{float(cov):.0f}<small>%</small>",
                 "share of the checks the export allowed"))
    kpis.append(("Rows loaded", _n(read - rejected),
                 f"of {_n(read)} read; " + (f"{_n(rejected)} rejected" if rejected else "none rejected")))
    if not unknown:
        kpis += _effort_kpis(effort)
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
    head = (_brand(result) + '<div class="doc-type">Autotask PSA → HaloPSA migration readiness report</div>'
            f'<h1 class="client">{e(str(result.client))}</h1>{meta}')

    body = head + verdict
    if unknown:
        body += _unknown_detail(result)
        return Block(f'<section class="cover" id="summary"><h2 class="hidden-heading">Executive summary</h2>'
                     f'{body}</section>')
    body += _next_steps(result) + _overview(result) + _decisions(result) + _timeline(result)
    second = _top_list(result) + _area_table(result) + _workbook_note()
    return Block(f'<section class="cover" id="summary"><h2 class="hidden-heading">Executive summary</h2>{body}'
                 f'</section><section class="major" id="priorities"><h2>What matters most</h2>{second}</section>')


def migration_overview(result) -> pd.DataFrame:
    """Per kind of record: how many move across natively, are rebuilt by hand, or are retired (page one's
    picture), from the audit's counts (summary.json native_import and effort.counts)."""
    s = result.summary
    native = s.get("native_import") or {}
    c = (s.get("effort") or {}).get("counts") or {}
    rows = {}
    for key, label in (("clients", "Clients"), ("contacts", "Contacts"), ("assets", "Assets"),
                       ("open_tickets", "Open tickets")):
        if native.get(key) is not None:
            rows[label] = (native[key], 0, 0)
    if c.get("contracts_direct") is not None:
        rows["Contracts"] = (c.get("contracts_direct", 0), c.get("contracts_rethink", 0) + c.get("contracts_manual", 0),
                             c.get("contracts_retire", 0))
    if c.get("workflow_rules_total"):
        rows["Workflow rules"] = (0, c.get("workflow_rules_rebuild", 0), c.get("workflow_rules_retire", 0))
    if c.get("templates_total"):
        rebuild = c.get("templates_rebuild", 0)
        rows["Notification templates"] = (0, rebuild, max(c["templates_total"] - rebuild, 0))
    if c.get("integrations_native", 0) + c.get("integrations_other", 0):
        rows["Integrations"] = (c.get("integrations_native", 0), c.get("integrations_other", 0), 0)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["native", "rebuild", "retire"]).astype(int)


def _overview(result) -> str:
    ov = migration_overview(result)
    if ov.empty:
        return ""
    moved = ", ".join(f"{_n(n)} {k.lower()}" for k, n in ov["native"].items() if n)
    rebuilt = ", ".join(f"{_n(n)} {k.lower()}" for k, n in ov["rebuild"].items() if n)
    retired = ", ".join(f"{_n(n)} {k.lower()}" for k, n in ov["retire"].items() if n)
    words = "".join(f"<li><b>{head}:</b> {e(text)}.</li>" for head, text in (
        ("Moves across with HaloPSA's import or a native integration", moved),
        ("Rebuilt or rethought by hand", rebuilt), ("Retired, not migrated", retired)) if text)
    fig = charts.migration_overview(ov)
    return ('<h3>What moves, what is rebuilt, what is retired</h3>'
            + charts.figure_html(fig, "Bar chart: per kind of record, the share that moves across, is rebuilt or "
                                      "is retired", "")
            + f'<ul class="overview">{words}</ul>')


def _decisions(result) -> str:
    """The decisions only the owner can make, counted, each with where it is recorded."""
    s = result.summary
    c = (s.get("effort") or {}).get("counts") or {}
    items = []
    if c.get("contracts_to_decide"):
        items.append(f"How to rebuild <b>{_n(c['contracts_to_decide'])} contracts</b> that have no direct HaloPSA "
                     f"equivalent or carry an edge case: agree each in the {WORKBOOK} Contracts sheet.")
    if c.get("workflow_rules_total"):
        items.append(f"Which of <b>{_n(c['workflow_rules_total'])} workflow rules</b> to rebuild "
                     f"({_n(c.get('workflow_rules_retire', 0))} proposed for retirement).")
    if c.get("templates_total"):
        items.append(f"Which of <b>{_n(c['templates_total'])} notification templates</b> to re-author "
                     f"({_n(c.get('templates_rebuild', 0))} sent recently).")
    if c.get("security_levels"):
        items.append(f"The HaloPSA role for each of <b>{_n(c['security_levels'])} security levels</b> in use.")
    if c.get("integrations_other"):
        items.append(f"How to replace <b>{_n(c['integrations_other'])} integration(s)</b> with no native HaloPSA "
                     "integration.")
    items.append("Which billing period to run in both systems before switching Autotask off (at least one full "
                 "period).")
    return '<h3>Decisions for you</h3><ul class="decisions">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _timeline(result) -> str:
    ph = _effort_phases(result.summary.get("effort"))
    if ph.empty:
        return ""
    return ('<h3>Timeline <small class="h-note">phases one after another; hatched: how far each can stretch '
            f'(details: Effort and timeline, {WORKBOOK} Effort sheet)</small></h3>'
            + charts.figure_html(charts.timeline(ph), "Gantt chart: migration phases over weeks, low to high "
                                                      "estimate"))


def _next_steps(result) -> str:
    """Three steps in order: clear what blocks, agree the decisions, book the project."""
    s = result.summary
    live = _live(result.findings)
    blockers = live[live["status"].eq("FAIL") & live["severity"].eq("blocker")]
    fails = live[live["status"].eq("FAIL")]
    c = (s.get("effort") or {}).get("counts") or {}
    low, high = _effort_total(s.get("effort"))
    steps = []
    if len(blockers):
        titles = sorted({_title(r, result.findings) for r in blockers["rule_id"].astype(str)})
        steps.append(f"Fix the <b>{_n(len(blockers))} blocker findings</b> first ({e('; '.join(titles[:2]))}"
                     + ("; …" if len(titles) > 2 else "") + ").")
    elif len(fails):
        steps.append(f"Fix the <b>{_n(len(fails))} FAIL findings</b> in Autotask before the data is exported "
                     "for import.")
    else:
        steps.append("Confirm the REVIEW findings with the team (the Findings sheet of the workbook).")
    if c.get("contracts_to_decide"):
        steps.append(f"Agree the <b>{_n(c['contracts_to_decide'])} contract decisions</b> in {WORKBOOK} "
                     "(Contracts sheet) and sign it off.")
    else:
        steps.append(f"Sign off the contract map in {WORKBOOK} (Contracts sheet).")
    if high:
        steps.append(f"Book the project (<b>{charts._num(low)}–{charts._num(high)} weeks</b>) and pick the "
                     "billing period to run in parallel.")
    return '<h3>Next three steps</h3><ol class="next">' + "".join(f"<li>{x}</li>" for x in steps[:3]) + "</ol>"


def _workbook_note() -> str:
    """Which sheet of the sign-off workbook holds what."""
    return (f'<h3>The sign-off workbook</h3><p class="workbook">{WORKBOOK}, beside this report, holds every list in '
            'full. <b>Contracts</b>: one row per contract with its Autotask type, HaloPSA target, verdict and edge '
            'cases, and columns for the agreed HaloPSA build, who approved it and when. <b>Findings</b>: every open '
            'finding with the record it concerns, the reason and what to do. <b>Checklist</b>: the go-live '
            'checklist. <b>Effort</b>: the phases, the work counted, hours per item and every assumption.</p>')


def _top_list(result) -> str:
    """The ranked top findings (scoring.top_findings: one entry per rule, status and severity); each count is of
    exactly the findings of the status and severity it names."""
    items = result.summary.get("top_findings") or []  # ranked by the audit (scoring.top_findings)
    if not items:
        return '<h3>What matters most</h3><p>No check failed and nothing needs a decision.</p>'
    f = result.findings
    lis = []
    for it in items:
        part = f[f["rule_id"].eq(it["rule_id"])]
        etype = str(part["entity_type"].iloc[0]) if len(part) else ""
        impact = _rule_text(it["rule_id"], part, "impact")
        live_part = _live(part)
        named = live_part[live_part["status"].eq(it["status"]) & live_part["severity"].eq(it["severity"])]
        lis.append(f'<li>{_sev(it["severity"])} <b class="top-title">{e(it["title"])}</b> — '
                   f'{_plural(named["entity_id"].nunique(), etype)} ({e(it["status"])}).'
                   + (f'<div class="top-impact">{e(impact)}</div>' if impact else "") + "</li>")
    return f'<ol class="top">{"".join(lis)}</ol>'


def _area_table(result) -> str:
    ac = area_counts(result)
    ac = ac[(ac[["FAIL", "REVIEW", "PASS", "ERROR", "muted"]].sum(axis=1) > 0) | (ac["readiness"] != "Unknown")]
    if ac.empty:
        return ""
    rows = "".join(
        f'<tr><td>{e(r.label)}</td><td>{_badge(r.readiness)}</td><td class="num">{_n(r.FAIL)}</td>'
        f'<td class="num">{_n(r.REVIEW)}</td><td class="num">{_n(r.PASS)}</td><td class="num">{_n(r.muted)}</td></tr>'
        for r in ac.itertuples())
    return ('<h3>Readiness by area</h3><p class="legend"><b>Not ready</b>: a blocker FAIL must be fixed first · '
            '<b>Ready with conditions</b>: can go live once its FAILs are fixed and its REVIEWs decided · '
            '<b>FAIL</b> must be dealt with before go-live · <b>REVIEW</b> a person must decide · '
            '<b>Muted</b> accepted by the client, with its reason, out of the score.</p>'
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
