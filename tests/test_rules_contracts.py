"""Contract rules: type mapping, expired, dormant, inactive company."""

from __future__ import annotations

from rules_fixtures import companies, contract, export, run, statuses


def test_contract_type_mapping_flagged():
    e = export(Contracts=[contract(1, type=8), contract(2, type=4), contract(3, type=9), contract(4, type=8, status=0)])
    f, cov = run(e, "contract_type_mapping")
    assert statuses(f) == {"1": "FAIL", "2": "REVIEW", "3": "FAIL"}  # inactive contract 4 is not judged
    sev = dict(zip(f["entity_id"], f["severity"]))
    assert sev["1"] == "blocker" and sev["2"] == "medium"
    reason = f.set_index("entity_id")["reason"]
    assert "Per Ticket" in reason["1"] and "cannot model" in reason["1"]
    assert "Pre-pay hours" in reason["2"]
    assert "Type 9" in reason["3"]
    assert cov["judged"]


def test_contract_type_mapping_clean():
    f, _ = run(export(Contracts=[contract(1, type=1), contract(2, type=6)]), "contract_type_mapping")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}
    assert "maps directly to Pay-as-you-go" in f["reason"].iloc[0]


def test_contract_expired_active_flagged():
    e = export(Contracts=[contract(1, endDate="2025-05-31"), contract(2, endDate="2025-05-31", status=0)])
    f, _ = run(e, "contract_expired_active")
    assert statuses(f) == {"1": "FAIL"}
    assert "ended on 2025-05-31" in f["reason"].iloc[0]


def test_contract_expired_active_clean():
    e = export(Contracts=[contract(1, endDate="2025-06-30"), contract(2, endDate=None),
                          contract(3, endDate="9999-12-31")])
    f, _ = run(e, "contract_expired_active")
    assert statuses(f) == {"1": "PASS", "2": "PASS", "3": "PASS"}
    assert "no end date" in f.set_index("entity_id").loc["2", "reason"]


def _activity_export(**extra):
    contracts = [contract(1, startDate="2023-01-01"), contract(2, startDate="2023-01-01"),
                 contract(3, startDate="2023-01-01"), contract(4, startDate="2025-05-01"),
                 contract(5, startDate="2023-01-01")]
    return export(
        Contracts=contracts,
        Tickets=[{"id": 10, "companyID": 1, "status": 5, "contractID": 2}],
        TimeEntries=[{"id": 100, "ticketID": 10, "dateWorked": "2025-06-01"},  # contract 2 via its ticket
                     {"id": 101, "contractID": 1, "dateWorked": "2024-01-05"},  # contract 1: too old
                     {"id": 102, "contractID": 5, "dateWorked": "2025-07-15"}],  # after as-of: ignored
        ContractServiceUnits=[{"id": 1, "contractID": 3, "contractServiceID": 1, "units": 5,
                               "startDate": "2025-06-01", "endDate": "2025-06-30"}],
        **extra)


def test_contract_no_activity_flagged():
    f, cov = run(_activity_export(), "contract_no_activity")
    st = statuses(f)
    assert st["1"] == "REVIEW" and st["5"] == "REVIEW"
    reason = f.set_index("entity_id").loc["1", "reason"]
    assert "last activity 2024-01-05" in reason and "180 days" in reason
    assert cov["judged"]


def test_contract_no_activity_clean():
    f, _ = run(_activity_export(), "contract_no_activity")
    st = statuses(f)
    assert st["2"] == "PASS" and st["3"] == "PASS" and st["4"] == "PASS"  # time via ticket, units, new contract
    f, _ = run(_activity_export(), "contract_no_activity", stale_days=600)
    assert statuses(f)["1"] == "PASS"


def test_contract_no_activity_needs_an_activity_table():
    f, cov = run(export(Contracts=[contract(1)]), "contract_no_activity")
    assert len(f) == 0 and not cov["judged"] and "TimeEntries.csv" in cov["note"]


def test_contract_company_inactive_flagged():
    e = export(Companies=companies((1, "Acme", False, 1), (2, "Lead Co", True, 2)),
               Contracts=[contract(1, company=1), contract(2, company=2), contract(3, company=99)])
    f, _ = run(e, "contract_company_inactive")
    assert statuses(f) == {"1": "FAIL", "2": "FAIL"}  # company 99 is not exported: orphan_reference's job
    reason = f.set_index("entity_id")["reason"]
    assert "'Acme' is inactive" in reason["1"]
    assert "Lead, not a Customer" in reason["2"]


def test_contract_company_inactive_clean():
    e = export(Companies=companies((1, "Acme")), Contracts=[contract(1, company=1), contract(2, company=1, status=0)])
    f, _ = run(e, "contract_company_inactive")
    assert statuses(f) == {"1": "PASS"}
