"""A local HaloPSA API for tests: the OAuth2 token endpoint and ``GET /api/Invoice``, over real HTTP on 127.0.0.1.

Built from HaloPSA's own descriptions, not from the client under test:
- ``POST /auth/token`` (the path HaloPSA's guides and the HaloAPI PowerShell module's Connect-HaloAPI use), form
  encoded: ``grant_type`` must be ``client_credentials`` and ``client_id`` / ``client_secret`` must match, else an
  OAuth2 error object (RFC 6749 section 5.2: 400 ``unsupported_grant_type`` / ``invalid_request``, 401
  ``invalid_client``). A hosted tenant (``tenant=``) also wants ``?tenant=NAME`` on the URL. The answer is
  ``{"access_token", "token_type": "Bearer", "expires_in", "scope"}``; tokens are opaque and expire after
  `token_ttl_s` seconds.
- ``GET /api/Invoice`` (the swagger's ``GET /Invoice`` under its server ``/api``, security ``Bearer``): 401 without
  a valid token; query parameters as the swagger lists them, names and booleans case-insensitive as ASP.NET binds
  them: ``pageinate``, ``page_size`` (capped at `max_page_size`), ``page_no`` (from 1), ``count`` when not paging,
  ``includelines`` (``lines`` left out unless true); other parameters are accepted and ignored. The answer is
  ``{"record_count": total, "invoices": [...]}`` (plus ``page_no`` / ``page_size`` when paging), the list wrapper
  the HaloAPI module reads.
- Anything else: 404; another method on /api/Invoice: 405 (and logged, so a test can see the client never writes).

Faults (`fail`): an HTTP status ("500", "503", "429" with ``Retry-After: 1``, "401", "400", ...), "cut" (the full
Content-Length promised, half the body sent, connection closed), "badjson" (a whole body that is not JSON), "slow"
(answer after `slow_s` seconds), "expire" (every token expires as the request arrives).

`make_invoices` builds InvoiceHeader records with InvoiceDetail lines, field names from the swagger's schemas.
"""

from __future__ import annotations

import copy
import json
import math
import random
import secrets
import socket
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STATUS_FAULTS = {"400", "401", "403", "404", "429", "500", "502", "503", "504"}
FAULT_KINDS = STATUS_FAULTS | {"cut", "badjson", "slow", "expire"}
DEFAULT_PAGE_SIZE = 50  # assumed: what the fake pages by when page_size is not given


