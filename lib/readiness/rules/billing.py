"""Billing rules: the contract structures HaloPSA cannot take as they are (the contract edge cases)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.rules.base import CannotJudge, halo_api, rule
from readiness.rules.frames import (col, contract_names, flag, ids, is_active, is_inactive, join_parts, judged, named,
                                    num, result)

BLOCK_HOURS, FIXED_PRICE, RECURRING = 4, 3, 7  # Contracts.contractType codes
# Products.billingType codes of billing-rule products. Assumed: Autotask publishes the labels (Standard, Per
# Contact, Per Device) but not their integers (entities.ASSUMED_PICKLISTS). Wrong codes only lose the "per contact /
# per device" detail of contract_billing_rule_units, never its status.
PER_CONTACT, PER_DEVICE = 2, 3


def _count_by(df: pd.DataFrame, key: str) -> pd.Series:
    """Row count per value of `key` (ids as Int64)."""
    return df.groupby(df[key].astype("Int64")).size()


def _on(c: pd.DataFrame, counts: pd.Series) -> pd.Series:
    """Per contract row: its count in `counts` (0 when absent)."""
    return c["id"].map(counts).fillna(0).astype(int)


@rule(
    id="contract_block_hour_factors", area="billing", severity="high", entity_type="Contract", edge_case=True,
    title="Block Hours contract draws hours down at per-role block-hour multipliers",
    impact="HaloPSA can deduct more than one hour per hour worked, but by charge type (e.g. on-site = 2x) on "
           "agreement hours, not by the worker's role; whether it multiplies Pre-Pay hours is unconfirmed. Role "
           "factors can only be approximated with a charge type per role, and a technician picking another charge "
           "type burns the client's hours at the wrong rate.",
    remediation="Agree the model with the client: a charge type per senior role with an agreement multiplier "
                "(or an hours-per-period agreement), proven in a test tenant; otherwise normalise the factors into "
                "the hours sold or sell the block as Pre-Pay by amount.",
    requires=("Contracts", "ContractBlockHourFactors"),
    sources=("https://autotask.net/help/DeveloperHelp/Content/APIs/SOAP/Entities/ContractFactorEntity.htm",
             "https://halopsa.com/guides/article/?kbid=1300",
             "https://haloservicedesk.com/guides/article/?kbid=1300",
             "https://haloitsm.com/guides/article?kbid=2181",
             "https://haloitsm.com/guides/article?kbid=1133",
             halo_api("ChargeRate.contractmultiplier", "ContractDetail.multiplier")),
)
def contract_block_hour_factors(ctx):
    """Active Block Hours contract with a role multiplier other than 1: FAIL; without: PASS."""
    f = ctx.t("ContractBlockHourFactors")
    has_mult = "blockHourMultiplier" in f.columns
    if has_mult:
        f = f[~flag(f["blockHourMultiplier"].eq(1))]  # a factor of 1 changes nothing
    key = f["contractID"].astype("Int64")
    c = ctx.active_contracts()
    c = c[flag(c["contractType"].eq(BLOCK_HOURS))]
    n = _on(c, f.groupby(key).size())
    hit = n > 0
    if has_mult:
        mult = f.groupby(key)["blockHourMultiplier"]
        span = num(c["id"].map(mult.min())) + " to " + num(c["id"].map(mult.max()))
    else:
        span = pd.Series("values not exported", index=c.index, dtype="string")
    return judged(c["id"], hit, "FAIL",
                  (contract_names(c) + " draws block hours at multipliers for " + n.astype("string") + " role(s) ("
                   + span + "); HaloPSA multiplies hours by charge type, not by role"),
                  contract_names(c) + " has no block-hour factors", c["companyID"])


@rule(
    id="contract_open_prepaid_balance", area="billing", severity="high", entity_type="Contract", edge_case=True,
    title="Contract has an unexpired prepaid block, retainer or ticket purchase with balance left",
    impact="Prepaid balances are money the client has paid; nothing migrates them, so the client loses hours or "
           "credit in HaloPSA unless they are re-entered.",
    remediation="Enter each open balance as an opening HaloPSA Pre-Pay (hours or amount, with its expiry; ticket "
                "purchases as an amount, since HaloPSA does not count tickets) at cutover, after the last Autotask "
                "posting, and have the client confirm it.",
    requires=("Contracts",),
    sources=("https://haloitsm.com/guides/article?kbid=1133",
             "https://ww2.autotask.net/help/developerhelp/Content/APIs/REST/Entities/ContractTicketPurchasesEntity.htm",
             halo_api("PrepayHistory.hours", "PrepayHistory.amount", "PrepayHistory.expirydate")),
)
def contract_open_prepaid_balance(ctx):
    """Contract with a ContractBlock, ContractRetainer or ContractTicketPurchase whose endDate is on or after
    the as-of date (or blank) and that has balance left, or whose used amount was not exported: REVIEW.
    Contracts whose purchases are all used up or expired: PASS."""
    sources = [("ContractBlocks", "hours", "hoursApproved", "hours"),
               ("ContractRetainers", "amount", "amountApproved", "retainer amount"),
               ("ContractTicketPurchases", "ticketsPurchased", "ticketsUsed", "tickets")]
    present = [s for s in sources if ctx.has(s[0])]
    if not present:
        raise CannotJudge("missing ContractBlocks.csv, ContractRetainers.csv and ContractTicketPurchases.csv "
                          "(any one is enough)")
    per, any_rows = {}, []
    for entity, bought, used, unit in present:  # three tables at most
        d = ctx.t(entity)
        any_rows.append(d["contractID"].astype("Int64"))
        live = ~flag(col(d, "endDate", "datetime64[ms]").lt(ctx.as_of))  # blank end date: still open
        if used in d.columns:
            left = pd.to_numeric(col(d, bought, "Float64"), errors="coerce") - pd.to_numeric(
                d[used], errors="coerce").fillna(0)
        else:  # e.g. ContractBlocks.hoursApproved is not queryable through the REST API
            left = pd.Series(np.nan, index=d.index, dtype="Float64")
        unknown = live & left.isna()
        open_ = live & flag(left.gt(0))
        frame = pd.DataFrame({"contract": d["contractID"].astype("Int64"), "left": left.where(open_, 0),
                              "open": open_, "unknown": unknown})
        per[unit] = frame.groupby("contract").agg(left=("left", "sum"), open=("open", "sum"),
                                                  unknown=("unknown", "sum"))
    c = ctx.contracts()
    c = c[c["id"].isin(pd.concat(any_rows))]
    parts, hit = [], pd.Series(False, index=c.index)
    for unit, stats in per.items():
        n_open = _on(c, stats["open"])
        n_unknown = _on(c, stats["unknown"])
        left = c["id"].map(stats["left"]).fillna(0)
        hit |= (n_open > 0) | (n_unknown > 0)
        piece = pd.Series("", index=c.index, dtype="string")
        piece = piece.where(n_open.eq(0), num(left) + f" {unit} left")
        piece = piece.where(n_unknown.eq(0), join_parts(
            [piece, n_unknown.astype("string") + f" unexpired purchase(s) whose {unit} used were not exported"], ", "))
        parts.append(piece)
    detail = join_parts(parts)
    return judged(c["id"], hit, "REVIEW",
                  contract_names(c) + " has open prepaid balance: " + detail,
                  contract_names(c) + " has no unexpired prepaid balance left", c["companyID"])


@rule(
    id="contract_rate_overrides", area="billing", severity="medium", entity_type="Contract", edge_case=True,
    title="Contract overrides standard role hourly rates",
    impact="HaloPSA charge rates hang off charge types, not Autotask roles; contract-level role rates have to be "
           "re-keyed as client or agreement charge-rate overrides, which may no longer follow later changes to "
           "the standard rates.",
    remediation="Re-key as HaloPSA charge-rate overrides on the agreement (or an agreement rate multiplier when "
                "the overrides are a flat percentage: an API field, confirm it in the HaloPSA screens); check the "
                "first invoices against Autotask.",
    requires=("Contracts", "ContractRates"),
    sources=("https://haloitsm.com/guides/article?kbid=2181",
             "https://ww1.autotask.net/help/DeveloperHelp/Content/APIs/SOAP/Entities/ContractRateEntity.htm",
             halo_api("ContractHeader.chargeratemultiplier")),
)
def contract_rate_overrides(ctx):
    """Active contract with ContractRates rows (ignoring rows equal to the role's standard hourlyRate when
    Roles is exported): REVIEW; without: PASS."""
    r = ctx.t("ContractRates")
    if ctx.has("Roles") and {"hourlyRate"} <= set(ctx.t("Roles").columns) and "contractHourlyRate" in r.columns:
        std = ctx.t("Roles").drop_duplicates("id").set_index("id")["hourlyRate"]
        same = flag(r["contractHourlyRate"].eq(r["roleID"].map(std)))
        r = r[~same]  # a "override" equal to the standard rate needs nothing in HaloPSA
    c = ctx.active_contracts()
    n = _on(c, _count_by(r, "contractID"))
    hit = n > 0
    return judged(c["id"], hit, "REVIEW",
                  contract_names(c) + " overrides the hourly rate of " + n.astype("string") + " role(s)",
                  contract_names(c) + " uses standard role rates", c["companyID"])


def _exclusions(ctx) -> pd.DataFrame:
    """Per active contract: roles and work types excluded directly or through its exclusion set.

    Columns roles and worktypes (counts; a source missing from the export counts 0).
    """
    def build():
        c = ctx.active_contracts()
        set_id = col(c, "contractExclusionSetID", "Int64").astype("Int64")
        has_set_col = "contractExclusionSetID" in c.columns
        out = pd.DataFrame(index=c.index)
        for kind, direct, direct_key, in_set in (
                ("roles", "ContractExclusionRoles", "contractID", "ContractExclusionSetExcludedRoles"),
                ("worktypes", "ContractExclusionBillingCodes", "contractID", "ContractExclusionSetExcludedWorkTypes")):
            n = pd.Series(0, index=c.index)
            if ctx.has(direct):
                n = n + _on(c, _count_by(ctx.t(direct), direct_key))
            if ctx.has(in_set) and has_set_col:
                n = n + set_id.map(_count_by(ctx.t(in_set), "contractExclusionSetID")).fillna(0).astype(int)
            out[kind] = n
        return out
    return ctx.cached("exclusions", build)


def _exclusions_known(ctx, direct: str, in_set: str) -> bool:
    """True when the export can tell a contract's exclusions of one kind (either source present)."""
    return ctx.has(direct) or (ctx.has(in_set) and "contractExclusionSetID" in ctx.t("Contracts").columns)


