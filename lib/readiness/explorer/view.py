"""The explorer's HTML and its units chart. Markup lives in templates/explorer/ (Jinja2, autoescape on): values
from the export reach the templates as plain text and are escaped there, never by hand in Python."""

from __future__ import annotations

import base64
import io
import re

import jinja2
import numpy as np
import pandas as pd

from readiness.config import TEMPLATES_DIR
from readiness.decisions import DECISIONS
from readiness.explorer.detail import OPEN_ENDED_YEAR, ContractDetail, number_text
from readiness.explorer.query import as_text

TABLE_ROWS = 200  # rows rendered in a table; the count always states the full number
CHART_SERVICES = 8  # lines in the units chart; more are unreadable at its size

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "explorer")), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["thousands"] = lambda n: f"{n:,}"
# A CSS class suffix from a value: letters and digits only, so it can never leave the class attribute.
_ENV.filters["badge"] = lambda value: re.sub(r"[^a-z0-9]+", "-", str(value).lower())


def _macro(name: str, *args) -> str:
    """Call one macro of macros.html.j2 from Python (the result is escaped HTML)."""
    return str(getattr(_ENV.get_template("macros.html.j2").module, name)(*args))


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
            text = s.astype("Float64").map(number_text, na_action="ignore").astype("string")
        else:
            text = s.astype("string")
        out[col] = text.fillna("")
    return out


def esc(s: pd.Series) -> pd.Series:
    """HTML-escape a text column (vectorised; & first so entities are not doubled). The explorer's own HTML
    is escaped by its templates; this is for callers composing their own."""
    return (as_text(s).str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False).str.replace('"', "&quot;", regex=False)
            .str.replace("'", "&#x27;", regex=False))


def _table(df: pd.DataFrame, badges: tuple = (), max_rows: int | None = TABLE_ROWS, empty: str = "none",
           nowrap: tuple = (), keys: pd.Series | None = None, hints: dict | None = None) -> dict:
    """What macros.html.j2's table() renders: column names and flags, rows of display text, rows left out.

    keys: one text per row of `df`; given, each row is clickable and a click reports its key (the contract id)
    to the explorer. hints: {column: Series of hover texts per row} (an edge case's rule ids)."""
    if df.empty:
        return {"rows": [], "empty": empty}
    shown = display_frame(df.head(max_rows) if max_rows else df)
    nowrap = set(nowrap) | {c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])}
    columns = [{"name": str(c), "badge": c in badges, "nowrap": c in nowrap} for c in shown.columns]
    rows = list(zip(*(shown[c].tolist() for c in shown.columns)))
    n = len(shown)
    row_keys = [str(k) for k in keys.head(n)] if keys is not None else None
    titles = None
    if hints:
        titles = [[("" if pd.isna(v) else str(v)) for v in hints[c].head(n)] if c in hints else None
                  for c in shown.columns]
    more = len(df) if max_rows and len(df) > max_rows else 0
    return {"columns": columns, "rows": rows, "more": more, "shown": max_rows, "empty": empty,
            "row_keys": row_keys, "cell_titles": titles}


def html_table(df: pd.DataFrame, badges: tuple = (), max_rows: int | None = TABLE_ROWS, empty: str = "none",
               nowrap: tuple = ()) -> str:
    """An escaped HTML table of `df` (display-formatted). Columns in `badges` render as coloured badges, columns
    in `nowrap` do not wrap. At most `max_rows` rows are rendered."""
    return _macro("table", _table(df, badges, max_rows, empty, nowrap))


def edge_case_titles(ids: pd.Series, rules: dict | None = None) -> pd.Series:
    """'|'-separated edge-case rule ids as their rule titles joined by '; ' (an id with no rule stays the id)."""
    if rules is None:
        from readiness.rules import RULES as rules
    titles = {rid: getattr(r, "title", rid) for rid, r in rules.items()}

    def one(text: str) -> str:
        return "; ".join(titles.get(i, i) for i in text.split("|") if i)
    return as_text(ids).map(one).astype("string")


def contracts_table_html(contracts: pd.DataFrame, decisions: pd.DataFrame | None = None,
                         max_rows: int = TABLE_ROWS, rules: dict | None = None) -> str:
    """The contract list as an escaped HTML table, with the logged decision when there is one. Edge cases read
    as their rule titles (the ids on hover); a click on a row opens that contract."""
    cols = {"contract_id": "Id", "contract_name": "Contract", "company_name": "Company", "contract_type": "Type",
            "status": "Status", "verdict": "Verdict", "halo_target": "HaloPSA target", "edge_cases": "Edge cases"}
    view = contracts[list(cols)].rename(columns=cols)
    ids = as_text(view["Edge cases"]).str.replace("|", ", ", regex=False)
    view["Edge cases"] = edge_case_titles(contracts["edge_cases"], rules).to_numpy()
    if decisions is not None and not decisions.empty:
        d = decisions.set_index("contract_id")
        label = d["decision"].map(DECISIONS).astype("string").fillna(d["decision"])
        label = label.where(d["decision"].ne("rebuild"), "Rebuild as " + d["rebuild_as"].fillna("?"))
        view["Decision"] = contracts["contract_id"].map(label).astype("string").fillna("").to_numpy()
    keys = pd.to_numeric(contracts["contract_id"], errors="coerce").astype("Int64").astype("string").fillna("")
    return _macro("table", _table(view, badges=("Verdict",), max_rows=max_rows,
                                  empty="No contract matches these filters.", keys=keys.reset_index(drop=True),
                                  hints={"Edge cases": ids.reset_index(drop=True)}))


