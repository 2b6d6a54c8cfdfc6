"""The explorer's ipywidgets UI for JupyterLab and Voilà (nothing Lab-only): a Contracts tab and a Findings tab.

Widgets and callbacks only; query, detail, view and mutes do the work.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from readiness.decisions import DECISIONS, empty_decisions, load_decisions, save_decision
from readiness.explorer.detail import ContractDetail, as_facts, contract_detail
from readiness.explorer.mutes import apply_mute_file, mute_finding, suppressions_path
from readiness.explorer.query import (
    ALL, ANY_EDGE, NO_EDGE, OPEN, SEVERITY_ORDER, SORTS, STATUS_ORDER, VERDICT_ORDER, as_text, contract_options,
    edge_case_options, filter_contracts, filter_findings, finding_options, sort_contracts, with_sort_keys,
)
from readiness.explorer.view import (
    contracts_count_html, contracts_table_html, detail_html, empty_html, findings_count_html, findings_table_html,
    header_html, message_html, panel_title_html, units_chart_html,
)
from readiness.safe import inside, slugify
from readiness.suppress import SuppressionError

PICK_LIMIT = 500  # contracts / findings offered in a selector; filter to narrow further
LABEL_STYLE = {"description_width": "70px"}


def _grid(W, children) -> object:
    """Filters in even columns (three on a laptop screen, fewer on narrow ones)."""
    return W.GridBox(children, layout=W.Layout(grid_template_columns="repeat(auto-fill, minmax(340px, 1fr))",
                                               grid_gap="4px 12px", width="100%"))


def _scroll(W, child, height: str):
    return W.Box([child], layout=W.Layout(max_height=height, overflow="auto", width="100%",
                                          border="1px solid #d5dbe1"))


class ExplorerUI:
    """The explorer over one audit result: a Contracts tab and a Findings tab, both HTML-escaped throughout.

    out_dir: output root; decisions.csv and suppressions.yaml go to out_dir/<client-slug>/ (None: read-only).
    Data shared by the tabs lives here: `findings` (mutes applied), `contract_map` (with sort keys) and
    `decisions` (current decision per contract). The tabs are `contracts_panel` and `findings_panel`;
    `widget` is the top-level widget to display.
    """

    def __init__(self, result, out_dir=None, rules: dict | None = None, notice: str = ""):
        import ipywidgets as W

        if rules is None:
            from readiness.rules import RULES as rules
        self.rules, self.result = rules, result
        self.as_of = result.as_of
        self.facts = result.facts if getattr(result, "facts", None) is not None else as_facts(result.export)
        self.findings = result.findings.copy()
        self.contract_map = with_sort_keys(result.contract_map)
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.client_dir = inside(self.out_dir, slugify(result.slug)) if self.out_dir else None
        self.suppressions_file = suppressions_path(self.out_dir, result.slug) if self.out_dir else None
        self.decisions = load_decisions(self.client_dir) if self.client_dir else empty_decisions()

        self.contracts_panel = ContractsPanel(self, W)
        self.findings_panel = FindingsPanel(self, W)
        head = W.HTML(header_html(result.client, result.as_of.date().isoformat(), len(result.contract_map),
                                  str(result.summary.get("readiness", "n/a")), notice,
                                  saved_in=str(self.client_dir) if self.client_dir else ""))
        self.tabs = W.Tab(children=[self.contracts_panel.widget, self.findings_panel.widget])
        self.tabs.titles = ("Contracts", "Findings")
        self.widget = W.VBox([head, self.tabs], layout=W.Layout(width="100%"))
        self.widget.add_class("rx-app")

    @classmethod
    def from_export(cls, export_dir, as_of=None, out_dir=None, client: str | None = None) -> "ExplorerUI":
        """Audit `export_dir` (as_of YYYY-MM-DD, default the export's newest date) and build the explorer.

        Empty values mean defaults: export_dir the bundled sample (data/sample/acme-it), out_dir the project's
        outputs/ folder. When the client's suppressions.yaml exists there, the audit applies it; an unusable
        file is reported in the UI instead of stopping it.
        """
        from readiness.audit import _client_name, run_audit
        from readiness.config import DEFAULT_SAMPLE, OUTPUTS_DIR
        from readiness.loader import load_export

        out_dir = Path(out_dir) if out_dir else OUTPUTS_DIR
        export = load_export(export_dir or DEFAULT_SAMPLE)
        # the client's folder (and so its suppressions file) follows from the export; no audit needed to find it
        supp, notice = suppressions_path(out_dir, slugify(_client_name(export, client or None))), ""
        try:
            result = run_audit(export, as_of=as_of or None, client=client or None,
                               suppress=supp if supp.is_file() else None)
        except SuppressionError as exc:  # raised before any rule runs
            notice = f"Suppressions not applied: {exc}"
            result = run_audit(export, as_of=as_of or None, client=client or None)
        return cls(result, out_dir=out_dir, notice=notice)

    def after_mute(self, path: Path) -> None:
        """After a mute: re-read the suppressions file, drop muted edge cases from the map, refresh both tabs."""
        from readiness.contract_map import edge_cases

        self.findings = apply_mute_file(self.findings, path, self.as_of)
        # A muted edge-case finding no longer makes its contract an edge case, as in the next audit run.
        edges = self.contract_map["contract_id"].map(edge_cases(self.findings, self.rules))
        self.contract_map = with_sort_keys(self.contract_map.assign(edge_cases=edges.astype("string").fillna("")))
        self.findings_panel.refresh()
        self.contracts_panel.refresh(force=True)


def _rule_title(rules: dict, rule_id: str) -> str:
    """A rule's title for a menu (its id when the catalogue does not know it)."""
    return getattr(rules.get(rule_id), "title", rule_id) if rules else rule_id


class ContractsPanel:
    """Contracts tab: filters, live count, sortable table, contract selector, detail with units chart, and the
    decision form. State: `matching` (filtered, sorted contract map), `selected` (contract id), `detail`."""

    def __init__(self, ui: ExplorerUI, W):
        self.ui, self.W = ui, W
        cm = ui.contract_map
        auto = W.Layout(width="auto")  # "100%" plus the widget margin overflows a grid cell
        types = sorted(as_text(cm["contract_type"]).replace("", pd.NA).dropna().unique())
        verdicts = [v for v in VERDICT_ORDER if v in set(as_text(cm["verdict"]))]
        companies = sorted(as_text(cm["company_name"]).replace("", pd.NA).dropna().unique(), key=str.casefold)
        self.type = W.Dropdown(options=[("All types", ALL)] + [(t, t) for t in types], description="Type",
                               style=LABEL_STYLE, layout=auto)
        self.verdict = W.Dropdown(options=[("All verdicts", ALL)] + [(v, v) for v in verdicts],
                                  description="Verdict", style=LABEL_STYLE, layout=auto)
        self.edge = W.Dropdown(options=[("All contracts", ALL), ("Any edge case", ANY_EDGE), ("No edge case", NO_EDGE)]
                               + [(_rule_title(ui.rules, r), r) for r in edge_case_options(cm, ui.rules)],
                               description="Edge case", style=LABEL_STYLE, layout=auto)
        self.company = W.Combobox(options=companies, placeholder="type to search companies", ensure_option=False,
                                  description="Company", style=LABEL_STYLE, layout=auto)
        self.status = W.Dropdown(options=[("Active and inactive", ALL), ("Active", "Active"), ("Inactive", "Inactive")],
                                 description="Status", style=LABEL_STYLE, layout=auto)
        self.text = W.Text(placeholder="contract name contains …", description="Name", style=LABEL_STYLE, layout=auto)
        self.sort = W.Dropdown(options=list(SORTS), description="Sort by", style={"description_width": "55px"},
                               layout=W.Layout(width="260px"))
        for w, css in ((self.type, "rx-f-type"), (self.verdict, "rx-f-verdict"), (self.edge, "rx-f-edge"),
                       (self.company, "rx-f-company"), (self.status, "rx-f-status"), (self.text, "rx-f-text"),
                       (self.sort, "rx-sort")):
            w.add_class(css)  # stable hooks for browser tests
            w.observe(lambda _: self.refresh(), names="value")
        self.count = W.HTML()
        self.count.add_class("rx-count")
        self.table = W.HTML()
        self.pick = W.Dropdown(options=[], description="Contract", style=LABEL_STYLE, layout=auto)
        self.pick.add_class("rx-pick")
        self.pick.observe(self._on_pick, names="value")
        # A click on a table row writes that contract's id here (see the table macro); never shown.
        self.clicked = W.Text(layout=W.Layout(display="none"))
        self.clicked.add_class("rx-clicked")
        self.clicked.observe(self._on_row_click, names="value")
        self.detail_html = W.HTML()
        self.chart = W.HTML(layout=W.Layout(min_height="40px"))

        self.choice = W.Dropdown(options=[("— choose —", "")] + [(v, k) for k, v in DECISIONS.items()],
                                 description="Decision", style=LABEL_STYLE, layout=auto)
        self.rebuild_as = W.Text(placeholder="HaloPSA structure, e.g. Pre-pay hours agreement",
                                 description="Rebuild as", style=LABEL_STYLE, layout=auto, disabled=True)
        self.note = W.Textarea(placeholder="what was agreed, with whom", description="Note", style=LABEL_STYLE,
                               layout=W.Layout(width="auto", height="64px"))
        self.save = W.Button(description="Save decision", button_style="primary", icon="check",
                             disabled=ui.client_dir is None)
        self.message = W.HTML(message_html("Read-only: no output folder.", ok=False) if ui.client_dir is None else "")
        self.choice.observe(lambda ch: setattr(self.rebuild_as, "disabled", ch["new"] != "rebuild"), names="value")
        self.save.on_click(lambda _: self.save_decision())
        for w, css in ((self.choice, "rx-d-choice"), (self.rebuild_as, "rx-d-rebuild"), (self.note, "rx-d-note"),
                       (self.save, "rx-d-save"), (self.message, "rx-d-message")):
            w.add_class(css)

        self.matching = ui.contract_map.iloc[:0]
        self.selected: int | None = None
        self.detail: ContractDetail | None = None
        self._hold = False
        decision = W.VBox([W.HTML(panel_title_html("Decision")), self.choice, self.rebuild_as, self.note,
                           W.HBox([self.save, self.message], layout=W.Layout(align_items="center", grid_gap="8px"))])
        decision.add_class("rx-panel")
        right = W.VBox([self.chart, decision], layout=W.Layout(flex="2 1 340px", min_width="320px"))
        left = W.VBox([self.detail_html], layout=W.Layout(flex="3 1 480px", min_width="360px", overflow="auto"))
        bar = W.HBox([self.count, self.sort], layout=W.Layout(justify_content="space-between", align_items="center"))
        self.widget = W.VBox([
            _grid(W, [self.type, self.verdict, self.edge, self.company, self.status, self.text]),
            bar, _scroll(W, self.table, "300px"), self.pick, self.clicked,
            W.HBox([left, right], layout=W.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="12px")),
        ], layout=W.Layout(width="100%"))
        self.refresh()

    def filters(self) -> dict:
        """The filters' current values as filter_contracts keyword arguments."""
        return {"contract_type": self.type.value, "verdict": self.verdict.value, "edge_case": self.edge.value,
                "company": self.company.value, "status": self.status.value, "text": self.text.value}

    def refresh(self, force: bool = False) -> None:
        """Re-filter and re-sort; update count, table and selector, keeping the selection while it still matches.
        force=True re-renders the open contract even when the selection did not change."""
        cm = self.ui.contract_map
        self.matching = sort_contracts(filter_contracts(cm, **self.filters()), self.sort.value)
        n = len(self.matching)
        edge = int(self.matching["n_edge_cases"].gt(0).sum())
        self.count.value = contracts_count_html(n, len(cm), edge)
        self.table.value = contracts_table_html(self.matching, self.ui.decisions, rules=self.ui.rules)
        options = contract_options(self.matching, PICK_LIMIT)
        ids = [cid for _, cid in options]
        keep = self.selected if self.selected in ids else (ids[0] if ids else None)
        self._hold = True  # one detail render per refresh, not one per options change
        try:
            self.pick.options = options
            self.pick.value = keep
        finally:
            self._hold = False
        if force or keep != self.selected or self.detail is None:
            self.show(keep)

    def _on_pick(self, change) -> None:
        if not self._hold:
            self.show(change["new"])

    def _on_row_click(self, change) -> None:
        """Open the contract whose table row was clicked (its id arrives as text; "" resets the box)."""
        text = str(change["new"] or "").strip()
        if not text.isdigit():
            return
        cid = int(text)
        if cid not in {c for _, c in self.pick.options}:
            return  # a row of a table that has since been re-filtered
        self.pick.value = cid  # shows it, and keeps the selector in step with the table

    def show(self, contract_id) -> None:
        """Show one contract's detail, units chart and logged decision (None clears the panel)."""
        ui = self.ui
        self.selected = None if contract_id is None else int(contract_id)
        if self.selected is None:
            self.detail = None
            self.detail_html.value = empty_html("No contract selected.")
            self.chart.value = ""
            self._fill_form()
            return
        self.detail = contract_detail(ui.facts, self.selected, ui.findings, ui.contract_map, ui.as_of)
        self.detail_html.value = detail_html(self.detail, ui.rules)
        self.chart.value = units_chart_html(self.detail.units, self.detail.name)
        self._fill_form()

    def _fill_form(self) -> None:
        """Prefill the decision form with the selected contract's logged decision (blank when none)."""
        d = self.ui.decisions
        row = d.iloc[:0] if self.selected is None else d[d["contract_id"].eq(self.selected).fillna(False).to_numpy()]
        if self.ui.client_dir is not None:
            self.message.value = ""
        if row.empty:
            self.choice.value, self.rebuild_as.value, self.note.value = "", "", ""
            return
        r = row.iloc[-1]
        self.choice.value = r["decision"] if r["decision"] in DECISIONS else ""
        self.rebuild_as.value = "" if pd.isna(r["rebuild_as"]) else str(r["rebuild_as"])
        self.note.value = "" if pd.isna(r["note"]) else str(r["note"])
        if pd.notna(r["decided_at"]) and self.ui.client_dir is not None:
            self.message.value = message_html(f"Logged {pd.Timestamp(r['decided_at']):%Y-%m-%d %H:%M}")

    def save_decision(self) -> bool:
        """Log the form's decision for the selected contract; True when saved (the message says why not)."""
        ui = self.ui
        if ui.client_dir is None:
            self.message.value = message_html("Read-only: no output folder to save to.", ok=False)
            return False
        if self.selected is None:
            self.message.value = message_html("Select a contract first.", ok=False)
            return False
        try:
            ui.decisions = save_decision(ui.client_dir, self.selected, self.detail.name if self.detail else "",
                                         self.choice.value, self.rebuild_as.value, self.note.value)
        except (ValueError, OSError) as exc:
            self.message.value = message_html(str(exc), ok=False)
            return False
        self.message.value = message_html(f"Saved to {ui.client_dir.name}/decisions.csv")
        self.table.value = contracts_table_html(self.matching, ui.decisions, rules=ui.rules)
        return True


