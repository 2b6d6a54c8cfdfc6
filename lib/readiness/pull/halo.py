"""`readiness pull-halo`: one billing period's invoices, with their lines, from HaloPSA's REST API (read-only), written
as ``{"invoices": [...]}`` for ``readiness reconcile --halo FILE``.

What it follows:
- Authentication is OAuth2 client credentials: ``POST {url}/auth/token`` form-encoded ``grant_type=client_credentials``,
  ``client_id``, ``client_secret``, ``scope=all`` answers ``{"access_token", "token_type": "Bearer", "expires_in"}``;
  a hosted tenant whose token server needs it names itself with ``?tenant=NAME`` on that URL (env ``HALO_TENANT``,
  optional). Sources: HaloPSA's API description (shared/reference/halopsa-api-swagger.json, ``securitySchemes``:
  HTTP Bearer); the HaloAPI PowerShell module's Connect-HaloAPI, which builds ``auth/token`` with the tenant as a
  query string and posts exactly these four fields
  (https://github.com/homotechsual/HaloAPI/blob/main/Public/Connect-HaloAPI.ps1, also
  https://www.powershellgallery.com/packages/HaloAPI/1.14.0/Content/Public%5CConnect-HaloAPI.ps1); the HaloPSA API
  patterns guide, "tenant | Conditional | Required for cloud-hosted instances (query parameter)":
  https://agentskills.market/skills/asachs01-msp-claude-plugins-msp-claude-plugins-halopsa-halopsa-skills-api-patterns
- Invoices: ``GET {url}/api/Invoice?includelines=true&pageinate=true&page_size=N&page_no=K`` (query parameters of
  ``GET /Invoice`` in the swagger; pages count from 1). The swagger does not describe the response; HaloPSA list
  endpoints answer ``{"record_count": total, "invoices": [...]}``: the HaloAPI module reads ``record_count`` to count
  pages and takes the list from the ``invoices`` key
  (https://github.com/homotechsual/HaloAPI/blob/main/Private/New-HaloGETRequest.ps1,
  https://github.com/homotechsual/HaloAPI/blob/main/Public/Get/Get-HaloInvoice.ps1).
- The swagger's date parameters of ``GET /Invoice`` are ambiguous (``invoicedatestart`` / ``invoicedateend`` are
  described as booleans that "include the field in the response", ``billing_date`` has no format), so none is sent:
  every invoice is read and the period is chosen here, from ``invoice_date``.

Field names are the swagger's ``InvoiceHeader`` (id, invoice_date, lines, ...) and ``InvoiceDetail``; records are
written as HaloPSA returns them. The client secret and the access tokens never reach a file, a log line, the
terminal or an exception message: they are held in `_Hidden` wrappers and every message is scrubbed of them.
"""

from __future__ import annotations

import getpass
import ipaddress
import logging
import os
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter
from tenacity.wait import wait_base

from readiness import exportwriter
from readiness.pull.retry import retry_after_seconds

log = logging.getLogger(__name__)

ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TENANT = "HALO_CLIENT_ID", "HALO_CLIENT_SECRET", "HALO_TENANT"
TOKEN_PATH = "/auth/token"
INVOICE_PATH = "/api/Invoice"
SCOPE = "all"
MAX_ATTEMPTS = 5  # one request and four retries
RETRY_WAIT_S = 1.0  # first backoff; doubles each retry (plus up to as much jitter)
RETRY_WAIT_MAX_S = 30.0  # longest backoff between two attempts
RETRY_AFTER_MAX_S = 120.0  # a longer Retry-After is cut to this, so a misconfigured proxy cannot park the pull
DEFAULT_EXPIRES_S = 3600.0  # assumed token life when the token response has no usable expires_in
# InvoiceHeader fields this module reads (checked against the swagger by the tests).
HEADER_FIELDS_USED = ("id", "invoice_date", "lines")


class HaloUsageError(ValueError):
    """Bad arguments or missing credentials: exit code 2."""


class HaloPullError(Exception):
    """The pull could not be completed (refused, gave up after retries, unexpected answer): exit code 1."""


class HaloAuthError(HaloPullError):
    """HaloPSA refused the client credentials or the access token."""