def _muted_column(findings: pd.DataFrame) -> np.ndarray | None:
    """Each finding's mute reason ("" when not muted), row for row; None when no finding is muted."""
    if "muted" not in findings:
        return None
    muted = findings["muted"].astype(bool).to_numpy()
    if not muted.any():
        return None
    return np.where(muted, as_text(findings["mute_reason"]).to_numpy(dtype=object), "")


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


def detail_html(d: ContractDetail, rules: dict | None = None, units_periods: int = 12) -> str:
    """The contract detail as escaped HTML: target first, then header, findings, services, prepaid, rates,
    exclusions, billing rules and milestones. Sections with nothing to show are listed on one line at the end."""
    if rules is None:
        from readiness.rules import RULES as rules
    sections, empty = [], []  # empty: (title, entity) of sections with nothing to show

    def dl(items: dict):
        return "dl", [(str(k), str(v)) for k, v in items.items()]

    def add(title, frame, entity, badges=()):
        if frame is None or frame.empty:
            empty.append((title, entity))
        else:
            sections.append({"title": title, "blocks": [("table", _table(frame, badges, max_rows=None))]})

    sections.append({"title": "Contract", "blocks": [dl(d.header)]})
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
        sections.append({"title": f"Findings ({len(f)} to act on, {d.passed} passed)",
                         "blocks": [("table", _table(view, badges=("Status", "Severity"), max_rows=None))]})
    else:
        sections.append({"title": "Findings", "blocks": [("empty", f"nothing to act on ({d.passed} checks passed)")]})

    add("Services", d.services, "ContractServices")
    if not d.units.empty:
        hist = d.units.pivot_table(index="period_start", columns="service", values="units", aggfunc="sum")
        hist = hist.tail(units_periods).reset_index().rename(columns={"period_start": "Period from"})
        note = f" (last {units_periods} periods)" if d.units["period_start"].nunique() > units_periods else ""
        sections.append({"title": "Units per period" + note, "blocks": [("table", _table(hist, max_rows=None))]})
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
        head = dl({"Set": f"{s.get('name') or '(name not exported)'} ({s['id']})",
                   **({"Description": s["description"]} if s.get("description") else {}),
                   **({"State": active} if active else {})})
        sections.append({"title": "Exclusion set", "blocks": [
            head, ("table", _table(d.exclusion_set_roles, max_rows=None, empty="no excluded roles")),
            ("table", _table(d.exclusion_set_work_types, max_rows=None, empty="no excluded work types"))]})
    else:
        empty.append(("Exclusion set", "Contracts"))
    if not d.exclusion_chain.empty:
        chain = d.exclusion_chain.rename(columns={"contract_id": "Contract id", "contract_name": "Contract",
                                                  "status": "Status", "note": "Note"})
        sections.append({"title": "Exclusion contract chain (excluded labour rolls to)",
                         "blocks": [("table", _table(chain, max_rows=None))]})
    else:
        empty.append(("Exclusion contract", "Contracts"))
    add("Billing rules", d.billing_rules, "ContractBillingRules")
    add("Milestones", d.milestones, "ContractMilestones")

    t = d.target
    target = {"verdict": str(t.get("verdict") or ""), "halo_target": str(t.get("halo_target") or ""),
              "edge_cases": [(getattr(rules.get(i), "title", i), i) for i in t.get("edge_cases", [])]} if t else None
    return _ENV.get_template("detail.html.j2").render(
        name=d.name, target=target, sections=sections,
        nothing=[title for title, entity in empty if entity not in d.missing],
        not_exported=sorted({entity for _, entity in empty if entity in d.missing}))


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
    for name in wide.columns[:CHART_SERVICES]:
        series = wide[name].astype(float)
        # `$` escaped: a service name would otherwise switch matplotlib into mathtext (and can fail the render)
        ax.step(wide.index, series.to_numpy(), where="post", label=str(name)[:48].replace("$", r"\$"),
                linewidth=1.6)
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


def units_chart_html(units: pd.DataFrame, contract_name: str) -> str:
    """The units chart as an <img> with alt text and a caption naming the contract ("" when there is no history)."""
    png = units_chart_png(units)
    if png is None:
        return ""
    services = units["service"].nunique()
    caption = f"Units per billing period on {contract_name}, one line per service"
    if services > CHART_SERVICES:
        caption += f" (the first {CHART_SERVICES} of {services} services)"
    return _macro("chart", base64.b64encode(png).decode("ascii"), f"Units per period: {contract_name}", caption)


def header_html(client: str, as_of, contracts: int, readiness: str, notice: str = "", saved_in: str = "") -> str:
    """The explorer's heading with its stylesheet: client, export date, contract count, readiness, the folder
    decisions and mutes are saved in, notice."""
    return _ENV.get_template("header.html.j2").render(client=client, as_of=as_of, contracts=contracts,
                                                      readiness=readiness, notice=notice, saved_in=saved_in)


def message_html(text: str, ok: bool = True) -> str:
    """A one-line status message (green when ok, red otherwise)."""
    return _macro("message", text, ok)


def empty_html(text: str) -> str:
    """The muted italic line shown where there is nothing to show."""
    return _macro("empty", text)


def panel_title_html(title: str, sub: str = "") -> str:
    """A panel's bold title with an optional grey explanation."""
    return _macro("panel_title", title, sub)


def contracts_count_html(n: int, total: int, edge: int) -> str:
    """'N of TOTAL contracts match · E with edge cases' (the edge count only when something matches)."""
    return _macro("contracts_count", n, total, edge)


def findings_count_html(n: int, total: int, muted: int) -> str:
    """'N of TOTAL findings match · M muted'."""
    return _macro("findings_count", n, total, muted)


def style_html() -> str:
    """The explorer's <style> block (templates/explorer/explorer.css)."""
    return _ENV.get_template("style.html.j2").render()


CSS = style_html()
