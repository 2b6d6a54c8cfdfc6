"""Go-live checklist: the practitioner guide's 13 items, each with what the export already says.

Columns: item, state ("data": the export can speak to it, "person": only a person can tick it), evidence
(one sentence with counts), status ("ok": nothing in the data blocks it, "attention": the data shows work
left, "person": a person must check). Every item still needs a person's tick at cutover; the data says how
much stands between the team and that tick.
"""

from __future__ import annotations

import pandas as pd

from readiness.columns import is_active
from readiness.entities import fold_series
from readiness.rules.base import RULES, feeding
from readiness.vocabulary import PLACEMENTS

ITEMS = (
    "All active clients and contacts imported and verified",
    "All active assets imported and assigned correctly",
    "Open tickets migrated and assigned to the correct queues and engineers",
    "All active contracts configured and billing output validated against Autotask",
    "Subscription integrations (Pax8, Giacom, Microsoft CSP) configured and tested",
    "RMM integration configured and alert-to-ticket automation tested",
    "Accounting integration configured and test invoice generated",
    "All priority notification templates created and tested",
    "Core workflow automations rebuilt and tested end to end",
    "User roles and permissions configured and reviewed with team leads",
    "Client portal tested from a client perspective",
    "Parallel billing cycle completed and output verified",
    "Team training completed — every engineer has logged in and handled at least one ticket",
)
COLUMNS = ["item", "state", "evidence", "status"]

# Integration category by folded-name fragment, matched on the client's name for the tool and on the HaloPSA
# integration it maps to. Bare vendor names are enough here: the category, not the product, is what counts.
CATEGORY_PATTERNS = {
    "subscription": r"pax8|giacom|inty|microsoftcsp|^csp$|partnercenter|ingram|synnex|techdata|sherweb|rhipe|"
                    r"dickerdata|westcoast|^also|arrowsphere",
    "rmm": r"rmm|ninja|ncentral|nsight|automate|labtech|vsa|atera|syncro|addigy|continuum|kaseya|datto|"
           r"endpointmanagement|^aem$",
    "accounting": r"xero|quickbooks|^qbo$|^qbd$|sage|myob|netsuite|dynamics|freshbooks",
}
# The rules whose findings give the checklist its counts: those declaring a checklist placement (their `feeds`).
CHECKLIST_PLACEMENTS = tuple(p for p in PLACEMENTS if p.startswith("checklist:"))


def checklist_rules() -> tuple[str, ...]:
    return tuple(dict.fromkeys(rid for p in CHECKLIST_PLACEMENTS for rid in feeding(p)))


CATEGORY_LABEL = {"subscription": "Subscription platforms", "rmm": "RMM", "accounting": "Accounting"}


def _flagged(findings: pd.DataFrame, rule_id: str, *, muted_too: bool = False, entity_type: str | None = None) -> int:
    """Distinct entities with an unmuted (or any, `muted_too`) FAIL/REVIEW from `rule_id`."""
    f = findings[findings["rule_id"].eq(rule_id) & findings["status"].isin(["FAIL", "REVIEW"])]
    if not muted_too and "muted" in f:
        f = f[~f["muted"].astype(bool)]
    if entity_type is not None:
        f = f[f["entity_type"].eq(entity_type)]
    return int(f["entity_id"].nunique())


def _ran(findings: pd.DataFrame, rule_id: str) -> bool:
    """True when `rule_id` produced any non-ERROR finding (so a zero count means zero, not unknown)."""
    return bool((findings["rule_id"].eq(rule_id) & findings["status"].ne("ERROR")).any())


def _n(x: int) -> str:
    return f"{int(x):,}"


def _fed(placement: str, also: str | None = None) -> tuple[str, ...]:
    """Rules feeding checklist `placement` (and, when given, placement `also` too), in catalogue order."""
    ids = feeding(placement)
    return ids if also is None else tuple(r for r in ids if r in feeding(also))


