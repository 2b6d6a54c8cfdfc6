"""Service catalogue rules: what to migrate, what to retire, and inconsistencies to fix first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.rules.base import rule
from readiness.rules.frames import col, flag, is_active, is_inactive, judged, named, result


def _services_on_active_contracts(ctx) -> pd.Series:
    """Number of active contracts carrying each service id."""
    def build():
        cs = ctx.t("ContractServices")
        active = ctx.active_contracts()["id"]
        on = cs[cs["contractID"].isin(active)][["contractID", "serviceID"]].drop_duplicates()
        return on.groupby(on["serviceID"].astype("Int64")).size()
    return ctx.cached("services_on_active_contracts", build)


@rule(
    id="service_inactive_in_use", area="services", severity="high", entity_type="Service",
    title="Inactive service is still billed on an active contract",
    impact="An inactive Autotask service still billed would bring a retired item back onto HaloPSA recurring "
           "invoices, or leave the client billed for something no longer sold.",
    remediation="Before migration, replace it on the contracts with its current service, or reactivate it "
                "deliberately; then create the HaloPSA item for what is really sold.",
    requires=("Services", "ContractServices", "Contracts"),
    sources=("https://ww1.autotask.net/help/Content/4_Admin/2FeaturesSettings/FinanceAccountingInvoicing/BillingCodes/ServiceCodes.htm",
             "https://usehalo.com/guide/managing-recurring-invoices-recurring-invoice-lines/"),
)
def service_inactive_in_use(ctx):
    """Service with isActive false on at least one active contract: FAIL; active service on one: PASS."""
    s = ctx.need("Services", "isActive")
    n = s["id"].map(_services_on_active_contracts(ctx)).fillna(0).astype(int)
    used = n > 0
    s, n = s[used], n[used]
    hit = is_inactive(s)
    name = named("Service", col(s, "name", "string"), s["id"])
    return judged(s["id"], hit, "FAIL",
                  name + " is inactive but still on " + n.astype("string") + " active contract(s)",
                  name + " is active and on " + n.astype("string") + " active contract(s)")


@rule(
    id="service_retired", area="services", severity="low", entity_type="Service",
    feeds=("retire:services",),
    title="Service is on no active contract and has billed no units recently",
    impact="Migrating a retired service adds a HaloPSA item nobody sells, clutters the item list used on "
           "recurring invoices, and invites it back onto new agreements.",
    remediation="Do not create it as a HaloPSA item; keep its history in the Autotask archive.",
    requires=("Services", "ContractServices", "Contracts"), params={"stale_days": 180},
    sources=("https://haloitsm.com/guides/article/?kbid=2302",
             "https://kinesys.it/blog/autotask-to-halopsa-migration (practitioner's guide, HaloPSA partner)"),
    columns={"ContractServiceUnits": ("serviceID", "contractServiceID", "units", "startDate", "endDate")},
)
def service_retired(ctx):
    """Service on no active contract and with no ContractServiceUnits (units > 0) overlapping the last
    `stale_days` days (default 180): REVIEW; on an active contract or billed recently: PASS."""
    days = int(ctx.param("stale_days"))
    cut = ctx.cutoff(days)
    s = ctx.t("Services")
    on_active = s["id"].map(_services_on_active_contracts(ctx)).fillna(0).astype(int)
    recent = pd.Series(False, index=s.index)
    units_known = ctx.has("ContractServiceUnits")
    if units_known:
        u = ctx.t("ContractServiceUnits")
        service = col(u, "serviceID", "Int64").astype("Int64")
        if "contractServiceID" in u.columns:  # older exports carry only the contract service link
            cs = ctx.t("ContractServices").drop_duplicates("id").set_index("id")["serviceID"]
            service = service.fillna(u["contractServiceID"].map(cs).astype("Int64"))
        billed = ~flag(col(u, "units", "Float64").le(0))
        start = col(u, "startDate", "datetime64[ms]")
        end = col(u, "endDate", "datetime64[ms]").fillna(start)
        in_window = flag(start.le(ctx.as_of)) & flag(end.ge(cut))
        recent = flag(s["id"].isin(service[billed & in_window]))
    hit = on_active.eq(0) & ~recent
    name = named("Service", col(s, "name", "string"), s["id"])
    units_note = f"billed no units in the last {days} days" if units_known else "ContractServiceUnits not exported"
    reason = np.select(
        [hit.to_numpy(), on_active.gt(0).to_numpy()],
        [(name + " is on no active contract and " + units_note).to_numpy(),
         (name + " is on " + on_active.astype("string") + " active contract(s)").to_numpy()],
        (name + f" billed units in the last {days} days").to_numpy(),
    )
    return result(s["id"], pd.Series(np.where(hit, "REVIEW", "PASS")), pd.Series(reason))


@rule(
    id="service_bundle_inactive_member", area="services", severity="medium", entity_type="ServiceBundle",
    title="Active service bundle contains an inactive service",
    impact="A HaloPSA product bundle can only hold items that exist; a bundle with a retired member is rebuilt "
           "incomplete or revives the retired service.",
    remediation="Decide per bundle: replace or drop the inactive member in Autotask, then rebuild the bundle in "
                "HaloPSA from active items only.",
    requires=("ServiceBundles", "ServiceBundleServices", "Services"),
    sources=("https://haloitsm.com/guides/article/?kbid=2302", "https://haloitsm.com/guides/article/?kbid=2398"),
)
def service_bundle_inactive_member(ctx):
    """Active bundle with an inactive member service: REVIEW (naming the members); all members active: PASS."""
    s = ctx.need("Services", "isActive")
    b = ctx.t("ServiceBundles")
    b = b[is_active(b)]
    m = ctx.t("ServiceBundleServices")
    m = m[m["serviceBundleID"].isin(b["id"])]
    dead_ids = s["id"][is_inactive(s)]
    dead = m[m["serviceID"].isin(dead_ids)]
    names = s.drop_duplicates("id").set_index("id")
    names = names["name"] if "name" in names.columns else pd.Series(dtype="string")
    dead_names = "'" + dead["serviceID"].map(names).astype("string").fillna("?") + "'"
    pairs = pd.DataFrame({"bundle": dead["serviceBundleID"].astype("Int64").to_numpy(),
                          "name": dead_names.to_numpy()}).drop_duplicates().sort_values(["bundle", "name"])
    who = pairs.groupby("bundle")["name"].agg(", ".join)
    checked = b[b["id"].isin(m["serviceBundleID"])]
    listed = checked["id"].map(who).astype("string")
    hit = listed.notna()
    name = named("Service bundle", col(checked, "name", "string"), checked["id"])
    return judged(checked["id"], hit, "REVIEW",
                  name + " contains inactive service(s) " + listed.fillna(""),
                  name + " contains only active services")
