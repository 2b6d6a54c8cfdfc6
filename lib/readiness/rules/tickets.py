"""Open ticket rules: tickets that would arrive in HaloPSA with nobody to work them."""

from __future__ import annotations

import pandas as pd

from readiness.rules.base import halo_api, rule
from readiness.rules.frames import col, ids, is_inactive, judged, named


def _ticket_names(t: pd.DataFrame) -> pd.Series:
    """ "Ticket T20250101.0001 (id 5)", or "Ticket 5" when ticket numbers were not exported."""
    if "ticketNumber" not in t.columns:
        return "Ticket " + ids(t["id"])
    return "Ticket " + t["ticketNumber"].astype("string").fillna("?") + " (id " + ids(t["id"]) + ")"


@rule(
    id="ticket_open_unassigned", area="tickets", severity="medium", entity_type="Ticket",
    feeds=("checklist:open_tickets",), tally="unassigned",
    title="Open ticket has neither a queue nor an assigned resource",
    impact="The ticket arrives in HaloPSA without a team or agent unless the import maps one, so it sits in no "
           "one's view after cutover.",
    remediation="Assign a queue or a resource in Autotask before the open-ticket migration, or map it to a "
                "default HaloPSA team in the import.",
    requires=("Tickets",),
    sources=("https://www.alliedesm.com/halo/halo-importing-data (Halo partner's import summary)",
             halo_api("Faults.team", "Faults.agent_id")),
    columns={"Tickets": ("status", "queueID", "assignedResourceID", "ticketNumber", "companyID")},
)
def ticket_open_unassigned(ctx):
    """Open ticket (status not Complete) with blank queueID and blank assignedResourceID: REVIEW; open
    with either: PASS."""
    ctx.need("Tickets", "status", "queueID", "assignedResourceID")
    t = ctx.open_tickets()
    hit = t["queueID"].isna() & t["assignedResourceID"].isna()
    return judged(t["id"], hit, "REVIEW",
                  _ticket_names(t) + " is open with no queue and no resource",
                  _ticket_names(t) + " is open and routed", t["companyID"])


@rule(
    id="ticket_open_inactive_resource", area="tickets", severity="high", entity_type="Ticket",
    feeds=("checklist:open_tickets",), tally="on inactive resources",
    title="Open ticket is assigned to an inactive resource",
    impact="If inactive resources are not migrated as HaloPSA agents, the ticket imports unassigned or fails "
           "agent matching, and the client's open work is dropped at cutover.",
    remediation="Reassign the ticket to an active resource in Autotask before the open-ticket migration.",
    requires=("Tickets", "Resources"),
    sources=("https://autotask.net/help/content/4_admin/1CompanySettings_Users/ResourcesUsersHR/Security/Manage_Security_Levels.htm",
             halo_api("Uname.autotaskid", "Faults.agent_id")),
    columns={"Tickets": ("status", "assignedResourceID", "ticketNumber", "companyID")},
)
def ticket_open_inactive_resource(ctx):
    """Open ticket whose assignedResourceID is a Resource with isActive false: FAIL; assigned to an active
    resource: PASS. Resources not in the export are left to orphan_reference."""
    ctx.need("Tickets", "status", "assignedResourceID")
    r = ctx.need("Resources", "isActive").drop_duplicates("id")
    t = ctx.open_tickets()
    t = t[t["assignedResourceID"].isin(r["id"])]
    off = t["assignedResourceID"].isin(r["id"][is_inactive(r)])
    r = r.set_index("id")
    who = (col(r, "firstName", "string").astype("string").fillna("") + " "
           + col(r, "lastName", "string").astype("string").fillna("")).str.strip()
    who = named("resource", t["assignedResourceID"].map(who), t["assignedResourceID"])
    return judged(t["id"], off, "FAIL",
                  _ticket_names(t) + " is open and assigned to inactive " + who,
                  _ticket_names(t) + " is open and assigned to active " + who, t["companyID"])
