"""What must be rebuilt by hand: workflow rules, notification templates, integrations, security levels."""

from __future__ import annotations

import pandas as pd

from readiness.columns import fold_space
from readiness.facts import CannotJudge
from readiness.report.sections.common import Block, _live, _n, _section, _table, _window, e
from readiness.rules.base import feeding


def rebuild_by_hand(result, max_rows: int = 15) -> Block:
    """What no tool migrates: workflow rules (with their HaloPSA counterpart), notification templates (client-facing
    first), integrations and security levels."""
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
        labels = sl["entity_id"].map(lambda c: result.facts.label("Resources", "userType", c))
        df = pd.DataFrame({"Security level": labels.astype("string"), "Detail": sl["reason"].astype("string")})
        parts.append(f'<h3>Roles and permissions: {_n(len(sl))} security levels to define as HaloPSA roles</h3>'
                     + _table(df, [30, 70], max_rows, "security levels"))
    if not parts:
        return Block("")
    return _section("rebuild", "What must be rebuilt by hand", "".join(parts), major=False,
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


def _counterpart(rows: pd.DataFrame) -> pd.Series:
    """HaloPSA counterpart per workflow-rule finding: its own column when the audit gives one, else the reason."""
    for col in ("halo_counterpart", "rebuild_as", "halo_target"):
        if col in rows:
            return rows[col].astype("string")
    return rows["reason"].astype("string")
