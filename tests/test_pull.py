"""`readiness pull` against a local server that behaves as Autotask's REST API is documented to (fake_autotask).

Real HTTP throughout: the pull's own client (requests + tenacity) talks to the server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from fake_autotask import FakeAutotask, records_from_folder
from readiness import entities as ents
from readiness import textfiles
from readiness.audit import audit_command
from readiness.loader import load_export
from readiness.pull import plan
from readiness.pull.autotask import Client, Credentials
from readiness.pull.run import pull_command
from readiness.rules import RULES
from readiness.synth import generate

USER, SECRET, CODE = "api-user@msp.example", "s3cr3t-Secret!", "INTEGRATION-CODE-1"
AS_OF = "2025-06-30"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A small synthetic tenant as REST JSON, and the records and fields a server serves from it."""
    folder = generate(tmp_path_factory.mktemp("tenant") / "harbour", size="small", seed=4, shape="json")
    records, fields = records_from_folder(folder)
    return folder, records, fields


@pytest.fixture
def creds(monkeypatch):
    monkeypatch.setenv("AUTOTASK_API_USER", USER)
    monkeypatch.setenv("AUTOTASK_API_SECRET", SECRET)
    monkeypatch.setenv("AUTOTASK_API_INTEGRATION_CODE", CODE)


def served(fake: FakeAutotask, entity: str) -> list[dict]:
    return sorted(fake.records.get(entity, []), key=lambda r: r["id"])


def pulled(folder: Path, entity: str) -> list[dict]:
    path = folder / f"{entity}.jsonl"
    if path.is_file():
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    data = textfiles.load_json(folder / f"{entity}.json")
    return data["items"]


def queried(fake: FakeAutotask) -> set[str]:
    return {e["entity"] for e in fake.log if e["path"].lower().endswith(("/query", "/query/next"))}


