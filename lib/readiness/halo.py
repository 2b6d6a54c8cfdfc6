"""HaloPSA counterparts of Autotask concepts, as data: contract type targets and verdicts, native
integrations, and what each kind of workflow rule is rebuilt as.

Verdicts: direct (maps with re-keying only), rethink (maps to a different HaloPSA structure),
manual (no direct HaloPSA equivalent: approximate it and decide case by case), retire (inactive: not migrated).

Sources for the targets (see also the rules' `sources`):
- pay-as-you-go and agreements: https://usehalo.com/faq-list/billing-rules-agreements/
- pre-pay hours or amount: https://haloitsm.com/guides/article?kbid=1133, https://usehalo.com/faq-list/pre-pay-billing/
- recurring invoices: https://haloitsm.com/guides/article/?kbid=1113
- fixed price and milestones: https://halopsa.com/guides/article?kbid=929 (HaloPSA API description at an instance's /apidoc: ContractHeader.allowfixedprice,
  Faults.milestone_value)
- Per Ticket: https://ww2.autotask.net/help/developerhelp/Content/APIs/REST/Entities/ContractTicketPurchasesEntity.htm,
  https://usehalo.com/guide/pre-pay-2/ (no HaloPSA counter of tickets bought or used was found)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.entities import fold, fold_series  # case, space and punctuation folding shared with the loader

from readiness.vocabulary import CONTRACT_TYPE_LABELS, VERDICTS  # noqa: F401

# Contracts.contractType code -> (HaloPSA target, verdict).
_TARGETS = {
    1: ("Pay-as-you-go with charge rates", "direct"),
    3: ("Project with valued milestones", "rethink"),  # HaloPSA agreements can also allow fixed price
    4: ("Pre-pay hours", "rethink"),  # role block-hour factors: only a per-charge-type multiplier (kbid=1300)
    6: ("Pre-pay by amount", "direct"),
    7: ("Agreement + billing rules + recurring invoice lines", "rethink"),
    8: ("No direct HaloPSA equivalent: approximate with a pre-pay amount and fixed-price tickets", "manual"),
}
# Contracts.contractType code -> (label, HaloPSA target, verdict).
CONTRACT_TYPES: dict[int, tuple[str, str, str]] = {code: (CONTRACT_TYPE_LABELS[code], *target)
                                                   for code, target in _TARGETS.items()}
UNKNOWN_TYPE_TARGET = "Unknown contract type: map by hand"
RETIRE_TARGET = "Retire: inactive contract, keep its history in the Autotask archive"
CONTRACT_INACTIVE = 0  # Contracts.status code for Inactive


def contract_type_table() -> pd.DataFrame:
    """The contract type map as a table: contract_type (code), contract_type_label, halo_target, verdict."""
    return pd.DataFrame(
        [(code, *row) for code, row in CONTRACT_TYPES.items()],
        columns=["contract_type", "contract_type_label", "halo_target", "verdict"],
    ).astype({"contract_type": "Int64", "contract_type_label": "string", "halo_target": "string",
              "verdict": "string"})


def contract_targets(contracts: pd.DataFrame) -> pd.DataFrame:
    """HaloPSA target and verdict for every row of a Contracts table (same order, same length).

    Returns contract_id, contract_type_label, halo_target, verdict. An Inactive contract (status 0) is
    `retire` whatever its type; an unknown type code is `manual`.
    """
    code = contracts["contractType"].astype("Int64") if "contractType" in contracts.columns else \
        pd.Series(pd.NA, index=contracts.index, dtype="Int64")
    table = contract_type_table().set_index("contract_type")
    label = code.map(table["contract_type_label"]).astype("string")
    target = code.map(table["halo_target"]).astype("string")
    verdict = code.map(table["verdict"]).astype("string")
    unknown = label.isna()
    label = label.where(~unknown, "Type " + code.astype("string").fillna("unknown"))
    target = target.where(~unknown, UNKNOWN_TYPE_TARGET)
    verdict = verdict.where(~unknown, "manual")
    if "status" in contracts.columns:
        inactive = contracts["status"].astype("Int64").eq(CONTRACT_INACTIVE).fillna(False).astype(bool)
        target = target.where(~inactive, RETIRE_TARGET)
        verdict = verdict.where(~inactive, "retire")
    return pd.DataFrame({
        "contract_id": contracts["id"].astype("Int64").to_numpy(),
        "contract_type_label": label.to_numpy(),
        "halo_target": target.to_numpy(),
        "verdict": verdict.to_numpy(),
    }).astype({"contract_type_label": "string", "halo_target": "string", "verdict": "string"})


# HaloPSA's integration for each tool, under every common spelling of the tool's name (halopsa-model.md §5, §2b).
# Bare vendor names that cover several products ("Datto", "Kaseya", "Sage") are left out on purpose: they
# stay unmatched so a person confirms which product is meant.
_INTEGRATIONS: dict[str, tuple[str, ...]] = {
    "Datto RMM integration": ("Datto RMM", "Autotask Endpoint Management", "AEM"),
    "NinjaOne integration": ("NinjaOne", "NinjaRMM", "Ninja RMM", "Ninja"),
    "N-able N-central integration": ("N-able N-central", "N-central", "SolarWinds N-central"),
    "N-able N-sight integration": ("N-able N-sight", "N-sight", "N-able RMM", "SolarWinds RMM", "N-sight RMM"),
    "ConnectWise Automate integration": ("ConnectWise Automate", "CW Automate", "LabTech", "Automate"),
    "Kaseya VSA integration": ("Kaseya VSA", "VSA", "Kaseya VSA 10", "VSA X"),
    "Atera integration": ("Atera",),
    "Syncro integration": ("Syncro", "SyncroMSP"),
    "ConnectWise RMM integration": ("ConnectWise RMM", "CW RMM", "ConnectWise Continuum", "Continuum"),
    "Addigy integration": ("Addigy",),
    "Auvik integration": ("Auvik",),
    "Liongard integration": ("Liongard",),
    "Xero integration": ("Xero",),
    "QuickBooks Online integration": ("QuickBooks Online", "QBO", "QuickBooks", "Intuit QuickBooks"),
    "QuickBooks Desktop via Halo Accounts Integrator": ("QuickBooks Desktop", "QBD"),
    "Sage 50 via Halo Accounts Integrator": ("Sage 50", "Sage50", "Sage 50 Accounts", "Sage 50cloud"),
    "IT Glue integration": ("IT Glue", "ITGlue"),
    "Hudu's HaloPSA integration (built by Hudu)": ("Hudu",),
    "Pax8 integration": ("Pax8",),
    "Giacom integration": ("Giacom", "Inty", "Giacom Cloud Market"),
    "Microsoft CSP integration": ("Microsoft CSP", "CSP", "Microsoft Partner Center", "Partner Center",
                                  "Microsoft 365 CSP"),
    "Ingram Micro integrator module": ("Ingram Micro", "Ingram", "Ingram Micro Cloud"),
    "TD Synnex integrator module": ("TD Synnex", "TD SYNNEX StreamOne", "Synnex", "Tech Data", "TechData"),
    "Sherweb integrator module": ("Sherweb",),
    "Rhipe integrator module": ("Rhipe",),
    "Dicker Data integrator module": ("Dicker Data",),
    "Westcoast Cloud integrator module": ("Westcoast Cloud", "Westcoast"),
    "ALSO integrator module": ("ALSO", "ALSO Cloud Marketplace"),
    "ArrowSphere integrator module": ("ArrowSphere",),
    "Backup Radar integration": ("Backup Radar", "BackupRadar"),
    "Huntress HaloPSA billing sync (built by Huntress)": ("Huntress",),
    "INFIMA HaloPSA integration (built by INFIMA)": ("INFIMA",),
}
# Evidenced only by HaloPSA's API description (an /IntegrationData/Get/... path or a Control.halointegrator_* /
# *_client_mappings field), no Halo guide checked:
# https://halopsa.com/guides/article?kbid=929 (HaloPSA API description at an instance's /apidoc: IntegrationData).
# The vendor-built ones (Hudu, Huntress, INFIMA) are documented by their vendors.
API_EVIDENCE_ONLY = frozenset({
    "ConnectWise Automate integration", "Kaseya VSA integration", "Atera integration", "Syncro integration",
    "ConnectWise RMM integration", "Addigy integration", "Auvik integration", "Liongard integration",
    "Ingram Micro integrator module", "TD Synnex integrator module", "Sherweb integrator module",
    "Rhipe integrator module", "Dicker Data integrator module", "Westcoast Cloud integrator module",
    "ALSO integrator module", "ArrowSphere integrator module", "Backup Radar integration",
})
NATIVE_INTEGRATIONS: dict[str, str] = {fold(alias): halo for halo, aliases in _INTEGRATIONS.items()
                                       for alias in aliases}


def native_integrations(names: pd.Series) -> pd.Series:
    """HaloPSA integration for each tool name (missing where none is known), matched after folding."""
    return fold_series(names).map(NATIVE_INTEGRATIONS).astype("string")


# Workflow rule -> what it is rebuilt as in HaloPSA (halopsa-model.md §3), checked in this order: the first
# kind whose test matches decides. Time-based rules come first because their field updates and e-mails
# ride on the SLA timers in HaloPSA.
REBUILD_SLA = "SLA + Notification"
REBUILD_WORKFLOW = "Workflow / Runbook"
REBUILD_TICKET_RULE = "Ticket Rule"
REBUILD_NOTIFICATION = "Notification + Email Template"
WORKFLOW_REBUILD = pd.DataFrame([
    (REBUILD_SLA, "time offset set, or escalation / due-date / no-activity wording",
     "SLA response and resolution targets with warning notifications; ticket rules on existing tickets"),
    (REBUILD_WORKFLOW, "creates to-dos, tickets, notes or tasks, or calls out (webhook, extension)",
     "Workflow stage actions, to-do lists and Runbooks"),
    (REBUILD_TICKET_RULE, "updates fields (assign queue or resource, set priority, status, SLA)",
     "Ticket Rules: criteria -> outcomes, in precedence order"),
    (REBUILD_NOTIFICATION, "only sends e-mail notifications",
     "Notifications on events plus an Email Template"),
], columns=["rebuild_as", "when", "halo_counterpart"])

_TIME_WORDS = (r"escalat|overdue|due date|due time|duedate|no activity|not updated|has not been|timeframe"
               r"|before due|after due")
_CREATE_WORDS = (r"to-?do|create (?:a |new )?(?:ticket|note|task|to-?do|project|opportunity)|add (?:a )?note|checklist"
                 r"|webhook|callout")
_UPDATE_WORDS = r"\bset\b|assign|update|change|move to|\bclear\b"
_NOTIFY_WORDS = r"notif|e-?mail|send"


def workflow_rebuild_as(rules: pd.DataFrame) -> pd.Series:
    """What each WorkflowRules row is rebuilt as in HaloPSA (one of WORKFLOW_REBUILD.rebuild_as).

    Decided from time_offset, events and actions text, then notification_template / notify; rows with no
    evidence default to a Ticket Rule (the most common Autotask rule: field updates on create/edit).
    """
    def txt(name):
        if name not in rules.columns:
            return pd.Series("", index=rules.index, dtype="string")
        return rules[name].astype("string").fillna("").str.casefold()

    offset, events, actions = txt("time_offset"), txt("events"), txt("actions")
    notify = txt("notification_template") + " " + txt("notify")
    timed = offset.str.strip().ne("") & ~offset.str.strip().isin(["0", "none", "no", "-"])
    timed |= (events + " " + actions).str.contains(_TIME_WORDS, regex=True)
    creates = actions.str.contains(_CREATE_WORDS, regex=True)
    updates = actions.str.contains(_UPDATE_WORDS, regex=True)
    notifies = actions.str.contains(_NOTIFY_WORDS, regex=True) | notify.str.strip().ne("")
    kind = np.select(
        [timed.fillna(False).to_numpy(bool), creates.fillna(False).to_numpy(bool),
         updates.fillna(False).to_numpy(bool), notifies.fillna(False).to_numpy(bool)],
        [REBUILD_SLA, REBUILD_WORKFLOW, REBUILD_TICKET_RULE, REBUILD_NOTIFICATION],
        default=REBUILD_TICKET_RULE,
    )
    return pd.Series(kind, index=rules.index, dtype="string")
