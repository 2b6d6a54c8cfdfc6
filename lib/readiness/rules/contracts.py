"""Contract rules: how each active contract maps to HaloPSA, and contracts to retire or fix first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.rules.base import CannotJudge, halo_api, rule
from readiness.rules.frames import contract_names, day, flag, is_inactive, result


@rule(
    id="contract_type_mapping", area="contracts", severity="high", entity_type="Contract",
    title="Active contract type does not map directly to a HaloPSA billing structure",
    impact="HaloPSA has no Autotask contract types (its agreement types are reporting labels). Recurring Service, "
           "Block Hours and Fixed Price become a different HaloPSA structure. Per Ticket has no direct equivalent: a "
           "pre-pay amount drawn down by fixed-price tickets keeps the money right but no longer counts tickets.",
    remediation="Build the HaloPSA target named in the finding: charge rates (T&M), Pre-Pay by amount (Retainer) "
                "or hours (Block Hours), agreement + billing rules + recurring invoice (Recurring Service), project "
                "milestones (Fixed Price); Per Ticket: a Pre-Pay amount with a fixed per-ticket price, tested first.",
    requires=("Contracts",),
    sources=("https://ww2.autotask.net/help/content/3_features/6_Contracts/AdminGeneral/BusinessCaseContracts.htm",
             "https://ww2.autotask.net/help/developerhelp/Content/APIs/REST/Entities/ContractTicketPurchasesEntity.htm",
             "https://usehalo.com/faq-list/billing-rules-agreements/",
             "https://usehalo.com/faq-list/billing-administrator-guides/page/2/",
             "https://haloitsm.com/guides/article?kbid=1133",
             "https://usehalo.com/faq-list/pre-pay-billing/",
             "https://usehalo.com/guide/pre-pay-2/",
             halo_api("ContractHeader.allowpyg", "ContractHeader.allowprepay", "ContractHeader.allowfixedprice")),
)
def contract_type_mapping(ctx):
    """Every active contract: PASS when direct, REVIEW when rethink, FAIL (blocker) when manual."""
    c = ctx.active_contracts()
    v = c["verdict"]
    status = np.select([flag(v.eq("direct")), flag(v.eq("rethink"))], ["PASS", "REVIEW"], "FAIL")
    severity = np.select([flag(v.eq("manual")), flag(v.eq("rethink"))], ["blocker", "medium"], "high")
    name = contract_names(c) + " is " + c["type_label"]
    reason = np.select(
        [flag(v.eq("direct")), flag(v.eq("rethink"))],
        [(name + ": maps directly to " + c["halo_target"] + " in HaloPSA").to_numpy(),
         (name + ": rebuild as " + c["halo_target"] + " in HaloPSA").to_numpy()],
        (name + ", which HaloPSA cannot model as it is (" + c["halo_target"] + ")").to_numpy(),
    )
    return result(c["id"], pd.Series(status), pd.Series(reason), c["companyID"], pd.Series(severity))


@rule(
    id="contract_expired_active", area="contracts", severity="high", entity_type="Contract", edge_case=True,
    title="Contract is Active in Autotask but its end date has passed",
    impact="An expired contract still marked Active would be rebuilt as a live HaloPSA agreement and keep "
           "generating recurring invoices, or silently cover labour it should not.",
    remediation="Renew it in Autotask (new end date) or set it Inactive before migration; only then create the "
                "HaloPSA agreement, with the correct end date.",
    requires=("Contracts",),
    sources=("https://ww5.autotask.net/help/content/3_Features/6_Contracts/AdminGeneral/CONTRACTSMAIN.htm",
             halo_api("ContractHeader.end_date", "ContractHeader.expired", "ContractHeader.rollingcontract")),
)
def contract_expired_active(ctx):
    """Active contract whose endDate is before the as-of date: FAIL. Open-ended (no end date) passes."""
    ctx.need("Contracts", "endDate")
    c = ctx.active_contracts()
    expired = flag(c["endDate"].lt(ctx.as_of))
    reason = contract_names(c) + pd.Series(
        np.where(expired, " is Active but ended on ", " is Active and runs to "), index=c.index) + day(c["endDate"])
    reason = reason.where(expired | c["endDate"].notna(), contract_names(c) + " is Active with no end date")
    return result(c["id"], pd.Series(np.where(expired, "FAIL", "PASS")), reason, c["companyID"])


@rule(
    id="contract_no_activity", area="contracts", severity="low", entity_type="Contract", edge_case=True,
    feeds=("retire:contracts",),
    title="Active contract has had no time, service units or charges for a long time",
    impact="A dormant contract rebuilt in HaloPSA adds an agreement, billing rules and recurring lines that bill "
           "nothing or bill by mistake, and confuses agreement matching for the client.",
    remediation="Confirm with the account owner; retire it in Autotask instead of rebuilding it as a HaloPSA "
                "agreement.",
    requires=("Contracts",), params={"stale_days": 180},
    sources=("https://usehalo.com/faq-list/billing-rules-agreements/",
             "https://ww5.autotask.net/help/content/3_Features/6_Contracts/AdminGeneral/CONTRACTSMAIN.htm",
             "https://kinesys.it/blog/autotask-to-halopsa-migration (practitioner's guide, HaloPSA partner)"),
)
def contract_no_activity(ctx):
    """Active contract with no time entry, billed service units, contract charge or posted billing item in
    the last `stale_days` days (default 180): REVIEW. Contracts started inside the window pass."""
    act = ctx.contract_activity()
    if not act.attrs.get("sources"):
        raise CannotJudge("missing TimeEntries.csv, ContractServiceUnits.csv and ContractCharges.csv "
                          "(any one is enough)")
    days = int(ctx.param("stale_days"))
    cut = ctx.cutoff(days)
    c = ctx.active_contracts()
    last = c["id"].map(act["last_activity"])
    young = flag(c["startDate"].gt(cut)) if "startDate" in c.columns else pd.Series(False, index=c.index)
    dormant = ~young & ~flag(last.ge(cut))
    where = " (from " + ", ".join(act.attrs["sources"]) + ")"
    reason = np.select(
        [dormant.to_numpy(), young.to_numpy()],
        [(contract_names(c) + f" has had no time, service units or charges in the last {days} days; last activity "
          + day(last) + where).to_numpy(),
         (contract_names(c) + " started on " + day(c.get("startDate", last)) + f", within {days} days").to_numpy()],
        (contract_names(c) + " was last active on " + day(last)).to_numpy(),
    )
    return result(c["id"], pd.Series(np.where(dormant, "REVIEW", "PASS")), pd.Series(reason), c["companyID"])


@rule(
    id="contract_company_inactive", area="contracts", severity="high", entity_type="Contract", edge_case=True,
    title="Active contract belongs to a company that is inactive or not a customer",
    impact="If only active clients are migrated, an agreement whose client is inactive or a prospect has no "
           "client to attach to; migrating the client anyway drags a dead client into HaloPSA with live billing.",
    remediation="Decide per contract: reactivate the company as a customer, or set the contract Inactive in "
                "Autotask, before agreements are created in HaloPSA.",
    requires=("Contracts", "Companies"),
    sources=("https://ww15.autotask.net/help/content/3_Features/3_CRM/Companies/Accessory_Tabs_Company/Contracts_Tab.htm",
             halo_api("Area.inactive")),
)
def contract_company_inactive(ctx):
    """Active contract whose company has isActive false or a companyType other than Customer (1): FAIL.
    Contracts whose company is not in the export are left to orphan_reference."""
    comp = ctx.t("Companies")
    if "isActive" not in comp.columns and "companyType" not in comp.columns:
        raise CannotJudge("Companies.csv has no isActive or companyType column")
    c = ctx.active_contracts()
    comp = comp.drop_duplicates("id").set_index("id")
    inactive_ids = comp.index[is_inactive(comp).to_numpy()]
    ctype = comp["companyType"] if "companyType" in comp.columns else pd.Series(pd.NA, index=comp.index, dtype="Int64")
    known = c["companyID"].isin(comp.index)
    off = flag(c["companyID"].isin(inactive_ids))
    code = c["companyID"].map(ctype).astype("Int64")
    not_customer = flag(code.ne(1))
    labels = {k: ctx.label("Companies", "companyType", k) for k in code.dropna().unique()}  # a handful of codes
    type_label = code.map(labels).astype("string").fillna("?")
    bad = known & (off | not_customer)
    name = "company '" + c["company_name"].fillna("?") + "'"
    reason = np.select(
        [(off & not_customer).to_numpy(), off.to_numpy(), not_customer.to_numpy()],
        [(contract_names(c) + " is Active but " + name + " is inactive and a " + type_label).to_numpy(),
         (contract_names(c) + " is Active but " + name + " is inactive").to_numpy(),
         (contract_names(c) + " is Active but " + name + " is a " + type_label + ", not a Customer").to_numpy()],
        (contract_names(c) + " belongs to active customer " + name).to_numpy(),
    )
    keep = known.to_numpy()
    status = pd.Series(np.where(bad, "FAIL", "PASS"))[keep]
    return result(c["id"][keep], status, pd.Series(reason)[keep], c["companyID"][keep])
