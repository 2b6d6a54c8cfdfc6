"""Service catalogue rules."""

from __future__ import annotations

from rules_fixtures import contract, export, run, statuses


def _catalogue(**extra):
    return export(
        Contracts=[contract(1), contract(2, status=0)],
        Services=[{"id": 10, "name": "Managed AV", "isActive": False},
                  {"id": 11, "name": "Managed Backup", "isActive": True},
                  {"id": 12, "name": "Legacy Fax", "isActive": True},
                  {"id": 13, "name": "Old Hosting", "isActive": False},
                  {"id": 14, "name": "Ad-hoc Cloud", "isActive": True}],
        ContractServices=[{"id": 1, "contractID": 1, "serviceID": 10},
                          {"id": 2, "contractID": 1, "serviceID": 11},
                          {"id": 3, "contractID": 2, "serviceID": 12},
                          {"id": 4, "contractID": 2, "serviceID": 14}],
        **extra)


UNITS = [{"id": 1, "contractID": 2, "contractServiceID": 4, "serviceID": 14, "units": 3,
          "startDate": "2025-05-01", "endDate": "2025-05-31"},
         {"id": 2, "contractID": 2, "contractServiceID": 3, "serviceID": 12, "units": 3,
          "startDate": "2024-01-01", "endDate": "2024-01-31"}]


def test_service_inactive_in_use_flagged():
    f, _ = run(_catalogue(), "service_inactive_in_use")
    assert statuses(f)["10"] == "FAIL"
    assert "inactive but still on 1 active contract(s)" in f.set_index("entity_id").loc["10", "reason"]
    assert f["entity_type"].iloc[0] == "Service"


def test_service_inactive_in_use_clean():
    f, _ = run(_catalogue(), "service_inactive_in_use")
    st = statuses(f)
    assert st["11"] == "PASS"
    assert "12" not in st and "13" not in st  # not on an active contract: not judged here


def test_service_retired_flagged():
    f, _ = run(_catalogue(ContractServiceUnits=UNITS), "service_retired")
    st = statuses(f)
    assert st["12"] == "REVIEW" and st["13"] == "REVIEW"  # only on an inactive contract, old units; on nothing
    assert "billed no units in the last 180 days" in f.set_index("entity_id").loc["12", "reason"]


def test_service_retired_clean():
    f, _ = run(_catalogue(ContractServiceUnits=UNITS), "service_retired")
    st = statuses(f)
    assert st["10"] == "PASS" and st["11"] == "PASS"  # on an active contract
    assert st["14"] == "PASS"  # billed units last month
    f, _ = run(_catalogue(ContractServiceUnits=UNITS), "service_retired", stale_days=900)
    assert statuses(f)["12"] == "PASS"


def _bundles(member_active: bool):
    return export(
        Services=[{"id": 10, "name": "AV", "isActive": member_active}, {"id": 11, "name": "Backup", "isActive": True}],
        ServiceBundles=[{"id": 1, "name": "Secure bundle", "isActive": True},
                        {"id": 2, "name": "Retired bundle", "isActive": False}],
        ServiceBundleServices=[{"id": 1, "serviceBundleID": 1, "serviceID": 10},
                               {"id": 2, "serviceBundleID": 1, "serviceID": 11},
                               {"id": 3, "serviceBundleID": 2, "serviceID": 10}])


def test_service_bundle_inactive_member_flagged():
    f, _ = run(_bundles(False), "service_bundle_inactive_member")
    assert statuses(f) == {"1": "REVIEW"}  # the inactive bundle is not judged
    assert "inactive service(s) 'AV'" in f["reason"].iloc[0]


def test_service_bundle_inactive_member_clean():
    f, _ = run(_bundles(True), "service_bundle_inactive_member")
    assert statuses(f) == {"1": "PASS"}
