"""Data quality rules: import matching keys and orphaned references."""

from __future__ import annotations

from rules_fixtures import companies, contract, export, run, statuses


def test_company_duplicate_name_flagged():
    e = export(Companies=companies((1, "Acme Ltd"), (2, "  ACME  ltd"), (3, "Beta"), (4, "acme ltd", False, 1),
                                   (5, "Acme Ltd", True, 2)))
    f, _ = run(e, "company_duplicate_name")
    assert statuses(f) == {"1": "FAIL", "2": "FAIL", "3": "PASS"}  # inactive 4 and prospect 5 are not customers
    assert "(ids 1, 2)" in f.set_index("entity_id").loc["1", "reason"]
    assert f.set_index("entity_id").loc["1", "company_name"] == "Acme Ltd"


def test_company_duplicate_name_clean():
    f, _ = run(export(Companies=companies((1, "Acme Ltd"), (2, "Acme Limited"))), "company_duplicate_name")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}


def contact(id, email, active=True, company=1):
    return {"id": id, "companyID": company, "firstName": "Pat", "lastName": f"No{id}", "emailAddress": email,
            "isActive": active}


def test_contact_missing_email_flagged():
    f, _ = run(export(Contacts=[contact(1, None), contact(2, "  "), contact(3, None, active=False)]),
               "contact_missing_email")
    assert statuses(f) == {"1": "REVIEW", "2": "REVIEW"}
    assert f["reason"].iloc[0] == "Contact 'Pat No1' (id 1) has no email address"


def test_contact_missing_email_clean():
    f, _ = run(export(Contacts=[contact(1, "pat@acme.com")]), "contact_missing_email")
    assert statuses(f) == {"1": "PASS"}


def test_contact_duplicate_email_flagged():
    e = export(Contacts=[contact(1, "Pat@Acme.com"), contact(2, "pat@acme.com "), contact(3, "lee@acme.com"),
                         contact(4, "pat@acme.com", active=False)])
    f, _ = run(e, "contact_duplicate_email")
    assert statuses(f) == {"1": "FAIL", "2": "FAIL", "3": "PASS"}
    assert "(ids 1, 2)" in f["reason"].iloc[0]


def test_contact_duplicate_email_folds_case_beyond_ascii():
    e = export(Contacts=[contact(1, "Jürgen.Straße@Bäcker.de"), contact(2, "jürgen.strasse@bäcker.de"),
                         contact(3, "jurgen.strasse@backer.de")])
    f, _ = run(e, "contact_duplicate_email")
    assert statuses(f) == {"1": "FAIL", "2": "FAIL", "3": "PASS"}  # casefold: ß is ss, Ü is ü; u is not ü


def test_contact_duplicate_email_clean():
    f, _ = run(export(Contacts=[contact(1, "a@acme.com"), contact(2, "b@acme.com"), contact(3, None)]),
               "contact_duplicate_email")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}


def test_contact_invalid_email_flagged():
    e = export(Contacts=[contact(1, "pat@acme"), contact(2, "pat acme@x.com"), contact(3, "a@x.com; b@x.com"),
                         contact(4, "pat.acme.com")])
    f, _ = run(e, "contact_invalid_email")
    assert set(statuses(f).values()) == {"REVIEW"} and len(f) == 4


def test_contact_invalid_email_clean():
    f, _ = run(export(Contacts=[contact(1, " pat.no+1@mail.acme.co.uk "), contact(2, None)]), "contact_invalid_email")
    assert statuses(f) == {"1": "PASS"}


def ci(id, serial, active=True):
    return {"id": id, "companyID": 1, "referenceTitle": f"PC-{id}", "serialNumber": serial, "isActive": active}


def test_configuration_item_missing_serial_flagged():
    f, _ = run(export(ConfigurationItems=[ci(1, None), ci(2, ""), ci(3, None, active=False)]),
               "configuration_item_missing_serial")
    assert statuses(f) == {"1": "REVIEW", "2": "REVIEW"}
    assert f["reason"].iloc[0] == "Configuration item 'PC-1' (id 1) has no serial number"


def test_configuration_item_missing_serial_clean():
    f, _ = run(export(ConfigurationItems=[ci(1, "5CG123")]), "configuration_item_missing_serial")
    assert statuses(f) == {"1": "PASS"}


def test_configuration_item_duplicate_serial_flagged():
    e = export(ConfigurationItems=[ci(1, "To be filled by O.E.M."), ci(2, "to be filled by o.e.m."), ci(3, "ABC"),
                                   ci(4, "ABC", active=False)])
    f, _ = run(e, "configuration_item_duplicate_serial")
    assert statuses(f) == {"1": "REVIEW", "2": "REVIEW", "3": "PASS"}


def test_configuration_item_duplicate_serial_clean():
    f, _ = run(export(ConfigurationItems=[ci(1, "A1"), ci(2, "A2"), ci(3, None)]),
               "configuration_item_duplicate_serial")
    assert statuses(f) == {"1": "PASS", "2": "PASS"}


def test_orphan_reference_flagged():
    e = export(Companies=companies((1, "Acme")),
               Contacts=[contact(1, "a@acme.com"), contact(2, "b@acme.com", company=9)],
               Contracts=[contract(1), contract(2, company=8)],
               Services=[{"id": 10, "name": "AV"}],
               ContractServices=[{"id": 1, "contractID": 1, "serviceID": 10},
                                 {"id": 2, "contractID": 5, "serviceID": 11}],
               Tickets=[{"id": 1, "companyID": 1, "status": 1}],
               TimeEntries=[{"id": 1, "ticketID": 1}, {"id": 2, "ticketID": 404}])
    f, cov = run(e, "orphan_reference")
    got = dict(zip(f["finding_id"], f["status"]))
    assert got == {"orphan_reference:Contact:2": "FAIL", "orphan_reference:Contract:2": "FAIL",
                   "orphan_reference:ContractService:2": "FAIL", "orphan_reference:TimeEntry:2": "FAIL"}
    reasons = f.set_index("entity_type")["reason"]
    assert reasons["ContractService"].count("not in the export") == 2  # both broken links on one finding
    assert "points at Company 9 (companyID)" in reasons["Contact"]
    assert cov["judged"]


def test_orphan_reference_clean():
    e = export(Companies=companies((1, "Acme")), Contacts=[contact(1, "a@acme.com")],
               Contracts=[contract(1, exclusionContractID=None)], Tickets=[{"id": 1, "companyID": 1, "status": 1}],
               TimeEntries=[{"id": 1, "ticketID": 1}, {"id": 2, "ticketID": None}])
    f, cov = run(e, "orphan_reference")
    assert len(f) == 0 and cov["judged"]
    f, cov = run(export(TimeEntries=[{"id": 1, "ticketID": 5}]), "orphan_reference")
    assert len(f) == 0 and not cov["judged"]  # parent not exported: nothing can be said
