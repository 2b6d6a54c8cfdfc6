"""Data quality rules: values that break HaloPSA's import matching, and references to rows not exported."""

from __future__ import annotations

import pandas as pd

from readiness.entities import HISTORY_TABLES, singular
from readiness.rules.base import CannotJudge, halo_api, rule
from readiness.rules.frames import blank, col, concat, flag, ids, is_active, judged, named, result

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"  # one @, a dotted domain, no spaces: what e-mail matching needs


def _contact_names(ctx, c: pd.DataFrame) -> pd.Series:
    """ "Contact 'First Last' (id 9)" for the rows of `c`, a part of Contacts; built once per run for all."""
    def build():
        every = ctx.t("Contacts")
        full = (col(every, "firstName", "string").astype("string").fillna("") + " "
                + col(every, "lastName", "string").astype("string").fillna("")).str.strip()
        return named("Contact", full.where(full.ne(""), pd.NA), every["id"])
    return ctx.cached("contact_names", build).reindex(c.index)


@rule(
    id="company_duplicate_name", area="data_quality", severity="high", entity_type="Company",
    feeds=("checklist:clients",), tally="with a colliding name",
    title="Active customer's name collides with another active customer once case and spaces are ignored",
    impact="HaloPSA's client import matches on a field you choose, often the name (its Autotask connector also "
           "stores each client's Autotask id). If it matches on name, customers whose names differ only in case or "
           "spacing merge into one client, mixing their users, assets, tickets and billing.",
    remediation="Match the client import on the Autotask id or account reference where you can; before any "
                "name-based import, rename or merge the companies in Autotask (and in the RMM, accounting and "
                "documentation tools).",
    requires=("Companies",),
    sources=("https://www.usehalo.com/guides/2850?891281fb_page=1",
             "https://www.alliedesm.com/halo/halo-importing-data (Halo partner's import summary)",
             halo_api("Area.matching_value", "Area.autotaskid", "Site.autotaskid", "Users.autotaskid",
                      "Uname.autotaskid")),
)
def company_duplicate_name(ctx):
    """Active customers (isActive, companyType 1) whose companyName matches after case/space folding: FAIL
    each; unique: PASS."""
    g = ctx.duplicate_groups("company_name")
    c = ctx.t("Companies").loc[g.index]
    name = named("Company", c["companyName"], c["id"])
    return judged(c["id"], g["duplicate"], "FAIL",
                  name + " has the same name as another active customer (ids " + g["group_ids"] + ")",
                  name + " has a unique name", c["id"])


@rule(
    id="contact_missing_email", area="data_quality", severity="medium", entity_type="Contact",
    feeds=("checklist:clients",), tally="without email",
    title="Active contact has no email address",
    impact="HaloPSA links incoming mail to users by email address, and its user import matches on email or "
           "username; a contact without one cannot receive the portal invitation or ticket e-mails, and e-mails "
           "from them create new unknown users.",
    remediation="Add the email address in Autotask before export, or deactivate the contact if they have left.",
    requires=("Contacts",),
    sources=("https://haloitsm.com/guides/article/?kbid=900",
             "https://www.alliedesm.com/halo/halo-importing-data (Halo partner's import summary)",
             halo_api("Users.matchprimaryemail", "Users.matching_value")),
)
def contact_missing_email(ctx):
    """Active contact with a blank emailAddress: REVIEW; with one: PASS."""
    ctx.need("Contacts", "emailAddress")
    c = ctx.facts.active_rows("Contacts")
    hit = blank(c["emailAddress"])
    return judged(c["id"], hit, "REVIEW",
                  _contact_names(ctx, c) + " has no email address",
                  _contact_names(ctx, c) + " has an email address", c["companyID"])


@rule(
    id="contact_duplicate_email", area="data_quality", severity="high", entity_type="Contact",
    feeds=("checklist:clients",), tally="sharing an email",
    title="Two or more active contacts share one email address",
    impact="When HaloPSA users are matched on email (the usual choice; username is the other), contacts sharing "
           "one address merge on import, and replies land on whichever user HaloPSA picks.",
    remediation="Give each person their own address or deactivate the duplicates in Autotask; shared mailboxes "
                "become one HaloPSA user.",
    requires=("Contacts",),
    sources=("https://haloitsm.com/guides/article/?kbid=900",
             "https://www.alliedesm.com/halo/halo-importing-data (Halo partner's import summary)",
             halo_api("Users._email_collision", "Users.matchprimaryemail")),
)
def contact_duplicate_email(ctx):
    """Active contacts whose emailAddress matches another's after trimming and case folding: FAIL each;
    unique: PASS. Contacts without email are judged by contact_missing_email."""
    g = ctx.duplicate_groups("contact_email")
    c = ctx.t("Contacts").loc[g.index]
    return judged(c["id"], g["duplicate"], "FAIL",
                  _contact_names(ctx, c) + " shares email " + g["key"] + " with another active contact (ids "
                  + g["group_ids"] + ")",
                  _contact_names(ctx, c) + " has a unique email address", c["companyID"])