@rule(
    id="contract_role_exclusions", area="billing", severity="high", entity_type="Contract", edge_case=True,
    title="Contract excludes labour by role, directly or through its exclusion set",
    impact="HaloPSA billing rules match on ticket type, charge type, category, site and coverage, not on who did "
           "the work, so role exclusions can only be approximated: a default charge type per agent plus a billing-rule "
           "line not included in the agreement. A charge type set by the ticket type or action overrides the "
           "agent's default, so excluded labour can still be covered.",
    remediation="Agree the redesign with the client before go-live: give the excluded roles' agents their own "
                "default charge type, add a not-included (pay-as-you-go) billing-rule line for it before the "
                "catch-all line, keep ticket types and actions from forcing another charge type, and check the "
                "first invoices line by line.",
    requires=("Contracts",),
    sources=("https://ww16.autotask.net/help/content/3_Features/6_Contracts/ContractMenu/5Exclusions.htm",
             "https://haloitsm.com/guides/article/?kbid=1957",
             "https://haloitsm.com/guides/article?kbid=2181",
             halo_api("ContractDetail.not_included_in_contract", "Uname.chargerate")),
)
def contract_role_exclusions(ctx):
    """Active contract excluding one or more roles (ContractExclusionRoles or its exclusion set's excluded
    roles): FAIL; none: PASS."""
    if not _exclusions_known(ctx, "ContractExclusionRoles", "ContractExclusionSetExcludedRoles"):
        raise CannotJudge("missing ContractExclusionRoles.csv and ContractExclusionSetExcludedRoles.csv "
                          "(any one is enough)")
    ex = _exclusions(ctx)
    c = ctx.active_contracts()
    hit = ex["roles"] > 0
    return judged(c["id"], hit, "FAIL",
                  contract_names(c) + " excludes " + ex["roles"].astype("string") + " role(s) from coverage",
                  contract_names(c) + " excludes no roles", c["companyID"])