class _Transient(Exception):
    """A response worth asking for again: 429, 5xx, or a body that is not whole JSON."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


# Connection refused or dropped, timeouts (connect or read, also mid-body), a body shorter than its
# Content-Length (urllib3 raises IncompleteRead, surfaced as ChunkedEncodingError), a broken gzip body.
_RETRIED = (_Transient, requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError)


class _Hidden:
    """A string that shows as '***' in repr, str and f-strings, so no log line or traceback can print it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


class _BearerAuth(requests.auth.AuthBase):
    """Sets ``Authorization: Bearer <token>``. Passed as ``auth=`` so requests never substitutes ~/.netrc
    credentials for it, and drops it on a redirect to another host."""

    def __init__(self, token: _Hidden):
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        return r


class _WaitRetryAfter(wait_base):
    """Wait what a 429/503 ``Retry-After`` asks (capped at RETRY_AFTER_MAX_S), else the exponential backoff."""

    def __init__(self, fallback: wait_base):
        self.fallback = fallback

    def __call__(self, retry_state) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, RETRY_AFTER_MAX_S)
        return self.fallback(retry_state)


@dataclass
class PullStats:
    """What a pull cost: HTTP attempts (every try, token requests included), retries, tokens, data pages."""

    requests: int = 0
    retries: int = 0
    tokens: int = 0
    pages: int = 0
    record_count: int | None = None
    warnings: list[str] = field(default_factory=list)


