"""Notification template rules (captured NotificationTemplates sheet + NotificationHistory sends)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.rules.base import rule
from readiness.rules.frames import blank, col, day, flag, fold_space, named, result


def _last_sent(ctx, t: pd.DataFrame) -> pd.Series:
    """Newest send of each captured template (NaT when never sent), matched on case/space-folded name."""
    ctx.need("NotificationHistory", "notificationSentTime")
    return fold_space(t["template_name"]).map(ctx.template_last_sent())


@rule(
    id="notification_template_unused", area="notifications", severity="low", entity_type="NotificationTemplate",
    feeds=("retire:templates", "checklist:templates"), tally="unused (not rebuilt)",
    title="Notification template has sent nothing recently",
    impact="Every template has to be re-authored as a HaloPSA email template; one that no longer sends is work "
           "with no benefit.",
    remediation="Do not rebuild it in HaloPSA; keep a copy of its text in the migration notes.",
    requires=("NotificationTemplates", "NotificationHistory"), params={"stale_days": 180},
    columns={"NotificationHistory": ("templateName", "notificationSentTime")},
    sources=("https://ww1.autotask.net/help/Content/4_Admin/3Automation/EmailSurvey/EMAILS/NotificationTemplates/NOTIFICATIONTEMPLATES.htm",
             "https://www.usehalo.com/guides/2408?891281fb_page=2"),
)
def notification_template_unused(ctx):
    """Template with no NotificationHistory send (by templateName) in the last `stale_days` days (default
    180): REVIEW; sent within the window: PASS."""
    days = int(ctx.param("stale_days"))
    t = ctx.t("NotificationTemplates")
    last = _last_sent(ctx, t)
    used = flag(last.ge(ctx.cutoff(days)))
    name = named("Notification template", t["template_name"])
    reason = (name + f" sent nothing in the last {days} days (last send " + day(last) + ")").where(
        ~used, name + " last sent on " + day(last))
    return result(t["template_name"], pd.Series(np.where(used, "PASS", "REVIEW")), reason)


@rule(
    id="notification_template_rebuild", area="notifications", severity="medium", entity_type="NotificationTemplate",
    feeds=("rebuild:templates", "effort:templates_rebuild", "checklist:templates"), tally="in use",
    title="Notification template in use must be re-authored in HaloPSA",
    impact="No tool migrates notification templates; clients notice a missing or broken acknowledgement or "
           "update e-mail on day one.",
    remediation="Re-author it as a HaloPSA email template with $-variables and attach it to the matching "
                "notification or SLA event; client-facing templates first.",
    requires=("NotificationTemplates", "NotificationHistory"), params={"stale_days": 180},
    columns={"NotificationHistory": ("templateName", "notificationSentTime")},
    sources=("https://halopsa.com/guides/article/?kbid=891", "https://www.usehalo.com/guides/2408?891281fb_page=2",
             "https://www.usehalo.com/guides/2382", "https://haloitsm.com/guides/article/?kbid=1113"),
)
def notification_template_rebuild(ctx):
    """Template sent within `stale_days` days (default 180): REVIEW; client-facing (recipients = client)
    at medium severity, internal ones at low."""
    days = int(ctx.param("stale_days"))
    t = ctx.t("NotificationTemplates")
    last = _last_sent(ctx, t)
    keep = flag(last.ge(ctx.cutoff(days))).to_numpy()
    t, last = t[keep], last[keep]
    client = flag(col(t, "recipients", "string").astype("string").str.strip().str.casefold().eq("client"))
    audience = pd.Series(np.where(client, "client-facing", "internal"), index=t.index, dtype="string")
    event = col(t, "event", "string").astype("string")
    on = pd.Series(np.where(blank(event), "", ", event '" + event.fillna("") + "'"), index=t.index, dtype="string")
    reason = (named("Notification template", t["template_name"]) + " (" + audience + on + ") last sent on "
              + day(last) + ": re-author it in HaloPSA")
    return result(t["template_name"], "REVIEW", reason, severity=pd.Series(np.where(client, "medium", "low")))


@rule(
    id="notification_template_uncaptured", area="notifications", severity="medium",
    entity_type="NotificationTemplate",
    title="Template sends notifications but is missing from the captured template sheet",
    impact="The rebuild list is built from the captured sheet; a template still sending that was not captured "
           "is silently dropped in HaloPSA and its recipients stop hearing from the MSP.",
    remediation="Capture it (subject, body, recipients, event) on the NotificationTemplates sheet and plan it as "
                "a HaloPSA email template.",
    requires=("NotificationHistory", "NotificationTemplates"), params={"stale_days": 180},
    columns={"NotificationHistory": ("templateName", "notificationSentTime")},
    sources=("https://ww1.autotask.net/help/Content/3_Features/1_SharedFeatures/Notifications/Notifications.htm",
             "https://autotask.net/help/developerhelp/content/apis/REST/Entities/_EntitiesOverview.htm"),
)
def notification_template_uncaptured(ctx):
    """templateName sent within `stale_days` days (default 180) that matches no captured template (case and
    spaces ignored): REVIEW, with the send count. Captured templates are judged by the other rules."""
    days = int(ctx.param("stale_days"))
    h = ctx.need("NotificationHistory", "notificationSentTime")
    recent = h[flag(h["notificationSentTime"].ge(ctx.cutoff(days)) & h["notificationSentTime"].le(ctx.as_of))]
    recent = recent[~blank(recent["templateName"])]  # on the recent sends only: the history runs to millions
    key = fold_space(recent["templateName"])
    captured = set(fold_space(ctx.t("NotificationTemplates")["template_name"]).dropna())
    recent, key = recent[~key.isin(captured)], key[~key.isin(captured)]
    stats = pd.DataFrame({"key": key, "name": recent["templateName"].astype("string"),
                          "sent": recent["notificationSentTime"]}).groupby("key").agg(
        name=("name", "first"), n=("name", "size"), last=("sent", "max"))
    reason = (named("Notification template", stats["name"]) + " sent " + stats["n"].astype("string")
              + f" notification(s) in the last {days} days (last " + day(stats["last"])
              + ") but is not on the captured sheet")
    return result(stats["name"], "REVIEW", reason)
