"""`readiness pull-halo`: invoices of one period from HaloPSA's API, against a local fake HaloPSA over real HTTP."""

from __future__ import annotations

import copy
import csv
import io
import json
import logging
import time
from pathlib import Path

import pytest

from fake_halo import FakeHalo, make_invoices
from readiness.config import SAMPLE_DIR
from readiness.pull import halo
from readiness.pull.halo import invoice_month, pull_halo_command
from readiness.reconcile import read_halo_lines, run_reconciliation

CLIENT_ID = "readiness-tests-app"
SECRET = "hx-SECRET-9f3c2a7e-do-not-print"
SWAGGER = Path("/work/shared/reference/halopsa-api-swagger.json")
SAMPLE = SAMPLE_DIR / "reconcile"
PERIOD = "2025-06"


@pytest.fixture(autouse=True)
def env(monkeypatch):
    """Credentials in the environment, no tenant, loopback never proxied, retries fast (Retry-After still honoured)."""
    monkeypatch.setenv("HALO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("HALO_CLIENT_SECRET", SECRET)
    monkeypatch.delenv("HALO_TENANT", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr(halo, "RETRY_WAIT_S", 0.01)


@pytest.fixture(scope="module")
def served() -> list[dict]:
    return make_invoices(30)


def fake(invoices, **kw) -> FakeHalo:
    return FakeHalo(invoices, client_id=CLIENT_ID, client_secret=SECRET, **kw)


def pull(server: FakeHalo, tmp_path: Path, period: str = PERIOD, **kw) -> tuple[int, Path]:
    out = tmp_path / "halo_invoices.json"
    return pull_halo_command(out, server.url, period, **kw), out


def of_period(invoices: list[dict], period: str = PERIOD) -> list[dict]:
    return [inv for inv in invoices if inv["invoice_date"].startswith(period)]


def written(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["invoices"]
    return data["invoices"]


def pages_requested(server: FakeHalo) -> list[int]:
    return [int(e["params"]["page_no"]) for e in server.requests_to("/api/Invoice", "GET")]


# --- a full pull ----------------------------------------------------------------------------------------------

def test_full_pull_writes_exactly_the_period_field_for_field(served, tmp_path, capsys):
    with fake(served) as server:
        rc, out = pull(server, tmp_path, page_size=7)
    assert rc == 0
    expected = of_period(served)
    assert 5 <= len(expected) < len(served)
    assert written(out) == expected  # every header and line field as served, in order
    gets = server.requests_to("/api/Invoice", "GET")
    assert pages_requested(server) == [1, 2, 3, 4, 5]  # 30 invoices, 7 a page: stops at record_count
    assert all(e["params"] | {"page_no": "-"} == {"includelines": "true", "pageinate": "true", "page_size": "7",
                                                   "page_no": "-"} for e in gets)
    assert all(e["auth"] == "valid" for e in gets)
    assert {(e["method"], e["path"]) for e in server.log} == {("POST", "/auth/token"), ("GET", "/api/Invoice")}
    assert len(server.requests_to("/auth/token")) == 1
    assert not list(tmp_path.glob(".*.partial"))
    shown = capsys.readouterr().out
    n_lines = sum(len(inv["lines"]) for inv in expected)
    assert f"Read 30 invoices (HaloPSA record_count 30) in 5 page(s); kept {len(expected)} invoices of 2025-06 " \
           f"with {n_lines} lines" in shown
    assert "6 HTTP requests (1 for a token, 0 retries)" in shown and str(out) in shown


def test_read_halo_lines_reads_every_line_of_the_period(served, tmp_path):
    with fake(served) as server:
        rc, out = pull(server, tmp_path, page_size=4)
    assert rc == 0
    got = read_halo_lines(out)
    expected = [(inv["invoicenumber"], inv["client_name"], line["item_code"], line["item_shortdescription"],
                 line["qty_order"], line["unit_price"], line["net_amount"])
                for inv in of_period(served) for line in inv["lines"]]
    rows = list(zip(got["invoicenumber"], got["client_name"], got["item_code"], got["item_shortdescription"],
                    got["qty_order"].astype(float), got["unit_price"].astype(float), got["net_amount"].astype(float)))
    assert sorted(rows) == sorted(expected)
    assert (got["invoice_date"].dt.strftime("%Y-%m") == PERIOD).all()


def sample_headers() -> list[dict]:
    """The paired sample's HaloPSA lines (data/sample/reconcile/halo_invoice_lines.csv) as InvoiceHeader records."""
    headers: dict[str, dict] = {}
    with open(SAMPLE / "halo_invoice_lines.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            head = headers.setdefault(row["ihid"], {
                "id": int(row["ihid"]), "client_id": int(row["client_id"]), "client_name": row["client_name"],
                "invoicenumber": row["invoicenumber"], "invoice_date": row["invoice_date"], "lines": []})
            head["lines"].append({"id": int(row["id"]), "ihid": int(row["ihid"]), "item_code": row["item_code"],
                                  "item_shortdescription": row["item_shortdescription"],
                                  "qty_order": float(row["qty_order"]), "unit_price": float(row["unit_price"]),
                                  "net_amount": float(row["net_amount"]), "tax_amount": float(row["tax_amount"])})
    return list(headers.values())


def test_pulled_sample_reconciles_like_the_csv_export(tmp_path):
    with fake(sample_headers()) as server:
        rc, out = pull(server, tmp_path, page_size=3)
    assert rc == 0
    cols = ["client_name", "invoice_date", "invoicenumber", "item_code", "item_shortdescription", "qty_order",
            "unit_price", "net_amount"]
    from_csv = read_halo_lines(SAMPLE / "halo_invoice_lines.csv")
    from_csv = from_csv[from_csv["invoice_date"].dt.strftime("%Y-%m") == PERIOD][cols].reset_index(drop=True)
    assert read_halo_lines(out)[cols].equals(from_csv)
    args = dict(period=PERIOD, client_map=SAMPLE / "client_map.csv")
    via_api = run_reconciliation(SAMPLE / "autotask", out, **args)
    via_csv = run_reconciliation(SAMPLE / "autotask", SAMPLE / "halo_invoice_lines.csv", **args)
    assert via_api.summary["counts"] == via_csv.summary["counts"]
    assert via_api.summary["totals"] == via_csv.summary["totals"]


def test_server_page_cap_does_not_lose_invoices(served, tmp_path):
    with fake(served, max_page_size=4) as server:
        rc, out = pull(server, tmp_path, page_size=10)  # every page comes back shorter than asked
    assert rc == 0
    assert written(out) == of_period(served)
    assert pages_requested(server) == list(range(1, 9))


def test_a_period_without_invoices_writes_an_empty_list(served, tmp_path):
    with fake(served) as server:
        rc, out = pull(server, tmp_path, period="2024-12")
    assert rc == 0 and written(out) == []


# --- period filtering -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, month", [
    ("2025-06-30T00:00:00", "2025-06"), ("2025-06-30", "2025-06"), ("2025-06-30T23:59:59Z", "2025-06"),
    ("2025-06-30T23:30:00-05:00", "2025-06"), ("2025-07-01T00:30:00+10:00", "2025-07"),
    ("2025-06-01T00:00:00.0000000", "2025-06"), ("2025-05-31T23:59:59.997", "2025-05"), (" 2025-06-15 ", "2025-06"),
    ("", None), (None, None), ("30/06/2025", None), ("2025-02-30", None), ("soon", None), (20250601, None),
])
def test_invoice_month(value, month):
    assert invoice_month(value) == month


