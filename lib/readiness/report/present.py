"""Report sections as HTML, one function per section; the report notebook calls them and displays the result.

Every value that comes from the export (names, reasons, picklist labels, file names, mute reasons) is
HTML-escaped here with `html.escape` (tables go through `_table`, which escapes every cell and header); no
export text is ever rendered as markdown. A section with nothing to say returns an empty block, so the client
report has no empty headings.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from readiness.columns import fold_space
from readiness.vocabulary import AREAS, ATTENTION_ORDER, OPEN_STATUSES, SEVERITIES, UNKNOWN
from readiness.facts import CannotJudge
from readiness.report import charts

e = html.escape

AREA_TEXT = {
    # area (vocabulary.AREAS): (heading, why it matters in HaloPSA, in the practitioner guide's words)
    "contracts": ("Contracts",
                  "Contracts are where migrations succeed or fail: every other area can be fixed after go-live, a "
                  "billing error that goes unnoticed for three months cannot. Some Autotask contract types have no "
                  "HaloPSA twin and must be rebuilt as agreements, pre-pay or projects."),
    "billing": ("Billing rules and rates",
                "Autotask's billing engine (block-hour factors, role exclusions, rate overrides, exclusion "
                "contracts) does not import into HaloPSA. Each rule found here must be rebuilt in HaloPSA's "
                "billing rules, charge rates and pre-pay, then proven in a parallel billing cycle."),
    "services": ("Services and bundles",
                 "Services become HaloPSA items on recurring invoices. A migration is the moment to leave retired "
                 "services behind and to fix services that are inactive but still billed."),
    "automations": ("Workflow automations",
                    "No tool migrates Autotask workflow rules: each one is rebuilt by hand as a HaloPSA ticket rule, "
                    "notification, SLA or workflow. Rules that no longer fire should not be rebuilt at all."),
    "notifications": ("Notification templates",
                      "Every email template is re-authored in HaloPSA. Templates your clients see come first; "
                      "templates that have not been sent recently are candidates to drop."),
    "integrations": ("Integrations",
                     "Every integration (RMM, accounting, documentation, distributors) is reconfigured and tested "
                     "in HaloPSA; native HaloPSA integrations make this quicker, the others need a plan."),
    "permissions": ("Roles and permissions",
                    "HaloPSA permissions are built from roles, not copied from Autotask security levels. Each "
                    "security level in use needs a HaloPSA role defined from how the team works."),
    "data_quality": ("Data quality for import matching",
                     "HaloPSA's importer matches clients by name and contacts by email. Duplicates, missing emails "
                     "and rows that point at missing parents break that matching or import the wrong links."),
    "tickets": ("Open tickets",
                "Open tickets are migrated at cutover and must land on a team and an active agent, or they are "
                "lost in the first week on HaloPSA."),
}
CLASS_CSS = {"Ready": "ready", "Ready with conditions": "conditions", "Not ready": "notready", "Unknown": "unknown"}
CLASS_MEANING = {
    "Ready": "The export shows nothing that must be fixed or decided before the move.",
    "Ready with conditions": "Nothing blocks the move outright, but the items below must be fixed or decided "
                             "before go-live.",
    "Not ready": "At least one blocker must be resolved before HaloPSA can go live.",
    "Unknown": "The export could not be judged, so no score is given.",
}
if set(AREA_TEXT) != set(AREAS):  # every area the rules can use has its heading, in the report's order
    raise ImportError(f"report headings and vocabulary.AREAS differ: {sorted(set(AREA_TEXT) ^ set(AREAS))}")
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
STATUS_ORDER = {s: i for i, s in enumerate(ATTENTION_ORDER)}
VERDICT_WORDS = {
    "direct": "moves across with its rates re-keyed",
    "rethink": "rebuilt in HaloPSA's structure (agreement, pre-pay or project)",
    "manual": "no HaloPSA twin: decide by hand how to bill it",
    "retire": "inactive: do not migrate",
}
ENTITY_PLURAL = {
    "Company": "companies", "Contract": "contracts", "ContractService": "contract services", "Service": "services",
    "ServiceBundle": "service bundles", "BillingCode": "billing codes", "Contact": "contacts",
    "ConfigurationItem": "configuration items", "Ticket": "tickets", "Resource": "resources",
    "WorkflowRule": "workflow rules", "NotificationTemplate": "notification templates",
    "Integration": "integrations", "SecurityLevel": "security levels", "TimeEntry": "time entries",
}
FINDINGS_FILE = "findings.csv"


class Block:
    """An HTML fragment that Jupyter displays as HTML; `str(block)` is the HTML itself."""

    def __init__(self, html_text: str = ""):
        self.html = html_text

    def __str__(self) -> str:
        return self.html

    def __len__(self) -> int:
        return len(self.html)

    def __repr__(self) -> str:
        # Short on purpose: the plain-text copy of each output is stored in report.ipynb too.
        return f"<report section, {len(self.html):,} characters of HTML>"

    def _repr_html_(self) -> str:
        return self.html


# ---------------------------------------------------------------- audit


def audit(export_dir: str = "", client: str = "", as_of: str = "", suppress: str = "", out_dir: str = "",
          audit_cache: str = ""):
    """The audit the report presents; empty strings mean the defaults (the bundled sample, export's dates).

    audit_cache: a pickled AuditResult that `readiness report` wrote moments before running the notebook, so the
    export is not loaded twice; used only when it exists and matches `export_dir`. Otherwise the audit runs here,
    and with `out_dir` its files are (re)written under out_dir/<slug>/ unless the summary there already matches,
    so a report run by hand leaves the same files as `readiness report`.
    """
    from readiness import config
    from readiness.audit import AuditResult, load_for_client, run_audit, write_outputs

    export_dir = export_dir or str(config.DEFAULT_SAMPLE)
    if audit_cache and Path(audit_cache).is_file():
        import pickle

        with open(audit_cache, "rb") as fh:
            result = pickle.load(fh)  # our own file, written by build_report for this run
        same = Path(getattr(result.export, "path", "") or "").resolve() == Path(export_dir).resolve()
        if isinstance(result, AuditResult) and same:
            return _with_decisions(result, out_dir)
    # the same export and suppressions `readiness report` would use, including mutes saved in the explorer
    export, supp = load_for_client(export_dir, out_dir or None, client or None, suppress or None)
    result = run_audit(export, as_of=as_of or None, client=client or None, suppress=supp)
    if out_dir and not _outputs_match(result, Path(out_dir)):
        write_outputs(result, out_dir)
    return _with_decisions(result, out_dir)


def _with_decisions(result, out_dir: str):
    """Attach the decisions agreed in the contract explorer (OUT/<slug>/decisions.csv) to the result."""
    from readiness.decisions import empty_decisions, load_decisions

    result.decisions = load_decisions(Path(out_dir) / result.slug) if out_dir else empty_decisions()
    return result


def _outputs_match(result, out_dir: Path) -> bool:
    """True when out_dir/<slug>/summary.json holds this run's class, score and as-of (no rewrite needed)."""
    import json

    path = out_dir / result.slug / "summary.json"
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    s = result.summary
    return all(str(written.get(k)) == str(s.get(k)) for k in ("readiness", "score", "coverage", "as_of"))


# ---------------------------------------------------------------- small helpers


def _n(x) -> str:
    """Integer with thousands separators; '—' for missing."""
    try:
        return f"{int(x):,}"
    except (TypeError, ValueError):
        return "—"


def _plural(n: int, entity_type: str) -> str:
    """'3 contracts', '1 contract'."""
    many = ENTITY_PLURAL.get(entity_type, (entity_type or "item").lower() + "s")
    one = {"companies": "company", "time entries": "time entry"}.get(many, many[:-1] if many.endswith("s") else many)
    return f"{_n(n)} {one if n == 1 else many}"


def _date(ts) -> str:
    """'30 June 2025'; '—' when missing."""
    if ts is None or (not isinstance(ts, str) and pd.isna(ts)):
        return "—"
    try:
        return pd.Timestamp(ts).strftime("%-d %B %Y")
    except (ValueError, TypeError):
        return e(str(ts))


def _section(anchor: str, title: str, body: str, major: bool = True, lead: str = "") -> Block:
    """A report section with its heading; `title` and `lead` are product text, `body` is already-escaped HTML."""
    cls = "major" if major else "minor"
    lead_html = f'<p class="lead">{lead}</p>' if lead else ""
    return Block(f'<section class="{cls}" id="{anchor}"><h2>{title}</h2>{lead_html}{body}</section>')


def _badge(cls_name: str) -> str:
    return f'<span class="badge {CLASS_CSS.get(cls_name, "unknown")}">{e(cls_name)}</span>'


def _sev(sev: str) -> str:
    sev = str(sev or "")
    return f'<span class="sev sev-{e(sev)}">{e(sev.capitalize())}</span>' if sev else ""


def _cell(v) -> str:
    """One escaped table cell text; missing values show as an em dash."""
    if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)):
        return "—"
    return e(str(v))