class HaloClient:
    """Read-only HaloPSA API client: gets and renews the access token, retries transient failures.

    `base_url` is the tenant's web address (``https://TENANT.halopsa.com``); `timeout` is seconds per request
    (connect and read, default 60); `backoff_s` the first retry wait in seconds (default RETRY_WAIT_S)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, tenant: str | None = None,
                 timeout: float = 60.0, max_attempts: int = MAX_ATTEMPTS, backoff_s: float | None = None,
                 session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.tenant = tenant
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_s = RETRY_WAIT_S if backoff_s is None else backoff_s
        self.stats = PullStats()
        self._secret = _Hidden(client_secret)
        self._token: _Hidden | None = None
        self._renew_at = 0.0  # time.monotonic() after which the token is renewed before use
        self._issued: list[_Hidden] = []  # every token of this run, for scrubbing messages
        self._session = session or requests.Session()
        self._session.headers.update({"Accept": "application/json", "User-Agent": "readiness-pull-halo"})

    def __repr__(self) -> str:
        return f"HaloClient({self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    def scrub(self, text: str) -> str:
        """`text` with the client secret and every access token of this run replaced by ***."""
        for hidden in sorted([self._secret, *self._issued], key=lambda h: len(h.reveal()), reverse=True):
            if hidden.reveal():
                text = text.replace(hidden.reveal(), "***")
        return text

    # --- one HTTP exchange, retried ---------------------------------------------------------------------------

    def _retrying(self) -> Retrying:
        backoff = wait_exponential_jitter(multiplier=self.backoff_s, max=RETRY_WAIT_MAX_S, jitter=self.backoff_s)
        return Retrying(retry=retry_if_exception_type(_RETRIED), stop=stop_after_attempt(self.max_attempts),
                        wait=_WaitRetryAfter(backoff), before_sleep=self._before_sleep, reraise=True)

    def _before_sleep(self, retry_state) -> None:
        self.stats.retries += 1
        exc = retry_state.outcome.exception()
        log.info("attempt %d failed (%s); retrying in %.1f s", retry_state.attempt_number,
                 self.scrub(_describe(exc)), retry_state.next_action.sleep)

    def _attempt(self, method: str, url: str, **kwargs) -> tuple[requests.Response, object]:
        """One request: (response, parsed JSON for a 2xx, else None). Raises _Transient for 429, 5xx and a 2xx
        body that is not whole JSON."""
        self.stats.requests += 1
        resp = self._session.request(method, url, timeout=self.timeout, **kwargs)
        log.debug("%s %s -> %d (%d bytes)", method, urlsplit(resp.url).path, resp.status_code, len(resp.content))
        if resp.status_code == 429 or resp.status_code >= 500:
            raise _Transient(f"HTTP {resp.status_code}", retry_after_seconds(resp.headers.get("Retry-After")))
        if not 200 <= resp.status_code < 300:
            return resp, None
        if "html" in resp.headers.get("Content-Type", "").lower():
            # A web page answering with 200 is not a glitch: the URL points somewhere else than the API.
            raise HaloPullError(f"{urlsplit(url).path} answered with an HTML page, not JSON: is --url the HaloPSA "
                                "web address (https://TENANT.halopsa.com)?")
        try:
            return resp, resp.json()
        except ValueError:
            raise _Transient(f"the response body is not whole JSON ({len(resp.content)} bytes)") from None

    def _send(self, what: str, method: str, url: str, **kwargs) -> tuple[requests.Response, object]:
        """`_attempt` with up to max_attempts tries; HaloPullError naming `what` once they are spent."""
        retrying = self._retrying()
        try:
            return retrying(self._attempt, method, url, **kwargs)
        except _RETRIED as exc:
            tries = retrying.statistics.get("attempt_number", self.max_attempts)
            raise HaloPullError(self.scrub(f"{what} failed after {tries} attempt(s): {_describe(exc)}")) from None

    # --- token --------------------------------------------------------------------------------------------------

    def _bearer(self) -> _BearerAuth:
        """Auth for the next data request; a token is fetched first when there is none or it is about to expire."""
        if self._token is None or time.monotonic() >= self._renew_at:
            self._fetch_token()
        return _BearerAuth(self._token)

    def _fetch_token(self) -> None:
        url = self.base_url + TOKEN_PATH
        form = {"grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self._secret.reveal(), "scope": SCOPE}
        params = {"tenant": self.tenant} if self.tenant else None
        # No redirects: following one would re-send the secret to wherever it points (as a GET, body dropped).
        resp, data = self._send("token request", "POST", url, data=form, params=params, allow_redirects=False)
        self.stats.tokens += 1
        if resp.status_code in (400, 401, 403):
            tenant_hint = "" if self.tenant else f", and {ENV_TENANT} if the tenant is hosted by Halo"
            raise HaloAuthError(self.scrub(
                f"HaloPSA refused the client credentials (token request: HTTP {resp.status_code}"
                f"{_oauth_error(resp)}); check {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} (an API application with "
                f"'Client ID and Secret (Services)' authentication){tenant_hint}"))
        if not 200 <= resp.status_code < 300:
            where = f" to {resp.headers.get('Location')}" if 300 <= resp.status_code < 400 else ""
            raise HaloPullError(f"token request: unexpected HTTP {resp.status_code}{where}; check --url")
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise HaloPullError("token request: the response has no access_token")
        self._token = _Hidden(token)
        self._issued.append(self._token)
        try:
            life = float(data.get("expires_in") or DEFAULT_EXPIRES_S)
        except (TypeError, ValueError):
            life = DEFAULT_EXPIRES_S
        # Renew a little early (a tenth of the life, at most a minute) so a token never expires in flight.
        self._renew_at = time.monotonic() + life - min(60.0, life / 10)
        log.info("access token obtained (expires in %.0f s)", life)

    # --- data ---------------------------------------------------------------------------------------------------

    def get_json(self, path: str, params: dict) -> object:
        """GET `path` (e.g. "/api/Invoice") as JSON. A 401 renews the token once and repeats the request."""
        url = self.base_url + path
        renewed = False
        while True:
            resp, data = self._send(f"GET {path}", "GET", url, params=params, auth=self._bearer())
            if resp.status_code != 401:
                break
            if renewed:
                raise HaloAuthError(f"GET {path}: HaloPSA rejected a newly issued access token (HTTP 401); check "
                                    "that the API application and its agent may read invoices (read:invoices)")
            log.info("access token rejected (HTTP 401); renewing it once")
            self._token, renewed = None, True
        if resp.status_code == 403:
            raise HaloAuthError(f"GET {path}: HTTP 403, permission denied; the API application needs the "
                                "read:invoices permission and an agent allowed to see invoices")
        if not 200 <= resp.status_code < 300:
            raise HaloPullError(self.scrub(f"GET {path}: unexpected HTTP {resp.status_code}{_body_excerpt(resp)}"))
        return data


def _describe(exc: BaseException) -> str:
    """A short cause for a message: "HTTP 503", "ReadTimeout: ...". requests' texts name the URL, never headers."""
    if isinstance(exc, (_Transient, HaloPullError)):
        return str(exc)
    text = str(exc)
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


