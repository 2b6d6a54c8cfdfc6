"""Appendix: where every claim about HaloPSA and Autotask comes from.

Each check declares its sources in its metadata (Rule.sources); the claims the report's own text makes (what
the import brings across, the contract-type targets, the phases and the go-live checklist) are declared here.
Vendor documentation is listed as is; partner and consultant pages are marked as such.
"""

from __future__ import annotations

from urllib.parse import urlparse

from readiness.entities import ASSUMED_PICKLIST_NOTE, ASSUMED_PICKLIST_SOURCES
from readiness.report.sections.common import Block, _live, _rule, _section, _title, e

# Hosts of Autotask's and HaloPSA's own documentation (Halo's guides are shared by HaloPSA, HaloITSM, HaloCRM and
# Halo Service Desk: one code base, the same article numbers).
VENDOR_HOSTS = ("autotask.net", "halopsa.com", "usehalo.com", "haloitsm.com", "haloservicedesk.com", "halocrm.io")
PRACTITIONER_GUIDE = "https://kinesys.it/blog/autotask-to-halopsa-migration"

# The report's own claims (not a check's): where they appear, and their sources.
REPORT_SOURCES = {
    "What moves across with HaloPSA's import, and what is rebuilt by hand (page one)": (
        "https://www.alliedesm.com/halo/halo-importing-data",
        PRACTITIONER_GUIDE,
        "https://help-desk-migration.com/help/halo-psa-data-migration-checklist/",
    ),
    "HaloPSA targets of the Autotask contract types (contract map)": (
        "https://usehalo.com/faq-list/billing-rules-agreements/",
        "https://haloitsm.com/guides/article?kbid=1133",
        "https://usehalo.com/faq-list/pre-pay-billing/",
        "https://haloitsm.com/guides/article/?kbid=1113",
        "https://halopsa.com/guides/article/?kbid=1300",
        "https://usehalo.com/guide/pre-pay-2/",
        "https://ww2.autotask.net/help/developerhelp/Content/APIs/REST/Entities/ContractTicketPurchasesEntity.htm",
    ),
    "Agreement types are reporting labels in HaloPSA (contracts area)": (
        "https://usehalo.com/faq-list/billing-administrator-guides/page/2/",
    ),
    "Workflow rules rebuilt as ticket rules, SLAs, notifications or runbooks (what must be rebuilt)": (
        "https://usehalo.com/guide/ticket-rules/1923",
        "https://halopsa.com/guides/article/?kbid=891",
        "https://halopsa.com/guides/article/?kbid=1630",
    ),
    "Phases, a parallel run of 2 to 4 weeks over at least one full billing period, the go-live checklist "
    "(effort and timeline, checklist)": (PRACTITIONER_GUIDE,),
}


def is_vendor(url: str) -> bool:
    """True for a page of Autotask's or HaloPSA's own documentation (or HaloPSA's API description)."""
    host = (urlparse(url.split(" ", 1)[0]).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in VENDOR_HOSTS)


def _source_item(source: str) -> str:
    """One source: its link, plus the note after it (a field of the API description) and a marker for pages
    that are not the vendor's own."""
    url, _, note = source.partition(" ")
    said = any(w in note.lower() for w in ("partner", "consultant", "guide"))
    marker = "" if is_vendor(url) or said else ' <span class="src-kind">(partner or consultant)</span>'
    return f'<li><a href="{e(url, quote=True)}">{e(url)}</a>{(" " + e(note)) if note else ""}{marker}</li>'


def sources_appendix(result) -> Block:
    """The sources of the checks that found something in this audit, then those of the report's own text."""
    f = _live(result.findings)
    open_ids = list(dict.fromkeys(f.loc[f["status"].isin(["FAIL", "REVIEW"]), "rule_id"].astype(str)))
    parts = []
    checks = []
    for rid in sorted(open_ids, key=lambda r: _title(r, result.findings).lower()):
        rule = _rule(rid)
        sources = tuple(getattr(rule, "sources", ()) or ())
        if sources:
            checks.append(f'<div class="src"><b>{e(_title(rid, result.findings))}</b>'
                          f'<ul>{"".join(_source_item(s) for s in sources)}</ul></div>')
    if checks:
        parts.append('<h3>The checks that found something</h3><div class="sources">' + "".join(checks) + "</div>")
    own = dict(REPORT_SOURCES)
    assumed = result.facts.assumed_labels()
    if assumed:  # labels shown in this report whose codes are assumed, with where Autotask documents the labels
        own[f"Assumed picklist labels ({', '.join(assumed)}): {ASSUMED_PICKLIST_NOTE}"] = ASSUMED_PICKLIST_SOURCES
    parts.append('<h3>The report\'s own statements</h3><div class="sources">' + "".join(
        f'<div class="src"><b>{e(claim)}</b><ul>{"".join(_source_item(s) for s in urls)}</ul></div>'
        for claim, urls in own.items()) + "</div>")
    return _section("sources", "Sources", "".join(parts),
                    lead="Where each statement about HaloPSA and Autotask comes from: their own documentation and "
                         "HaloPSA's API description first; partner and consultant pages are marked. Behaviour "
                         "found only in the API description is to be confirmed in a HaloPSA test tenant.")
