"""What not to migrate: stale automations, unused templates, retired services, idle and inactive
contracts, with the automation-age chart."""

from __future__ import annotations

import pandas as pd

from readiness.facts import CannotJudge
from readiness.report import charts
from readiness.report.sections.common import CONTRACTS_SHEET, Block, _date, _live, _n, _section, _table, _window, e
from readiness.rules.base import feeding
from readiness.vocabulary import OPEN_STATUSES

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
                         + _table(df, [40, 36, 24], max_rows, "contracts", CONTRACTS_SHEET))
    fig = _automation_chart(result)
    if fig:
        parts.insert(0, fig)
    if not parts:
        return Block("")
    return _section("not-to-migrate", "What not to migrate", "".join(parts), major=False,
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