class FindingsPanel:
    """Findings tab: filters by area, severity, status, muted and text; table; mute the selected finding with a
    reason into the client's suppressions YAML. State: `matching` (filtered findings)."""

    def __init__(self, ui: ExplorerUI, W):
        self.ui, self.W = ui, W
        f = ui.findings
        auto = W.Layout(width="auto")
        areas = sorted(as_text(f["area"]).replace("", pd.NA).dropna().unique())
        sevs = [s for s in SEVERITY_ORDER if s in set(as_text(f["severity"]).unique())]
        self.area = W.Dropdown(options=[("All areas", ALL)] + [(a, a) for a in areas], description="Area",
                               style=LABEL_STYLE, layout=auto)
        self.severity = W.Dropdown(options=[("All severities", ALL)] + [(s, s) for s in sevs],
                                   description="Severity", style=LABEL_STYLE, layout=auto)
        self.status = W.Dropdown(options=[("FAIL or REVIEW", OPEN), ("All", ALL)] + [(s, s) for s in STATUS_ORDER],
                                 description="Status", style=LABEL_STYLE, layout=auto)
        self.muted = W.Dropdown(options=[("Muted or not", ALL), ("Not muted", False), ("Muted", True)],
                                description="Muted", style=LABEL_STYLE, layout=auto)
        self.text = W.Text(placeholder="rule, entity, company or reason contains …", description="Search",
                           style=LABEL_STYLE, layout=auto)
        for w, css in ((self.area, "rx-g-area"), (self.severity, "rx-g-severity"), (self.status, "rx-g-status"),
                       (self.muted, "rx-g-muted"), (self.text, "rx-g-text")):
            w.add_class(css)
            w.observe(lambda _: self.refresh(), names="value")
        self.count = W.HTML()
        self.count.add_class("rx-g-count")
        self.table = W.HTML()
        self.pick = W.Dropdown(options=[], description="Finding", style=LABEL_STYLE, layout=auto)
        self.reason = W.Text(placeholder="why this is accepted (required)", description="Reason", style=LABEL_STYLE,
                             layout=auto)
        self.expires = W.Text(placeholder="YYYY-MM-DD (optional)", description="Expires", style=LABEL_STYLE,
                              layout=W.Layout(width="260px"))
        self.mute = W.Button(description="Mute finding", icon="bell-slash", button_style="warning",
                             disabled=ui.suppressions_file is None)
        self.message = W.HTML(message_html("Read-only: no output folder.", ok=False)
                              if ui.suppressions_file is None else "")
        self.mute.on_click(lambda _: self.mute_selected())
        for w, css in ((self.pick, "rx-m-pick"), (self.reason, "rx-m-reason"), (self.mute, "rx-m-mute"),
                       (self.message, "rx-m-message")):
            w.add_class(css)
        self.matching = f.iloc[:0]
        form = W.VBox([W.HTML(panel_title_html("Mute a finding", "written to the client's suppressions file; "
                                               "the next audit run leaves it out of readiness and score")),
                       self.pick, self.reason,
                       W.HBox([self.expires, self.mute, self.message], layout=W.Layout(align_items="center",
                                                                                       grid_gap="8px"))])
        form.add_class("rx-panel")
        self.widget = W.VBox([_grid(W, [self.area, self.severity, self.status, self.muted, self.text]),
                              self.count, _scroll(W, self.table, "420px"), form], layout=W.Layout(width="100%"))
        self.refresh()

    def filters(self) -> dict:
        """The filters' current values as filter_findings keyword arguments."""
        return {"area": self.area.value, "severity": self.severity.value, "status": self.status.value,
                "muted": self.muted.value, "text": self.text.value}

    def refresh(self) -> None:
        """Re-filter; update count, table and the selector of findings that can be muted (unmuted FAIL/REVIEW)."""
        f = self.ui.findings
        self.matching = v = filter_findings(f, **self.filters())
        self.count.value = findings_count_html(len(v), len(f), int(v["muted"].astype(bool).sum()))
        self.table.value = findings_table_html(v)
        options = finding_options(v, PICK_LIMIT)
        ids = [fid for _, fid in options]
        current = self.pick.value
        self.pick.options = options
        self.pick.value = current if current in ids else (ids[0] if ids else None)

    def mute_selected(self) -> bool:
        """Mute the selected finding with the typed reason; True when written (the message says why not)."""
        ui = self.ui
        if ui.suppressions_file is None:
            self.message.value = message_html("Read-only: no output folder to write suppressions to.", ok=False)
            return False
        fid = self.pick.value
        row = ui.findings[as_text(ui.findings["finding_id"]).eq(fid or "").to_numpy()]
        if row.empty:
            self.message.value = message_html("Choose a finding to mute.", ok=False)
            return False
        try:
            path = mute_finding(ui.suppressions_file, row.iloc[0], self.reason.value,
                                self.expires.value.strip() or None, client=ui.result.slug)
            ui.after_mute(path)
        except (ValueError, OSError) as exc:  # SuppressionError is a ValueError
            self.message.value = message_html(str(exc), ok=False)
            return False
        self.reason.value, self.expires.value = "", ""
        self.message.value = message_html(f"Muted {fid}; written to {path.parent.name}/{path.name}")
        return True