@rule(
    id="contact_invalid_email", area="data_quality", severity="medium", entity_type="Contact",
    title="Active contact's email address is malformed",
    impact="HaloPSA cannot match incoming e-mails to a user whose address is malformed, and that user will not "
           "receive ticket notifications.",
    remediation="Correct the address in Autotask (typos, spaces, several addresses in one field) before export.",
    requires=("Contacts",),
    sources=("https://haloitsm.com/guides/article/?kbid=900",),
)
def contact_invalid_email(ctx):
    """Active contact whose non-blank emailAddress is not name@domain.tld (no spaces): REVIEW; valid: PASS."""
    ctx.need("Contacts", "emailAddress")
    c = ctx.facts.active_rows("Contacts")
    c = c[~blank(c["emailAddress"])]
    email = c["emailAddress"].astype("string").str.strip()
    hit = ~flag(email.str.fullmatch(EMAIL))
    return judged(c["id"], hit, "REVIEW",
                  _contact_names(ctx, c) + " has a malformed email address '" + email + "'",
                  _contact_names(ctx, c) + " has a well-formed email address", c["companyID"])


def _ci_names(ctx, ci: pd.DataFrame) -> pd.Series:
    """ "Configuration item 'title' (id 7)" for the rows of `ci`, a part of ConfigurationItems; built once per run."""
    def build():
        every = ctx.t("ConfigurationItems")
        return named("Configuration item", col(every, "referenceTitle", "string"), every["id"])
    return ctx.cached("ci_names", build).reindex(ci.index)


@rule(
    id="configuration_item_missing_serial", area="data_quality", severity="low", entity_type="ConfigurationItem",
    feeds=("checklist:assets",), tally="without serial number",
    title="Active configuration item has no serial number",
    impact="HaloPSA matches imported and RMM-synced assets on a configured field; if that is the serial number, "
           "an asset without one is duplicated when the RMM integration creates it again.",
    remediation="Fill the serial from the RMM or vendor portal, or let the HaloPSA RMM integration create the "
                "asset and skip importing this one.",
    requires=("ConfigurationItems",),
    sources=("https://haloitsm.com/guides/article/?kbid=1084", "https://haloitsm.com/guides/article/?kbid=1340",
             halo_api("Control.assetimportidentifier", "Control.ignore_special_characters_asset_matching")),
)
def configuration_item_missing_serial(ctx):
    """Active configuration item with a blank serialNumber: REVIEW; with one: PASS."""
    ci = ctx.need("ConfigurationItems", "serialNumber")
    ci = ci[is_active(ci)]
    hit = blank(ci["serialNumber"])
    return judged(ci["id"], hit, "REVIEW",
                  _ci_names(ctx, ci) + " has no serial number",
                  _ci_names(ctx, ci) + " has a serial number", ci["companyID"])


@rule(
    id="configuration_item_duplicate_serial", area="data_quality", severity="medium",
    entity_type="ConfigurationItem",
    title="Active configuration items share one serial number",
    impact="When HaloPSA's asset matching field is the serial number, items sharing one (often a placeholder "
           "such as 'To be filled by O.E.M.') merge into one asset and lose their client or history.",
    remediation="Correct the serials in Autotask, or choose another HaloPSA asset matching field (RMM device id) "
                "for the import.",
    requires=("ConfigurationItems",),
    sources=("https://haloitsm.com/guides/article/?kbid=1084", "https://haloitsm.com/guides/article/?kbid=1340",
             halo_api("Control.assetimportidentifier", "Control.ignore_special_characters_asset_matching")),
)
def configuration_item_duplicate_serial(ctx):
    """Active configuration items whose serialNumber matches another's after trimming and case folding:
    REVIEW each; unique: PASS. Blank serials are judged by configuration_item_missing_serial."""
    g = ctx.duplicate_groups("configuration_item_serial")
    ci = ctx.t("ConfigurationItems").loc[g.index]
    return judged(ci["id"], g["duplicate"], "REVIEW",
                  (_ci_names(ctx, ci) + " shares serial '" + ci["serialNumber"].astype("string").str.strip() + "' with "
                   + (g["group_size"] - 1).astype("string") + " other active item(s)"),
                  _ci_names(ctx, ci) + " has a unique serial", ci["companyID"])


