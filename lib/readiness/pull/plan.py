"""Which Autotask entities `readiness pull` fetches, and what a pull of them costs in API requests.

The list is the loader's: every entity the audit, report, explorer and reconciliation read (entities.ENTITIES)
except the two capture sheets, which Autotask's API does not expose (workflow rules and notification templates are
copied from the UI by the consultant). *Required* entities are the audit's gate: without them the client is
Unknown. Every other entity is *optional*: when it is missing the rules that read it cannot judge and the report's
coverage drops, but the audit still runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from readiness import entities as ents
from readiness.exportwriter import PAGE_SIZE  # the most records a query page holds (MaxRecords 1-500)
from readiness.facts.tickets import COMPLETE as TICKET_COMPLETE
from readiness.scoring import GATE_TABLES

# Autotask refuses to query these (REST entity pages: the adjustment entities only create), so they are listed
# as such and never requested.
NOT_QUERYABLE = {
    "ContractServiceAdjustments": "create-only in Autotask's REST API; the adjustments show in ContractServiceUnits",
    "ContractServiceBundleAdjustments": "create-only in Autotask's REST API; the adjustments show in "
                                        "ContractServiceUnits",
}
# The big history tables, written as JSON Lines and limited by --history-years / --since on their date field.
HISTORY_FIELDS = {
    "Tickets": "lastActivityDate",
    "TimeEntries": "dateWorked",
    "NotificationHistory": "notificationSentTime",
    "ContractServiceUnits": "endDate",
    "BillingItems": "itemDate",
}


@dataclass(frozen=True)
class PullEntity:
    name: str
    required: bool
    history_field: str | None = None  # date field a history limit filters on (None: always pulled whole)

    @property
    def form(self) -> str:
        """How the pull writes it: JSON Lines for the big history tables, one REST response otherwise."""
        return "jsonl" if self.history_field else "response"


PULLED: tuple[PullEntity, ...] = tuple(
    PullEntity(name, name in GATE_TABLES, HISTORY_FIELDS.get(name))
    for name in ents.ENTITIES if name not in ents.CAPTURED
)
BY_NAME = {e.name: e for e in PULLED}


def resolve(names: list[str] | None) -> tuple[list[PullEntity], list[str], list[str]]:
    """The entities a pull of `names` (None: all) fetches, the names that cannot be queried, and unknown names.

    Names are matched case-insensitively against the REST entity names."""
    if not names:
        return list(PULLED), [], []
    folded = {e.lower(): e for e in [*BY_NAME, *NOT_QUERYABLE]}
    picked, not_queryable, unknown = [], [], []
    for raw in names:
        name = folded.get(raw.strip().lower())
        if name is None:
            unknown.append(raw.strip())
        elif name in NOT_QUERYABLE:
            not_queryable.append(name)
        elif BY_NAME[name] not in picked:
            picked.append(BY_NAME[name])
    return picked, not_queryable, unknown


def query_filter(entity: PullEntity, since: str | None) -> list[dict]:
    """The query filter for `entity`: every record (`id gte 0`, Autotask needs a filter), or, for a history
    table with `since` (YYYY-MM-DD), the records dated on or after it (tickets: also every one not Complete)."""
    everything = {"op": "gte", "field": "id", "value": 0}
    if not since or not entity.history_field:
        return [everything]
    # REST takes and returns datetimes in UTC, ISO-8601 with milliseconds (_EntitiesOverview: dates and times).
    recent = {"op": "gte", "field": entity.history_field, "value": f"{since}T00:00:00.000Z"}
    if entity.name == "Tickets":  # open tickets whatever their age: the audit counts them against their contracts
        return [{"op": "or", "items": [recent, {"op": "noteq", "field": "status", "value": TICKET_COMPLETE}]}]
    return [recent]


def pages(count: int) -> int:
    """Query requests to read `count` records: one page per 500, and one request even for none."""
    return max(1, math.ceil(count / PAGE_SIZE))


# Requests per entity besides its pages: the count after (the count before is made while planning), the
# entityInformation/fields and the entityInformation/userDefinedFields calls.
REQUESTS_BESIDES_PAGES = 3


def entity_requests(count: int) -> int:
    """Requests pulling an entity of `count` records still needs once it has been counted."""
    return pages(count) + REQUESTS_BESIDES_PAGES


def entity_table() -> list[dict]:
    """The declared list as rows (entity, required, history field, file written), for the README and --help."""
    return [{"entity": e.name, "required": e.required, "history_field": e.history_field or "",
             "file": f"{e.name}.{'jsonl' if e.form == 'jsonl' else 'json'}"} for e in PULLED]