def test_period_filter_at_month_boundaries(tmp_path, capsys):
    dates = {"may-last": "2025-05-31T23:59:59", "jun-first": "2025-06-01T00:00:00", "jun-date-only": "2025-06-15",
             "jun-last": "2025-06-30T23:59:59.997", "jun-last-z": "2025-06-30T23:00:00Z",
             "jun-last-offset": "2025-06-30T22:00:00-05:00", "jul-first": "2025-07-01T00:00:00",
             "jul-first-offset": "2025-07-01T01:00:00+10:00", "jun-a-year-later": "2026-06-10T00:00:00",
             "no-date": None, "bad-date": "not a date"}
    base = make_invoices(len(dates), seed=7)
    invoices = [{**inv, "invoicenumber": name, "invoice_date": when} for inv, (name, when) in zip(base, dates.items())]
    with fake(invoices) as server:
        rc, out = pull(server, tmp_path, page_size=3)
    assert rc == 0
    assert [inv["invoicenumber"] for inv in written(out)] == [
        "jun-first", "jun-date-only", "jun-last", "jun-last-z", "jun-last-offset"]
    assert "2 invoice(s) without a readable invoice_date were left out" in capsys.readouterr().err


# --- tokens -----------------------------------------------------------------------------------------------------

def test_token_expiring_mid_run_is_renewed_and_the_page_repeated(served, tmp_path):
    with fake(served) as server:
        server.fail("expire", page=3)
        rc, out = pull(server, tmp_path, page_size=7)
    assert rc == 0
    assert written(out) == of_period(served)
    assert len(server.requests_to("/auth/token")) == 2
    page3 = [e for e in server.requests_to("/api/Invoice") if e["params"]["page_no"] == "3"]
    assert [(e["status"], e["auth"]) for e in page3] == [(401, "expired"), (200, "valid")]


