"""A read-only client of Autotask's REST API: zone lookup, counts, paged queries, field metadata, thresholds.

What it follows, from Autotask's developer help:
- Authentication: every request carries the API user's ``UserName``, ``Secret`` and ``ApiIntegrationCode``
  headers (REST API: "Authentication"; the swagger's header parameters). A 401 means the credentials, the API
  user's security level or the integration code are wrong; it stops the pull at once, never retried.
- Zone: ``GET https://webservices.autotask.net/ATServicesRest/V1.0/ZoneInformation?user=<user>`` answers the
  tenant's zone base in ``url`` (ZoneInformation is exempt from thread limits: ThreadLimiting).
- Queries: ``POST V1.0/{Entity}/query`` with ``{"filter": [...], "MaxRecords": 500}`` (a filter is mandatory;
  500 is the most records per page), then a GET of each ``pageDetails.nextPageUrl`` until it is null; pages can
  hold fewer records than asked for, so only ``nextPageUrl`` says when the end is reached
  (REST_Advanced_Query_Features). ``V1.0/{Entity}/query/count`` answers ``{"queryCount": n}``.
- Limits: 10,000 requests per rolling hour per database, shared with every other integration, with latency added
  past half of it and refusals past all of it (REST_Thresholds_Limits; ``V1.0/ThresholdInformation``); at most 3
  simultaneous requests per entity endpoint per integration code (ThreadLimiting). The client never runs more than
  3 at once on one endpoint, retries refusals (429), server errors (5xx), timeouts, dropped connections and cut
  bodies with exponential backoff (tenacity), honouring ``Retry-After``, and can pace itself under the hourly
  threshold.

Credentials live only in the session's headers: never in a URL, a file, a log line or a message (`Credentials`
hides them from repr, and every message this module raises is scrubbed of them).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlencode, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential, wait_random

from readiness import exportwriter
from readiness.pull.retry import retry_after_seconds

ZONE_LOOKUP = "https://webservices.autotask.net/ATServicesRest/"  # any zone answers ZoneInformation for any user
API_VERSION = "V1.0"
MAX_RECORDS = exportwriter.PAGE_SIZE  # the most records a query page holds
THREADS_PER_ENDPOINT = 3  # ThreadLimiting: integrations created since 2023.1
ATTEMPTS = 6  # one request and five retries
MAX_WAIT_S = 60.0  # longest wait between two attempts
TIMEOUT_S = (10.0, 120.0)  # connect, read: a big page under latency throttling can take a while
ENV_USER, ENV_SECRET, ENV_CODE = "AUTOTASK_API_USER", "AUTOTASK_API_SECRET", "AUTOTASK_API_INTEGRATION_CODE"


@dataclass(frozen=True)
class Credentials:
    """An Autotask API user's credentials; repr and str never show them."""

    user: str = field(repr=False)
    secret: str = field(repr=False)
    integration_code: str = field(repr=False)

    def headers(self) -> dict[str, str]:
        return {"UserName": self.user, "Secret": self.secret, "ApiIntegrationCode": self.integration_code}

    def scrub(self, text: str) -> str:
        """`text` with the secret, the integration code and the user name replaced by ***."""
        for value in sorted((self.secret, self.integration_code, self.user), key=len, reverse=True):
            if value:
                text = text.replace(value, "***")
        return text


class AutotaskError(Exception):
    """A request Autotask answered with an error, or that could not be made; the message names the entity."""

    def __init__(self, message: str, status: int | None = None, entity: str | None = None):
        super().__init__(message)
        self.status = status
        self.entity = entity


class AuthFailed(AutotaskError):
    """HTTP 401: the credentials are wrong or the user may not use the API. Stops the pull."""


class Unavailable(AutotaskError):
    """HTTP 403 or 404: this API user cannot see the entity, or the tenant's API does not offer it."""


class Transient(AutotaskError):
    """A refusal or failure worth retrying: 429, 5xx, a timeout, a dropped connection or a cut body."""

    def __init__(self, message: str, status: int | None = None, entity: str | None = None,
                 retry_after: float | None = None):
        super().__init__(message, status, entity)
        self.retry_after = retry_after


def _errors_text(resp: requests.Response) -> str:
    """Autotask's error messages ({"errors": [...]}) or the start of the body."""
    try:
        data = resp.json()
        errors = data.get("errors") if isinstance(data, dict) else None
        if errors:
            return "; ".join(str(e) for e in errors)[:300]
    except ValueError:
        pass
    return resp.text[:200].strip()


