"""Report sections as HTML, one function per section; the report notebook calls them as `present.<name>(result)`.

The sections live in report/sections/, one concern per module; this facade re-exports them (and the helpers tests
use) so the notebook and tests keep one import. A section with nothing to say returns an empty block, so the
client report has no empty headings.
"""

from __future__ import annotations

# The private names are re-exported too: tests and report/__init__.py import _table, _window and others from here.
from readiness.report.sections.annex import data_completeness
from readiness.report.sections.sources import REPORT_SOURCES, is_vendor, sources_appendix
from readiness.report.sections.checklist import CHECK_STATE, golive_checklist
from readiness.report.sections.common import (AREA_TEXT, CLASS_CSS, ENTITY_PLURAL, FINDINGS_FILE, Block, _badge,
                                              _cell, _date, _live, _n, _plural, _rejected_rows, _rule, _rule_text,
                                              _section, _sev, _table, _title, _window, e)
from readiness.report.sections.contracts import VERDICT_WORDS, _agreed_decisions, contract_map
from readiness.report.sections.effort import _effort_phases, _effort_total, effort_timeline
from readiness.report.sections.findings import (SEVERITY_ORDER, STATUS_ORDER, _area_block, _checks_table,
                                                findings_by_area, muted_findings)
from readiness.report.sections.loading import _outputs_match, _with_decisions, audit
from readiness.report.sections.rebuild import (_counterpart, _template_rebuild, _template_sends,
                                               _workflow_rebuild, rebuild_by_hand)
from readiness.report.sections.retire import NOT_MIGRATE, _automation_chart, not_to_migrate
from readiness.report.sections.summary import (CLASS_MEANING, _area_table, _top_list, _unknown_detail, area_counts,
                                               executive_summary)

__all__ = [
    # the sections, in report order
    "audit", "executive_summary", "findings_by_area", "contract_map", "rebuild_by_hand", "not_to_migrate",
    "effort_timeline", "golive_checklist", "muted_findings", "data_completeness", "sources_appendix",
    "Block", "area_counts", "e", "AREA_TEXT", "CLASS_CSS", "CLASS_MEANING", "CHECK_STATE", "ENTITY_PLURAL",
    "FINDINGS_FILE", "NOT_MIGRATE", "REPORT_SOURCES", "is_vendor", "SEVERITY_ORDER", "STATUS_ORDER", "VERDICT_WORDS",
]