@pytest.fixture(scope="module")
def full_pull(source, tmp_path_factory):
    """One complete pull with small pages and a fault of every transient kind on the way."""
    _, records, fields = source
    out = tmp_path_factory.mktemp("pulled") / "harbour"
    env = {"AUTOTASK_API_USER": USER, "AUTOTASK_API_SECRET": SECRET, "AUTOTASK_API_INTEGRATION_CODE": CODE}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with FakeAutotask(records, fields=fields, page_size=97) as fake:
            fake.fail("Tickets", "500", page=2)
            fake.fail("TimeEntries", "429", page=1)
            fake.fail("ContractServiceUnits", "cut", page=3)
            fake.fail("Contacts", "close", page=2)
            fake.fail("BillingItems", "slow", page=1, seconds=1.0)
            import contextlib
            import io

            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = pull_command(out, api_url=fake.url, workers=4)
            yield {"out": out, "fake": fake, "code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


# -- the declared list -----------------------------------------------------------------------------------------------

def test_the_pull_reads_exactly_the_entities_the_loader_reads():
    assert {e.name for e in plan.PULLED} == set(ents.ENTITIES) - set(ents.CAPTURED)
    assert [e.name for e in plan.PULLED if e.required] == ["Companies", "Contracts"]
    needed = {t for r in RULES.values() for t in r.requires}
    assert needed <= {e.name for e in plan.PULLED} | set(ents.CAPTURED)
    assert set(plan.HISTORY_FIELDS) == set(ents.HISTORY_TABLES)  # the tables the audit loads lean
    for name, field in plan.HISTORY_FIELDS.items():
        assert field in ents.rest_model()[ents.singular(name)], (name, field)


def test_the_readme_prints_the_declared_list():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for row in plan.entity_table():
        assert f"| {row['entity']} |" in readme, row["entity"]


# -- a complete pull -------------------------------------------------------------------------------------------------

def test_a_pull_holds_every_record_the_server_holds_field_for_field(full_pull):
    assert full_pull["code"] == 0, full_pull["stderr"]
    out, fake = full_pull["out"], full_pull["fake"]
    for e in plan.PULLED:
        assert pulled(out, e.name) == served(fake, e.name), e.name
        assert (out / e.name).with_suffix(".jsonl" if e.form == "jsonl" else ".json").is_file()
        assert json.loads((out / "fields" / f"{e.name}.json").read_text())["fields"], e.name
        assert "fields" in json.loads((out / "fields" / "udf" / f"{e.name}.json").read_text())


def test_pull_json_records_counts_requests_and_durations(full_pull):
    out, fake = full_pull["out"], full_pull["fake"]
    record = json.loads((out / "pull.json").read_text())
    assert record["zone"]["url"] == fake.url and record["api_version"] == "1.0" and record["finished"]
    assert record["history_since"] is None
    for e in plan.PULLED:
        entry = record["entities"][e.name]
        n = len(fake.records.get(e.name, []))
        assert entry["status"] == "done" and entry["required"] == e.required
        assert entry["count_start"] == entry["count_end"] == entry["records_written"] == n
        assert entry["requests"] >= plan.entity_requests(n) and entry["duration_s"] >= 0
    # Every request the server saw is accounted for (the zone lookup was not needed: --api-url was given).
    assert record["requests_made"] == len([x for x in fake.log if x["entity"] != "ZoneInformation"])
    # The faults were met and retried: one 500, one 429, a cut body, a closed connection.
    statuses = [x["status"] for x in fake.log]
    assert 500 in statuses and 429 in statuses


def test_no_endpoint_saw_more_than_three_requests_at_once(full_pull):
    assert max(full_pull["fake"].max_concurrent.values()) <= 3


def test_the_budget_is_printed_before_pulling(full_pull):
    text = full_pull["stdout"]
    assert "Request budget" in text and "ThresholdInformation" in text
    assert text.index("Request budget") < text.index("Tickets: ")
    tickets = len(full_pull["fake"].records["Tickets"])
    line = next(x for x in text.splitlines() if x.split()[:1] == ["Tickets"])
    assert line.split()[1:] == [f"{tickets:,}", f"{plan.entity_requests(tickets):,}"]


def test_capture_sheets_are_copied_blank_and_named(full_pull):
    out = full_pull["out"]
    for sheet in ents.CAPTURED:
        assert (out / f"{sheet}.csv").read_bytes() == (ROOT / "data" / "templates" / f"{sheet}.csv").read_bytes()
    assert "WorkflowRules.csv and NotificationTemplates.csv" in full_pull["stdout"]


def test_no_secret_in_any_file_or_output(full_pull):
    out = full_pull["out"]
    texts = [full_pull["stdout"], full_pull["stderr"]] + [p.read_bytes().decode("utf-8", "replace")
                                                          for p in out.rglob("*") if p.is_file()]
    for text in texts:
        for value in (SECRET, CODE, USER):
            assert value not in text


def test_the_pulled_folder_loads_without_a_reject_or_problem(full_pull):
    export = load_export(full_pull["out"])
    assert int(export.ledger["rejected"].sum()) == 0
    assert not [p for p in export.problems if "not read" in p or "fields/" in p], export.problems


def test_the_audit_of_a_pulled_folder_equals_the_audit_of_its_source(full_pull, source, tmp_path):
    src = source[0]
    out = full_pull["out"]
    copy = tmp_path / "pulled"
    shutil.copytree(out, copy)
    for name in ("WorkflowRules.csv", "NotificationTemplates.csv", "client.yaml"):  # what the consultant adds
        shutil.copyfile(src / name, copy / name)
    assert audit_command(src, tmp_path / "a", as_of=AS_OF) in (0, 1)
    assert audit_command(copy, tmp_path / "b", as_of=AS_OF) in (0, 1)
    (a,), (b,) = list((tmp_path / "a").iterdir()), list((tmp_path / "b").iterdir())
    for name, key in (("findings.csv", "finding_id"), ("contract_map.csv", "contract_id")):
        left = pd.read_csv(a / name).sort_values(key).reset_index(drop=True)
        right = pd.read_csv(b / name).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right)
    assert json.loads((a / "summary.json").read_text()) == json.loads((b / "summary.json").read_text())


# -- zone, entities, options -------------------------------------------------------------------------------------------