def test_short_lived_token_is_renewed_before_it_expires(served, tmp_path):
    with fake(served, token_ttl_s=1, slow_s=1.2) as server:
        server.fail("slow", page=2)  # page 3 is asked for after the first token's life
        rc, out = pull(server, tmp_path, page_size=7, timeout=10)
    assert rc == 0
    assert written(out) == of_period(served)
    assert len(server.requests_to("/auth/token")) == 2
    assert all(e["status"] == 200 for e in server.requests_to("/api/Invoice"))  # renewed early, never refused


def test_second_401_after_renewal_stops(served, tmp_path, capsys):
    with fake(served) as server:
        server.fail("401", times=2, page=2)
        rc, out = pull(server, tmp_path, page_size=7)
    assert rc == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "rejected a newly issued access token (HTTP 401)" in err
    assert SECRET not in err and not any(t in err for t in server.issued_tokens)
    assert len(server.requests_to("/auth/token")) == 2


@pytest.mark.parametrize("how, status", [("wrong secret", 401), ("token endpoint 400", 400)])
def test_refused_credentials_exit_1_without_the_secret(served, tmp_path, capsys, monkeypatch, how, status):
    with fake(served) as server:
        if how == "wrong secret":
            monkeypatch.setenv("HALO_CLIENT_SECRET", SECRET + "-old")
        else:
            server.fail("400", endpoint="token")
        rc, out = pull(server, tmp_path)
    assert rc == 1 and not out.exists()
    captured = capsys.readouterr()
    assert f"HaloPSA refused the client credentials (token request: HTTP {status}" in captured.err
    assert "HALO_CLIENT_ID" in captured.err and "HALO_CLIENT_SECRET" in captured.err
    assert SECRET not in captured.err + captured.out
    assert len(server.requests_to("/auth/token")) == 1  # refused credentials are not retried
    assert not server.requests_to("/api/Invoice")


def test_tenant_goes_on_the_token_url(served, tmp_path, monkeypatch):
    monkeypatch.setenv("HALO_TENANT", "acme")
    with fake(served, tenant="acme") as server:
        rc, out = pull(server, tmp_path)
    assert rc == 0 and written(out) == of_period(served)
    token_request = server.requests_to("/auth/token")[0]
    assert token_request["params"] == {"grant_type": "client_credentials", "scope": "all", "tenant": "acme"}


# --- transient failures -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["500", "503", "429", "cut", "badjson", "slow"])
def test_transient_failure_is_retried_to_success(served, tmp_path, kind):
    with fake(served, slow_s=1.0) as server:
        server.fail(kind, page=2)
        started = time.monotonic()
        rc, out = pull(server, tmp_path, page_size=7, timeout=0.4)
        took = time.monotonic() - started
    assert rc == 0
    assert written(out) == of_period(served)
    page2 = [e for e in server.requests_to("/api/Invoice") if e["params"]["page_no"] == "2"]
    assert [e["fault"] for e in page2] == [kind, None]
    if kind == "429":
        assert took >= 0.95  # Retry-After: 1 honoured, not the 0.01 s backoff


def test_token_endpoint_failure_is_retried(served, tmp_path):
    with fake(served) as server:
        server.fail("500", endpoint="token")
        server.fail("cut", endpoint="token")
        rc, out = pull(server, tmp_path)
    assert rc == 0 and written(out) == of_period(served)
    assert [e["fault"] for e in server.requests_to("/auth/token")] == ["500", "cut", None]