def _tallies(findings: pd.DataFrame, rule_ids, entity_type: str | None = None, groups=(), *,
             muted_too: bool = False, nonzero: bool = False) -> list[tuple[int, str]]:
    """(N, "N <tally>") for each rule (its declared tally), counting its flagged entities of `entity_type`.

    A rule attaches to the group of its own entity type; one whose type is none of the item's `groups` (a
    cross-entity rule such as orphan_reference) counts at every group, filtered to that group's entity type.
    `nonzero` leaves out the zero counts."""
    out = []
    for rid in rule_ids:
        declared = RULES[rid].entity_type
        if entity_type is not None and declared != entity_type and declared in groups:
            continue
        typed = entity_type if entity_type is not None and declared != entity_type else None
        n = _flagged(findings, rid, muted_too=muted_too, entity_type=typed)
        if n or not nonzero:
            out.append((n, f"{_n(n)} {RULES[rid].tally}"))
    return out


def _counted(head: str, tallies: list[tuple[int, str]]) -> str:
    """"head, tally, tally"."""
    return ", ".join([head, *(text for _, text in tallies)])


def _any(tallies: list[tuple[int, str]]) -> bool:
    """True when any tally counts something."""
    return any(n for n, _ in tallies)


def classify_integrations(names, halo=None) -> pd.DataFrame:
    """One row per integration named in client.yaml: name, halo_integration (or NA), native (bool), category
    (subscription / rmm / accounting / other)."""
    if halo is None:
        from readiness import halo
    names = pd.Series([str(n) for n in (names or []) if n is not None and str(n).strip()], dtype="string")
    native = halo.native_integrations(names) if len(names) else pd.Series(dtype="string")
    category = pd.Series("other", index=names.index, dtype="string")
    for cat, pattern in reversed(list(CATEGORY_PATTERNS.items())):
        hit = fold_series(names).str.contains(pattern, regex=True) | fold_series(native).str.contains(pattern, regex=True)
        category = category.where(~hit.fillna(False), cat)
    return pd.DataFrame({"name": names, "halo_integration": native.astype("string"),
                         "native": native.notna().to_numpy(), "category": category})


def integration_counts(integrations: pd.DataFrame) -> dict[str, int]:
    """{"listed", "native", "other"} from classify_integrations output."""
    native = int(integrations["native"].sum()) if len(integrations) else 0
    return {"listed": int(len(integrations)), "native": native, "other": int(len(integrations)) - native}


def _integration_item(integrations: pd.DataFrame, category: str, with_total: bool) -> tuple[str, str]:
    """Evidence and status for one integration category; `with_total` appends the all-integrations count."""
    listed = integrations[integrations["category"].eq(category)]
    total = integration_counts(integrations)
    overall = (f"Integrations: {total['listed']} listed, {total['native']} with a native HaloPSA integration."
               if total["listed"] and with_total else "")
    label = CATEGORY_LABEL[category]
    if listed.empty:
        text = f"{label}: none listed in client.yaml; confirm none is in use."
        return " ".join(x for x in (text, overall) if x), "person"
    parts = [f"{n} ({h})" if pd.notna(h) else f"{n} (no native HaloPSA integration known)"
             for n, h in zip(listed["name"], listed["halo_integration"])]
    status = "ok" if listed["native"].all() else "attention"
    return f"{label}: {', '.join(parts)}. {overall}".strip(), status


