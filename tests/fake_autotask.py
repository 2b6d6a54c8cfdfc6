"""A local HTTP stand-in for Autotask PSA's REST API, built from Autotask's documentation (not from any client).

Test double for ``readiness pull``: a ``ThreadingHTTPServer`` on 127.0.0.1 (free port) in a daemon thread that
answers as Autotask's REST API is documented to. Sources, named in the comments where a behaviour comes from:

- swagger: Autotask's REST swagger v1 (shared/reference/autotask-rest-swagger-partial.json): the paths
  ``/V1.0/{Entity}/query`` (GET ``?search=`` and POST with a QueryModel body), ``/query/count``,
  ``/entityInformation``, ``/entityInformation/fields``, ``/entityInformation/userDefinedFields``, ``/{id}``,
  ``/VersionInformation``; the ``ApiIntegrationCode``, ``UserName``, ``Secret`` headers (required) and
  ``ImpersonationResourceId`` (optional); 401 Unauthorized. ContractServiceAdjustments and
  ContractServiceBundleAdjustments have no query paths (POST and entityInformation only).
- model: shared/reference/autotask-model.md §1 "REST API shape": list response ``{"items", "pageDetails"}``, at most
  500 records a page, cursor-style ``nextPageUrl``; FieldInformationModel; UDFs as ``[{"name", "value"}]``; ids
  int64; datetimes ISO 8601 UTC with milliseconds and ``Z``.
- REST_Basic_Query_Calls / REST_Advanced_Query_Features (Autotask developer help): filter operators and grouping,
  booleans must be true or false, a query needs a filter, ``IncludeFields`` (must include ``id`` when more than 500
  results match), ``MaxRecords`` (1-500), paging, ``/query/count`` → ``{"queryCount": n}``.
- REST_Thresholds_Limits: 10,000 requests per rolling hour per database, shared by every integration; latency is
  added past 50% of it and requests are refused past 100%; ``/V1.0/ThresholdInformation``.
- ThreadLimiting: 3 simultaneous threads per object endpoint per integration (tracking identifier);
  ZoneInformation requests are not thread limited.
- Autotask API zones (ZoneInformation): ``GET /V1.0/ZoneInformation?user=<user>`` → the user's zone and its REST
  base URL, asked before the client knows the zone (no auth headers needed).

Usage::

    with FakeAutotask({"Companies": [{"id": 1, "companyName": "Acme"}]}) as fake:
        requests.post(fake.url + "V1.0/Companies/query", headers=fake.headers,
                      json={"filter": [{"op": "gte", "field": "id", "value": 0}]})

or in a pytest fixture: ``yield from serve(records, page_size=7)``.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import itertools
import datetime as dt
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, quote, urlsplit

REPO = Path(__file__).resolve().parent.parent
REST_MODEL_FILE = REPO / "tools" / "autotask-rest-fields.json"  # Autotask's REST model: {Singular: {field: C# type}}

MAX_PAGE = 500  # model §1 / REST_Advanced_Query_Features: at most 500 records a page, MaxRecords 1-500
# swagger: these two have POST and entityInformation paths but no /query ("cannot be queried", reference README)
NOT_QUERYABLE = frozenset({"ContractServiceAdjustments", "ContractServiceBundleAdjustments"})
# REST path names that are not the singular model name plus "s"/"es"/"ies" (swagger: /V1.0/AttachmentInfo/query;
# autotask-model.md §2.4: NotificationHistory; the model's TicketHistory, SurveyResults, ... are already plural-free)
IRREGULAR = {"AttachmentInfo": "AttachmentInfo", "NotificationHistory": "NotificationHistory",
             "TicketHistory": "TicketHistory", "SurveyResults": "SurveyResults",
             "ServiceLevelAgreementResults": "ServiceLevelAgreementResults",
             "InternalLocationWithBusinessHours": "InternalLocationWithBusinessHours"}
# C# type of the REST model -> entityInformation/fields dataType (model §1 FieldInformationModel)
DATA_TYPES = {"long": "long", "int": "integer", "short": "integer", "double": "double", "decimal": "double",
              "float": "double", "bool": "boolean", "DateTime": "datetime", "string": "string", "byte[]": "string"}
NUMERIC = frozenset({"long", "integer", "short", "double", "decimal", "float", "currency"})
FAULT_KINDS = ("500", "429", "slow", "cut", "close", "401")
CAPTURE_SHEETS = frozenset({"WorkflowRules", "NotificationTemplates"})  # written by hand, not in the API

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------------------------
# Autotask's REST model: which entities exist and what their fields are
# ---------------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def rest_model() -> dict[str, dict[str, str]]:
    """{singular model name: {field: C# type}} from tools/autotask-rest-fields.json."""
    return json.loads(REST_MODEL_FILE.read_text(encoding="utf-8"))


def plural(singular: str) -> str:
    """The REST path name of a model name: Company -> Companies, TimeEntry -> TimeEntries, Tax -> Taxes."""
    if singular in IRREGULAR:
        return IRREGULAR[singular]
    if re.search(r"[^aeiou]y$", singular):
        return singular[:-1] + "ies"
    if re.search(r"(s|x|ch|sh)$", singular):
        return singular + "es"
    return singular + "s"


@lru_cache(maxsize=1)
def rest_entities() -> dict[str, str]:
    """{REST path name: singular model name} of every entity Autotask has: each model with an ``id`` (the others,
    e.g. QueryCountResult or FieldInformation, are response shapes), plus the package's own REST names."""
    names = {plural(s): s for s, fields in rest_model().items() if "id" in fields}
    try:  # the package's entity table names a few irregular plurals; its capture sheets are not API entities
        from readiness.entities import ENTITIES
        names.update({e.name: e.singular for e in ENTITIES.values() if e.singular in rest_model()})
    except ImportError:
        pass
    return names


def field_info(name: str, data_type: str, **overrides: Any) -> dict:
    """One FieldInformationModel entry (model §1). The REST model gives only the type: references and picklists
    are not in it, so they read false here (pass ``fields=`` to FakeAutotask for a tenant's picklists)."""
    info = {"name": name, "dataType": data_type, "length": 0, "isRequired": name == "id",
            "isReadOnly": name == "id", "isQueryable": True, "isReference": False, "referenceEntityType": "",
            "isPickList": False, "picklistValues": None, "picklistParentValueField": "",
            "isSupportedWebhookField": False}
    info.update(overrides)
    return info


def value_type(value: Any) -> str | None:
    """The dataType a JSON value implies (None for null or a nested value)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long" if abs(value) > 2**31 - 1 else "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "datetime" if _ISO.match(value) else "string"
    return None


def derived_fields(singular: str | None, records: list[dict]) -> list[dict]:
    """entityInformation/fields for an entity without tenant metadata: the REST model's fields, then any further
    keys the records carry (live fields newer than the model, model §1 "Schema drift"), typed by their values."""
    out, seen = [], set()
    for name, cs_type in rest_model().get(singular or "", {}).items():
        data_type = DATA_TYPES.get(cs_type.rstrip("?"))
        if data_type:  # lists (userDefinedFields) and SOAP-era ExpressionFunc members are not fields
            out.append(field_info(name, "long" if name == "id" else data_type))
            seen.add(name)
    extra: dict[str, str] = {}
    for record in records:
        for key, value in record.items():
            if key not in seen and key != "userDefinedFields" and extra.get(key) is None:
                extra[key] = value_type(value)
    out += [field_info(k, "long" if k == "id" else (t or "string")) for k, t in extra.items()]
    return out


def field_list(doc: dict | list | None) -> list[dict] | None:
    """The field entries of a ``{"fields": [...]}`` response or a bare list of them."""
    if doc is None:
        return None
    return list(doc.get("fields") or []) if isinstance(doc, dict) else list(doc)


# ---------------------------------------------------------------------------------------------------------------
# Queries (REST_Basic_Query_Calls, REST_Advanced_Query_Features)
# ---------------------------------------------------------------------------------------------------------------

class QueryError(Exception):
    """A query Autotask refuses: answered 500 with ``{"errors": [message]}``."""


def parse_datetime(value: Any) -> dt.datetime | None:
    """An ISO 8601 date or datetime as an aware UTC datetime; a date alone is midnight UTC, a naive time is UTC
    (model §1 "Dates": the REST API stores and returns times in UTC). None when it is not one."""
    m = _ISO.match(str(value).strip()) if isinstance(value, str) else None
    if not m:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        when = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
    except ValueError:
        return None
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[-2:])
        when -= sign * dt.timedelta(hours=hours, minutes=minutes)
    return when.replace(tzinfo=dt.timezone.utc)


def _ci(d: dict) -> dict:
    """A dict's keys folded to lower case (Autotask accepts "Filter", "filter", "MaxRecords", "maxRecords")."""
    return {str(k).lower(): v for k, v in d.items()} if isinstance(d, dict) else {}


@dataclass
class Query:
    """One parsed QueryModel (swagger): filter, MaxRecords, IncludeFields, and the JSON it came from."""

    filter: list
    max_records: int | None
    include: list[str] | None
    source: dict


def parse_query(doc: Any) -> Query:
    """Validate a QueryModel body or ``search=`` value (keys accepted in any case)."""
    if isinstance(doc, (str, bytes)):
        try:
            doc = json.loads(doc) if doc else {}
        except ValueError as exc:
            raise QueryError(f"The search/query body is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise QueryError("The query must be a JSON object with a filter.")
    q = _ci(doc)
    flt = q.get("filter")
    if isinstance(flt, dict):
        flt = [flt]
    # REST_Basic_Query_Calls: queries are made with filter expressions; Autotask refuses a query without one.
    if not flt or not isinstance(flt, list):
        raise QueryError("A filter is required: the query must contain at least one filter expression.")
    max_records = q.get("maxrecords")
    if max_records is not None:
        # REST_Advanced_Query_Features "Specifying the maximum records to return": 1 to 500.
        if isinstance(max_records, bool) or not isinstance(max_records, int) or not 1 <= max_records <= MAX_PAGE:
            raise QueryError(f"MaxRecords must be an integer from 1 to {MAX_PAGE}; got {max_records!r}.")
    include = q.get("includefields")
    if include is not None:
        if isinstance(include, str):
            include = [f.strip() for f in include.split(",") if f.strip()]
        if not isinstance(include, list) or not all(isinstance(f, str) for f in include):
            raise QueryError("IncludeFields must be a list of field names.")
        include = include or None
    return Query(flt, max_records, include, doc)


class Schema:
    """The fields a filter or IncludeFields may name on one entity: {lower name: (name, dataType)}, plus UDFs."""

    def __init__(self, entity: str, fields: list[dict], udfs: set[str]):
        self.entity = entity
        self.fields = {str(f["name"]).lower(): (str(f["name"]), str(f.get("dataType") or "string").lower())
                       for f in fields if f.get("name")}
        self.udfs = {u.lower(): u for u in udfs}

    def field(self, name: Any, udf: bool = False) -> tuple[str, str]:
        """(field name as Autotask spells it, dataType); field names are case-insensitive. Unknown: QueryError."""
        key = str(name).lower()
        if udf:
            if key in self.udfs:
                return self.udfs[key], "udf"
        elif key in self.fields:
            return self.fields[key]
        kind = "user-defined field" if udf else "field"
        raise QueryError(f"Unable to find {kind} '{name}' in the {self.entity} entity.")


def _typed(value: Any, data_type: str, *, strict: bool) -> Any:
    """A value as the field's type for comparison: datetimes as datetimes, numbers as numbers, booleans as bools,
    text case-folded (Autotask's database compares text case-insensitively - an assumption, not documented).
    `strict` (the filter's own value): a value that is not of the type is a QueryError; else it is None."""
    def bad():
        if strict:
            raise QueryError(f"Value {value!r} is not a valid {data_type}.")
        return None

    if data_type == "datetime":
        return parse_datetime(value) or bad()
    if data_type in NUMERIC:
        if isinstance(value, bool):
            return bad()
        try:
            return float(value)
        except (TypeError, ValueError):
            return bad()
    if data_type == "boolean":
        # REST_Basic_Query_Calls: boolean values must be true or false; anything else is an error.
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return bad()
    if data_type == "udf":  # UDF values are strings (model §1); compare as dates or numbers when both are
        return value
    return str(value).casefold()


def _udf_typed(a: Any, b: Any) -> tuple[Any, Any]:
    """Record and filter UDF values made comparable: as datetimes, numbers, else case-folded text."""
    da, db = parse_datetime(a), parse_datetime(b)
    if da and db:
        return da, db
    try:
        return float(a), float(b)
    except (TypeError, ValueError):
        return str(a).casefold(), str(b).casefold()


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b, "noteq": lambda a, b: a != b,
    "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b,
}
_TEXT: dict[str, Callable[[str, str], bool]] = {
    "beginswith": str.startswith, "endswith": str.endswith, "contains": lambda a, b: b in a,
}


def compile_filter(items: list, schema: Schema) -> Callable[[dict], bool]:
    """A predicate for a filter list (REST_Basic_Query_Calls): the top-level expressions are ANDed; a group
    ``{"op": "and"|"or", "items": [...]}`` nests; a condition is ``{"op", "field", "value"}`` with op one of eq,
    noteq, gt, gte, lt, lte, beginsWith, endsWith, contains, exist, notExist, in, notIn, and ``"udf": true`` to
    name a user-defined field. Fields and ops are checked up front, so a bad query fails even with no records."""
    preds = [_compile(item, schema) for item in items]
    return lambda record: all(p(record) for p in preds)


def _compile(item: Any, schema: Schema) -> Callable[[dict], bool]:
    node = _ci(item)
    op = str(node.get("op") or "").lower()
    if op in ("and", "or"):
        subs = [_compile(i, schema) for i in (node.get("items") or [])]
        if not subs:
            raise QueryError(f"The '{op}' group has no items.")
        combine = all if op == "and" else any
        return lambda record: combine(p(record) for p in subs)
    if "field" not in node:
        raise QueryError(f"Filter expression {item!r} has no field.")
    udf = node.get("udf") is True
    name, data_type = schema.field(node["field"], udf)
    get = (lambda r: _udf_value(r, name)) if udf else (lambda r: r.get(name))
    value = node.get("value")

    if op in ("exist", "notexist"):  # non-comparison operators: the field has a value / has none
        want = op == "exist"
        return lambda record: (get(record) is not None) == want
    if op in ("in", "notin"):  # list operators
        if not isinstance(value, list) or not value:
            raise QueryError(f"The '{op}' operator needs a non-empty list value.")
        wanted = [_typed(v, data_type, strict=True) for v in value]
        inside = op == "in"

        def in_list(record):
            got = get(record)
            if got is None:
                return False
            if data_type == "udf":
                return any(a == b for a, b in (_udf_typed(got, w) for w in wanted)) == inside
            return (_typed(got, data_type, strict=False) in wanted) == inside
        return in_list
    if value is None:  # REST_Basic_Query_Calls: null values are an error
        raise QueryError(f"The '{node.get('op')}' filter on '{name}' needs a value.")
    if op in _TEXT:
        test, needle = _TEXT[op], str(value).casefold()
        return lambda record: get(record) is not None and test(str(get(record)).casefold(), needle)
    if op not in _COMPARE:
        raise QueryError(f"Unknown filter operator '{node.get('op')}'.")
    compare, want = _COMPARE[op], _typed(value, data_type, strict=True)

    def comparison(record):
        got = get(record)
        if got is None:  # a missing value never compares (SQL NULL) - an assumption, not documented
            return False
        if data_type == "udf":
            return compare(*_udf_typed(got, want))
        got = _typed(got, data_type, strict=False)
        try:
            return got is not None and compare(got, want)
        except TypeError:
            return False
    return comparison


def _udf_value(record: dict, name: str) -> Any:
    for udf in record.get("userDefinedFields") or []:
        if isinstance(udf, dict) and str(udf.get("name", "")).lower() == name.lower():
            return udf.get("value")
    return None


def project(record: dict, include: list[str] | None, schema: Schema) -> dict:
    """The record cut to IncludeFields (REST_Advanced_Query_Features "Specifying fields to return"); UDF names
    listed there keep those entries of userDefinedFields."""
    if not include:
        return record
    out, udfs = {}, set()
    for name in include:
        key = name.lower()
        if key in schema.fields:
            field = schema.fields[key][0]
            if field in record:
                out[field] = record[field]
        elif key in schema.udfs or key == "userdefinedfields":
            udfs.add(key)
        else:
            raise QueryError(f"Unable to find field '{name}' in the {schema.entity} entity.")
    if udfs and "userDefinedFields" in record:
        out["userDefinedFields"] = [u for u in record["userDefinedFields"] or []
                                    if "userdefinedfields" in udfs or str(u.get("name", "")).lower() in udfs]
    return out


def _id(record: dict) -> Any:
    return record.get("id") if isinstance(record.get("id"), (int, float)) else -1


def encode_paging(page: int, size: int, first: Any, last: Any) -> str:
    """The opaque paging token of a next/prev page URL (base64 JSON: the cursor is the ids around the page)."""
    doc = json.dumps({"page": page, "pageSize": size, "previousIds": [first], "nextIds": [last]},
                     separators=(",", ":"))
    return base64.urlsafe_b64encode(doc.encode()).decode().rstrip("=")


def decode_paging(token: str) -> dict:
    try:
        doc = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return {"page": int(doc["page"]), "size": int(doc["pageSize"]), "first": doc["previousIds"][0],
                "last": doc["nextIds"][0]}
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error):
        raise QueryError("The paging value is not valid.") from None


# ---------------------------------------------------------------------------------------------------------------
# Export folders
# ---------------------------------------------------------------------------------------------------------------

def _records_of(doc: Any) -> list[dict]:
    """Records of one REST JSON file: a response, a list of responses (pages), a single item or a bare list."""
    if isinstance(doc, dict):
        if "items" in doc:
            return list(doc["items"] or [])
        return [doc["item"]] if doc.get("item") else []
    if isinstance(doc, list):
        if doc and all(isinstance(p, dict) and "items" in p for p in doc):
            return [r for page in doc for r in page["items"] or []]
        return list(doc)
    raise ValueError(f"not REST JSON: {type(doc).__name__}")


def records_from_folder(path: str | Path) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """(records by entity, entityInformation/fields responses by entity) of an export folder written by
    ``readiness synth --shape json`` (or a REST pull): ``<Entity>.json`` in any of its forms, ``<Entity>.jsonl``
    one record a line, ``fields/<Entity>.json``. Capture sheets (CSV) and client.yaml are not in the API."""
    folder = Path(path)
    records: dict[str, list[dict]] = {}
    for file in sorted(folder.iterdir()):
        if not file.is_file() or file.suffix.lower() not in (".json", ".jsonl") or file.stem in CAPTURE_SHEETS:
            continue
        text = file.read_text(encoding="utf-8-sig")
        if file.suffix.lower() == ".jsonl":
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            rows = _records_of(json.loads(text))
        records.setdefault(file.stem, []).extend(rows)
    fields = {}
    if (folder / "fields").is_dir():
        for file in sorted((folder / "fields").glob("*.json")):
            fields[file.stem] = json.loads(file.read_text(encoding="utf-8-sig"))
    return records, fields


# ---------------------------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Fault:
    """A scheduled failure of an entity's query requests (see FakeAutotask.fail)."""

    kind: str
    times: int
    page: int | None
    seconds: float


class HttpError(Exception):
    """An error response: status and messages for ``{"errors": [...]}``."""

    def __init__(self, status: int, *messages: str, headers: dict | None = None):
        super().__init__(status, messages)
        self.status, self.messages, self.headers = status, list(messages), headers or {}


@dataclass
class Route:
    kind: str  # zone | version | threshold | query | count | next | prev | info | fields | udfs | item
    entity: str | None = None  # REST name as Autotask spells it (None for version/threshold/zone)
    item_id: int | None = None

    @property
    def endpoint(self) -> str:
        """The object endpoint thread limits count against (ThreadLimiting: per endpoint and integration)."""
        return self.entity or {"version": "VersionInformation", "threshold": "ThresholdInformation",
                               "zone": "ZoneInformation"}[self.kind]


class FakeAutotask:
    """Autotask's REST API on a local port. See the module docstring for the routes and their sources.

    ``records``: {REST entity name: [record as REST JSON]}; ``fields``/``udf_definitions``: {entity:
    entityInformation/fields or /userDefinedFields response (``{"fields": [...]}``) or its list}. The credentials
    are what every request but ZoneInformation must send. ``threshold`` requests per rolling ``window_s`` seconds,
    of which ``used`` are already spent by other integrations; past half of it each answer waits ``latency_s``.
    ``page_size`` caps a page below what MaxRecords asks; ``thread_limit`` simultaneous requests per endpoint.
    """

    def __init__(self, records: dict[str, list[dict]], *, fields: dict[str, dict] | None = None,
                 udf_definitions: dict[str, dict] | None = None,
                 user: str = "api-user@msp.example", secret: str = "s3cr3t-Secret!",
                 integration_code: str = "INTEGRATION-CODE-1",
                 threshold: int = 10_000, window_s: float = 3600.0, used: int = 0, latency_s: float = 0.0,
                 page_size: int = 500, thread_limit: int = 3, zone_name: str = "Local Zone",
                 api_version: str = "1.0"):
        self.records = {name: list(rows) for name, rows in records.items()}
        self.fields = {name: field_list(doc) for name, doc in (fields or {}).items()}
        self.udf_definitions = {name: field_list(doc) for name, doc in (udf_definitions or {}).items()}
        self.user, self.secret, self.integration_code = user, secret, integration_code
        self.threshold, self.window_s, self.latency_s = threshold, window_s, latency_s
        self.page_size, self.thread_limit = max(1, min(page_size, MAX_PAGE)), thread_limit
        self.zone_name, self.api_version, self.used = zone_name, api_version, used
        self.log: list[dict] = []
        self.max_concurrent: dict[str, int] = {}
        self.url = self.root = ""
        # every entity Autotask has (with zero rows unless given) plus the given ones: {lower name: REST name}
        self._names = {n.lower(): n for n in [*rest_entities(), *NOT_QUERYABLE, *self.records]}
        self._lock = threading.Lock()
        # monotonic times of the requests in the threshold window; other integrations' count from now
        self._stamps: deque[float] = deque([time.monotonic()] * used)
        self._inflight: dict[tuple[str, str], int] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._schemas: dict[str, tuple[int, Schema]] = {}
        self._sorted: dict[str, tuple] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------------

    def start(self) -> "FakeAutotask":
        """Listen on 127.0.0.1 (a free port) in a daemon thread; sets ``url`` and ``root``."""
        if self._server:
            return self
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.root = f"http://127.0.0.1:{port}/"
        self.url = self.root + "ATServicesRest/"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="fake-autotask", daemon=True)  # poll often: quick stop()
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeAutotask":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- test controls --------------------------------------------------------------------------------------------

    @property
    def headers(self) -> dict[str, str]:
        """The auth headers a client must send (swagger: ApiIntegrationCode, UserName, Secret)."""
        return {"ApiIntegrationCode": self.integration_code, "UserName": self.user, "Secret": self.secret}

    def fail(self, entity: str, kind: str, times: int = 1, page: int | None = None, seconds: float = 0.0) -> None:
        """Make the entity's next `times` query requests fail as `kind`: "500" (server error), "429" (refused,
        Retry-After: 1), "slow" (answer after `seconds`), "cut" (full Content-Length, half the body, then close),
        "close" (close without answering), "401" (refused as unauthorised, e.g. a revoked key). Query requests are
        ``/query`` (page 1) and the ``/query/next`` GETs (page 2, 3, ... by their position in the pull); with
        `page` only requests for that page fail (a retry of it too, while `times` lasts)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {kind!r}")
        name = self._names.get(entity.lower())
        if name is None:
            raise ValueError(f"{entity!r} is not an Autotask entity this fake serves")
        with self._lock:
            self._faults.setdefault(name, []).append(Fault(kind, times, page, seconds))

    def request_count(self) -> int:
        """Requests in the current threshold window (REST_Thresholds_Limits), other integrations' included."""
        with self._lock:
            return self._count(time.monotonic())

    # -- state ----------------------------------------------------------------------------------------------------

    def _count(self, now: float) -> int:
        while self._stamps and self._stamps[0] <= now - self.window_s:
            self._stamps.popleft()
        return len(self._stamps)

    def _spend(self) -> int:
        """Count one request against the threshold (REST_Thresholds_Limits); HttpError 429 when it is used up.
        Returns the count with this request."""
        with self._lock:
            now = time.monotonic()
            if self._count(now) >= self.threshold:
                raise HttpError(429, f"The API request threshold of {self.threshold} requests per "
                                     f"{self._window_minutes()} minutes has been exceeded for this database. "
                                     "Requests are refused until usage falls below the threshold.")
            self._stamps.append(now)
            return len(self._stamps)

    def _window_minutes(self) -> int:
        return max(1, round(self.window_s / 60))

    def _admit(self, endpoint: str) -> tuple[str, str]:
        """Take one of the integration's threads on an endpoint (ThreadLimiting); HttpError 429 past the limit."""
        key = (self.integration_code, endpoint)
        with self._lock:
            if self._inflight.get(key, 0) >= self.thread_limit:
                raise HttpError(429, f"Thread limit exceeded: at most {self.thread_limit} simultaneous requests "
                                     f"to the {endpoint} endpoint are allowed for this integration.")
            self._inflight[key] = n = self._inflight.get(key, 0) + 1
            self.max_concurrent[endpoint] = max(self.max_concurrent.get(endpoint, 0), n)
        return key

    def _release(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._inflight[key] -= 1

    def _take_fault(self, entity: str, page: int) -> Fault | None:
        with self._lock:
            faults = self._faults.get(entity, [])
            for fault in faults:
                if fault.page is None or fault.page == page:
                    fault.times -= 1
                    if fault.times <= 0:
                        faults.remove(fault)
                    return fault
        return None

    def _rows(self, entity: str) -> list[dict]:
        """The entity's records in id order (records may be appended to ``self.records`` while serving)."""
        return self._ordered(entity)[0]

    def _ordered(self, entity: str) -> tuple[list[dict], list]:
        """(records in id order, their ids), sorted once per state of the entity's list: a big tenant's pages
        then cost a binary search and one page of filtering each, not a sort and a scan of every record."""
        rows = self.records.get(entity, [])
        with self._lock:
            cached = self._sorted.get(entity)
            if cached and cached[0] is rows and cached[1] == len(rows):
                return cached[2], cached[3]
        ordered = sorted(rows, key=_id)
        ids = [_id(r) for r in ordered]
        with self._lock:
            self._sorted[entity] = (rows, len(rows), ordered, ids)
        return ordered, ids

    def _fields(self, entity: str) -> list[dict]:
        given = self.fields.get(entity)
        if given is not None:
            return given
        return derived_fields(rest_entities().get(entity), self.records.get(entity, []))

    def _udf_fields(self, entity: str) -> list[dict]:
        return list(self.udf_definitions.get(entity) or [])

    def _schema(self, entity: str) -> Schema:
        rows = self.records.get(entity, [])
        with self._lock:
            cached = self._schemas.get(entity)
        if cached and cached[0] == len(rows):
            return cached[1]
        fields = self._fields(entity)
        known = {str(f["name"]).lower() for f in fields if f.get("name")}
        extra = {k for r in rows for k in r if k.lower() not in known and k != "userDefinedFields"}
        fields = fields + [field_info(k, value_type(next((r[k] for r in rows if r.get(k) is not None), None))
                                      or "string") for k in sorted(extra)]
        udfs = {str(u["name"]) for u in self._udf_fields(entity) if u.get("name")}
        udfs |= {str(u.get("name")) for r in rows for u in r.get("userDefinedFields") or [] if isinstance(u, dict)}
        schema = Schema(entity, fields, udfs)
        with self._lock:
            self._schemas[entity] = (len(rows), schema)
        return schema

    # -- routing --------------------------------------------------------------------------------------------------

    def route(self, method: str, path: str) -> Route:
        """The Route of a request path (paths are case-insensitive, as Autotask's are). HttpError 404 / 405."""
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0].lower() != "atservicesrest":
            raise HttpError(404, f"No resource at {path}.")
        rest = parts[1:]
        low = [p.lower() for p in rest]
        if low == ["versioninformation"]:  # swagger: /VersionInformation (outside /V1.0)
            return self._allow(method, Route("version"), "GET")
        if not low or low[0] != "v1.0":
            raise HttpError(404, f"No resource at {path}.")
        if low[1:] == ["zoneinformation"]:
            return self._allow(method, Route("zone"), "GET")
        if low[1:] == ["thresholdinformation"]:
            return self._allow(method, Route("threshold"), "GET")
        if len(low) < 3:
            raise HttpError(404, f"No resource at {path}.")
        entity = self._names.get(low[1])
        if entity is None:
            raise HttpError(404, f"No resource at {path}: '{rest[1]}' is not an Autotask entity.")
        tail = low[2:]
        queryable = entity not in NOT_QUERYABLE  # swagger: no query paths for these
        if tail == ["query"] and queryable:
            return self._allow(method, Route("query", entity), "GET", "POST")
        if tail == ["query", "count"] and queryable:
            return self._allow(method, Route("count", entity), "GET", "POST")
        if tail in (["query", "next"], ["query", "prev"]) and queryable:
            return self._allow(method, Route(tail[1], entity), "GET")
        if tail == ["entityinformation"]:
            return self._allow(method, Route("info", entity), "GET")
        if tail == ["entityinformation", "fields"]:
            return self._allow(method, Route("fields", entity), "GET")
        if tail == ["entityinformation", "userdefinedfields"]:
            return self._allow(method, Route("udfs", entity), "GET")
        if len(tail) == 1 and tail[0].isdigit() and queryable:
            return self._allow(method, Route("item", entity, int(tail[0])), "GET")
        raise HttpError(404, f"No resource at {path}.")

    @staticmethod
    def _allow(method: str, route: Route, *methods: str) -> Route:
        if method not in methods:
            raise HttpError(405, f"The requested resource does not support http method '{method}'.")
        return route

    def authorised(self, headers) -> bool:
        """The three auth headers match (swagger: required on every call; header names are case-insensitive)."""
        return (headers.get("ApiIntegrationCode") == self.integration_code
                and headers.get("UserName") == self.user and headers.get("Secret") == self.secret)

    # -- answers --------------------------------------------------------------------------------------------------

    def zone(self, params: dict[str, list[str]]) -> dict:
        """ZoneInformation (Autotask API zones): the configured user's zone; REST base ``url``, UI ``webUrl``."""
        user = (params.get("user") or [""])[0]
        if user.lower() != self.user.lower():
            raise HttpError(500, "Zone information could not be determined for the user: check the user name.")
        return {"zoneName": self.zone_name, "url": self.url, "webUrl": self.root, "ci": 0}

    def threshold_info(self, count: int) -> dict:
        """REST_Thresholds_Limits: ThresholdInformation, the timeframe in minutes."""
        return {"externalRequestThreshold": self.threshold, "requestThresholdTimeframe": self._window_minutes(),
                "currentTimeframeRequestCount": count}

    def entity_info(self, entity: str) -> dict:
        """entityInformation (swagger; EntityInformation model): what the API lets an integration do."""
        singular = rest_entities().get(entity, "")
        has_udfs = bool(self.udf_definitions.get(entity)) or "userDefinedFields" in rest_model().get(singular, {})
        queryable = entity not in NOT_QUERYABLE
        return {"info": {"name": entity, "canCreate": not queryable, "canDelete": False, "canQuery": queryable,
                         "canUpdate": False, "hasUserDefinedFields": has_udfs, "supportsWebhookCallouts": False}}

    def count(self, entity: str, query: Query) -> dict:
        """/query/count (REST_Advanced_Query_Features "Obtaining a record count")."""
        match = compile_filter(query.filter, self._schema(entity))
        return {"queryCount": sum(1 for r in self._rows(entity) if match(r))}

    def item(self, entity: str, item_id: int) -> dict:
        """GET /{Entity}/{id} (model §1 "Single item"): ``{"item": record}``, null when there is none."""
        return {"item": next((r for r in self._rows(entity) if r.get("id") == item_id), None)}

    def page(self, entity: str, query: Query, number: int = 1, after: Any = None, before: Any = None) -> dict:
        """One page of a query (model §1 "List response", REST_Advanced_Query_Features "Paginating results").

        The cursor is the last id served: the next page is the matching records with a greater id, so records
        inserted behind it later are not served twice (and records are never skipped by an offset shifting).
        A prev page (``before``) is the matching records just below the page's first id."""
        schema = self._schema(entity)
        match = compile_filter(query.filter, schema)
        project({}, query.include, schema)  # unknown IncludeFields fail even when nothing matches
        rows, ids = self._ordered(entity)
        if query.include and not any(f.lower() == "id" for f in query.include):
            # REST_Advanced_Query_Features: "For search results that contain more than 500 results, you must
            # include Id as a field."
            total = sum(1 for r in rows if match(r))
            if total > MAX_PAGE:
                raise QueryError(f"IncludeFields must include id when more than {MAX_PAGE} results match "
                                 f"({total} do).")
        size = min(query.max_records or MAX_PAGE, self.page_size)
        if before is not None:
            below = [r for r in rows if _id(r) < before and match(r)]
            served, more_before = below[-size:], len(below) > size
            more_after = True
        else:
            served, more_after = [], False
            start = bisect.bisect_right(ids, after) if after is not None else 0
            for r in itertools.islice(rows, start, None):
                if match(r):
                    if len(served) == size:
                        more_after = True
                        break
                    served.append(r)
            more_before = number > 1
        items = [project(r, query.include, schema) for r in served]
        search = quote(json.dumps(query.source, separators=(",", ":")))
        base = f"{self.url}V1.0/{entity}/query"

        def link(direction: str, page_number: int) -> str:
            token = encode_paging(page_number, size, _id(served[0]), _id(served[-1]))
            return f"{base}/{direction}?paging={token}&search={search}"
        return {"items": items, "pageDetails": {
            "count": len(items), "requestCount": query.max_records or MAX_PAGE,
            "prevPageUrl": link("prev", number - 1) if served and more_before else None,
            "nextPageUrl": link("next", number + 1) if served and more_after else None}}