def _oauth_error(resp: requests.Response) -> str:
    """", invalid_client: ..." from an OAuth2 error body (RFC 6749 section 5.2), else ""."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    if not isinstance(body, dict) or not body.get("error"):
        return ""
    detail = f", {body['error']}"
    if body.get("error_description"):
        detail += f": {str(body['error_description'])[:200]}"
    return detail


def _body_excerpt(resp: requests.Response) -> str:
    text = resp.text.strip().replace("\n", " ")
    return f": {text[:200]}" if text else ""


# --- paging -------------------------------------------------------------------------------------------------------

def _page_records(body: object, page_no: int) -> tuple[list[dict], int | None]:
    """(invoices, record_count) of one ``GET /Invoice`` answer."""
    if isinstance(body, list):  # a bare list: no total to check against
        records, count = body, None
    elif isinstance(body, dict) and isinstance(body.get("invoices"), list):
        records, count = body["invoices"], body.get("record_count")
    else:
        keys = sorted(body)[:8] if isinstance(body, dict) else type(body).__name__
        raise HaloPullError(f"GET {INVOICE_PATH} page {page_no}: expected {{\"record_count\", \"invoices\": [...]}}, "
                            f"found {keys}")
    if not all(isinstance(r, dict) for r in records):
        raise HaloPullError(f"GET {INVOICE_PATH} page {page_no}: 'invoices' holds something other than objects")
    try:
        count = None if count is None else int(count)
    except (TypeError, ValueError):
        count = None
    return records, count


def fetch_invoices(client: HaloClient, page_size: int = 100) -> list[dict]:
    """Every invoice (InvoiceHeader with its ``lines``), page by page (`page_size` invoices a page, default 100).

    Stops at an empty page, at ``record_count`` invoices, or, when the server gives no record_count, at a page
    shorter than `page_size`. With a record_count a short page does not end the pull: a server that caps the page
    size answers every page short. An invoice id seen on an earlier page is not kept twice (records added while
    paging shift the pages); a page of nothing but repeats means page_no is ignored, and fails the pull."""
    invoices: list[dict] = []
    seen: set = set()
    page_no = 0
    while True:
        page_no += 1
        params = {"includelines": "true", "pageinate": "true", "page_size": page_size, "page_no": page_no}
        records, count = _page_records(client.get_json(INVOICE_PATH, params), page_no)
        client.stats.pages += 1
        if count is not None:
            client.stats.record_count = count
        fresh = [r for r in records if r.get("id") is None or r.get("id") not in seen]
        if records and not fresh:
            raise HaloPullError(f"GET {INVOICE_PATH} page {page_no} repeats invoices already read: the server does "
                                "not page (page_no ignored); nothing was written")
        if len(fresh) < len(records):
            client.stats.warnings.append(f"page {page_no}: {len(records) - len(fresh)} invoice(s) already read on an "
                                         "earlier page (records changed while paging) were not kept twice")
        invoices.extend(fresh)
        seen.update(r.get("id") for r in fresh if r.get("id") is not None)
        total = client.stats.record_count
        done = len(invoices) >= total if total is not None else len(records) < page_size
        if not records or done:
            break
    if client.stats.record_count is not None and len(invoices) < client.stats.record_count:
        client.stats.warnings.append(f"HaloPSA reported {client.stats.record_count} invoices but returned "
                                     f"{len(invoices)}; invoices may have been deleted while paging")
    return invoices


# --- period, arguments, credentials -------------------------------------------------------------------------------

_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_period(period: str) -> str:
    """The period as "YYYY-MM"; HaloUsageError otherwise."""
    text = str(period).strip() if period is not None else ""
    if not _PERIOD.fullmatch(text):
        raise HaloUsageError(f"period {period!r} is not a month in the form YYYY-MM (e.g. 2025-06)")
    return text


def check_url(url: str) -> str:
    """The tenant base URL without a trailing slash; HaloUsageError unless it is an http(s) address without query.
    A trailing "/api" (the Resource Server URL HaloPSA shows) is dropped: both endpoints are built from the base."""
    parts = urlsplit(str(url or "").strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise HaloUsageError(f"--url {url!r} is not an http(s) address such as https://TENANT.halopsa.com")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise HaloUsageError(f"--url {url!r}: give only the tenant address, without query, fragment or user name")
    path = parts.path.rstrip("/")
    if path.lower().endswith("/api"):
        path = path[:-4]
    return f"{parts.scheme.lower()}://{parts.netloc}{path}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def invoice_month(value: object) -> str | None:
    """"YYYY-MM" of an ISO 8601 ``invoice_date`` ("2025-06-30T00:00:00", "2025-06-30", with "Z", an offset or a
    fraction); None when missing or unreadable. The date is taken as written, never moved by a time zone, as the
    reconcile reader takes it."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        written = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return f"{written.year:04d}-{written.month:02d}"