def test_the_zone_is_looked_up_when_no_api_url_is_given(source, creds, tmp_path, capsys):
    with FakeAutotask({"Companies": source[1]["Companies"]}, zone_name="Zone 42") as fake:
        code = pull_command(tmp_path / "out", entities=["Companies"], zone_lookup=fake.url)
        assert code == 0, capsys.readouterr().err
        assert any(x["entity"] == "ZoneInformation" for x in fake.log)
    record = json.loads((tmp_path / "out" / "pull.json").read_text())
    assert record["zone"] == {"name": "Zone 42", "url": fake.url}


def test_entities_that_cannot_be_queried_are_listed_not_requested(source, creds, tmp_path, capsys):
    with FakeAutotask({"Companies": source[1]["Companies"]}) as fake:
        code = pull_command(tmp_path / "out", api_url=fake.url,
                            entities=["companies", "ContractServiceAdjustments"])
        assert code == 0
        assert not [x for x in fake.log if "Adjustments" in x["path"]]
    text = capsys.readouterr().out
    assert "ContractServiceAdjustments: cannot be queried" in text
    record = json.loads((tmp_path / "out" / "pull.json").read_text())
    assert record["not_queryable"] == ["ContractServiceAdjustments"] and list(record["entities"]) == ["Companies"]


@pytest.mark.parametrize("kwargs, message", [
    ({"entities": ["Contractz"]}, "unknown entities: Contractz"),
    ({"since": "2024-13-01"}, "is not a date"),
    ({"since": "2024-01-01", "history_years": 2}, "not both"),
    ({"history_years": 0}, "1 or more"),
])
def test_bad_options_exit_2_with_a_message(kwargs, message, creds, tmp_path, capsys):
    assert pull_command(tmp_path / "out", api_url="http://127.0.0.1:9/ATServicesRest/", **kwargs) == 2
    assert message in capsys.readouterr().err


