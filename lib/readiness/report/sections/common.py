"""What every section shares: the Block it returns, headings, escaped tables, number and date text,
and the rule and look-back look-ups.

Every value from the export (names, reasons, picklist labels, file names, mute reasons) is escaped with `e`
(html.escape); `_table` escapes every cell and header. No export text is ever rendered as markdown.
"""

from __future__ import annotations

import html

import pandas as pd

from readiness.rules.base import feeding
from readiness.vocabulary import AREAS

e = html.escape

AREA_TEXT = {
    # area (vocabulary.AREAS): (heading, why it matters in HaloPSA, in the practitioner guide's words)
    "contracts": ("Contracts",
                  "Where migrations succeed or fail: a billing error that goes unnoticed for three months cannot be "
                  "fixed after go-live. Some Autotask contract types have no direct HaloPSA equivalent."),
    "billing": ("Billing rules and rates",
                "Autotask's billing engine (block-hour factors, exclusions, rate overrides) does not import: each "
                "rule is rebuilt in HaloPSA's billing rules, charge rates and pre-pay, then proven in parallel."),
    "services": ("Services and bundles",
                 "Services become HaloPSA items on recurring invoices: leave retired ones behind, fix inactive ones "
                 "still billed."),
    "automations": ("Workflow automations",
                    "No tool migrates Autotask workflow rules: each is rebuilt by hand in HaloPSA; rules that no "
                    "longer fire should not be rebuilt at all."),
    "notifications": ("Notification templates",
                      "Every email template is re-authored in HaloPSA, client-facing ones first; templates not sent "
                      "recently are candidates to drop."),
    "integrations": ("Integrations",
                     "Every integration is reconfigured and tested in HaloPSA; native HaloPSA integrations are "
                     "quicker, the others need a plan."),
    "permissions": ("Roles and permissions",
                    "HaloPSA permissions are built from roles: each security level in use needs a HaloPSA role."),
    "data_quality": ("Data quality for import matching",
                     "HaloPSA's importer matches clients on a field you choose (often the name) and users on email "
                     "or username: duplicates, missing emails and orphan rows break that matching."),
    "tickets": ("Open tickets",
                "Open tickets move at cutover and must land on a team and an active agent."),
}
CLASS_CSS = {"Ready": "ready", "Ready with conditions": "conditions", "Not ready": "notready", "Unknown": "unknown"}
if set(AREA_TEXT) != set(AREAS):  # every area the rules can use has its heading, in the report's order
    raise ImportError(f"report headings and vocabulary.AREAS differ: {sorted(set(AREA_TEXT) ^ set(AREAS))}")
ENTITY_PLURAL = {
    "Company": "companies", "Contract": "contracts", "ContractService": "contract services", "Service": "services",
    "ServiceBundle": "service bundles", "BillingCode": "billing codes", "Contact": "contacts",
    "ConfigurationItem": "configuration items", "Ticket": "tickets", "Resource": "resources",
    "WorkflowRule": "workflow rules", "NotificationTemplate": "notification templates",
    "Integration": "integrations", "SecurityLevel": "security levels", "TimeEntry": "time entries",
}
FINDINGS_FILE = "workbook.xlsx (Findings sheet)"
CONTRACTS_SHEET = "workbook.xlsx (Contracts sheet)"


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


def _n(x) -> str:
    """Integer with thousands separators; '—' for missing."""
    try:
        return f"{int(x):,}"
    except (TypeError, ValueError):
        return "—"


CURRENCY_SIGN = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


def money(amount: float, currency: str) -> str:
    """'£39,250' for GBP, '39,250 CHF' for a code without a sign here."""
    sign = CURRENCY_SIGN.get(currency or "")
    text = f"{round(float(amount)):,}"
    return f"{sign}{text}" if sign else f"{text} {currency}".strip()


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
    return max(int(result.facts.param(rid, "stale_days")) for rid in feeding(placement)
               if "stale_days" in result.facts.params.get(rid, {}))


def _rejected_rows(result) -> tuple[int, int]:
    """(rows read, rows rejected) over the whole export: the audit's load totals (summary.json `load_totals`)."""
    totals = result.summary.get("load_totals") or {}
    return int(totals.get("read", 0)), int(totals.get("rejected", 0))
