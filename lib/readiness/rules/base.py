"""Rule metadata, its validation, and the registry of every rule in the catalogue.

A rule is metadata plus one vectorised function ``func(ctx) -> DataFrame``. Metadata is checked when
the rule is declared, so a bad rule stops the import with a message naming the rule and the field.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Callable

from readiness.entities import ENTITIES, HISTORY_TABLES, field_kind
from readiness.facts import CannotJudge  # noqa: F401  (raised inside a rule: coverage, not an error)

from readiness.vocabulary import AREAS, PLACEMENTS, RULE_STATUSES, SEVERITIES, STATUSES  # noqa: F401

# DESIGN's finding entity types, plus the singular name of every entity the loader knows (a child row
# such as a TimeEntry can be the subject of a data-quality finding).
ENTITY_TYPES = frozenset(
    {"Contract", "ContractService", "Service", "ServiceBundle", "BillingCode", "Company", "Contact",
     "ConfigurationItem", "Ticket", "Resource", "WorkflowRule", "NotificationTemplate", "Integration",
     "SecurityLevel"} | {e.singular for e in ENTITIES.values()}
)
KNOWN_ENTITIES = frozenset(ENTITIES)

TITLE_MAX = 150
TEXT_MAX = 400
TALLY_MAX = 60
SOURCE_MAX = 300
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


# HaloPSA's guide to its API: each instance serves the API description at its own address + "/apidoc".
HALO_API_URL = "https://halopsa.com/guides/article?kbid=929"


def halo_api(*fields: str) -> str:
    """A `sources` entry for claims backed by HaloPSA's API description (the schema fields named exist; how the UI
    uses them is not proven by this): "https://halopsa.com/guides/article?kbid=929 (HaloPSA API description at
    your instance's /apidoc: A, B)"."""
    return f"{HALO_API_URL} (HaloPSA API description at your instance's /apidoc: {', '.join(fields)})"


class RuleDefinitionError(ValueError):
    """A rule's metadata breaks the catalogue's rules (raised at import)."""




@dataclass(frozen=True)
class Rule:
    """One readiness check: metadata plus the vectorised function that judges the export."""

    id: str
    area: str
    severity: str
    title: str
    impact: str
    remediation: str
    entity_type: str
    func: Callable
    requires: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)
    weight: float = 1.0
    edge_case: bool = False
    columns: dict = field(default_factory=dict)  # {history table: columns read}: what the lean load keeps
    feeds: tuple[str, ...] = ()  # vocabulary.PLACEMENTS: report section, checklist item, effort work item
    aliases: tuple[str, ...] = ()  # former ids: suppressions written for them still mute this rule's findings
    tally: str = ""  # words after a count of its findings in the go-live checklist ("without email")
    # URLs of Autotask's or HaloPSA's documentation or API description backing the rule's claims. An entry may carry
    # a note after the URL, as halo_api() writes one for a field of HaloPSA's API description.
    sources: tuple[str, ...] = ()

    def __post_init__(self):
        problems = validate(self)
        if problems:
            raise RuleDefinitionError(f"rule {self.id!r}: " + "; ".join(problems))


def validate(r: Rule) -> list[str]:
    """Every way `r` breaks the metadata contract, as short sentences ([] when valid)."""
    p = []
    if not isinstance(r.id, str) or not _SNAKE.match(r.id):
        p.append("id must be snake_case (lowercase letters, digits, single underscores)")
    if not callable(r.func):
        p.append("func must be callable")
    else:
        if getattr(r.func, "__name__", None) != r.id:
            p.append(f"function name {getattr(r.func, '__name__', None)!r} must equal the rule id")
        try:
            if len(inspect.signature(r.func).parameters) != 1:
                p.append("func must take exactly one argument (the rule context)")
        except (TypeError, ValueError):
            pass
    if r.area not in AREAS:
        p.append(f"area {r.area!r} is not one of {', '.join(AREAS)}")
    if r.severity not in SEVERITIES:
        p.append(f"severity {r.severity!r} is not one of {', '.join(SEVERITIES)}")
    if not isinstance(r.title, str) or not r.title.strip():
        p.append("title is empty")
    else:
        if len(r.title) > TITLE_MAX:
            p.append(f"title is {len(r.title)} chars (max {TITLE_MAX})")
        if r.title.strip().lower().startswith("ensure"):
            p.append("title must state the condition found, not start with 'Ensure'")
    for name in ("impact", "remediation"):
        text = getattr(r, name)
        if not isinstance(text, str) or not text.strip():
            p.append(f"{name} is empty")
        elif len(text) > TEXT_MAX:
            p.append(f"{name} is {len(text)} chars (max {TEXT_MAX})")
    if r.entity_type not in ENTITY_TYPES:
        p.append(f"entity_type {r.entity_type!r} is not a known finding entity type")
    if not isinstance(r.requires, tuple):
        p.append("requires must be a tuple of entity names")
    else:
        unknown = [e for e in r.requires if e not in KNOWN_ENTITIES]
        if unknown:
            p.append(f"requires unknown entities {unknown}")
    if not isinstance(r.params, dict):
        p.append("params must be a dict of name -> default")
    else:
        for k, v in r.params.items():
            if not isinstance(k, str) or not _SNAKE.match(k):
                p.append(f"param name {k!r} must be snake_case")
            if v is None:
                p.append(f"param {k!r} has no default")
    if isinstance(r.weight, bool) or not isinstance(r.weight, (int, float)) or not r.weight > 0:
        p.append("weight must be a positive number")
    if not isinstance(r.edge_case, bool):
        p.append("edge_case must be True or False")
    elif r.edge_case and r.entity_type != "Contract":
        p.append("an edge_case rule must judge Contracts (its hits are listed on the contract map)")
    if not isinstance(r.columns, dict):
        p.append("columns must be a dict of history table -> column names")
    else:
        for table, names in r.columns.items():
            if table not in HISTORY_TABLES:
                p.append(f"columns names {table!r}; only the history tables ({', '.join(HISTORY_TABLES)}) are "
                         f"loaded lean")
            elif not isinstance(names, tuple) or not all(isinstance(n, str) for n in names):
                p.append(f"columns of {table} must be a tuple of field names")
            else:
                unknown = [n for n in names if field_kind(table, n) is None]
                if unknown:
                    p.append(f"columns of {table}: {unknown} are not fields of Autotask's {table}")
    if not isinstance(r.feeds, tuple) or not all(isinstance(x, str) for x in r.feeds):
        p.append("feeds must be a tuple of placement names")
    else:
        unknown = [x for x in r.feeds if x not in PLACEMENTS]
        if unknown:
            p.append(f"feeds unknown placements {unknown} (known: {', '.join(PLACEMENTS)})")
    checklist = [x for x in (r.feeds if isinstance(r.feeds, tuple) else ()) if str(x).startswith("checklist:")]
    if not isinstance(r.tally, str) or len(r.tally) > TALLY_MAX:
        p.append(f"tally must be text of at most {TALLY_MAX} chars")
    elif checklist and not r.tally.strip():
        p.append(f"feeds {checklist[0]} but declares no tally (the words after its count in the checklist)")
    if not isinstance(r.aliases, tuple) or not all(isinstance(a, str) and _SNAKE.match(a) for a in r.aliases):
        p.append("aliases must be a tuple of snake_case former ids")
    if not isinstance(r.sources, tuple) or not all(isinstance(x, str) for x in r.sources):
        p.append("sources must be a tuple of URLs")
    elif not r.sources:
        p.append("declares no sources (URLs of Autotask's or HaloPSA's documentation or API description backing "
                 "its claims)")
    else:
        for x in r.sources:
            if not x.startswith("https://") or not x[len("https://"):].strip():
                p.append(f"source {x[:60]!r} must start with https://")
            elif len(x) > SOURCE_MAX:
                p.append(f"source {x[:60]!r}... is {len(x)} chars (max {SOURCE_MAX})")
    return p