@rule(
    id="contract_worktype_exclusions", area="billing", severity="medium", entity_type="Contract", edge_case=True,
    title="Contract excludes work types (and no roles) from coverage",
    impact="HaloPSA has no exclusion lists; excluded work types must become billing rules, in the right order, "
           "that send those charge types to pay-as-you-go instead of the agreement.",
    remediation="Rebuild as ordered HaloPSA billing rules: the excluded work types as charge types marked not "
                "included, placed before the agreement's catch-all rule.",
    requires=("Contracts",),
    sources=("https://autotask.net/help/developerhelp/content/apis/SOAP/Entities/ContractExclusionAllocationCodeEntity.htm",
             "https://haloitsm.com/guides/article/?kbid=1957",
             "https://haloitsm.com/guides/article?kbid=1354",
             halo_api("ContractDetail.not_included_in_contract")),
)
def contract_worktype_exclusions(ctx):
    """Active contract excluding work types but no roles: REVIEW; excluding nothing: PASS. Contracts that
    also exclude roles are judged by contract_role_exclusions."""
    if not _exclusions_known(ctx, "ContractExclusionBillingCodes", "ContractExclusionSetExcludedWorkTypes"):
        raise CannotJudge("missing ContractExclusionBillingCodes.csv and ContractExclusionSetExcludedWorkTypes.csv "
                          "(any one is enough)")
    ex = _exclusions(ctx)
    c = ctx.active_contracts()
    keep = ex["roles"].eq(0)  # contracts that also exclude roles are judged by contract_role_exclusions
    c, n = c[keep], ex["worktypes"][keep]
    return judged(c["id"], n > 0, "REVIEW",
                  contract_names(c) + " excludes " + n.astype("string") + " work type(s) from coverage",
                  contract_names(c) + " excludes no work types", c["companyID"])


