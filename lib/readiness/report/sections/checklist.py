"""The go-live checklist: what the data already answers and what only a person can tick."""

from __future__ import annotations

import pandas as pd

from readiness.report.sections.common import Block, _n, _section, e

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
    return _section("checklist", "Go-live checklist", table, major=False,
                    lead=f"Every item should be green before Autotask is switched off. The data already answers "
                         f"{_n(n_ok + n_att)} of {_n(len(cl))} items ({_n(n_att)} need attention); "
                         f"{_n(n_person)} can only be ticked by a person.")