# (child entity, foreign key, parent entity): the parent links HaloPSA's import order depends on.
LINKS = [
    ("Contacts", "companyID", "Companies"),
    ("Contracts", "companyID", "Companies"),
    ("Contracts", "exclusionContractID", "Contracts"),
    ("Contracts", "contractExclusionSetID", "ContractExclusionSets"),
    ("ContractServices", "contractID", "Contracts"),
    ("ContractServices", "serviceID", "Services"),
    ("ContractServiceUnits", "contractID", "Contracts"),
    ("ContractServiceUnits", "contractServiceID", "ContractServices"),
    ("ContractServiceBundles", "contractID", "Contracts"),
    ("ContractServiceBundles", "serviceBundleID", "ServiceBundles"),
    ("ContractBlocks", "contractID", "Contracts"),
    ("ContractBlockHourFactors", "contractID", "Contracts"),
    ("ContractBlockHourFactors", "roleID", "Roles"),
    ("ContractRetainers", "contractID", "Contracts"),
    ("ContractTicketPurchases", "contractID", "Contracts"),
    ("ContractRates", "contractID", "Contracts"),
    ("ContractRates", "roleID", "Roles"),
    ("ContractMilestones", "contractID", "Contracts"),
    ("ContractCharges", "contractID", "Contracts"),
    ("ContractBillingRules", "contractID", "Contracts"),
    ("ContractBillingRules", "productID", "Products"),
    ("ContractExclusionRoles", "contractID", "Contracts"),
    ("ContractExclusionRoles", "roleID", "Roles"),
    ("ContractExclusionBillingCodes", "contractID", "Contracts"),
    ("ContractExclusionBillingCodes", "billingCodeID", "BillingCodes"),
    ("ContractExclusionSetExcludedRoles", "contractExclusionSetID", "ContractExclusionSets"),
    ("ContractExclusionSetExcludedRoles", "excludedRoleID", "Roles"),
    ("ContractExclusionSetExcludedWorkTypes", "contractExclusionSetID", "ContractExclusionSets"),
    ("ContractExclusionSetExcludedWorkTypes", "excludedWorkTypeID", "BillingCodes"),
    ("ServiceBundleServices", "serviceBundleID", "ServiceBundles"),
    ("ServiceBundleServices", "serviceID", "Services"),
    ("ConfigurationItems", "companyID", "Companies"),
    ("Tickets", "companyID", "Companies"),
    ("Tickets", "contractID", "Contracts"),
    ("Tickets", "assignedResourceID", "Resources"),
    ("TimeEntries", "ticketID", "Tickets"),
    ("TimeEntries", "resourceID", "Resources"),
    ("Invoices", "companyID", "Companies"),
]


def _history_links(links) -> dict[str, tuple[str, ...]]:
    """The foreign keys of LINKS that sit on history tables: the columns orphan_reference reads there."""
    out: dict[str, tuple[str, ...]] = {}
    for child, key, _ in links:
        if child in HISTORY_TABLES:
            out[child] = out.get(child, ()) + (key,)
    return out


@rule(
    id="orphan_reference", area="data_quality", severity="high", entity_type="Contact",
    feeds=("checklist:assets",), tally="pointing at a record not in the export",
    title="Row points at a parent record that is not in the export",
    impact="HaloPSA imports parents first (clients, then users, assets, tickets, actions); a row whose parent "
           "is missing cannot be linked to it in HaloPSA.",
    remediation="Re-export the missing parent rows (or the complete entity) from Autotask, or drop the orphaned "
                "rows deliberately before the HaloPSA import.",
    columns=_history_links(LINKS),
    sources=("https://haloitsm.com/guides/article?kbid=1368",
             "https://www.alliedesm.com/halo/halo-importing-data (Halo partner's import summary)"),
)
def orphan_reference(ctx):
    """For each parent link with both tables exported: a child row whose foreign key is set but not among
    the parent's ids: FAIL (entity type = the child's). Only failures are listed: clean links would add a
    row per ticket and time entry."""
    frames, checked = [], 0
    for child, fk, parent in LINKS:  # a fixed list of links, each checked vectorised
        if not (ctx.has(child) and ctx.has(parent)) or fk not in ctx.t(child).columns:
            continue
        checked += 1
        d = ctx.t(child)
        key = d[fk].astype("Int64")
        bad = flag(key.notna() & ~key.isin(ctx.t(parent)["id"].astype("Int64")))
        if not bad.any():
            continue
        d, key = d[bad], key[bad]
        reason = (singular(child) + " " + ids(d["id"]) + " points at " + singular(parent) + " " + ids(key)
                  + f" ({fk}), which is not in the export")
        company = d["companyID"] if "companyID" in d.columns and fk != "companyID" else None
        frames.append(result(ids(d["id"]), "FAIL", reason, company, entity_type=singular(child)))
    if not checked:
        raise CannotJudge("no child table was exported together with its parent table")
    out = concat(frames)
    if not len(out):
        return out
    # One finding per child row: several broken links on the same row are reported together.
    key = out["entity_type"].astype("string") + ":" + out["entity_id"].astype("string")
    dup = flag(key.duplicated(keep=False))
    if dup.any():
        merged = out[dup].groupby(key[dup], sort=False).agg(
            entity_id=("entity_id", "first"), status=("status", "first"), reason=("reason", "; ".join),
            company_id=("company_id", "first"), severity=("severity", "first"), entity_type=("entity_type", "first"))
        out = pd.concat([out[~dup], merged.reset_index(drop=True)], ignore_index=True)
    return out