def test_a_folder_that_is_not_empty_or_is_a_file_is_refused(creds, tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("x")
    (tmp_path / "file").write_text("x")
    assert pull_command(tmp_path / "full", api_url="http://127.0.0.1:9/") == 2
    assert pull_command(tmp_path / "file", api_url="http://127.0.0.1:9/") == 2
    err = capsys.readouterr().err
    assert "is not empty" in err and "is a file" in err


def test_missing_credentials_without_a_terminal_exit_2(monkeypatch, tmp_path, capsys):
    for name in ("AUTOTASK_API_USER", "AUTOTASK_API_SECRET", "AUTOTASK_API_INTEGRATION_CODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    assert pull_command(tmp_path / "out", api_url="http://127.0.0.1:9/") == 2
    assert "AUTOTASK_API_SECRET" in capsys.readouterr().err


def test_history_years_limit_the_history_tables_by_their_date_field(source, creds, tmp_path):
    records = source[1]
    since = "2024-06-30"
    with FakeAutotask(records, fields=source[2]) as fake:
        code = pull_command(tmp_path / "out", api_url=fake.url, since=since,
                            entities=["Companies", "Tickets", "TimeEntries", "NotificationHistory",
                                      "ContractServiceUnits", "BillingItems"])
        assert code == 0
    out = tmp_path / "out"
    for name, field in plan.HISTORY_FIELDS.items():
        got = pulled(out, name)
        kept = [r for r in records[name] if r.get(field) and r[field][:10] >= since
                or (name == "Tickets" and r["status"] != plan.TICKET_COMPLETE)]
        assert sorted(r["id"] for r in got) == sorted(r["id"] for r in kept), name
        assert got, name
    assert sum(len(pulled(out, n)) for n in plan.HISTORY_FIELDS) < sum(len(records[n]) for n in plan.HISTORY_FIELDS)
    assert len(pulled(out, "Companies")) == len(records["Companies"])  # not a history table: whole
    assert json.loads((out / "pull.json").read_text())["history_since"] == since


# -- limits -----------------------------------------------------------------------------------------------------------

def test_a_pull_that_does_not_fit_the_hour_is_refused_unless_paced(source, creds, tmp_path, capsys):
    records = {k: source[1][k] for k in ("Companies", "Contracts", "Contacts", "Tickets")}
    with FakeAutotask(records, page_size=20, threshold=60, used=45) as fake:
        assert pull_command(tmp_path / "refused", api_url=fake.url) == 1
        assert len(fake.log) == 2  # the version and ThresholdInformation: not even the counts fit
    assert "too many to even count the 32 entities" in capsys.readouterr().err
    with FakeAutotask(records, page_size=20, threshold=200, used=140) as fake:
        assert pull_command(tmp_path / "refused", api_url=fake.url) == 1
    err = capsys.readouterr().err
    assert "--pace" in err and "are left this hour" in err
    assert not list((tmp_path / "refused").glob("*.json*"))

    with FakeAutotask(records, page_size=20, threshold=200, used=140, window_s=2.0) as fake:
        # The budget plans 500 records a page; this server gives 20, so pacing must also absorb the surprise.
        assert pull_command(tmp_path / "paced", api_url=fake.url, pace=True, pace_poll_s=0.2) == 0
        assert not [x for x in fake.log if x["status"] == 429]
    for name in records:
        assert pulled(tmp_path / "paced", name) == served(fake, name)


def test_the_budget_warns_of_latency_past_half_the_threshold(source, creds, tmp_path, capsys):
    with FakeAutotask({"Companies": source[1]["Companies"]}, threshold=100, used=49) as fake:
        assert pull_command(tmp_path / "out", api_url=fake.url, entities=["Companies"]) == 0
    assert "latency throttling" in capsys.readouterr().out


def test_the_client_never_sends_more_than_three_requests_to_one_endpoint():
    rows = [{"id": i, "companyName": f"C{i}"} for i in range(1, 6)]
    with FakeAutotask({"Companies": rows}) as fake:
        fake.fail("Companies", "slow", times=6, seconds=0.5)
        client = Client(fake.url, Credentials(USER, SECRET, CODE))
        results = []
        threads = [threading.Thread(target=lambda: results.append(list(client.pages(
            "Companies", [{"op": "gte", "field": "id", "value": 0}])))) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 6 and fake.max_concurrent["Companies"] == 3
        assert not [x for x in fake.log if x["status"] == 429]


# -- failures ---------------------------------------------------------------------------------------------------------

def test_wrong_credentials_stop_at_once_with_a_clear_message(source, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("AUTOTASK_API_USER", USER)
    monkeypatch.setenv("AUTOTASK_API_SECRET", "wrong-Secret-123")
    monkeypatch.setenv("AUTOTASK_API_INTEGRATION_CODE", CODE)
    with FakeAutotask(source[1]) as fake:
        assert pull_command(tmp_path / "out", api_url=fake.url) == 1
        assert len(fake.log) == 1  # not retried
    err = capsys.readouterr().err
    assert "HTTP 401" in err and "AUTOTASK_API_SECRET" in err and "wrong-Secret-123" not in err


def test_a_401_mid_pull_stops_it_and_keeps_what_finished(source, creds, tmp_path, capsys):
    records = {k: source[1][k] for k in ("Companies", "Contracts", "Tickets")}
    with FakeAutotask(records, page_size=50) as fake:
        fake.fail("Tickets", "401", page=3)
        assert pull_command(tmp_path / "out", api_url=fake.url, workers=1) == 1
    assert "HTTP 401" in capsys.readouterr().err
    record = json.loads((tmp_path / "out" / "pull.json").read_text())
    assert "Tickets" not in record["entities"] and not (tmp_path / "out" / "Tickets.jsonl").exists()
    assert not list((tmp_path / "out").glob(".*.partial"))


def test_an_entity_that_keeps_failing_is_reported_and_the_others_finish(source, creds, tmp_path, capsys, monkeypatch):
    import readiness.pull.autotask as api

    monkeypatch.setattr(api, "MAX_WAIT_S", 0.2)
    records = {k: source[1][k] for k in ("Companies", "Contracts", "Contacts")}
    with FakeAutotask(records) as fake:
        fake.fail("Contacts", "500", times=10)
        assert pull_command(tmp_path / "out", api_url=fake.url) == 1
    err = capsys.readouterr().err
    assert "Contacts: HTTP 500" in err and "gave up after 6 attempts" in err and "--resume" in err
    record = json.loads((tmp_path / "out" / "pull.json").read_text())
    assert record["entities"]["Contacts"]["status"] == "failed"
    assert record["entities"]["Companies"]["status"] == record["entities"]["Contracts"]["status"] == "done"


def test_a_killed_pull_resumes_without_fetching_finished_entities(source, tmp_path):
    out = tmp_path / "out"
    with FakeAutotask(source[1], fields=source[2]) as fake:
        fake.fail("Contacts", "slow", page=1, seconds=10)  # the pull is killed while waiting for this page
        env = {**os.environ, "AUTOTASK_API_USER": USER, "AUTOTASK_API_SECRET": SECRET,
               "AUTOTASK_API_INTEGRATION_CODE": CODE}
        proc = subprocess.Popen([sys.executable, "-m", "readiness.cli", "pull", str(out), "--api-url", fake.url,
                                 "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            # Contacts' field lists are read just before its first page (the one that is slow to come).
            if any(x["entity"] == "Contacts" and x["path"].endswith("userDefinedFields") for x in list(fake.log)):
                break
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        before = json.loads((out / "pull.json").read_text())["entities"]
        finished = {n for n, e in before.items() if e["status"] == "done"}
        assert finished and "Contacts" not in finished
        fake.log.clear()
        env_code = pull_command_env(out, fake, resume=True)
        assert env_code == 0
        again = queried(fake)
        assert not again & finished and "Contacts" in again
    for e in plan.PULLED:
        assert pulled(out, e.name) == served(fake, e.name), e.name
    assert not list(out.rglob(".*.partial"))


def pull_command_env(out: Path, fake: FakeAutotask, **kwargs) -> int:
    env = {"AUTOTASK_API_USER": USER, "AUTOTASK_API_SECRET": SECRET, "AUTOTASK_API_INTEGRATION_CODE": CODE}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return pull_command(out, api_url=fake.url, **kwargs)
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


def test_resume_refuses_a_different_history_limit(source, creds, tmp_path, capsys):
    with FakeAutotask({"Companies": source[1]["Companies"]}) as fake:
        assert pull_command(tmp_path / "out", api_url=fake.url, entities=["Companies"], since="2024-01-01") == 0
        assert pull_command(tmp_path / "out", api_url=fake.url, resume=True, since="2023-01-01") == 2
        assert pull_command(tmp_path / "out", api_url=fake.url) == 2  # an earlier pull: --resume or a new folder
        fake.log.clear()
        assert pull_command(tmp_path / "out", api_url=fake.url, resume=True) == 0
        assert not queried(fake)  # nothing left to fetch
    err = capsys.readouterr().err
    assert "read history from 2024-01-01" in err and "continue it with --resume" in err


def test_credentials_go_only_to_the_zone_they_were_given_for():
    with FakeAutotask({"Companies": [{"id": 1, "companyName": "A"}]}) as fake:
        client = Client(fake.url, Credentials(USER, SECRET, CODE))
        other = fake.url.replace("127.0.0.1", "localhost")  # the same server under another name
        with pytest.raises(Exception, match="pointed to another address"):
            client.call("GET", other + "V1.0/Companies/query/next?paging=x")
        with pytest.raises(Exception, match="pointed to another address"):
            client.call("GET", fake.url.replace("http://", "https://") + "V1.0/Companies/query/next?paging=x")
        assert not fake.log
        assert SECRET not in repr(client.credentials) and USER not in str(client.credentials)


def test_the_audit_is_told_what_a_pull_left_out(source, creds, tmp_path, monkeypatch):
    import readiness.pull.autotask as api

    monkeypatch.setattr(api, "MAX_WAIT_S", 0.2)
    records = {k: source[1][k] for k in ("Companies", "Contracts", "Contacts", "Tickets")}
    with FakeAutotask(records) as fake:
        fake.fail("Contacts", "500", times=10)
        assert pull_command(tmp_path / "out", api_url=fake.url, since="2024-06-30") == 1
    problems = load_export(tmp_path / "out").problems
    assert any("pulled from 2024-06-30 on only" in p for p in problems)
    assert any(p.startswith("pull.json: Contacts was not pulled completely (failed") for p in problems)


# -- every shape of answer ----------------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from readiness import exportwriter  # noqa: E402

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)
_records = st.lists(st.fixed_dictionaries({"id": st.integers(min_value=0, max_value=2**62)},
                                          optional={"name": st.text(max_size=20), "extra": _json_values}),
                    max_size=40, unique_by=lambda r: r["id"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=_records, page=st.integers(min_value=1, max_value=17), form=st.sampled_from(exportwriter.FORMS))
def test_the_export_writer_gives_back_every_record_in_every_form(records, page, form, tmp_path_factory):
    folder = tmp_path_factory.mktemp("forms")
    pages = [records[i:i + page] for i in range(0, len(records), page)]
    path, n = exportwriter.write_entity(folder, "Companies", iter(pages), form)
    text = path.read_text(encoding="utf-8")
    if form == "jsonl":
        assert text.count("\n") == len(records) and all(c not in text for c in "\x85\u2028\u2029")
        back = [json.loads(line) for line in text.split("\n") if line]
    else:
        data = json.loads(text)
        back = (data["items"] if form == "response" else data if form == "list"
                else [r for p in data for r in p["items"]])
    assert n == len(records) and back == records
    assert not list(folder.glob(".*.partial"))


@settings(max_examples=25, deadline=None)
@given(records=_records, page_size=st.integers(min_value=1, max_value=23),
       faults=st.lists(st.tuples(st.sampled_from(["500", "429", "cut", "close"]), st.integers(1, 4)), max_size=3))
def test_paging_reads_every_record_once_whatever_the_page_size_and_faults(records, page_size, faults):
    import readiness.pull.autotask as api

    wait, api.MAX_WAIT_S = api.MAX_WAIT_S, 0.05  # Retry-After of the 429 fault still waits its second
    try:
        with FakeAutotask({"Companies": records}, page_size=page_size) as fake:
            for kind, at in faults:
                fake.fail("Companies", kind, page=at)
            client = Client(fake.url, Credentials(USER, SECRET, CODE))
            got = [r for p in client.pages("Companies", [{"op": "gte", "field": "id", "value": 0}]) for r in p]
            assert got == sorted(records, key=lambda r: r["id"])
            assert client.count("Companies", [{"op": "gte", "field": "id", "value": 0}]) == len(records)
    finally:
        api.MAX_WAIT_S = wait


# -- a tenant this project did not generate -------------------------------------------------------------------------

def test_a_real_shaped_tenant_pulls_field_for_field_and_audits_the_same(creds, tmp_path):
    """tests/data/real_rest: records carrying every field of Autotask's REST model for their entity (UDFs, nulls,
    ids past 2^31, custom picklist codes), with a live tenant's entityInformation/fields for Tickets and
    Resources, served as the documented API serves them."""
    src = ROOT / "tests" / "data" / "real_rest"
    records, fields = records_from_folder(src)
    out = tmp_path / "pulled"
    with FakeAutotask(records, fields=fields, page_size=37) as fake:
        assert pull_command(out, api_url=fake.url, entities=list(records)) == 0
        for entity in records:
            assert pulled(out, entity) == served(fake, entity), entity
    export = load_export(out)
    assert int(export.ledger["rejected"].sum()) == 0 and export.rejects.empty
    for name in ("WorkflowRules.csv", "NotificationTemplates.csv", "client.yaml"):  # what the consultant adds
        shutil.copyfile(src / name, out / name)
    assert audit_command(src, tmp_path / "a", as_of=AS_OF) in (0, 1)
    assert audit_command(out, tmp_path / "b", as_of=AS_OF) in (0, 1)
    (a,), (b,) = list((tmp_path / "a").iterdir()), list((tmp_path / "b").iterdir())
    for name, key in (("findings.csv", "finding_id"), ("contract_map.csv", "contract_id")):
        left = pd.read_csv(a / name).sort_values(key).reset_index(drop=True)
        right = pd.read_csv(b / name).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right)
