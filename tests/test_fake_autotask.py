"""The Autotask REST test double (tests/fake_autotask.py) behaves as Autotask's documentation says, over real HTTP."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from fake_autotask import FakeAutotask, records_from_folder, serve

ALL = [{"op": "gte", "field": "id", "value": 0}]


def company(i: int, **extra) -> dict:
    return {"id": i, "companyName": f"Company {i:03d}", "companyType": 1 + i % 3, "isActive": i % 2 == 0,
            "createDate": f"2024-01-{1 + i % 28:02d}T00:00:00.000Z", "phone": None,
            "userDefinedFields": [{"name": "Tier", "value": "Gold" if i % 5 == 0 else "Silver"}], **extra}


COMPANIES = [company(i) for i in range(1, 51)]


@pytest.fixture
def fake():
    yield from serve({"Companies": COMPANIES})


def post(fake: FakeAutotask, entity: str, body, headers=None, path: str = "query") -> requests.Response:
    return requests.post(f"{fake.url}V1.0/{entity}/{path}", json=body,
                         headers=fake.headers if headers is None else headers, timeout=10)


def get(fake: FakeAutotask, path: str, headers=None, **params) -> requests.Response:
    return requests.get(fake.url + path, params=params or None, headers=fake.headers if headers is None else headers,
                        timeout=10)


def pull(fake: FakeAutotask, entity: str, body: dict) -> list[list[dict]]:
    """Every page of a query, following nextPageUrl."""
    response = post(fake, entity, body)
    assert response.status_code == 200, response.text
    pages = [response.json()]
    while pages[-1]["pageDetails"]["nextPageUrl"]:
        response = requests.get(pages[-1]["pageDetails"]["nextPageUrl"], headers=fake.headers, timeout=10)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def ids(pages: list[dict]) -> list[int]:
    return [r["id"] for p in pages for r in p["items"]]


# -- auth (swagger: ApiIntegrationCode, UserName, Secret required; 401 Unauthorized) --------------------------------

def test_auth_refused_without_headers_or_with_a_wrong_secret(fake):
    missing = post(fake, "Companies", {"filter": ALL}, headers={})
    wrong = post(fake, "Companies", {"filter": ALL}, headers={**fake.headers, "Secret": "not-the-secret"})
    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.json()["errors"]
        assert fake.secret not in response.text and "not-the-secret" not in response.text
    log = json.dumps(fake.log)
    assert fake.secret not in log and "not-the-secret" not in log
    assert [e["status"] for e in fake.log] == [401, 401]
    assert fake.request_count() == 0  # refused requests never reached the database


def test_header_names_are_case_insensitive_and_impersonation_is_optional(fake):
    lower = {k.lower(): v for k, v in fake.headers.items()} | {"impersonationresourceid": "29682885"}
    assert post(fake, "Companies", {"filter": ALL}, headers=lower).status_code == 200


def test_log_has_one_entry_per_request(fake):
    post(fake, "Companies", {"filter": ALL})
    get(fake, "V1.0/Companies/entityInformation/fields")
    assert [(e["method"], e["path"], e["entity"], e["status"]) for e in fake.log] == [
        ("POST", "/ATServicesRest/V1.0/Companies/query", "Companies", 200),
        ("GET", "/ATServicesRest/V1.0/Companies/entityInformation/fields", "Companies", 200)]
    assert all(isinstance(e["time"], float) for e in fake.log)


# -- query (REST_Basic_Query_Calls, REST_Advanced_Query_Features) ----------------------------------------------------

@pytest.mark.parametrize("body", [{}, {"filter": []}, {"MaxRecords": 10}])
def test_a_query_needs_a_filter(fake, body):
    response = post(fake, "Companies", body)
    assert response.status_code == 500
    assert "filter" in " ".join(response.json()["errors"]).lower()


def test_get_query_takes_the_search_parameter(fake):
    response = get(fake, "V1.0/Companies/query", search=json.dumps({"filter": [{"op": "lt", "field": "id",
                                                                                 "value": 4}]}))
    assert [r["id"] for r in response.json()["items"]] == [1, 2, 3]
    assert get(fake, "V1.0/Companies/query").status_code == 500  # no search, no filter


@pytest.mark.parametrize("max_records, status", [(0, 500), (501, 500), ("ten", 500), (1, 200), (500, 200)])
def test_max_records_must_be_1_to_500(fake, max_records, status):
    response = post(fake, "Companies", {"filter": ALL, "MaxRecords": max_records})
    assert response.status_code == status
    if status == 500:
        assert response.json()["errors"]


def test_paging_serves_every_record_exactly_once():
    with FakeAutotask({"Companies": list(reversed(COMPANIES))}, page_size=7) as fake:
        pages = pull(fake, "Companies", {"filter": ALL})
        assert ids(pages) == list(range(1, 51))  # in id order, each once
        assert [p["pageDetails"]["count"] for p in pages] == [7] * 7 + [1]
        assert pages[0]["pageDetails"]["prevPageUrl"] is None and pages[1]["pageDetails"]["prevPageUrl"]
        assert "/V1.0/Companies/query/next?paging=" in pages[0]["pageDetails"]["nextPageUrl"]
        # MaxRecords below page_size sets the page size; keys in any case
        small = pull(fake, "Companies", {"Filter": ALL, "maxRecords": 5})
        assert ids(small) == list(range(1, 51)) and len(small) == 10
        count = post(fake, "Companies", {"filter": ALL}, path="query/count").json()
        assert count == {"queryCount": 50}


def test_prev_page_url_goes_back():
    with FakeAutotask({"Companies": COMPANIES}, page_size=10) as fake:
        first = post(fake, "Companies", {"filter": ALL}).json()
        second = requests.get(first["pageDetails"]["nextPageUrl"], headers=fake.headers, timeout=10).json()
        back = requests.get(second["pageDetails"]["prevPageUrl"], headers=fake.headers, timeout=10).json()
        assert back["items"] == first["items"]


def test_the_cursor_continues_after_the_last_id_served():
    with FakeAutotask({"Companies": [company(i) for i in range(10, 30)]}, page_size=5) as fake:
        first = post(fake, "Companies", {"filter": ALL}).json()
        fake.records["Companies"] += [company(1), company(99)]  # inserted mid-pull, behind and ahead of the cursor
        pages = [first]
        while pages[-1]["pageDetails"]["nextPageUrl"]:
            pages.append(requests.get(pages[-1]["pageDetails"]["nextPageUrl"], headers=fake.headers,
                                      timeout=10).json())
        assert ids(pages) == list(range(10, 30)) + [99]


def test_a_bad_paging_token_is_an_error(fake):
    response = get(fake, "V1.0/Companies/query/next", paging="not-a-token", search=json.dumps({"filter": ALL}))
    assert response.status_code == 500 and response.json()["errors"]


@pytest.mark.parametrize("flt, expected", [
    ([{"op": "gte", "field": "createDate", "value": "2024-01-25"}], [i for i in range(1, 51) if 1 + i % 28 >= 25]),
    ([{"op": "lt", "field": "createDate", "value": "2024-01-03T00:00:00Z"}], [1, 28, 29]),
    ([{"op": "eq", "field": "CREATEDATE", "value": "2024-01-02T00:00:00.000Z"}], [1, 29]),
    ([{"op": "eq", "field": "isActive", "value": True}, {"op": "lte", "field": "id", "value": 6}], [2, 4, 6]),
    ([{"op": "noteq", "field": "companyType", "value": 1}, {"op": "lt", "field": "id", "value": 7}], [1, 2, 4, 5]),
    ([{"op": "gt", "field": "id", "value": "47"}], [48, 49, 50]),
    ([{"op": "beginsWith", "field": "companyName", "value": "company 04"}], list(range(40, 50))),
    ([{"op": "endsWith", "field": "companyName", "value": "7"}], [7, 17, 27, 37, 47]),
    ([{"op": "contains", "field": "companyName", "value": "y 02"}], list(range(20, 30))),
    ([{"op": "in", "field": "id", "value": [3, 5, 99]}], [3, 5]),
    ([{"op": "notIn", "field": "id", "value": list(range(3, 51))}], [1, 2]),
    ([{"op": "exist", "field": "phone"}], []),
    ([{"op": "notExist", "field": "phone"}, {"op": "lt", "field": "id", "value": 3}], [1, 2]),
    ([{"op": "or", "items": [{"op": "eq", "field": "id", "value": 1}, {"op": "eq", "field": "id", "value": 50}]}],
     [1, 50]),
    ([{"op": "and", "items": [{"op": "gt", "field": "id", "value": 10},
                              {"op": "or", "items": [{"op": "lt", "field": "id", "value": 13},
                                                     {"op": "gt", "field": "id", "value": 48}]}]}], [11, 12, 49, 50]),
    ([{"op": "eq", "field": "Tier", "value": "gold", "udf": True}], [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]),
])
def test_filter_operators(fake, flt, expected):
    assert ids(pull(fake, "Companies", {"filter": flt})) == expected
    assert post(fake, "Companies", {"filter": flt}, path="query/count").json() == {"queryCount": len(expected)}


@pytest.mark.parametrize("flt", [
    [{"op": "eq", "field": "noSuchField", "value": 1}],
    [{"op": "eq", "field": "noSuchUdf", "value": "x", "udf": True}],
    [{"op": "like", "field": "id", "value": 1}],
    [{"op": "gte", "field": "createDate", "value": "yesterday"}],
    [{"op": "eq", "field": "isActive", "value": "yes"}],
    [{"op": "eq", "field": "id", "value": None}],
    [{"op": "in", "field": "id", "value": 3}],
])
def test_bad_filters_are_refused(fake, flt):
    for path in ("query", "query/count"):
        response = post(fake, "Companies", {"filter": flt}, path=path)
        assert response.status_code == 500 and response.json()["errors"]


def test_include_fields():
    many = [company(i) for i in range(1, 502)]
    with FakeAutotask({"Companies": many}) as fake:
        refused = post(fake, "Companies", {"filter": ALL, "IncludeFields": ["companyName"]})
        assert refused.status_code == 500 and "id" in " ".join(refused.json()["errors"])
        page = post(fake, "Companies", {"filter": ALL, "IncludeFields": ["ID", "companyname"]}).json()
        assert page["items"][0] == {"id": 1, "companyName": "Company 001"} and page["pageDetails"]["nextPageUrl"]
        few = post(fake, "Companies", {"filter": [{"op": "lte", "field": "id", "value": 500}],
                                       "IncludeFields": ["companyName", "Tier"]}).json()
        assert few["items"][0] == {"companyName": "Company 001", "userDefinedFields": [{"name": "Tier",
                                                                                        "value": "Silver"}]}
        unknown = post(fake, "Companies", {"filter": ALL, "IncludeFields": ["id", "nope"]})
        assert unknown.status_code == 500


def test_single_item(fake):
    assert get(fake, "V1.0/Companies/7").json()["item"]["companyName"] == "Company 007"
    assert get(fake, "V1.0/Companies/7000").json() == {"item": None}


# -- entities ---------------------------------------------------------------------------------------------------

def test_entities_that_cannot_be_queried_have_no_query_paths(fake):
    for entity in ("ContractServiceAdjustments", "ContractServiceBundleAdjustments"):
        assert post(fake, entity, {"filter": ALL}).status_code == 404
        assert post(fake, entity, {"filter": ALL}, path="query/count").status_code == 404
        info = get(fake, f"V1.0/{entity}/entityInformation").json()["info"]
        assert info["name"] == entity and info["canQuery"] is False
    assert get(fake, "V1.0/Companies/entityInformation").json()["info"]["canQuery"] is True


def test_entities_without_rows_answer_empty_and_unknown_ones_404(fake):
    for entity in ("Tickets", "notificationhistory", "ContractServiceUnits", "TimeEntries", "BillingItems"):
        page = post(fake, entity, {"filter": ALL}).json()
        assert page["items"] == [] and page["pageDetails"]["nextPageUrl"] is None
    assert post(fake, "Bogus", {"filter": ALL}).status_code == 404
    assert post(fake, "WorkflowRules", {"filter": ALL}).status_code == 404  # a capture sheet, not an entity


def test_field_metadata():
    tenant = {"fields": [{"name": "id", "dataType": "long"}, {"name": "status", "dataType": "integer",
                                                                "isPickList": True, "picklistValues": [
                                                                    {"value": "1", "label": "Active"}]}]}
    udfs = {"fields": [{"name": "Indexering", "label": "Indexering", "type": "string", "isPickList": False}]}
    with FakeAutotask({}, fields={"Contracts": tenant}, udf_definitions={"Contracts": udfs}) as fake:
        assert get(fake, "V1.0/Contracts/entityInformation/fields").json() == tenant
        assert get(fake, "V1.0/Contracts/entityInformation/userDefinedFields").json() == udfs
        assert get(fake, "V1.0/Tickets/entityInformation/userDefinedFields").json() == {"fields": []}
        derived = {f["name"]: f for f in get(fake, "V1.0/ContractServiceUnits/entityInformation/fields").json()[
            "fields"]}
        assert {k: derived[k]["dataType"] for k in ("id", "units", "price", "startDate", "contractID")} == {
            "id": "long", "units": "integer", "price": "double", "startDate": "datetime", "contractID": "integer"}
        keys = {"name", "dataType", "length", "isRequired", "isReadOnly", "isQueryable", "isReference",
                "referenceEntityType", "isPickList", "picklistValues", "picklistParentValueField",
                "isSupportedWebhookField"}
        assert all(set(f) == keys for f in derived.values()) and "userDefinedFields" not in derived
    # an entity outside the REST model: fields from its records
    with FakeAutotask({"Widgets": [{"id": 1, "name": "w", "madeOn": "2024-01-01T00:00:00Z", "ok": True}]}) as fake:
        types = {f["name"]: f["dataType"] for f in get(fake, "V1.0/Widgets/entityInformation/fields").json()["fields"]}
        assert types == {"id": "long", "name": "string", "madeOn": "datetime", "ok": "boolean"}


# -- zone, version, thresholds (Autotask API zones, REST_Thresholds_Limits, ThreadLimiting) -------------------------

def test_zone_information_needs_no_credentials(fake):
    zone = requests.get(fake.root + "ATServicesRest/V1.0/ZoneInformation", params={"user": fake.user}, timeout=10)
    assert zone.status_code == 200
    assert zone.json() == {"zoneName": "Local Zone", "url": fake.url, "webUrl": fake.root, "ci": 0}
    assert zone.json()["url"].endswith("/ATServicesRest/")
    other = requests.get(fake.root + "ATServicesRest/V1.0/ZoneInformation", params={"user": "x@y.z"}, timeout=10)
    assert other.status_code in (404, 500) and other.json()["errors"]
    assert fake.request_count() == 0


def test_version_information(fake):
    for path in ("VersionInformation", "versioninformation"):
        assert get(fake, path).json() == {"apiVersions": ["1.0"]}
    assert get(fake, "VersionInformation", headers={}).status_code == 401


def test_threshold_information_counts_every_request():
    with FakeAutotask({"Companies": COMPANIES}, used=40) as fake:
        post(fake, "Companies", {"filter": ALL})
        post(fake, "Companies", {"filter": ALL}, path="query/count")
        get(fake, "V1.0/Companies/entityInformation/fields")
        info = get(fake, "V1.0/ThresholdInformation").json()
        assert info == {"externalRequestThreshold": 10_000, "requestThresholdTimeframe": 60,
                        "currentTimeframeRequestCount": 44}
        assert fake.request_count() == 44


def test_threshold_reached_refuses_until_the_window_frees_up():
    with FakeAutotask({"Companies": COMPANIES}, threshold=5, used=3, window_s=1.0) as fake:
        statuses = [post(fake, "Companies", {"filter": ALL}).status_code for _ in range(4)]
        assert statuses == [200, 200, 429, 429]
        refused = post(fake, "Companies", {"filter": ALL})
        assert refused.status_code == 429 and refused.json()["errors"]
        assert fake.request_count() == 5
        time.sleep(1.1)
        assert post(fake, "Companies", {"filter": ALL}).status_code == 200


def test_latency_past_half_the_threshold():
    with FakeAutotask({"Companies": COMPANIES}, threshold=10, used=4, latency_s=0.4) as fake:
        start = time.monotonic()
        post(fake, "Companies", {"filter": ALL})  # the 5th of 10: not past half
        fast = time.monotonic() - start
        start = time.monotonic()
        post(fake, "Companies", {"filter": ALL})  # the 6th
        slow = time.monotonic() - start
        assert fast < 0.3 <= 0.4 <= slow


def test_a_fourth_simultaneous_request_to_one_endpoint_is_refused(fake):
    fake.fail("Companies", "slow", times=4, seconds=0.8)
    statuses, barrier = [], threading.Barrier(4)

    def one():
        barrier.wait()
        statuses.append(post(fake, "Companies", {"filter": ALL}).status_code)
    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    # another endpoint and ZoneInformation are not held up meanwhile
    assert get(fake, "V1.0/Contracts/entityInformation").status_code == 200
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 429]
    assert fake.max_concurrent["Companies"] == 3


# -- faults -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["500", "429", "401"])
def test_status_faults_fail_once(fake, kind):
    fake.fail("Companies", kind)
    failed = post(fake, "Companies", {"filter": ALL})
    assert failed.status_code == int(kind) and failed.json()["errors"]
    assert fake.secret not in failed.text
    if kind == "429":
        assert failed.headers["Retry-After"] == "1"
    assert post(fake, "Companies", {"filter": ALL}).status_code == 200
    assert get(fake, "V1.0/Companies/entityInformation/fields").status_code == 200  # only query requests fail


def test_slow_fault(fake):
    fake.fail("Companies", "slow", seconds=0.5)
    start = time.monotonic()
    assert post(fake, "Companies", {"filter": ALL}).status_code == 200
    assert time.monotonic() - start >= 0.5


def test_cut_fault_breaks_the_body(fake):
    fake.fail("Companies", "cut")
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        post(fake, "Companies", {"filter": ALL})
    assert post(fake, "Companies", {"filter": ALL}).status_code == 200


def test_close_fault_drops_the_connection(fake):
    fake.fail("Companies", "close")
    with pytest.raises(requests.exceptions.ConnectionError):
        post(fake, "Companies", {"filter": ALL})
    assert post(fake, "Companies", {"filter": ALL}).status_code == 200


def test_faults_on_one_page_count_its_retries():
    with FakeAutotask({"Companies": COMPANIES}, page_size=20) as fake:
        fake.fail("companies", "500", times=2, page=2)
        first = post(fake, "Companies", {"filter": ALL}).json()
        url = first["pageDetails"]["nextPageUrl"]
        assert [requests.get(url, headers=fake.headers, timeout=10).status_code for _ in range(3)] == [500, 500, 200]
        assert [e.get("page") for e in fake.log] == [1, 2, 2, 2]
        assert [e.get("fault") for e in fake.log] == [None, "500", "500", None]


def test_unknown_fault_kind():
    with pytest.raises(ValueError):
        FakeAutotask({}).fail("Companies", "explode")


# -- export folders -----------------------------------------------------------------------------------------------

def test_records_from_a_synth_json_folder(tmp_path):
    from readiness import synth
    from readiness.loader import load_export

    folder = synth.generate(tmp_path / "export", shape="json")
    records, fields = records_from_folder(folder)
    ledger = load_export(folder).ledger
    read = {e: n for e, n in ledger.groupby("entity")["read"].sum().items()
            if e not in ("WorkflowRules", "NotificationTemplates")}
    assert {e: len(rows) for e, rows in records.items()} == read
    assert fields and all("fields" in doc for doc in fields.values())
    # every record comes back through the API, fields as given
    with FakeAutotask(records, fields=fields, page_size=200) as fake:
        for entity, rows in records.items():
            assert sorted(ids(pull(fake, entity, {"filter": ALL}))) == sorted(r["id"] for r in rows), entity
        for entity, doc in fields.items():
            assert get(fake, f"V1.0/{entity}/entityInformation/fields").json() == doc