def _table(df: pd.DataFrame, widths: list[int] | None = None, max_rows: int | None = None, what: str = "rows",
           where: str | None = FINDINGS_FILE, css: str = "", num: tuple[str, ...] = ()) -> str:
    """An escaped HTML table of `df` (column names are the headers), trimmed to `max_rows` with a note.

    widths: column widths in % (table-layout is fixed so long text wraps instead of running off the page);
    num: columns to right-align. Tables of six columns or more get the smaller "wide" font.
    """
    if df is None or df.empty:
        return ""
    total = len(df)
    shown = df.head(max_rows) if max_rows else df
    classes = " ".join(["data"] + (["wide"] if len(df.columns) >= 6 else []) + ([css] if css else []))
    cols = "".join(f'<col style="width:{w}%">' for w in widths) if widths else ""
    align = ['class="num"' if c in num else "" for c in df.columns]
    head = "".join(f"<th {a}>{e(str(c))}</th>" for c, a in zip(df.columns, align))
    body = "".join("<tr>" + "".join(f"<td {a}>{_cell(v)}</td>" for v, a in zip(row, align)) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    more = ""
    if max_rows and total > max_rows:
        tail = f" — full list in {e(where)}" if where else ""
        more = f'<p class="more">… and {_n(total - max_rows)} more {e(what)}{tail}.</p>'
    return (f'<table class="{classes}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{more}")


def _live(findings: pd.DataFrame) -> pd.DataFrame:
    """Unmuted findings."""
    return findings[~findings["muted"].fillna(False).astype(bool)] if "muted" in findings else findings


def _rule(rule_id: str):
    """The rule's metadata (title, impact, remediation, severity, params) or None for an unknown id."""
    try:
        from readiness.rules import RULES
    except ImportError:
        return None
    return RULES.get(rule_id)


def _rule_text(rule_id: str, findings: pd.DataFrame, attr: str) -> str:
    """A rule's metadata text, falling back to the findings' own column of that name."""
    r = _rule(rule_id)
    text = getattr(r, attr, "") if r is not None else ""
    if not text and attr in findings and len(findings):
        first = findings[attr].dropna()
        text = str(first.iloc[0]) if len(first) else ""
    return text


def _title(rule_id: str, findings: pd.DataFrame) -> str:
    """The rule's title (its id when the catalogue and the findings have none)."""
    own = findings[findings["rule_id"].eq(rule_id)] if "rule_id" in findings else findings
    return _rule_text(rule_id, own, "title") or rule_id


def _window(result, placement: str) -> int:
    """The look-back window (stale_days) the rules feeding `placement` used in this run: their parameter, not its
    default (the longest, when they differ)."""
    from readiness.rules.base import feeding

    return max(int(result.facts.param(rid, "stale_days")) for rid in feeding(placement)
               if "stale_days" in result.facts.params.get(rid, {}))


def _rejected_rows(result) -> tuple[int, int]:
    """(rows read, rows rejected) over the whole export: the audit's load totals (summary.json `load_totals`)."""
    totals = result.summary.get("load_totals") or {}
    return int(totals.get("read", 0)), int(totals.get("rejected", 0))


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


# ---------------------------------------------------------------- executive summary


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

    taken = (getattr(result.export, "client", None) or {}).get("export_date")
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
    items += list(getattr(result.export, "problems", []) or [])
    cov = s.get("coverage_detail") or {}
    if cov.get("missing_tables"):
        items.append("Tables the checks need but the export does not contain: " + ", ".join(cov["missing_tables"]))
    lis = "".join(f"<li>{e(str(i))}</li>" for i in dict.fromkeys(items))
    return ('<h3>What could not be read</h3>'
            f'<ul class="problems">{lis or "<li>No usable tables were found in the export.</li>"}</ul>'
            '<p>Send a complete export (at least Companies and Contracts) and the audit can be re-run; the '
            'data completeness annex lists every file and row that was read.</p>')


# ---------------------------------------------------------------- findings by area


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


# ---------------------------------------------------------------- contract map


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
        why = pd.Series(["; ".join(x for x in ("No HaloPSA equivalent for this contract type" if m else "", w) if x)
                         for m, w in zip(no_twin, why)], index=picked.index)
        df = pd.DataFrame({"Contract": picked["contract_name"].astype("string"),
                           "Company": picked["company_name"].astype("string"),
                           "Type": picked["contract_type"].astype("string"),
                           "Verdict": picked["verdict"].astype("string"),
                           "Why it needs attention": why})
        parts.append(f'<h3>Edge cases: {_n(len(picked))} contracts to handle one by one</h3>'
                     '<p>These contracts carry something HaloPSA has no direct twin for. Handle each individually, '
                     'not as part of the bulk import, and check its first invoice in the parallel billing cycle.</p>')
        parts.append(_table(df, [22, 20, 14, 10, 34], max_rows, "contracts", "contract_map.csv"))
    parts.append(_agreed_decisions(result, max_rows))
    return _section("contract-map", "Contract map", "".join(parts),
                    lead=f"{_n(len(cm))} contracts, {_n(cm['status'].eq('Active').sum())} of them active. "
                         "Each Autotask contract type has a HaloPSA counterpart and a verdict.")


def _agreed_decisions(result, max_rows: int) -> str:
    """The decisions agreed with the MSP in the contract explorer, beside each contract's proposed target."""
    from readiness.decisions import DECISIONS

    dec = getattr(result, "decisions", None)
    if dec is None or dec.empty:
        return ""
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
    return (f'<h3>Agreed decisions: {_n(len(df))} contracts</h3><p>Decided with the MSP in the contract '
            'explorer; these override the proposed target.</p>'
            + _table(df, [20, 16, 18, 16, 20, 10], max_rows, "decisions", "decisions.csv"))


# ---------------------------------------------------------------- rebuild by hand


def rebuild_by_hand(result, max_rows: int = 15) -> Block:
    """What no tool migrates: workflow rules (with their HaloPSA counterpart), notification templates (client-facing
    first), integrations and security levels."""
    from readiness.rules.base import feeding

    f = _live(result.findings)
    parts = []
    wf = f[f["rule_id"].isin(feeding("rebuild:workflow_rules"))]
    if len(wf):
        parts.append(_workflow_rebuild(result, wf, max_rows))
    nt = f[f["rule_id"].isin(feeding("rebuild:templates"))]
    if len(nt):
        parts.append(_template_rebuild(result, nt, max_rows))
    it = f[f["rule_id"].isin(feeding("rebuild:integrations"))]
    if len(it):
        from readiness import halo

        native = halo.native_integrations(it["entity_id"].astype("string"))
        df = pd.DataFrame({"Integration": it["entity_id"].astype("string"),
                           "HaloPSA integration": ("Native: " + native).fillna("None known: custom work or a "
                                                                                "replacement"),
                           "What to do": it["reason"].astype("string")})
        df = df.assign(_o=native.isna().astype(int).to_numpy()).sort_values(["_o", "Integration"]).drop(columns="_o")
        parts.append(f'<h3>Integrations: {_n(len(it))} to reconfigure and test ({_n(native.isna().sum())} without '
                     'a native HaloPSA integration)</h3>'
                     + _table(df, [22, 28, 50], max_rows, "integrations"))
    sl = f[f["rule_id"].isin(feeding("rebuild:security_levels"))]
    if len(sl):
        labels = sl["entity_id"].map(lambda c: _label(result.export, "Resources", "userType", c))
        df = pd.DataFrame({"Security level": labels.astype("string"), "Detail": sl["reason"].astype("string")})
        parts.append(f'<h3>Roles and permissions: {_n(len(sl))} security levels to define as HaloPSA roles</h3>'
                     + _table(df, [30, 70], max_rows, "security levels"))
    if not parts:
        return Block("")
    return _section("rebuild", "What must be rebuilt by hand", "".join(parts),
                    lead="No import tool carries these across. Budget the time for each and test it end to end.")


def _template_rebuild(result, nt: pd.DataFrame, max_rows: int) -> str:
    """Notification templates in use, client-facing first, with their event and recent sends."""
    names = nt["entity_id"].astype("string")
    keys = fold_space(names)
    window = _window(result, "retire:templates")
    try:
        info = result.facts.templates().drop_duplicates("key").set_index("key")
    except CannotJudge:
        info = pd.DataFrame(columns=["recipients", "event"], dtype="string")
    audience = keys.map(info["recipients"]).astype("string")
    event = keys.map(info["event"]).astype("string")
    last, sends = _template_sends(result, keys, window)
    client_first = audience.str.lower().ne("client").fillna(True).astype(int)
    df = pd.DataFrame({"Template": names, "Seen by": audience.str.lower().map({"client": "Clients",
                                                                               "internal": "Internal"}),
                       "Event": event, "Last sent": last, f"Sends, last {window} days": sends, "_o": client_first})
    df = df.sort_values(["_o", "Template"]).drop(columns="_o")
    n_client = int((client_first == 0).sum())
    return (f'<h3>Notification templates: {_n(len(nt))} to re-author ({_n(n_client)} seen by clients)</h3>'
            '<p>Templates sent recently. Client-facing ones are listed first: build and test those before go-live.</p>'
            + _table(df, [34, 11, 21, 16, 18], max_rows, "templates", num=(f"Sends, last {window} days",)))


def _template_sends(result, keys: pd.Series, days: int) -> tuple[pd.Series, pd.Series]:
    """(last send date text, sends in the `days` days to as-of) per folded template name: the same fact the
    notification rules read (facts.template_sends), so the table agrees with the findings beside it."""
    try:
        sends = result.facts.template_sends(days)
    except CannotJudge:
        return (pd.Series("—", index=keys.index), pd.Series("—", index=keys.index))
    last_txt = keys.map(sends["last_sent"]).map(lambda d: "—" if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d"))
    return last_txt, keys.map(sends["sends"]).fillna(0).astype(int).map(_n)


def _workflow_rebuild(result, wf: pd.DataFrame, max_rows: int) -> str:
    """Workflow rules to rebuild, grouped by their HaloPSA counterpart (facts.workflow_rules: rebuild_as)."""
    from readiness import halo

    names = wf["entity_id"].astype("string")
    try:
        info = result.facts.workflow_rules().drop_duplicates("rule_name").set_index("rule_name", drop=False)
    except CannotJudge:
        info = None
    if info is not None:
        def pick(col: str) -> pd.Series:
            return names.map(info[col]).astype("string")

        df = pd.DataFrame({"Workflow rule": names, "Acts on": pick("entity"),
                           "Fires on": pick("events").str.replace("|", ", ", regex=False),
                           "Rebuild in HaloPSA as": pick("rebuild_as"),
                           "Sends template": pick("notification_template")})
    else:
        df = pd.DataFrame({"Workflow rule": names, "Rebuild in HaloPSA as": _counterpart(wf)})
    df = df.sort_values(["Rebuild in HaloPSA as", "Workflow rule"])
    per_kind = df["Rebuild in HaloPSA as"].value_counts()
    counterpart = dict(zip(halo.WORKFLOW_REBUILD["rebuild_as"], halo.WORKFLOW_REBUILD["halo_counterpart"]))
    kinds = "".join(f"<li><b>{e(str(k))}</b> ({_n(v)}): {e(counterpart.get(k, ''))}</li>"
                    for k, v in per_kind.items())
    widths = [30, 12, 16, 20, 22] if len(df.columns) == 5 else [50, 50]
    return (f'<h3>Workflow rules: {_n(len(wf))} to rebuild</h3>'
            '<p>Active rules that still fire. HaloPSA\'s automation works differently, so each is rebuilt as its '
            'counterpart, not copied:</p>'
            f'<ul class="assumptions">{kinds}</ul>' + _table(df, widths, max_rows, "workflow rules"))


def _label(export, entity: str, field: str, code) -> str:
    try:
        return export.label(entity, field, code)
    except Exception:  # a missing picklist must not stop the report: show the code itself
        return str(code)


def _counterpart(rows: pd.DataFrame) -> pd.Series:
    """HaloPSA counterpart per workflow-rule finding: its own column when the audit gives one, else the reason."""
    for col in ("halo_counterpart", "rebuild_as", "halo_target"):
        if col in rows:
            return rows[col].astype("string")
    return rows["reason"].astype("string")


# ---------------------------------------------------------------- not to migrate


NOT_MIGRATE = [
    # (placement: the rules declaring it feed this part, heading, what to say)
    ("retire:automations", "Stale or inactive workflow rules",
     "Rules that are switched off or have not fired recently. Confirm with the team and leave them behind."),
    ("retire:templates", "Unused notification templates",
     "Templates with no send in the notification history for the period. Do not re-author them."),
    ("retire:services", "Retired services",
     "Services on no active contract and not billed recently. Start HaloPSA without them."),
    ("retire:contracts", "Active contracts with no recent activity",
     "Candidates to end rather than migrate: no time, units or charges for the period."),
]


def not_to_migrate(result, max_rows: int = 15) -> Block:
    """Clean-up list: stale automations, unused templates, retired services, inactive and idle contracts."""
    from readiness.rules.base import feeding

    f = _live(result.findings)
    parts = []
    for placement, heading, say in NOT_MIGRATE:
        rows = f[f["rule_id"].isin(feeding(placement)) & f["status"].isin(OPEN_STATUSES)]
        if rows.empty:
            continue
        df = pd.DataFrame({"Name / ID": rows["entity_id"].astype("string"),
                           "Detail": rows["reason"].astype("string")})
        parts.append(f'<h3>{e(heading)}: {_n(len(rows))}</h3><p>{e(say)}</p>'
                     + _table(df, [30, 70], max_rows, "items"))
    cm = result.contract_map
    if cm is not None and len(cm):
        gone = cm[cm["verdict"].astype("string").eq("retire").fillna(False)]
        if len(gone):
            df = pd.DataFrame({"Contract": gone["contract_name"].astype("string"),
                               "Company": gone["company_name"].astype("string"),
                               "Type": gone["contract_type"].astype("string")})
            parts.append(f'<h3>Inactive contracts: {_n(len(gone))}</h3><p>Keep them in the Autotask archive; '
                         'HaloPSA starts with the live book only.</p>'
                         + _table(df, [40, 36, 24], max_rows, "contracts", "contract_map.csv"))
    fig = _automation_chart(result)
    if fig:
        parts.insert(0, fig)
    if not parts:
        return Block("")
    return _section("not-to-migrate", "What not to migrate", "".join(parts),
                    lead="A migration is the best chance to clean house. These items are candidates to leave behind; "
                         "each takes time to rebuild and adds nothing in HaloPSA.")


def _automation_chart(result) -> str:
    try:
        rules = result.facts.workflow_rules()
    except CannotJudge:
        return ""
    if rules.empty or rules["days_since_triggered"].isna().all():
        return ""
    stale = _window(result, "retire:automations")
    fig = charts.automation_age(rules["days_since_triggered"].astype(float), rules["active"].astype("boolean"),
                                stale_days=stale)
    return charts.figure_html(fig, "Bar chart: workflow rules by time since they last fired",
                              f"All {_n(len(rules))} captured workflow rules by when they last fired, as of "
                              f"{_date(result.as_of)}. Bars right of the dashed line are retire candidates.")


# ---------------------------------------------------------------- effort


def _effort_phases(effort) -> pd.DataFrame:
    """Phases as a frame (phase, low, high, drivers) from the summary's effort block (effort.estimate_effort)."""
    rows = [{"phase": p["phase"], "low": p["weeks_low"], "high": p["weeks_high"], "drivers": p.get("drivers") or []}
            for p in (effort or {}).get("phases", [])]
    df = pd.DataFrame(rows, columns=["phase", "low", "high", "drivers"])
    df["low"] = pd.to_numeric(df["low"], errors="coerce").fillna(0.0)
    df["high"] = pd.to_numeric(df["high"], errors="coerce").fillna(df["low"])
    return df


def _effort_total(effort) -> tuple[float, float]:
    """(low, high) weeks overall, as effort.estimate_effort totals them (0, 0 without an estimate)."""
    return (float(effort["weeks_low"]), float(effort["weeks_high"])) if effort else (0.0, 0.0)


def effort_timeline(result) -> Block:
    """Phase chart (low–high weeks per phase), the total range and the estimate's assumptions."""
    if result.summary.get("readiness") == "Unknown":
        return Block("")
    effort = result.summary.get("effort") or {}
    ph = _effort_phases(effort)
    if ph.empty:
        return Block("")
    low, high = _effort_total(effort)
    parts = [charts.figure_html(charts.effort_phases(ph), "Bar chart: weeks per migration phase, low to high",
                                "Each phase's low estimate (solid) and the range up to its high estimate (hatched).")]
    table = pd.DataFrame({"Phase": ph["phase"], "Low (weeks)": ph["low"].map(charts._num),
                          "High (weeks)": ph["high"].map(charts._num),
                          "What drives it": ph["drivers"].map(lambda d: "; ".join(map(str, d)) or "fixed floor")})
    parts.append(_table(table, [22, 10, 10, 58], num=("Low (weeks)", "High (weeks)")))
    assumptions = effort.get("assumptions") if isinstance(effort, dict) else None
    if assumptions:
        items = assumptions.values() if isinstance(assumptions, dict) else assumptions
        parts.append('<h3>Assumptions</h3><ul class="assumptions">'
                     + "".join(f"<li>{e(str(a))}</li>" for a in items) + "</ul>")
    return _section("effort", "Effort and timeline", "".join(parts),
                    lead=f"Estimated <b>{charts._num(low)}–{charts._num(high)} weeks</b> from audit to cutover, "
                         "including a parallel billing cycle. The range widens with edge-case contracts, "
                         "automations to rebuild and integrations to test.")


# ---------------------------------------------------------------- checklist


CHECK_STATE = {"ok": ("ok", "Clear in the data", "✓"), "attention": ("attention", "Needs attention", "!"),
               "person": ("person", "A person confirms", "")}


def golive_checklist(result) -> Block:
    """The go-live checklist with what the data already says and which items only a person can tick."""
    cl = getattr(result, "checklist", None)
    if cl is None or cl.empty:
        return Block("")
    status = cl["status"].astype("string").fillna("person") if "status" in cl else pd.Series("person", index=cl.index)
    rows = "".join(
        f'<tr><td class="box"><span class="tick tick-{CHECK_STATE.get(st, CHECK_STATE["person"])[0]}">'
        f'{CHECK_STATE.get(st, CHECK_STATE["person"])[2]}</span></td>'
        f'<td>{e(str(item))}</td><td>{e("" if pd.isna(ev) else str(ev))}</td>'
        f'<td class="state state-{CHECK_STATE.get(st, CHECK_STATE["person"])[0]}">'
        f'{CHECK_STATE.get(st, CHECK_STATE["person"])[1]}</td></tr>'
        for item, ev, st in zip(cl["item"], cl.get("evidence", pd.Series("", index=cl.index)), status))
    table = ('<table class="data checklist"><colgroup><col style="width:5%"><col style="width:33%">'
             '<col style="width:44%"><col style="width:18%"></colgroup><thead><tr><th></th><th>Item</th>'
             f'<th>What the data says</th><th>State</th></tr></thead><tbody>{rows}</tbody></table>')
    n_att = int(status.eq("attention").sum())
    n_person = int(status.eq("person").sum())
    n_ok = int(status.eq("ok").sum())
    return _section("checklist", "Go-live checklist", table,
                    lead=f"Every item should be green before Autotask is switched off. The data already answers "
                         f"{_n(n_ok + n_att)} of {_n(len(cl))} items ({_n(n_att)} need attention); "
                         f"{_n(n_person)} can only be ticked by a person.")


# ---------------------------------------------------------------- muted, completeness


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


def data_completeness(result, max_rows: int = 15) -> Block:
    """Annex: the load ledger (rows read, loaded, rejected per table), rejected rows and checks that could not run."""
    ex = result.export
    parts = []
    ledger = getattr(ex, "ledger", None)
    if ledger is not None and len(ledger):
        lg = ledger.copy()
        read_as = lg["read_as"] if "read_as" in lg else pd.Series("", index=lg.index)
        df = pd.DataFrame({"Table": lg["entity"].astype("string"), "File": lg["file"].astype("string"),
                           "Read as": read_as.astype("string").fillna(""),
                           "Rows read": lg["read"].map(_n), "Loaded": lg["loaded"].map(_n),
                           "Rejected": lg["rejected"].map(_n)})
        parts.append(_table(df, [22, 26, 22, 10, 10, 10], num=("Rows read", "Loaded", "Rejected")))
    problems = list(getattr(ex, "problems", []) or [])
    if problems:
        parts.append('<h3>What to check in the export</h3><p>Files not read, tables that may be incomplete, and '
                     'what the loader had to assume (such as the day/month order of dates).</p><ul class="problems">'
                     + "".join(f"<li>{e(str(p))}</li>" for p in problems) + "</ul>")
    rejects = getattr(ex, "rejects", None)
    if rejects is not None and len(rejects):
        df = pd.DataFrame({"Table": rejects["entity"].astype("string"), "Row": rejects["row"].astype("string"),
                           "Column": rejects["column"].astype("string"),
                           "Value": rejects["value"].astype("string").str.slice(0, 60),
                           "Reason": rejects["reason"].astype("string")})
        parts.append(f'<h3>Rejected rows: {_n(len(rejects))}</h3><p>Fix these in Autotask or in the export and '
                     're-run the audit; until then they are not judged.</p>'
                     + _table(df, [18, 8, 16, 20, 38], max_rows, "rejected rows", ""))
    detail = result.summary.get("coverage_detail") or {}
    not_judged = detail.get("not_judged") or []
    if not_judged:
        df = pd.DataFrame({"Check": [_title(x.get("rule_id", ""), result.findings) for x in not_judged],
                           "Why it could not run": [x.get("note") or "input table missing" for x in not_judged]})
        parts.append(f'<h3>Checks that could not run: {_n(len(not_judged))}</h3>'
                     '<p>These lower the coverage figure; supplying the missing tables lets them run.</p>'
                     + _table(df, [50, 50], max_rows, "checks", "summary.json (coverage_detail)"))
    if not parts:
        return Block("")
    read, rejected = _rejected_rows(result)
    cov = result.summary.get("coverage")
    cov_txt = f" Coverage: {float(cov):.0f} % of the checks could judge this export." if cov is not None else ""
    return _section("data", "Annex: data completeness", "".join(parts), major=True,
                    lead=f"{_n(read)} rows were read from the export, {_n(read - rejected)} loaded and "
                         f"{_n(rejected)} rejected.{cov_txt} Rejected rows are listed with file, row and reason.")
