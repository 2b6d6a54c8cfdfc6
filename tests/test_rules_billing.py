"""Billing rules: the contract edge cases."""

from __future__ import annotations

from rules_fixtures import companies, contract, export, run, statuses


def test_contract_block_hour_factors_flagged():
    e = export(Contracts=[contract(1, type=4), contract(2, type=4)],
               ContractBlockHourFactors=[{"id": 1, "contractID": 1, "roleID": 5, "blockHourMultiplier": 1.5},
                                         {"id": 2, "contractID": 1, "roleID": 6, "blockHourMultiplier": 2},
                                         {"id": 3, "contractID": 2, "roleID": 5, "blockHourMultiplier": 1}])
    f, _ = run(e, "contract_block_hour_factors")
    assert statuses(f) == {"1": "FAIL", "2": "PASS"}  # a multiplier of 1 changes nothing
    assert "2 role(s) (1.5 to 2)" in f.set_index("entity_id").loc["1", "reason"]


def test_contract_block_hour_factors_clean():
    e = export(Contracts=[contract(1, type=4), contract(2, type=7)],
               ContractBlockHourFactors=[{"id": 1, "contractID": 2, "roleID": 5, "blockHourMultiplier": 1.5}])
    f, _ = run(e, "contract_block_hour_factors")
    assert statuses(f) == {"1": "PASS"}  # factors only matter on Block Hours contracts


def test_contract_open_prepaid_balance_flagged():
    e = export(
        Contracts=[contract(1, type=4), contract(2, type=6), contract(3, type=8, status=0)],
        ContractBlocks=[{"id": 1, "contractID": 1, "hours": 20, "hoursApproved": 7.5,
                         "startDate": "2025-01-01", "endDate": "2025-12-31"}],
        ContractRetainers=[{"id": 1, "contractID": 2, "amount": 1000, "amountApproved": 250,
                            "startDate": "2025-01-01", "endDate": None}],
        ContractTicketPurchases=[{"id": 1, "contractID": 3, "ticketsPurchased": 10, "ticketsUsed": 7,
                                  "startDate": "2025-01-01", "endDate": "2025-12-31"}])
    f, _ = run(e, "contract_open_prepaid_balance")
    assert statuses(f) == {"1": "REVIEW", "2": "REVIEW", "3": "REVIEW"}  # money is owed even on an inactive one
    reason = f.set_index("entity_id")["reason"]
    assert "12.5 hours left" in reason["1"]
    assert "750 retainer amount left" in reason["2"]
    assert "3 tickets left" in reason["3"]


def test_contract_open_prepaid_balance_unknown_usage_is_review():
    e = export(Contracts=[contract(1, type=4)],
               ContractBlocks=[{"id": 1, "contractID": 1, "hours": 20, "endDate": "2025-12-31"}])
    f, _ = run(e, "contract_open_prepaid_balance")
    assert statuses(f) == {"1": "REVIEW"}
    assert "were not exported" in f["reason"].iloc[0]


def test_contract_open_prepaid_balance_clean():
    e = export(Contracts=[contract(1, type=4), contract(2, type=4)],
               ContractBlocks=[{"id": 1, "contractID": 1, "hours": 20, "hoursApproved": 20, "endDate": "2025-12-31"},
                               {"id": 2, "contractID": 2, "hours": 20, "hoursApproved": 5, "endDate": "2025-03-31"}])
    f, _ = run(e, "contract_open_prepaid_balance")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}  # used up; expired


def test_contract_rate_overrides_flagged():
    e = export(Contracts=[contract(1, type=1), contract(2, type=1)],
               Roles=[{"id": 5, "name": "Engineer", "hourlyRate": 120}],
               ContractRates=[{"id": 1, "contractID": 1, "roleID": 5, "contractHourlyRate": 95},
                              {"id": 2, "contractID": 2, "roleID": 5, "contractHourlyRate": 120}])
    f, _ = run(e, "contract_rate_overrides")
    assert statuses(f) == {"1": "REVIEW", "2": "PASS"}  # 2 repeats the standard rate
    assert "1 role(s)" in f["reason"].iloc[0]


