"""Contract explorer: filter the contract map, drill into one contract, log decisions, mute findings.

query selects contracts and findings, detail assembles one contract, view renders HTML (Jinja2 templates in
templates/explorer/, autoescaped) and the chart, mutes edits the suppressions file, widgets is the ipywidgets
UI for JupyterLab and Voilà. The names below are the explorer's public API.
"""

from readiness.decisions import DECISIONS, empty_decisions, load_decisions, save_decision
from readiness.explorer.detail import OPEN_ENDED_YEAR, ContractDetail, as_facts, contract_detail, exclusion_chain
from readiness.explorer.mutes import SUPPRESSIONS_FILE, apply_mute_file, mute_entry, mute_finding, suppressions_path
from readiness.explorer.query import (
    ALL, ANY_EDGE, NO_EDGE, OPEN, SEVERITY_ORDER, SORTS, STATUS_ORDER, VERDICT_ORDER, edge_case_options,
    filter_contracts, filter_findings, order_findings, sort_contracts, with_sort_keys,
)
from readiness.explorer.view import (
    CSS, TABLE_ROWS, contracts_table_html, detail_html, display_frame, esc, findings_table_html, html_table,
    units_chart_png,
)
from readiness.explorer.widgets import LABEL_STYLE, PICK_LIMIT, ContractsPanel, ExplorerUI, FindingsPanel

__all__ = [
    "ALL", "ANY_EDGE", "CSS", "DECISIONS", "LABEL_STYLE", "NO_EDGE", "OPEN", "OPEN_ENDED_YEAR", "PICK_LIMIT",
    "SEVERITY_ORDER", "SORTS", "STATUS_ORDER", "SUPPRESSIONS_FILE", "TABLE_ROWS", "VERDICT_ORDER",
    "ContractDetail", "ContractsPanel", "ExplorerUI", "FindingsPanel",
    "apply_mute_file", "as_facts", "contract_detail", "contracts_table_html", "detail_html", "display_frame",
    "edge_case_options", "empty_decisions", "esc", "exclusion_chain", "filter_contracts", "filter_findings",
    "findings_table_html", "html_table", "load_decisions", "mute_entry", "mute_finding", "order_findings",
    "save_decision", "sort_contracts", "suppressions_path", "units_chart_png", "with_sort_keys",
]