class _Handler(BaseHTTPRequestHandler):
    """One connection's requests; every answer is JSON with a Content-Length (HTTP/1.1 keep-alive)."""

    fake: FakeAutotask
    protocol_version = "HTTP/1.1"
    server_version = "FakeAutotask/1.0"

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_PATCH(self):
        self._serve("PATCH")

    def do_DELETE(self):
        self._serve("DELETE")

    def log_message(self, format, *args):  # quiet; the fake's own log is FakeAutotask.log
        pass

    def _serve(self, method: str) -> None:
        fake = self.fake
        entry = {"method": method, "entity": None, "status": None, "time": time.time(), "_started": True}
        parts = urlsplit(self.path)
        entry["path"] = parts.path
        body = self._body()
        key = None
        try:
            route = fake.route(method, parts.path)
            entry["entity"] = route.entity or route.endpoint
            params = parse_qs(parts.query)
            if route.kind == "zone":  # no credentials yet, not thread limited (ThreadLimiting), not counted
                self._json(200, fake.zone(params), entry)
                return
            if not fake.authorised(self.headers):
                raise HttpError(401, "Unauthorized: the API integration code, user name or secret is not valid.")
            count = fake._spend()
            key = fake._admit(route.endpoint)
            if fake.latency_s and count > fake.threshold / 2:  # REST_Thresholds_Limits: latency past 50%
                time.sleep(fake.latency_s)
            self._answer(route, params, body, count, entry)
        except HttpError as exc:
            self._json(exc.status, {"errors": exc.messages}, entry, exc.headers)
        except QueryError as exc:
            self._json(500, {"errors": [str(exc)]}, entry)
        except (ConnectionError, OSError):
            self.close_connection = True
        except Exception as exc:  # a bug in the fake: answer it rather than drop the connection like a fault
            if entry["status"] is None:
                self._json(500, {"errors": [f"fake_autotask internal error: {exc!r}"]}, entry)
        finally:
            if key:
                fake._release(key)
            self._record(entry)  # an answer not sent (close fault, broken pipe) is logged here

    def _record(self, entry: dict) -> None:
        """Add the request to the fake's log once, before its answer goes out (so a client that has the
        answer finds the entry)."""
        if entry.pop("_started", None) is None:
            return
        entry["duration"] = time.time() - entry["time"]
        with self.fake._lock:
            self.fake.log.append(entry)

    def _answer(self, route: Route, params: dict, body: bytes, count: int, entry: dict) -> None:
        fake = self.fake
        if route.kind == "version":
            return self._json(200, {"apiVersions": [fake.api_version]}, entry)
        if route.kind == "threshold":
            return self._json(200, fake.threshold_info(count), entry)
        if route.kind == "info":
            return self._json(200, fake.entity_info(route.entity), entry)
        if route.kind == "fields":
            return self._json(200, {"fields": fake._fields(route.entity)}, entry)
        if route.kind == "udfs":
            return self._json(200, {"fields": fake._udf_fields(route.entity)}, entry)
        if route.kind == "item":
            return self._json(200, fake.item(route.entity, route.item_id), entry)
        search = (params.get("search") or [""])[0]
        if route.kind == "count":
            query = parse_query(body if self.command == "POST" else search)
            return self._json(200, fake.count(route.entity, query), entry)
        # query pages: the first (GET ?search= or POST body) and the next/prev GETs
        paging = decode_paging((params.get("paging") or [""])[0]) if route.kind in ("next", "prev") else None
        number = paging["page"] if paging else 1
        entry["page"] = number
        fault = fake._take_fault(route.entity, number)
        if fault:
            entry["fault"] = fault.kind
            if fault.kind == "slow":
                time.sleep(fault.seconds)
            elif fault.kind == "close":
                self.close_connection = True
                return None
            elif fault.kind in ("500", "429", "401"):
                raise HttpError(int(fault.kind), {"500": "An unexpected error occurred on the server.",
                                                  "429": "Too many requests: try again later.",
                                                  "401": "Unauthorized: the API key has been revoked."}[fault.kind],
                                headers={"Retry-After": "1"} if fault.kind == "429" else None)
        query = parse_query(body if self.command == "POST" and route.kind == "query" else search)
        if route.kind == "next":
            doc = fake.page(route.entity, query, number, after=paging["last"])
        elif route.kind == "prev":
            doc = fake.page(route.entity, query, number, before=paging["first"])
        else:
            doc = fake.page(route.entity, query)
        if fault and fault.kind == "cut":
            return self._cut(doc, entry)
        return self._json(200, doc, entry)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _json(self, status: int, doc: Any, entry: dict, headers: dict | None = None) -> None:
        data = json.dumps(doc, separators=(",", ":")).encode("utf-8")
        entry["status"] = status
        self._record(entry)
        self._head(status, len(data), headers)
        self.wfile.write(data)

    def _head(self, status: int, length: int, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _cut(self, doc: Any, entry: dict) -> None:
        """Announce the whole body, send half of it and hang up (a connection dropped mid-transfer)."""
        data = json.dumps(doc, separators=(",", ":")).encode("utf-8")
        entry["status"] = 200
        self._record(entry)
        self._head(200, len(data))
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True


def serve(records: dict[str, list[dict]] | None = None, **options: Any) -> Iterator[FakeAutotask]:
    """For pytest fixtures: ``yield from serve(records, page_size=7)`` runs a FakeAutotask for the test."""
    with FakeAutotask(records or {}, **options) as fake:
        yield fake