def _wait(state) -> float:
    """Exponential backoff with jitter (0.5 s doubling, at most MAX_WAIT_S), or longer when Retry-After says so."""
    backoff = (wait_exponential(multiplier=0.5, max=MAX_WAIT_S) + wait_random(0, 0.5))(state)
    exc = state.outcome.exception() if state.outcome else None
    asked = getattr(exc, "retry_after", None) or 0.0
    return min(max(backoff, asked), MAX_WAIT_S)


class Pacer:
    """Keeps a pull under the tenant's hourly threshold by asking ThresholdInformation how much of it is used.

    Autotask counts every integration's requests against one rolling hour per database, so only the server knows
    the real usage: the pacer re-reads it every `refresh_every` requests of ours, and while usage is at `share`
    of the threshold or more it waits `poll_s` between readings, until the rolling hour frees room."""

    def __init__(self, client: "Client", share: float = 0.9, refresh_every: int = 100, poll_s: float = 30.0):
        self.client, self.share, self.refresh_every, self.poll_s = client, share, refresh_every, poll_s
        self._lock = threading.Lock()
        self._used = self._limit = 0
        self._since_refresh = 0
        self.waited_s = 0.0

    def _refresh(self) -> None:
        info = self.client.threshold(paced=False)
        self._used = int(info.get("currentTimeframeRequestCount") or 0)
        self._limit = int(info.get("externalRequestThreshold") or 10_000)
        self._since_refresh = 0

    def before_request(self) -> None:
        with self._lock:
            if self._limit == 0 or self._since_refresh >= self.refresh_every:
                self._refresh()
            while self._used + self._since_refresh + 1 > self.share * self._limit:
                time.sleep(self.poll_s)
                self.waited_s += self.poll_s
                self._refresh()
            self._since_refresh += 1