def read_credentials(environ=None, stdin=None) -> tuple[str, str]:
    """(client id, client secret) from HALO_CLIENT_ID / HALO_CLIENT_SECRET, asked for with getpass when missing
    and stdin is a terminal; HaloUsageError naming the variables otherwise."""
    environ = os.environ if environ is None else environ
    stdin = sys.stdin if stdin is None else stdin
    values = {name: (environ.get(name) or "").strip() for name in (ENV_CLIENT_ID, ENV_CLIENT_SECRET)}
    missing = [name for name, value in values.items() if not value]
    if missing:
        if not (stdin is not None and getattr(stdin, "isatty", lambda: False)()):
            raise HaloUsageError(f"HaloPSA API credentials missing: set {' and '.join(missing)} (the Client ID and "
                                 "Secret of a HaloPSA API application using client credentials)")
        for name in missing:
            values[name] = getpass.getpass(f"{name}: ").strip()
            if not values[name]:
                raise HaloUsageError(f"{name} is empty")
    return values[ENV_CLIENT_ID], values[ENV_CLIENT_SECRET]


# --- output ---------------------------------------------------------------------------------------------------------

def line_count(invoices: list[dict]) -> int:
    return sum(len(inv.get("lines") or []) for inv in invoices)


# --- command ----------------------------------------------------------------------------------------------------------

def pull_halo_command(out_file, url: str, period: str, page_size: int = 100, timeout: float = 60.0) -> int:
    """`readiness pull-halo OUT_FILE --url URL --period YYYY-MM`: write the period's invoices to OUT_FILE.

    `page_size` is invoices per request (default 100), `timeout` seconds per request (default 60). Returns 0 when
    the file was written, 2 for bad arguments or missing credentials, 1 when HaloPSA refused or failed."""
    started = time.monotonic()
    try:
        month = check_period(period)
        base = check_url(url)
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise HaloUsageError(f"page size {page_size!r} must be a whole number of at least 1")
        if not timeout or timeout <= 0:
            raise HaloUsageError(f"timeout {timeout!r} must be a positive number of seconds")
        out = Path(out_file)
        if out.is_dir():
            raise HaloUsageError(f"{out} is a folder; give the JSON file to write")
        client_id, secret = read_credentials()
    except HaloUsageError as exc:
        print(f"readiness pull-halo: {exc}", file=sys.stderr)
        return 2
    host = urlsplit(base).hostname or ""
    if base.startswith("http://") and not _is_loopback(host):
        print(f"readiness pull-halo: warning: {base} is not https; the client secret and token would cross the network "
              "unencrypted", file=sys.stderr)
    client = HaloClient(base, client_id, secret, tenant=(os.environ.get(ENV_TENANT) or "").strip() or None,
                        timeout=float(timeout))
    try:
        invoices = fetch_invoices(client, page_size)
        kept = [inv for inv in invoices if invoice_month(inv.get("invoice_date")) == month]
        exportwriter.write_json(out, {"invoices": kept})
    except HaloPullError as exc:
        print(f"readiness pull-halo: {client.scrub(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"readiness pull-halo: cannot write {out}: {client.scrub(str(exc))}", file=sys.stderr)
        return 1
    finally:
        client.close()
    undated = sum(invoice_month(inv.get("invoice_date")) is None for inv in invoices)
    if undated:
        client.stats.warnings.append(f"{undated} invoice(s) without a readable invoice_date were left out")
    for warning in client.stats.warnings:
        print(f"readiness pull-halo: warning: {client.scrub(warning)}", file=sys.stderr)
    s = client.stats
    reported = "" if s.record_count is None else f" (HaloPSA record_count {s.record_count})"
    retries = f"{s.retries} {'retry' if s.retries == 1 else 'retries'}"
    print(f"HaloPSA invoices {month} from {base}\n"
          f"  Read {len(invoices)} invoices{reported} in {s.pages} page(s); kept {len(kept)} invoices of {month} "
          f"with {line_count(kept)} lines\n"
          f"  {s.requests} HTTP requests ({s.tokens} for a token, {retries}), "
          f"{time.monotonic() - started:.1f} s\n"
          f"  Wrote {out}")
    return 0