def test_retries_give_up_and_keep_the_previous_file(served, tmp_path, capsys):
    out = tmp_path / "halo_invoices.json"
    out.write_text('{"invoices": ["previous run"]}', encoding="utf-8")
    with fake(served) as server:
        server.fail("500", times=50, page=2)
        rc = pull_halo_command(out, server.url, PERIOD, page_size=7)
    assert rc == 1
    assert "GET /api/Invoice failed after 5 attempt(s): HTTP 500" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == '{"invoices": ["previous run"]}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["halo_invoices.json"]  # no temp file left


def test_unreachable_server_exits_1(tmp_path, capsys):
    with fake([]) as server:
        url = server.url  # closed when the block ends: nothing listens there any more
    rc = pull_halo_command(tmp_path / "x.json", url, PERIOD)
    assert rc == 1
    assert "token request failed after 5 attempt(s): ConnectionError" in capsys.readouterr().err


def test_a_server_ignoring_page_no_fails_instead_of_looping(served, tmp_path, capsys, monkeypatch):
    with fake(served) as server:
        monkeypatch.setattr(server, "_invoice_page", lambda q: (200, {"record_count": 30, "invoices": served[:7]}))
        rc, out = pull(server, tmp_path, page_size=7)
    assert rc == 1 and not out.exists()
    assert "page 2 repeats invoices already read" in capsys.readouterr().err


# --- secrets ----------------------------------------------------------------------------------------------------

def test_secret_and_tokens_never_reach_output_file_or_logs(served, tmp_path, capfd, caplog):
    caplog.set_level(logging.DEBUG)
    with fake(served) as server:
        server.fail("429", page=1)
        server.fail("expire", page=2)
        server.fail("cut", page=3)
        rc, out = pull(server, tmp_path, page_size=7)
        second_rc = pull_halo_command(tmp_path / "other.json", server.url, PERIOD)  # token still valid
        server.fail("401", times=2)
        failed_rc = pull_halo_command(tmp_path / "failed.json", server.url, PERIOD)
    assert (rc, second_rc, failed_rc) == (0, 0, 1)
    assert len(server.issued_tokens) >= 4
    captured = capfd.readouterr()
    places = {"stdout": captured.out, "stderr": captured.err, "file": out.read_text(encoding="utf-8"),
              "log records": "\n".join(r.getMessage() for r in caplog.records),
              "fake log": json.dumps(server.log)}
    assert caplog.records  # the client did log
    for where, text in places.items():
        assert SECRET not in text, where
        for token in server.issued_tokens:
            assert token not in text, where


def test_client_repr_and_messages_hide_the_secret():
    client = halo.HaloClient("https://x.halopsa.com", CLIENT_ID, SECRET)
    assert SECRET not in repr(client) and SECRET not in repr(vars(client))
    assert client.scrub(f"echo {SECRET} back") == "echo *** back"


# --- arguments and credentials ----------------------------------------------------------------------------------

@pytest.mark.parametrize("period", ["2025-6", "2025-13", "2025-00", "June 2025", "", "2025-06-01", "202506"])
def test_bad_period_exits_2_before_any_request(served, tmp_path, capsys, period):
    with fake(served) as server:
        rc, out = pull(server, tmp_path, period=period)
        assert server.log == []
    assert rc == 2 and not out.exists()
    assert "is not a month in the form YYYY-MM" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["ftp://acme.halopsa.com", "acme.halopsa.com", "https://", "",
                                 "https://acme.halopsa.com/?tenant=acme", "https://user:pw@acme.halopsa.com"])
def test_bad_url_exits_2(tmp_path, capsys, url):
    rc = pull_halo_command(tmp_path / "x.json", url, PERIOD)
    assert rc == 2 and "--url" in capsys.readouterr().err


def test_url_forms_accepted():
    assert halo.check_url("https://Acme.halopsa.com/") == "https://Acme.halopsa.com"
    assert halo.check_url("HTTPS://acme.halopsa.com/api/") == "https://acme.halopsa.com"
    assert halo.check_url("https://halo.example.com/halo") == "https://halo.example.com/halo"


@pytest.mark.parametrize("page_size, timeout", [(0, 60.0), (-5, 60.0), (2.5, 60.0), (100, 0), (100, -1)])
def test_bad_page_size_or_timeout_exits_2(tmp_path, page_size, timeout):
    assert pull_halo_command(tmp_path / "x.json", "https://acme.halopsa.com", PERIOD, page_size, timeout) == 2


