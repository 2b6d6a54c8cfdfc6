"""Permission rules: Autotask security levels in use, each to be designed as a HaloPSA role."""

from __future__ import annotations

import pandas as pd

from readiness.rules.base import rule
from readiness.rules.frames import is_active, result


@rule(
    id="security_level_mapping", area="permissions", severity="medium", entity_type="SecurityLevel",
    feeds=("rebuild:security_levels", "effort:security_levels", "checklist:roles"), tally="security levels in use",
    title="Security level used by active resources needs a HaloPSA role",
    impact="HaloPSA permissions come from agent roles, team membership and client restrictions, not security "
           "levels; nothing maps them, so every level in use must be designed as a role before agents log in.",
    remediation="Define a HaloPSA role (and team access) for this security level from how the team works, and "
                "review it with team leads.",
    requires=("Resources",),
    sources=("https://autotask.net/help/content/4_admin/1CompanySettings_Users/ResourcesUsersHR/Security/Manage_Security_Levels.htm",
             "https://www.usehalo.com/guides/882?891281fb_page=2", "https://halocrm.io/guides/article/?kbid=1583"),
)
def security_level_mapping(ctx):
    """Each userType (security level) held by at least one active resource: REVIEW, with the count."""
    r = ctx.need("Resources", "userType")
    r = r[is_active(r) & r["userType"].notna()]
    n = r.groupby(r["userType"].astype("Int64")).size()
    code = pd.Series(n.index, index=n.index)
    labels = {k: ctx.label("Resources", "userType", k) for k in n.index}  # one label per level in use
    reason = ("Security level '" + code.map(labels).astype("string") + "' (userType " + code.astype("string")
              + ") is held by " + n.astype("string") + " active resource(s): design its HaloPSA role")
    return result(code.astype("string"), "REVIEW", reason)