RULES: dict[str, Rule] = {}


def rule(*, id: str, area: str, severity: str, title: str, impact: str, remediation: str, entity_type: str,
         requires: tuple[str, ...] = (), params: dict | None = None, weight: float = 1.0, edge_case: bool = False,
         columns: dict | None = None, feeds: tuple[str, ...] = (), aliases: tuple[str, ...] = (),
         tally: str = "", sources: tuple[str, ...] = (), registry: dict | None = None):
    """Declare a rule on its function and add it to `registry` (default: the catalogue, RULES).

    `sources`: URLs of Autotask's or HaloPSA's documentation or API description backing the rule's claims
    (at least one; each starts with https:// and is at most SOURCE_MAX chars, a parenthesised note allowed).

    Raises RuleDefinitionError for invalid metadata or an id already registered.
    """

    def wrap(func):
        r = Rule(id=id, area=area, severity=severity, title=title, impact=impact, remediation=remediation,
                 entity_type=entity_type, func=func, requires=tuple(requires), params=dict(params or {}),
                 weight=float(weight), edge_case=edge_case, columns=dict(columns or {}), feeds=tuple(feeds),
                 aliases=tuple(aliases), tally=tally,
                 sources=tuple(sources) if isinstance(sources, (list, tuple)) else sources)
        target = RULES if registry is None else registry
        if r.id in target:
            raise RuleDefinitionError(f"rule {r.id!r}: id already registered")
        taken = [a for a in r.aliases if a in target or any(a in other.aliases for other in target.values())]
        if taken:
            raise RuleDefinitionError(f"rule {r.id!r}: alias {taken[0]!r} is another rule's id or alias")
        target[r.id] = r
        func.rule = r
        return func

    return wrap


def feeding(placement: str, registry: dict | None = None) -> tuple[str, ...]:
    """Ids of the rules whose findings appear at `placement` (their declared `feeds`), in catalogue order.
    Raises KeyError for a placement that is not declared, so a misspelt one fails at once."""
    if placement not in PLACEMENTS:
        raise KeyError(f"unknown placement {placement!r}; known: {', '.join(PLACEMENTS)}")
    if registry is None:
        import readiness.rules  # noqa: F401  (importing the catalogue registers every rule in RULES)
    return tuple(rid for rid, r in (RULES if registry is None else registry).items() if placement in r.feeds)


def lean_columns(registry: dict | None = None) -> dict[str, tuple[str, ...]]:
    """{history table: columns} the audit reads: every rule's declared `columns` plus the facts' (facts.COLUMNS).
    The lean load keeps these (and keys, required columns and record dates); nothing else of those tables."""
    from readiness.facts import COLUMNS as FACT_COLUMNS

    if registry is None:
        import readiness.rules  # noqa: F401  (importing the catalogue registers every rule in RULES)
    out: dict[str, dict] = {t: {} for t in HISTORY_TABLES}
    for declared in [FACT_COLUMNS, *(r.columns for r in (RULES if registry is None else registry).values())]:
        for table, names in declared.items():
            out[table].update(dict.fromkeys(names))
    return {t: tuple(names) for t, names in out.items()}