class FakeHalo:
    """Context manager serving `invoices` (InvoiceHeader dicts, each with ``lines``) on ``.url``.

    `token_ttl_s` is a token's life in seconds (default 3600); `max_page_size` caps page_size (None: no cap);
    `slow_s` is the delay of a "slow" fault in seconds. ``.log`` lists every request without secrets:
    method, path, params (query, or the token form without client_id/client_secret), auth ("valid", "expired",
    "unknown", "missing"), fault and status."""

    def __init__(self, invoices: list[dict], client_id: str = "fake-client-id",
                 client_secret: str = "fake-client-secret", token_ttl_s: float = 3600, max_page_size: int | None = None,
                 tenant: str | None = None, slow_s: float = 2.0):
        self.invoices = copy.deepcopy(invoices)
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl_s = token_ttl_s
        self.max_page_size = max_page_size
        self.tenant = tenant
        self.slow_s = slow_s
        self.log: list[dict] = []
        self.issued_tokens: list[str] = []  # in memory only, for tests that scan output for them
        self._tokens: dict[str, float] = {}  # token -> time.monotonic() when it expires
        self._faults: list[dict] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------------

    def __enter__(self) -> "FakeHalo":
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- control -------------------------------------------------------------------------------------------------

    def fail(self, kind: str, times: int = 1, page: int | None = None, endpoint: str = "invoice") -> None:
        """Answer the next `times` requests to `endpoint` ("invoice" or "token") with fault `kind`; with `page`,
        only invoice requests for that page_no."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {sorted(FAULT_KINDS)}")
        if endpoint not in ("invoice", "token"):
            raise ValueError(f"unknown endpoint {endpoint!r}")
        with self._lock:
            self._faults.append({"kind": kind, "left": times, "page": page, "endpoint": endpoint})

    def expire_tokens(self) -> None:
        """Every token issued so far stops working now."""
        with self._lock:
            self._tokens = {t: 0.0 for t in self._tokens}

    def requests_to(self, path: str, method: str | None = None) -> list[dict]:
        """Log entries for `path` (case-insensitive), optionally of one method."""
        return [e for e in self.log if e["path"].lower() == path.lower() and (method is None or e["method"] == method)]

    # --- used by the handler -----------------------------------------------------------------------------------

    def _take_fault(self, endpoint: str, page: int | None) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault["left"] > 0 and fault["endpoint"] == endpoint and fault["page"] in (None, page):
                    fault["left"] -= 1
                    return fault["kind"]
        return None

    def _issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl_s
            self.issued_tokens.append(token)
        return token

    def _token_state(self, header: str | None) -> str:
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "missing"
        with self._lock:
            expires = self._tokens.get(token.strip())
        if expires is None:
            return "unknown"
        return "valid" if time.monotonic() < expires else "expired"

    def _invoice_page(self, query: dict[str, str]) -> tuple[int, dict]:
        """(status, body) of GET /api/Invoice for a valid token."""
        try:
            paging = _flag(query.get("pageinate"))
            size = int(query.get("page_size") or DEFAULT_PAGE_SIZE)
            page_no = int(query.get("page_no") or 1)
            count = int(query["count"]) if query.get("count") else None
        except ValueError:
            return 400, {"error": "a numeric query parameter is not a number"}
        total = len(self.invoices)
        if paging:
            size = max(1, min(size, self.max_page_size or size))
            start = (max(page_no, 1) - 1) * size
            chosen = self.invoices[start:start + size]
        else:
            chosen = self.invoices[:count] if count is not None else self.invoices
        if not _flag(query.get("includelines")):
            chosen = [{k: v for k, v in inv.items() if k != "lines"} for inv in chosen]
        body = {"record_count": total, "invoices": copy.deepcopy(chosen)}
        if paging:
            body = {"page_no": max(page_no, 1), "page_size": size, **body}
        return 200, body


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that gave up on a slow answer closes its socket; the late write failing is expected.
        pass


def _handler_for(fake: FakeHalo) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as HaloPSA's servers answer
        disable_nagle_algorithm = True  # headers and body go out in two writes; don't let them wait for an ACK

        def log_message(self, *args) -> None:  # quiet: tests read fake.log
            pass

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, body, headers: dict | None = None, fault: str | None = None) -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            if fault == "slow":
                time.sleep(fake.slow_s)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if fault == "cut":
                self.wfile.write(raw[: len(raw) // 2])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.wfile.write(raw)

        def _answer(self, entry: dict, status: int, body, fault: str | None, headers: dict | None = None) -> None:
            entry.update(status=status, fault=fault)
            fake.log.append(entry)
            self._send(status, body, headers, fault)

        def _status_fault(self, entry: dict, fault: str, endpoint: str) -> None:
            status = int(fault)
            headers = {"Retry-After": "1"} if status == 429 else None
            if endpoint == "token":
                error = {400: "invalid_request", 401: "invalid_client"}.get(status, "server_error")
                body = {"error": error}
            else:
                body = {"ClassName": "System.Exception", "Message": f"fault {status}"}
            if status == 401 and endpoint == "invoice":
                headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            self._answer(entry, status, body, fault, headers)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            raw = self._body()
            if parts.path.lower() != "/auth/token":
                status = 405 if parts.path.lower() == "/api/invoice" else 404
                self._answer({"method": "POST", "path": parts.path, "params": {}}, status,
                             {"error": "not found" if status == 404 else "method not allowed"}, None)
                return
            form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
            query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
            entry = {"method": "POST", "path": parts.path,
                     "params": {k: form[k] for k in ("grant_type", "scope") if k in form}
                     | ({"tenant": query["tenant"]} if "tenant" in query else {}),
                     "auth": None}
            fault = fake._take_fault("token", None)
            if fault == "expire":
                fake.expire_tokens()
            elif fault in STATUS_FAULTS:
                self._status_fault(entry, fault, "token")
                return
            elif fault == "badjson":
                self._answer(entry, 200, b'{"access_token": ', fault)
                return
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type != "application/x-www-form-urlencoded":
                self._answer(entry, 400, {"error": "invalid_request",
                                          "error_description": "form-encoded body expected"}, fault)
            elif form.get("grant_type") != "client_credentials":
                self._answer(entry, 400, {"error": "unsupported_grant_type"}, fault)
            elif not form.get("client_id") or not form.get("client_secret"):
                self._answer(entry, 400, {"error": "invalid_request",
                                          "error_description": "client_id and client_secret are required"}, fault)
            elif fake.tenant is not None and query.get("tenant") != fake.tenant:
                self._answer(entry, 400, {"error": "invalid_request", "error_description": "unknown tenant"}, fault)
            elif form["client_id"] != fake.client_id or form["client_secret"] != fake.client_secret:
                self._answer(entry, 401, {"error": "invalid_client"}, fault)
            else:
                body = {"access_token": fake._issue_token(), "token_type": "Bearer",
                        "expires_in": int(math.ceil(fake.token_ttl_s)), "scope": form.get("scope") or "all"}
                self._answer(entry, 200, body, fault, {"Cache-Control": "no-store"})

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k.lower(): v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            entry = {"method": "GET", "path": parts.path, "params": query}
            if parts.path.lower() != "/api/invoice":
                entry["auth"] = None
                self._answer(entry, 404, {"error": "not found"}, None)
                return
            page = int(query["page_no"]) if query.get("page_no", "").isdigit() else None
            fault = fake._take_fault("invoice", page)
            if fault == "expire":
                fake.expire_tokens()
            entry["auth"] = fake._token_state(self.headers.get("Authorization"))
            if entry["auth"] != "valid":
                self._answer(entry, 401, b"", fault, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
                return
            if fault in STATUS_FAULTS:
                self._status_fault(entry, fault, "invoice")
                return
            if fault == "badjson":
                self._answer(entry, 200, b"<!-- not json --> {", fault)
                return
            status, body = fake._invoice_page(query)
            self._answer(entry, status, body, fault)

        def do_PUT(self) -> None:
            self._body()
            self._answer({"method": self.command, "path": urlsplit(self.path).path, "params": {}}, 405,
                         {"error": "method not allowed"}, None)

        do_DELETE = do_PATCH = do_PUT

    return Handler


# --- test data ----------------------------------------------------------------------------------------------------

CLIENTS = [(1001, "Northwind Traders Inc", "Head Office"), (1002, "Contoso Legal LLP", "Main"),
           (1003, "Fabrikam Engineering Limited", "Works"), (1004, "Bright Smiles Dental", "Surgery"),
           (1005, "Tailspin Logistics", "Depot"), (1006, "Alpine Ski House", "Chalet"),
           (1007, "Woodgrove Accountants", "Main"), (1008, "Café Zoë & Søn", "Kontor")]
ITEMS = [("MS-WKS", "Managed Workstation", 45.0), ("MS-SRV", "Managed Server", 95.0),
         ("M365-BP", "Microsoft 365 Business Premium", 19.8), ("HD-USR", "Helpdesk Unlimited (per user)", 35.0),
         ("BKP-TB", "Offsite Backup (per TB)", 33.33), ("FW-MGT", "Firewall Management", 80.0),
         ("AV-SEAT", "Endpoint Antivirus Seat", 3.5), ("LABOUR", "Onsite Visit – Network Survey", 120.0)]
TAX_RATE = 20.0


def _month_days(month: str) -> list[date]:
    first = date.fromisoformat(f"{month}-01")
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [first + timedelta(days=i) for i in range((nxt - first).days)]


def make_invoices(n: int, months: tuple[str, ...] = ("2025-05", "2025-06", "2025-07"), seed: int = 1,
                  first_id: int = 800) -> list[dict]:
    """`n` InvoiceHeader records spread over `months` (first and last day of each month included), 1-4
    InvoiceDetail lines each; deterministic for a seed. invoice_date is written as HaloPSA writes it
    ("2025-06-30T00:00:00")."""
    rng = random.Random(seed)
    out = []
    line_id = 90000 + first_id * 10
    for i in range(n):
        month = months[i % len(months)]
        days = _month_days(month)
        day = days[0] if i % 5 == 0 else days[-1] if i % 5 == 1 else rng.choice(days)
        client_id, client_name, site = CLIENTS[rng.randrange(len(CLIENTS))]
        ihid = first_id + i
        lines = []
        for seq, (code, name, price) in enumerate(rng.sample(ITEMS, rng.randint(1, 4)), start=1):
            qty = float(rng.randint(1, 40))
            net = round(qty * price, 2)
            line_id += 1
            lines.append({
                "id": line_id, "ihid": ihid, "sequenceid": seq, "item_code": code, "item_shortdescription": name,
                "item_longdescription": f"{name} - {month}", "nominal_code": "4000", "tax_code": "T1",
                "qty_order": qty, "unit_price": price, "net_amount": net, "tax_rate": TAX_RATE,
                "tax_amount": round(net * TAX_RATE / 100, 2), "unit_cost": round(price * 0.6, 2),
                "contract_id": 300 + client_id % 100, "client_name": client_name,
                "startdate": f"{month}-01T00:00:00", "enddate": f"{days[-1].isoformat()}T00:00:00",
            })
        net_total = round(sum(line["net_amount"] for line in lines), 2)
        tax_total = round(sum(line["tax_amount"] for line in lines), 2)
        total = round(net_total + tax_total, 2)
        out.append({
            "id": ihid, "client_id": client_id, "client_name": client_name, "site_name": site,
            "invoicenumber": f"INV-{10000 + ihid}", "invoice_date": f"{day.isoformat()}T00:00:00",
            "duedate": f"{(day + timedelta(days=30)).isoformat()}T00:00:00", "posted": i % 3 != 0,
            "paymentstatus": 0, "currency_code": 1, "contract_id": 300 + client_id % 100,
            "contract_ref": f"MSA-{client_id}", "reference": f"Managed services {month}",
            "total": total, "tax_total": tax_total, "amountdue": total,
            "amountpaid": 0.0, "lines": lines,
        })
    return out
