"""Facts about notification templates and their send history, matched on the case- and space-folded name
(Autotask's history logs the name as it was when sent, so "Ticket Closed" and "ticket  closed" are one template)."""

from __future__ import annotations

import pandas as pd

from readiness.columns import captured_flag, col, fold_space


def template_sends(facts, window_days: int) -> pd.DataFrame:
    """Per folded template name: last_sent (newest send up to as-of; sends without a time count, undated) and
    sends (how many in the `window_days` days up to as-of)."""
    h = facts.table("NotificationHistory")
    sent = col(h, "notificationSentTime", "datetime64[ms]")
    # a million sends use a few hundred names: fold each distinct name once, group by its code
    codes, names = pd.factorize(h["templateName"])
    frame = pd.DataFrame({"code": codes, "sent": sent.to_numpy()})
    frame = frame[(frame["code"] >= 0) & (frame["sent"].le(facts.as_of).fillna(False) | frame["sent"].isna())]
    start = facts.as_of - pd.Timedelta(days=int(window_days))
    frame["recent"] = frame["sent"].ge(start).fillna(False)
    per_code = frame.groupby("code").agg(last_sent=("sent", "max"), sends=("recent", "sum"))
    keys = fold_space(pd.Series(names, dtype="string")).to_numpy()[per_code.index.to_numpy()]
    per_code.index = pd.Index(keys, dtype="string")
    per_code = per_code[per_code.index.notna() & (per_code.index != "")]
    return per_code.groupby(level=0).agg(last_sent=("last_sent", "max"), sends=("sends", "sum")).astype(
        {"sends": "int64"})


def templates(facts) -> pd.DataFrame:
    """The captured templates (template_name, area_tab, event, recipients, subject, active as captured: NA when
    blank) plus `key`, the folded name template_sends is indexed by."""
    t = facts.table("NotificationTemplates")
    out = pd.DataFrame({c: col(t, c, "string").astype("string")
                        for c in ("template_name", "area_tab", "event", "recipients", "subject")}, index=t.index)
    out["active"] = captured_flag(t).to_numpy()
    out["key"] = fold_space(out["template_name"]).to_numpy()
    return out