def build_checklist(facts, findings: pd.DataFrame, contract_map: pd.DataFrame, integrations=None) -> pd.DataFrame:
    """The 13 go-live items with evidence from the audit's facts and findings (see module docstring).

    `integrations` is classify_integrations output (computed from client.yaml when None).
    """
    from readiness.contract_map import verdict_counts
    from readiness.effort import DEFAULT_TECHNICIANS

    client = facts.client
    muted = findings["muted"].astype(bool) if "muted" in findings else pd.Series(False, index=findings.index)
    contract_fails = int((~muted & findings["area"].isin(["contracts", "billing"])
                          & findings["status"].eq("FAIL")).sum())
    # Only the rules named below matter from here on: one filter instead of a full scan per count.
    findings = findings[findings["rule_id"].isin(checklist_rules())]
    if integrations is None:
        integrations = classify_integrations(client.get("integrations") or [])
    rows = []

    def add(item, evidence, status, state="data"):
        rows.append({"item": item, "state": state, "evidence": evidence, "status": status})

    # 1. Clients and contacts: each rule feeding the item is counted after the records of its entity type.
    clients = _fed("checklist:clients")
    groups = ("Company", "Contact")
    if facts.has("Companies"):
        company = _tallies(findings, clients, "Company", groups)
        text = _counted(f"Active customers: {_n(len(facts.active_customers()))}", company)
        issues = _any(company)
        if facts.has("Contacts"):
            contact = _tallies(findings, clients, "Contact", groups)
            text += "; " + _counted(f"active contacts: {_n(len(facts.active_rows('Contacts')))}", contact)
            issues |= _any(contact)
        else:
            text += "; Contacts not in the export"
            issues = True
        add(ITEMS[0], text + ".", "attention" if issues else "ok")
    else:
        add(ITEMS[0], "Companies not in the export: clients cannot be counted.", "attention")

    # 2. Assets
    if facts.has("ConfigurationItems"):
        assets = _tallies(findings, _fed("checklist:assets"), "ConfigurationItem", ("ConfigurationItem",))
        text = _counted(f"Active configuration items: {_n(len(facts.active_rows('ConfigurationItems')))}", assets)
        add(ITEMS[1], text + ".", "attention" if _any(assets) else "ok")
    else:
        add(ITEMS[1], "ConfigurationItems not in the export: assets cannot be counted.", "attention")

    # 3. Open tickets
    if facts.has("Tickets", "status"):
        work = _tallies(findings, _fed("checklist:open_tickets"), "Ticket", ("Ticket",))
        add(ITEMS[2], _counted(f"Open tickets: {_n(len(facts.open_tickets()))} to migrate", work) + ".",
            "attention" if _any(work) else "ok")
    else:
        add(ITEMS[2], "Tickets not in the export: open tickets cannot be counted.", "attention")

    # 4. Contracts and billing
    if len(contract_map):
        v = verdict_counts(contract_map)
        active = contract_map[contract_map["status"].eq("Active").fillna(False)]
        edge = int(active["edge_cases"].fillna("").ne("").sum())
        fails = contract_fails
        text = (f"Active contracts: {_n(len(active))} ({_n(v['direct'])} direct, {_n(v['rethink'])} rethink, "
                f"{_n(v['manual'])} manual); {_n(edge)} with edge cases; "
                f"{_n(int(contract_map['verdict'].eq('retire').fillna(False).sum()))} inactive to retire")
        if fails:
            text += f"; {_n(fails)} contract/billing FAIL findings"
        needs_work = v["rethink"] or v["manual"] or edge or fails
        add(ITEMS[3], text + ".", "attention" if needs_work else "ok")
    else:
        add(ITEMS[3], "Contracts not in the export: contracts cannot be mapped.", "attention")

    # 5–7. Integrations by category
    # The all-integrations count is said once, on the first of the three items.
    for item, cat in ((ITEMS[4], "subscription"), (ITEMS[5], "rmm"), (ITEMS[6], "accounting")):
        add(item, *_integration_item(integrations, cat, with_total=cat == "subscription"))

    # 8. Notification templates: the rules feeding the item and the rebuild list give the templates in use, those
    # feeding it and the retire list the ones not rebuilt; any other rule feeding it is counted after them.
    templates = _fed("checklist:templates")
    in_use_rules, unused_rules = _fed("checklist:templates", "rebuild:templates"), _fed("checklist:templates",
                                                                                          "retire:templates")
    if facts.has("NotificationTemplates"):
        nt = facts.templates()
        if any(_ran(findings, rid) for rid in templates):
            rebuild = findings[findings["rule_id"].isin(in_use_rules) & findings["status"].isin(["FAIL", "REVIEW"])]
            in_use = int(rebuild["entity_id"].nunique())
            unused = _tallies(findings, unused_rules, muted_too=True)
        else:
            in_use, unused = int(is_active(nt, "active").sum()), None
            rebuild = None
        client_facing = None
        if facts.has("NotificationTemplates", "recipients", "template_name"):
            is_client = nt["recipients"].astype("string").str.strip().str.casefold().eq("client").fillna(False)
            names = nt.loc[is_client.to_numpy(), "template_name"].astype("string")
            if rebuild is not None:
                client_facing = int(rebuild["entity_id"].astype("string").isin(names).sum())
            else:
                client_facing = int((is_client & is_active(nt, "active")).sum())
        text = f"Notification templates: {_n(in_use)} in use"
        if client_facing is not None:
            text += f", {_n(client_facing)} client-facing"
        if unused is not None:
            others = [r for r in templates if r not in in_use_rules and r not in unused_rules]
            parts = [t for _, t in unused + _tallies(findings, others, muted_too=True)]
            text += "; " + ", ".join(parts) if parts else ""
        add(ITEMS[7], text + ".", "attention" if in_use else "ok")
    else:
        add(ITEMS[7], "NotificationTemplates.csv not captured: fill the capture sheet to count templates.",
            "attention")

    # 9. Workflow automations: rebuild and retire as for templates; the retire reasons in brackets, any other rule
    # feeding the item (duplicates, flagged on both rules of a pair) after them.
    workflows = _fed("checklist:workflows")
    rebuild_rules = _fed("checklist:workflows", "rebuild:workflow_rules")
    retire_rules = _fed("checklist:workflows", "retire:automations")
    if facts.has("WorkflowRules"):
        wf = facts.workflow_rules()
        if any(_ran(findings, rid) for rid in rebuild_rules):
            rebuild = sum(_flagged(findings, rid, muted_too=True) for rid in rebuild_rules)
        else:
            rebuild = int(is_active(wf, "active").sum())
        retire = max(len(wf) - rebuild, 0)
        reasons = [t for _, t in _tallies(findings, retire_rules, muted_too=True, nonzero=True)]
        text = f"Workflow rules: {_n(rebuild)} to rebuild, {_n(retire)} to retire"
        if reasons:
            text += f" ({', '.join(reasons)})"
        others = [r for r in workflows if r not in rebuild_rules and r not in retire_rules]
        extra = _tallies(findings, others, muted_too=True, nonzero=True)
        if extra:
            text += "; " + ", ".join(t for _, t in extra)
        add(ITEMS[8], text + ".", "attention" if rebuild else "ok")
    else:
        add(ITEMS[8], "WorkflowRules.csv not captured: fill the capture sheet to count automations.", "attention")

    # 10. Roles and permissions
    if facts.has("Resources"):
        active = facts.active_rows("Resources")
        levels = (int(active["userType"].nunique()) if "userType" in active
                  else sum(_flagged(findings, rid, muted_too=True) for rid in _fed("checklist:roles")))
        add(ITEMS[9], f"Security levels in use: {_n(levels)} across {_n(len(active))} active resources; "
                      f"each needs a HaloPSA role.", "attention" if levels else "ok")
    else:
        add(ITEMS[9], "Resources not in the export: security levels cannot be counted.", "attention")

    # 11–13. Only a person can tick these.
    portal = ""
    if facts.has("Companies", "isClientPortalActive"):
        n = facts.client_portals()
        portal = f"Companies with the Autotask client portal active: {_n(n)}."
    add(ITEMS[10], portal or "Log in as a client contact and raise, update and close a ticket.", "person", "person")
    day = client.get("billing_day")
    billing = f"Billing day: {day} (client.yaml). " if day not in (None, "") else ""
    add(ITEMS[11], billing + "Compare one full billing period line by line (readiness reconcile).", "person",
        "person")
    techs = client.get("technicians")
    if techs:
        training = f"Technicians to train: {_n(techs)} (client.yaml)."
    else:
        training = f"Technicians to train: {DEFAULT_TECHNICIANS} assumed (client.yaml gives no number)."
    add(ITEMS[12], training, "person", "person")
    return pd.DataFrame(rows, columns=COLUMNS)