@rule(
    id="contract_exclusion_chain", area="billing", severity="medium", entity_type="Contract", edge_case=True,
    title="Contract sends excluded labour on to another contract",
    impact="HaloPSA has no exclusion contracts: labour no billing-rule line covers falls to pay-as-you-go, or a "
           "line can send it to another agreement. A chain of exclusion contracts must be flattened into one "
           "ordered set of billing rules; a loop has no HaloPSA form and must be broken first.",
    remediation="Rebuild the routing as HaloPSA billing rules pointing unmatched work at the second agreement; "
                "flatten chains and break loops in Autotask first.",
    requires=("Contracts",),
    sources=("https://ww16.autotask.net/help/content/3_Features/6_Contracts/ContractMenu/5Exclusions.htm",
             "https://haloitsm.com/guides/article/?kbid=1957",
             "https://usehalo.com/faq-list/creating-invoices/page/2",
             halo_api("ContractDetail.allowallcontracts")),
)
def contract_exclusion_chain(ctx):
    """Active contract with an exclusionContractID: REVIEW for one hop, FAIL when the target itself rolls on
    (chain longer than one) or the chain loops; no exclusion contract: PASS."""
    ctx.need("Contracts", "exclusionContractID")
    allc = ctx.contracts()
    chains = ctx.facts.exclusion_chains()  # the walk the explorer shows too
    c = ctx.active_contracts()
    origin = c["id"].astype("Int64")
    has = c["exclusionContractID"].astype("Int64").notna()
    walk = chains.reindex(origin.to_numpy())
    hops = pd.Series(walk["hops"].fillna(0).astype(int).to_numpy(), index=c.index)
    looped = pd.Series(walk["looped"].astype("boolean").fillna(False).astype(bool).to_numpy(), index=c.index)
    path = ids(origin) + " -> " + pd.Series([" -> ".join(map(str, p)) if isinstance(p, tuple) and p else "?"
                                             for p in walk["path"]], index=c.index, dtype="string")
    nxt = allc["id"].astype("Int64").drop_duplicates()
    first = c["exclusionContractID"].astype("Int64")
    missing = has & ~first.isin(nxt)
    target = allc.drop_duplicates("id").set_index("id")
    tname = first.map(target["contractName"] if "contractName" in target.columns else pd.Series(dtype="string"))
    inactive_target = has & ~missing & ~flag(first.map(target["status"]).eq(1))
    fail = looped | (hops > 1)
    review = has & ~fail
    status = np.select([fail.to_numpy(), review.to_numpy()], ["FAIL", "REVIEW"], "PASS")
    severity = np.where(fail, "high", "medium")
    base = contract_names(c)
    one = base + " sends excluded labour to " + named("contract", tname, first)
    one = one.where(~missing, base + " sends excluded labour to contract id " + ids(first) + ", not in the export")
    one = one.where(~inactive_target, one + " (which is inactive)")
    reason = np.select(
        [looped.to_numpy(), fail.to_numpy(), review.to_numpy()],
        [(base + " sends excluded labour round a loop: " + path).to_numpy(),
         (base + " sends excluded labour along a chain of " + hops.astype("string") + " contracts: " + path).to_numpy(),
         one.to_numpy()],
        (base + " has no exclusion contract").to_numpy(),
    )
    return result(c["id"], pd.Series(status), pd.Series(reason), c["companyID"], pd.Series(severity))