def test_contract_rate_overrides_clean():
    e = export(Contracts=[contract(1, type=1)], ContractRates=[{"id": 1, "contractID": 9, "roleID": 5}])
    f, _ = run(e, "contract_rate_overrides")
    assert statuses(f) == {"1": "PASS"}


def _exclusion_export():
    return export(
        Contracts=[contract(1, contractExclusionSetID=50), contract(2), contract(3), contract(4),
                   contract(5, contractExclusionSetID=51)],
        ContractExclusionRoles=[{"id": 1, "contractID": 2, "roleID": 5}],
        ContractExclusionBillingCodes=[{"id": 1, "contractID": 3, "billingCodeID": 8},
                                       {"id": 2, "contractID": 2, "billingCodeID": 8}],
        ContractExclusionSetExcludedRoles=[{"id": 1, "contractExclusionSetID": 50, "excludedRoleID": 5}],
        ContractExclusionSetExcludedWorkTypes=[{"id": 1, "contractExclusionSetID": 51, "excludedWorkTypeID": 8}])


def test_contract_role_exclusions_flagged():
    f, _ = run(_exclusion_export(), "contract_role_exclusions")
    st = statuses(f)
    assert st["1"] == "FAIL" and st["2"] == "FAIL"  # through its set; directly


def test_contract_role_exclusions_clean():
    f, _ = run(_exclusion_export(), "contract_role_exclusions")
    st = statuses(f)
    assert st["3"] == "PASS" and st["4"] == "PASS" and st["5"] == "PASS"


def test_contract_worktype_exclusions_flagged():
    f, _ = run(_exclusion_export(), "contract_worktype_exclusions")
    st = statuses(f)
    assert st["3"] == "REVIEW" and st["5"] == "REVIEW"  # directly; through its set
    assert "2" not in st  # also excludes a role: judged by contract_role_exclusions


def test_contract_worktype_exclusions_clean():
    f, _ = run(_exclusion_export(), "contract_worktype_exclusions")
    assert statuses(f)["4"] == "PASS"


def test_contract_exclusion_chain_flagged():
    e = export(Contracts=[contract(1, exclusionContractID=2), contract(2, exclusionContractID=3), contract(3),
                          contract(4, exclusionContractID=5), contract(5, exclusionContractID=4),
                          contract(6, exclusionContractID=6), contract(7, exclusionContractID=3),
                          contract(8, exclusionContractID=9, status=1), contract(9, exclusionContractID=10),
                          contract(10, exclusionContractID=9)])
    f, _ = run(e, "contract_exclusion_chain")
    st = statuses(f)
    assert st["1"] == "FAIL" and st["4"] == "FAIL" and st["6"] == "FAIL" and st["8"] == "FAIL"
    assert st["2"] == "REVIEW" and st["7"] == "REVIEW" and st["3"] == "PASS"
    reason = f.set_index("entity_id")["reason"]
    assert "chain of 2 contracts: 1 -> 2 -> 3" in reason["1"]
    assert "loop" in reason["4"] and "loop" in reason["6"] and "loop" in reason["8"]
    assert dict(zip(f["entity_id"], f["severity"]))["1"] == "high"


def test_contract_exclusion_chain_clean():
    e = export(Contracts=[contract(1, exclusionContractID=None), contract(2, exclusionContractID=77)])
    f, _ = run(e, "contract_exclusion_chain")
    assert statuses(f) == {"1": "PASS", "2": "REVIEW"}
    assert "not in the export" in f.set_index("entity_id").loc["2", "reason"]


def test_contract_setup_fee_flagged():
    f, _ = run(export(Contracts=[contract(1, setupFee=250.0)]), "contract_setup_fee")
    assert statuses(f) == {"1": "REVIEW"} and "setup fee of 250" in f["reason"].iloc[0]


def test_contract_setup_fee_clean():
    f, _ = run(export(Contracts=[contract(1, setupFee=0.0), contract(2, setupFee=None)]), "contract_setup_fee")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}