@pytest.mark.parametrize("missing", [["HALO_CLIENT_ID"], ["HALO_CLIENT_SECRET"],
                                     ["HALO_CLIENT_ID", "HALO_CLIENT_SECRET"]])
def test_missing_credentials_without_a_terminal_exit_2(served, tmp_path, capsys, monkeypatch, missing):
    for name in missing:
        monkeypatch.delenv(name)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("prompted without a terminal"))
    with fake(served) as server:
        rc, out = pull(server, tmp_path)
        assert server.log == []
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "credentials missing" in err and all(name in err for name in missing)


def test_missing_credentials_are_asked_for_on_a_terminal(served, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HALO_CLIENT_ID")
    monkeypatch.delenv("HALO_CLIENT_SECRET")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = {"HALO_CLIENT_ID: ": CLIENT_ID, "HALO_CLIENT_SECRET: ": SECRET}
    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers[prompt])
    with fake(served) as server:
        rc, out = pull(server, tmp_path)
    assert rc == 0 and written(out) == of_period(served)
    assert SECRET not in capsys.readouterr().out


def test_out_file_that_is_a_folder_exits_2(tmp_path):
    assert pull_halo_command(tmp_path, "https://acme.halopsa.com", PERIOD) == 2


# --- the fake and the field names follow HaloPSA's API description --------------------------------------------------

@pytest.fixture(scope="module")
def schemas() -> dict:
    if not SWAGGER.is_file():
        pytest.skip("HaloPSA swagger not available")
    return json.loads(SWAGGER.read_text(encoding="utf-8"))


def test_field_names_are_halopsa_schema_names(schemas):
    header = set(schemas["components"]["schemas"]["InvoiceHeader"]["properties"])
    detail = set(schemas["components"]["schemas"]["InvoiceDetail"]["properties"])
    assert set(halo.HEADER_FIELDS_USED) <= header
    for inv in make_invoices(12) + sample_headers():
        assert set(inv) - {"lines"} <= header
        for line in inv["lines"]:
            assert set(line) <= detail


def test_invoice_query_parameters_are_in_the_swagger(schemas):
    params = {p["name"] for p in schemas["paths"]["/Invoice"]["get"]["parameters"]}
    assert {"includelines", "pageinate", "page_size", "page_no", "count"} <= params
    assert schemas["servers"] == [{"url": "/api"}]
    assert schemas["components"]["securitySchemes"]["Bearer"]["scheme"] == "Bearer"


def test_fake_honours_includelines_and_paging(served):
    import requests

    with fake(served, max_page_size=5) as server:
        token = requests.post(server.url + "/auth/token", data={
            "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET, "scope": "all"},
            timeout=5).json()
        assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
        get = lambda **q: requests.get(server.url + "/api/invoice", params=q, timeout=5,  # noqa: E731
                                       headers={"Authorization": f"Bearer {token['access_token']}"})
        page = get(pageinate="True", page_size=10, page_no=2).json()
        assert page["record_count"] == 30 and [i["id"] for i in page["invoices"]] == [805, 806, 807, 808, 809]
        assert all("lines" not in i for i in page["invoices"])
        everything = get(includelines="true").json()
        assert everything["invoices"] == copy.deepcopy(served)
        assert requests.get(server.url + "/api/Invoice", timeout=5).status_code == 401
        assert requests.post(server.url + "/auth/token", data={"grant_type": "password"}, timeout=5).json() == {
            "error": "unsupported_grant_type"}
        assert requests.post(server.url + "/api/Invoice", json={}, timeout=5).status_code == 405


def test_the_command_line_runs_pull_halo_then_reconcile_reads_it(served, tmp_path, capsys):
    from readiness.cli import main

    out = tmp_path / "halo.json"
    with fake(served) as server:
        assert main(["pull-halo", str(out), "--url", server.url, "--period", PERIOD]) == 0
    assert len(read_halo_lines(out)) == sum(len(inv["lines"]) for inv in of_period(served))
    assert main(["pull-halo", str(out), "--url", "ftp://example.test", "--period", PERIOD]) == 2
    assert SECRET not in capsys.readouterr().err