@rule(
    id="contract_setup_fee", area="billing", severity="low", entity_type="Contract", edge_case=True,
    title="Contract carries a setup fee",
    impact="HaloPSA agreements have no setup-fee field; a setup fee not yet invoiced would be lost in migration.",
    remediation="If the fee is still to be billed, raise it as a one-off invoice or sales-order line in HaloPSA "
                "(the recurring-line import has a one-time charge option); otherwise note it and move on.",
    requires=("Contracts",),
    sources=("https://ww1.autotask.net/help/DeveloperHelp/Content/APIs/REST/Entities/ContractMilestonesEntity.htm",
             "https://www.usehalo.com/guides/1976?891281fb_page=1",
             halo_api("ContractHeader", "InvoiceDetail.onetimecharge", "ImportCsv.one_time_charges")),
)
def contract_setup_fee(ctx):
    """Active contract with setupFee > 0: REVIEW; zero or blank: PASS."""
    ctx.need("Contracts", "setupFee")
    c = ctx.active_contracts()
    hit = flag(c["setupFee"].gt(0))
    return judged(c["id"], hit, "REVIEW",
                  contract_names(c) + " carries a setup fee of " + num(c["setupFee"]),
                  contract_names(c) + " has no setup fee", c["companyID"])


@rule(
    id="contract_milestones", area="billing", severity="medium", entity_type="Contract", edge_case=True,
    title="Fixed Price contract bills through milestones",
    impact="HaloPSA has no Fixed Price contract with milestones as Autotask does, but it supports fixed-price "
           "billing: an agreement can allow fixed price, and projects carry budgets and valued milestones. The "
           "project's labour must be routed to Don't invoice, or the client is billed twice.",
    remediation="Rebuild each open Fixed Price contract as a HaloPSA project with its remaining milestones and a "
                "billing rule or category that marks its labour Don't invoice; milestones already billed stay in "
                "the Autotask archive. Test milestone billing in a test tenant first.",
    requires=("Contracts", "ContractMilestones"),
    sources=("https://ww1.autotask.net/help/DeveloperHelp/Content/APIs/REST/Entities/ContractMilestonesEntity.htm",
             "https://haloitsm.com/guides/article?kbid=1354",
             "https://usehalo.com/guide/pre-pay-2/",
             halo_api("ContractHeader.allowfixedprice", "Faults.milestones", "Faults.milestone_value",
                      "RequestType.milestone_billing")),
)
def contract_milestones(ctx):
    """Active Fixed Price contract with milestones: REVIEW (count and total value); without: PASS."""
    m = ctx.t("ContractMilestones")
    stats = m.groupby(m["contractID"].astype("Int64")).agg(
        n=("contractID", "size"),
        value=("amount", "sum") if "amount" in m.columns else ("contractID", "size"))
    c = ctx.active_contracts()
    c = c[flag(c["contractType"].eq(FIXED_PRICE))]
    n = _on(c, stats["n"])
    hit = n > 0
    value = (" worth " + num(c["id"].map(stats["value"]))) if "amount" in m.columns else pd.Series("", index=c.index)
    return judged(c["id"], hit, "REVIEW",
                  contract_names(c) + " is Fixed Price with " + n.astype("string") + " milestone(s)" + value,
                  contract_names(c) + " is Fixed Price with no milestones", c["companyID"])