class Client:
    """One tenant's REST API at `base_url` (the zone base, e.g. https://webservices15.autotask.net/ATServicesRest/).

    Thread-safe: entities can be pulled in parallel; each entity endpoint admits at most 3 requests at once.
    `requests_made` counts requests per entity (None for the tenant-wide calls)."""

    def __init__(self, base_url: str, credentials: Credentials, timeout=TIMEOUT_S, attempts: int = ATTEMPTS,
                 threads_per_endpoint: int = THREADS_PER_ENDPOINT):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.api = urljoin(self.base_url, API_VERSION + "/")
        self.credentials = credentials
        self.timeout = timeout
        self.attempts = attempts
        self.pacer: Pacer | None = None
        self.requests_made: Counter = Counter()
        self._host = urlsplit(self.base_url).netloc.lower()
        self._scheme = urlsplit(self.base_url).scheme
        self._threads = threads_per_endpoint
        self._gates: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self.session = requests.Session()
        self.session.headers.update({**credentials.headers(), "Accept": "application/json"})
        adapter = HTTPAdapter(pool_connections=8, pool_maxsize=32, max_retries=0)  # tenacity retries, not urllib3
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def close(self) -> None:
        self.session.close()

    # -- one request -------------------------------------------------------------------------------------------
    def _gate(self, entity: str | None) -> threading.BoundedSemaphore:
        with self._lock:
            return self._gates.setdefault(entity or "", threading.BoundedSemaphore(self._threads))

    def _once(self, method: str, url: str, entity: str | None, body: dict | None, paced: bool) -> dict:
        if urlsplit(url).netloc.lower() != self._host or urlsplit(url).scheme != self._scheme:
            # nextPageUrl comes from the server; credentials go only to the zone they were given for.
            raise AutotaskError(f"{entity or 'Autotask'}: the API pointed to another address "
                                f"({urlsplit(url).scheme}://{urlsplit(url).netloc}); not followed", entity=entity)
        if paced and self.pacer is not None:
            self.pacer.before_request()
        where = entity or "Autotask"
        with self._gate(entity):
            with self._lock:
                self.requests_made[entity] += 1
            try:
                resp = self.session.request(method, url, json=body, timeout=self.timeout)
                status = resp.status_code
                text_ok = status == 200 and resp.content is not None
            except requests.Timeout as exc:
                raise Transient(f"{where}: no answer within {self.timeout[1]:.0f} s", entity=entity) from exc
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                raise Transient(f"{where}: the connection broke ({type(exc).__name__})", entity=entity) from exc
        if status == 401:
            raise AuthFailed(
                f"Autotask refused the API user's credentials (HTTP 401) on {where}. Check {ENV_USER}, "
                f"{ENV_SECRET} and {ENV_CODE}: the user must be an API user (security level API User) and the "
                f"integration code the one its API tracking identifier gives.", status, entity)
        if status in (403, 404):
            reason = "this API user may not read it" if status == 403 else "the tenant's API does not offer it"
            raise Unavailable(f"{where}: HTTP {status}, {reason} ({self.credentials.scrub(_errors_text(resp))})",
                              status, entity)
        if status == 429 or status >= 500:
            raise Transient(f"{where}: HTTP {status} ({self.credentials.scrub(_errors_text(resp))})", status,
                            entity, retry_after_seconds(resp.headers.get("Retry-After")))
        if not text_ok:
            raise AutotaskError(f"{where}: HTTP {status} ({self.credentials.scrub(_errors_text(resp))})", status,
                                entity)
        try:
            data = resp.json()
        except ValueError as exc:
            raise Transient(f"{where}: the answer was cut short or is not JSON", status, entity) from exc
        if not isinstance(data, dict):
            raise Transient(f"{where}: the answer is not a JSON object", status, entity)
        return data

    def call(self, method: str, path_or_url: str, entity: str | None = None, body: dict | None = None,
             paced: bool = True) -> dict:
        """One API call (a path under V1.0/ or an absolute URL), retried while it fails transiently."""
        url = path_or_url if "://" in path_or_url else urljoin(self.api, path_or_url)
        retrying = Retrying(stop=stop_after_attempt(self.attempts), wait=_wait, reraise=True,
                            retry=retry_if_exception_type(Transient))
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(method, url, entity, body, paced)
        except Transient as exc:
            raise AutotaskError(f"{exc} — gave up after {self.attempts} attempts", exc.status, entity) from None
        raise AssertionError("unreachable")

    # -- the calls a pull makes ----------------------------------------------------------------------------------
    def version(self) -> str:
        """The newest API version the zone offers (versioninformation), e.g. "1.0"."""
        data = self.call("GET", urljoin(self.base_url, "versioninformation"))
        versions = data.get("apiVersions") or []
        return str(versions[-1]) if versions else API_VERSION.lstrip("V")

    def threshold(self, paced: bool = True) -> dict:
        """ThresholdInformation: externalRequestThreshold, requestThresholdTimeframe (minutes),
        currentTimeframeRequestCount (every integration's requests in the current window)."""
        return self.call("GET", "ThresholdInformation", paced=paced)

    def count(self, entity: str, filters: list[dict]) -> int:
        data = self.call("POST", f"{entity}/query/count", entity, {"filter": filters})
        try:
            return int(data["queryCount"])
        except (KeyError, TypeError, ValueError) as exc:
            raise AutotaskError(f"{entity}: the count answer has no queryCount", entity=entity) from exc

    def pages(self, entity: str, filters: list[dict]) -> Iterator[list[dict]]:
        """Every record matching `filters`, page by page, following nextPageUrl to the end."""
        data = self.call("POST", f"{entity}/query", entity, {"filter": filters, "MaxRecords": MAX_RECORDS})
        while True:
            items = data.get("items")
            if not isinstance(items, list):
                raise AutotaskError(f"{entity}: a query answer without items", entity=entity)
            yield items
            next_url = (data.get("pageDetails") or {}).get("nextPageUrl")
            if not next_url:
                return
            data = self.call("GET", next_url, entity)

    def fields(self, entity: str) -> dict:
        """entityInformation/fields: the tenant's field list with types and picklist labels."""
        return self.call("GET", f"{entity}/entityInformation/fields", entity)

    def udf_definitions(self, entity: str) -> dict:
        """entityInformation/userDefinedFields: the tenant's user-defined fields of the entity."""
        return self.call("GET", f"{entity}/entityInformation/userDefinedFields", entity)


def lookup_zone(credentials: Credentials, lookup_base: str = ZONE_LOOKUP, timeout=TIMEOUT_S) -> dict:
    """ZoneInformation for the API user: {"zoneName", "url" (the zone's REST base), "webUrl", "ci"}."""
    client = Client(lookup_base, credentials, timeout=timeout)
    try:
        data = client.call("GET", "ZoneInformation?" + urlencode({"user": credentials.user}), paced=False)
    except AutotaskError as exc:
        raise AutotaskError(credentials.scrub(f"zone lookup failed: {exc}"), exc.status) from None
    finally:
        client.close()
    if not data.get("url"):
        raise AutotaskError("zone lookup answered without a url; give the zone with --api-url")
    return data