def test_contract_milestones_flagged():
    e = export(Contracts=[contract(1, type=3)],
               ContractMilestones=[{"id": 1, "contractID": 1, "amount": 5000, "title": "Kick-off"},
                                   {"id": 2, "contractID": 1, "amount": 2500.5, "title": "Go-live"}])
    f, _ = run(e, "contract_milestones")
    assert statuses(f) == {"1": "REVIEW"}
    assert "2 milestone(s) worth 7500.5" in f["reason"].iloc[0]


def test_contract_milestones_clean():
    e = export(Contracts=[contract(1, type=3), contract(2, type=7)], ContractMilestones=[])
    f, _ = run(e, "contract_milestones")
    assert statuses(f) == {"1": "PASS"}


def test_contract_billing_rule_units_flagged():
    e = export(Contracts=[contract(1), contract(2)],
               Products=[{"id": 7, "name": "Per user", "billingType": 2}],
               ContractBillingRules=[{"id": 1, "contractID": 1, "productID": 7, "isActive": True, "minimumUnits": 5,
                                      "isDailyProrationEnabled": True, "endDate": None},
                                     {"id": 2, "contractID": 2, "productID": 7, "isActive": True,
                                      "endDate": "2025-01-31"}])
    f, _ = run(e, "contract_billing_rule_units")
    assert statuses(f) == {"1": "REVIEW", "2": "PASS"}  # 2's rule has ended
    assert "(per contact, min/max units, daily proration)" in f.set_index("entity_id").loc["1", "reason"]


def test_contract_billing_rule_units_clean():
    e = export(Contracts=[contract(1)],
               ContractBillingRules=[{"id": 1, "contractID": 1, "productID": 7, "isActive": False}])
    f, _ = run(e, "contract_billing_rule_units")
    assert statuses(f) == {"1": "PASS"}


def test_contract_multiple_active_flagged():
    e = export(Companies=companies((1, "Acme"), (2, "Beta")),
               Contracts=[contract(1, company=1, type=7), contract(2, company=1, type=4), contract(3, company=2),
                          contract(4, company=2, status=0)])
    f, _ = run(e, "contract_multiple_active")
    assert statuses(f) == {"1": "REVIEW", "2": "PASS"}
    row = f.set_index("entity_id").loc["1"]
    assert row["entity_type"] == "Company" and row["company_name"] == "Acme"
    assert "2 active contracts (Block Hours, Recurring Service)" in row["reason"]


def test_contract_multiple_active_clean():
    f, _ = run(export(Contracts=[contract(1, company=1), contract(2, company=2)]), "contract_multiple_active")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}


def test_contract_service_bundle_flagged():
    e = export(Contracts=[contract(1), contract(2, type=1)],
               ContractServiceBundles=[{"id": 1, "contractID": 1, "serviceBundleID": 3},
                                       {"id": 2, "contractID": 2, "serviceBundleID": 3}])
    f, _ = run(e, "contract_service_bundle")
    assert statuses(f) == {"1": "REVIEW", "2": "REVIEW"}


def test_contract_service_bundle_clean():
    e = export(Contracts=[contract(1), contract(2, type=1)], ContractServiceBundles=[])
    f, _ = run(e, "contract_service_bundle")
    assert statuses(f) == {"1": "PASS"}  # only recurring contracts can carry bundles


def test_contract_exclusion_set_unused_flagged():
    e = export(Contracts=[contract(1, contractExclusionSetID=50), contract(2, contractExclusionSetID=51, status=0)],
               ContractExclusionSets=[{"id": 50, "name": "Std"}, {"id": 51, "name": "Legacy", "isActive": False}])
    f, _ = run(e, "contract_exclusion_set_unused")
    assert statuses(f) == {"50": "PASS", "51": "REVIEW"}
    assert "(inactive) is used by no active contract" in f.set_index("entity_id").loc["51", "reason"]


def test_contract_exclusion_set_unused_clean():
    e = export(Contracts=[contract(1, contractExclusionSetID=50)], ContractExclusionSets=[{"id": 50, "name": "Std"}])
    f, _ = run(e, "contract_exclusion_set_unused")
    assert statuses(f) == {"50": "PASS"}
    assert f["entity_type"].iloc[0] == "ContractExclusionSet"