@rule(
    id="contract_billing_rule_units", area="billing", severity="medium", entity_type="Contract", edge_case=True,
    title="Contract bills per contact or per device through billing rules",
    impact="Autotask billing rules count contacts or devices each period (with minimum and maximum units and "
           "proration); HaloPSA needs recurring invoice lines with auto-quantity and matching criteria instead.",
    remediation="Rebuild as HaloPSA recurring invoice lines with user or asset auto-quantity, free and minimum "
                "quantities and pro-rata set to match; check tiered prices by hand.",
    requires=("Contracts", "ContractBillingRules"),
    sources=("https://ww1.autotask.net/help/Content/3_Features/6_Contracts/BillingRules/RULE_BASED_BILLING.htm",
             "https://usehalo.com/faq-list/billing-2/page/3/",
             halo_api("InvoiceDetail.recurring_invoice_quantity_type", "ContractHeader.numberofunitsfree")),
)
def contract_billing_rule_units(ctx):
    """Active contract with an active, unexpired ContractBillingRule: REVIEW (listing per-contact/per-device
    products, min/max units, daily proration); none: PASS."""
    b = ctx.t("ContractBillingRules")
    b = b[is_active(b) & ~flag(col(b, "endDate", "datetime64[ms]").lt(ctx.as_of))]
    kind = pd.Series(pd.NA, index=b.index, dtype="Int64")
    if ctx.has("Products") and "billingType" in ctx.t("Products").columns and "productID" in b.columns:
        p = ctx.t("Products").drop_duplicates("id").set_index("id")["billingType"]
        kind = b["productID"].map(p).astype("Int64")
    limits = flag(col(b, "minimumUnits", "Float64").gt(0)) | flag(col(b, "maximumUnits", "Float64").gt(0))
    prorate = flag(col(b, "isDailyProrationEnabled", "boolean").eq(True))
    frame = pd.DataFrame({"contract": b["contractID"].astype("Int64"), "n": 1,
                          "contact": flag(kind.eq(PER_CONTACT)), "device": flag(kind.eq(PER_DEVICE)),
                          "limits": limits, "prorate": prorate})
    stats = frame.groupby("contract").sum()
    c = ctx.active_contracts()
    n = _on(c, stats["n"])
    hit = n > 0

    def some(name, text):
        return pd.Series(np.where(_on(c, stats[name]) > 0, text, ""), index=c.index, dtype="string")

    detail = join_parts([some("contact", "per contact"), some("device", "per device"),
                         some("limits", "min/max units"), some("prorate", "daily proration")], ", ")
    detail = detail.where(detail.eq(""), " (" + detail + ")")
    return judged(c["id"], hit, "REVIEW",
                  contract_names(c) + " has " + n.astype("string") + " active billing rule(s)" + detail,
                  contract_names(c) + " has no active billing rules", c["companyID"])


