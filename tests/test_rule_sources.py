"""Every rule cites its sources, the corrected claims stay corrected, and assumed picklist labels are marked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

import readiness
from readiness import halo
from readiness.entities import (ASSUMED_PICKLIST_NOTE, ASSUMED_PICKLIST_SOURCES, ASSUMED_PICKLISTS,
                                DEFAULT_PICKLISTS, is_assumed_label, picklist_labels)
from readiness.loader import load_export
from readiness.rules import RULES, RuleDefinitionError, rule
from readiness.rules.base import SOURCE_MAX, halo_api

PACKAGE = Path(readiness.__file__).parent
# Autotask's and Halo's own documentation (HaloPSA, HaloITSM, HaloCRM and Halo Service Desk share one guide set).
VENDOR_HOSTS = ("autotask.net", "halopsa.com", "usehalo.com", "haloitsm.com", "haloservicedesk.com", "halocrm.io")
# Claims the research found wrong or too strong; none may come back in client-facing text.
WRONG_CLAIMS = ("no per-role block-hour factor", "cannot be reproduced", "client import matches on name",
                "no fixed-price contract", "no equivalent at all")


def _host(source: str) -> str:
    return urlparse(source.split(" ", 1)[0]).hostname or ""


# -- sources ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rid", sorted(RULES))
def test_every_rule_cites_https_sources(rid):
    sources = RULES[rid].sources
    assert isinstance(sources, tuple) and sources, f"{rid} declares no sources"
    for s in sources:
        assert s.startswith("https://") and len(s) <= SOURCE_MAX, (rid, s)
        assert _host(s), (rid, s)


@pytest.mark.parametrize("rid", sorted(RULES))
def test_every_rule_cites_at_least_one_vendor_document(rid):
    """Partner or consultant pages only ever come alongside Autotask's or Halo's own documentation."""
    hosts = [_host(s) for s in RULES[rid].sources]
    assert any(h == v or h.endswith("." + v) for h in hosts for v in VENDOR_HOSTS), (rid, hosts)


def test_api_description_sources_use_one_stable_form():
    assert halo_api("ContractHeader.allowfixedprice") == (
        "https://halopsa.com/guides/article?kbid=929 (HaloPSA API description at your instance's /apidoc: "
        "ContractHeader.allowfixedprice)")
    for r in RULES.values():
        for s in r.sources:
            if "API description" in s:
                assert re.fullmatch(r"https://halopsa\.com/guides/article\?kbid=929 \(HaloPSA API description at "
                                    r"your instance's /apidoc: [\w.,_ ]+\)", s), s


def _demo(**change):
    def demo_rule(ctx):  # pragma: no cover - never run, only declared
        return None

    meta = dict(id="demo_rule", area="billing", severity="low", entity_type="Contract",
                title="Demo condition holds", impact="Something differs in HaloPSA.", remediation="Rebuild it.",
                requires=("Contracts",))
    return rule(**{**meta, **change}, registry={})(demo_rule)


def test_a_rule_without_sources_is_rejected_naming_the_rule():
    with pytest.raises(RuleDefinitionError, match=r"rule 'demo_rule': .*declares no sources"):
        _demo()
    with pytest.raises(RuleDefinitionError, match="declares no sources"):
        _demo(sources=())


@pytest.mark.parametrize("sources, message", [
    (("http://autotask.net/help/",), "must start with https://"),
    (("autotask.net/help/",), "must start with https://"),
    (("https://",), "must start with https://"),
    (("https://halopsa.com/guides/article?kbid=929 (" + "x" * SOURCE_MAX + ")",), f"max {SOURCE_MAX}"),
    ("https://halopsa.com/guides/article/?kbid=1300", "must be a tuple"),
    ((42,), "must be a tuple"),
])
def test_bad_sources_are_rejected(sources, message):
    with pytest.raises(RuleDefinitionError, match=re.escape(message)):
        _demo(sources=sources)


def test_a_rule_with_sources_declares_and_keeps_them():
    f = _demo(sources=["https://haloitsm.com/guides/article/?kbid=1957", halo_api("ContractDetail.seq")])
    assert f.rule.sources == ("https://haloitsm.com/guides/article/?kbid=1957",
                              "https://halopsa.com/guides/article?kbid=929 (HaloPSA API description at your "
                              "instance's /apidoc: ContractDetail.seq)")


# -- the corrected claims --------------------------------------------------------------------------------------

def _texts():
    for rid, r in RULES.items():
        for name in ("title", "impact", "remediation"):
            yield f"{rid}.{name}", getattr(r, name)
    for rel in ("halo.py", "effort.py", "contract_map.py", *sorted(
            p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "rules").glob("*.py"))):
        yield rel, (PACKAGE / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("claim", WRONG_CLAIMS)
def test_the_wrong_claims_are_gone(claim):
    hits = [where for where, text in _texts() if claim in re.sub(r"\s+", " ", text).casefold()]
    assert not hits, f"{claim!r} still appears in {hits}"


def test_the_corrected_claims_say_what_halopsa_can_and_cannot_do():
    def text(rid):
        return " ".join((RULES[rid].impact, RULES[rid].remediation))

    assert "charge type" in text("contract_block_hour_factors") and "unconfirmed" in text("contract_block_hour_factors")
    assert "can only be approximated" in text("contract_role_exclusions")
    assert "overrides the agent's default" in text("contract_role_exclusions")
    assert "If it matches on name" in text("company_duplicate_name") and "Autotask id" in text("company_duplicate_name")
    assert "email or username" in text("contact_missing_email")
    assert "configured field" in text("configuration_item_missing_serial")
    assert "allow fixed price" in text("contract_milestones")
    assert "no direct equivalent" in text("contract_type_mapping")
    per_ticket = halo.CONTRACT_TYPES[8]
    assert per_ticket[1].startswith("No direct HaloPSA equivalent") and per_ticket[2] == "manual"


# -- assumed picklist labels -------------------------------------------------------------------------------

def test_only_the_published_billing_code_use_type_has_a_built_in_label():
    assert picklist_labels("BillingCodes", "useType") == {1: "Work Type"}
    everything = {**DEFAULT_PICKLISTS, **ASSUMED_PICKLISTS}
    assert "Material" not in everything.get(("BillingCodes", "useType"), {}).values()
    assert not set(DEFAULT_PICKLISTS) & set(ASSUMED_PICKLISTS)


@pytest.mark.parametrize("entity, field, code, assumed", [
    ("Products", "billingType", 1, True),
    ("Products", "billingType", 2, True),
    ("Products", "billingType", "3", True),
    ("ContractBillingRules", "executionMethod", 2, True),
    ("BillingCodes", "useType", 1, False),        # published
    ("BillingCodes", "useType", 2, False),        # no built-in label at all: shown as its code
    ("Contracts", "contractType", 8, False),
    ("Products", "billingType", 9, False),        # a code with no label
    ("Products", "billingType", None, False),
    ("Products", "billingType", "x", False),
])
def test_is_assumed_label(entity, field, code, assumed):
    assert is_assumed_label(entity, field, code) is assumed


def test_a_tenant_label_is_never_assumed():
    assert is_assumed_label("Products", "billingType", 2, {2: "Per User"}) is False
    assert is_assumed_label("Products", "billingType", 3, {2: "Per User"}) is True


def test_assumed_labels_stay_plain_and_usable():
    assert picklist_labels("Products", "billingType") == {1: "Standard", 2: "Per Contact", 3: "Per Device"}
    assert picklist_labels("ContractBillingRules", "executionMethod")[2] == "Automatic"
    assert not any("assumed" in label.casefold() for m in ASSUMED_PICKLISTS.values() for label in m.values())


def test_the_assumed_picklist_note_has_its_sources():
    urls = ASSUMED_PICKLIST_SOURCES
    assert len(urls) >= 3 and all(_host(u).endswith("autotask.net") for u in urls)
    assert "assumed" in ASSUMED_PICKLIST_NOTE and "fields/<Entity>.json" in ASSUMED_PICKLIST_NOTE
    assert "https://" not in ASSUMED_PICKLIST_NOTE  # the sources are listed in the report's Sources appendix


def _fields(*pairs):
    name, values = pairs
    return {"fields": [{"name": name, "isPickList": True, "dataType": "integer",
                        "picklistValues": [{"value": str(k), "label": v} for k, v in values.items()]}]}


def test_the_tenants_fields_json_labels_win(tmp_path):
    (tmp_path / "fields").mkdir()
    (tmp_path / "BillingCodes.json").write_text(json.dumps(
        {"items": [{"id": 1, "name": "Remote", "useType": 1}, {"id": 2, "name": "Finance", "useType": 2}]}))
    (tmp_path / "Products.json").write_text(json.dumps({"items": [{"id": 7, "name": "Per user", "billingType": 2}]}))
    (tmp_path / "fields" / "BillingCodes.json").write_text(json.dumps(
        _fields("useType", {1: "Work Type", 2: "General Billing Code"})))
    (tmp_path / "fields" / "Products.json").write_text(json.dumps(_fields("billingType", {2: "Per User"})))
    export = load_export(tmp_path)
    assert export.label("BillingCodes", "useType", 2) == "General Billing Code"
    assert export.label("Products", "billingType", 2) == "Per User"
    assert export.label("Products", "billingType", 3) == "Per Device"    # the assumed default fills the gap
    tenant = export.picklists.get(("Products", "billingType"))
    assert not is_assumed_label("Products", "billingType", 2, tenant)
    assert is_assumed_label("Products", "billingType", 3, tenant)


def test_without_the_tenants_labels_a_use_type_beyond_one_shows_its_code(tmp_path):
    (tmp_path / "BillingCodes.json").write_text(json.dumps({"items": [{"id": 2, "name": "Finance", "useType": 2}]}))
    export = load_export(tmp_path)
    assert export.label("BillingCodes", "useType", 2) == "2"
    assert export.label("BillingCodes", "useType", 1) == "Work Type"