@rule(
    id="contract_multiple_active", area="billing", severity="medium", entity_type="Company",
    title="Customer has more than one active contract",
    impact="With several agreements per client, HaloPSA billing rules must pick the right agreement for every "
           "ticket; matching becomes fragile and labour lands on the wrong agreement.",
    remediation="Decide per client which HaloPSA agreement covers what (ticket types, categories), consolidate "
                "where possible, and order the billing rules accordingly.",
    requires=("Contracts",),
    sources=("https://haloitsm.com/guides/article/?kbid=1957",
             "https://ww5.autotask.net/help/content/3_Features/6_Contracts/AdminGeneral/CONTRACTSMAIN.htm"),
)
def contract_multiple_active(ctx):
    """Company with more than one active contract: REVIEW (with the contract types); exactly one: PASS."""
    c = ctx.active_contracts()
    c = c[c["companyID"].notna()]
    n = c.groupby(c["companyID"].astype("Int64")).size()
    types = c[["companyID", "type_label"]].drop_duplicates().sort_values(["companyID", "type_label"])
    kinds = types.groupby(types["companyID"].astype("Int64"))["type_label"].agg(", ".join)
    comp = pd.Series(n.index, index=n.index)
    hit = n.gt(1)
    name = named("Company", comp.map(ctx.company_names()), comp)
    return judged(comp, hit, "REVIEW",
                  name + " has " + n.astype("string") + " active contracts (" + kinds.reindex(n.index) + ")",
                  name + " has one active contract", comp)


@rule(
    id="contract_service_bundle", area="billing", severity="medium", entity_type="Contract", edge_case=True,
    title="Recurring contract bills service bundles",
    impact="Service bundles have no direct HaloPSA twin on an agreement; each becomes a product bundle or a set of "
           "recurring invoice lines, and bundle discounts must be re-created.",
    remediation="Rebuild each bundle as a HaloPSA product bundle (or grouped recurring invoice lines) with its "
                "discounted price, and attach it to the client's recurring invoice.",
    requires=("Contracts", "ContractServiceBundles"),
    sources=("https://haloitsm.com/guides/article/?kbid=2302",
             "https://haloitsm.com/guides/article/?kbid=2398",
             "https://ww2.autotask.net/help/content/3_features/6_Contracts/AdminGeneral/BusinessCaseContracts.htm"),
)
def contract_service_bundle(ctx):
    """Active contract with ContractServiceBundles: REVIEW; active Recurring Service contract without: PASS."""
    n_all = _count_by(ctx.t("ContractServiceBundles"), "contractID")
    c = ctx.active_contracts()
    n = _on(c, n_all)
    keep = (n > 0) | flag(c["contractType"].eq(RECURRING))  # only recurring contracts can carry bundles
    c, n = c[keep], n[keep]
    return judged(c["id"], n > 0, "REVIEW", contract_names(c) + " bills " + n.astype("string") + " service bundle(s)",
                  contract_names(c) + " bills no service bundles", c["companyID"])


@rule(
    id="contract_exclusion_set_unused", area="billing", severity="info", entity_type="ContractExclusionSet",
    title="Contract exclusion set is used by no active contract",
    impact="An unused exclusion set rebuilt in HaloPSA becomes billing rules nobody needs on each client it is "
           "applied to, making every agreement's rule order longer to check.",
    remediation="Do not rebuild it; rebuild only the sets used by active contracts as HaloPSA billing rules (a "
                "billing template can apply one rule set to many clients).",
    requires=("Contracts", "ContractExclusionSets"),
    sources=("https://ww15.autotask.net/help/content/4_Admin/2FeaturesSettings/ContractsUnposting/ContractExclusionSets/Manage_Contract_Exclusion_Sets.htm",
             "https://haloitsm.com/guides/article/?kbid=1957",
             "https://haloitsm.com/guides/article?kbid=1354"),
)
def contract_exclusion_set_unused(ctx):
    """Exclusion set referenced by no active contract: REVIEW; used: PASS (with the count of contracts)."""
    ctx.need("Contracts", "contractExclusionSetID")
    s = ctx.t("ContractExclusionSets")
    used = _count_by(ctx.active_contracts(), "contractExclusionSetID")
    n = _on(s, used)
    hit = n.eq(0)
    name = named("Contract exclusion set", col(s, "name", "string"), s["id"])
    note = pd.Series(np.where(is_inactive(s), " (inactive)", ""), index=s.index, dtype="string")
    return judged(s["id"], hit, "REVIEW",
                  name + note + " is used by no active contract",
                  name + " is used by " + n.astype("string") + " active contract(s)")
