"""Header mapping: what field each column holds, by meaning. REST names pass; grid display labels, tenant terms and
capture-sheet headings become field names; and which columns a lean load reads at all."""

from __future__ import annotations

import re

import pandas as pd

from readiness import entities as ents
from readiness.entities import BOOL, ENTITIES, TEXT, fold
from readiness.loader.model import _HISTORY_DATE
from readiness.loader.values import _FALSE, _TRUE, _text


def _canonical(entity: str, header: str) -> str:
    """REST field name for a header, by meaning: REST names pass, display labels and tenant terms are mapped."""
    ent = ENTITIES.get(entity)
    f = fold(header)
    if header.startswith("udf:"):  # user-defined fields keep their own names
        return header
    if ent is not None:
        if f in ent.synonyms:
            return ent.synonyms[f]
        if f == fold(ent.singular + "id") or f == fold(ent.singular + " number id"):
            return "id"
        if entity in ents.CAPTURED:
            words = re.findall(r"[A-Za-z0-9]+", header)
            return "_".join(w.lower() for w in words) if len(words) > 1 else header.strip().lower()
    if re.fullmatch(r"[a-z][A-Za-z0-9]*", header.strip()):
        return header.strip()
    words = re.findall(r"[A-Za-z0-9]+", header)
    if not words:
        return header
    parts = [words[0].lower()] + ["ID" if w.lower() == "id" else w[:1].upper() + w[1:].lower() for w in words[1:]]
    return "".join(parts)


def _grid_fallback(entity: str, name: str, values: pd.Series | None) -> str:
    """Undo two habits of Autotask's grid labels: 'Paid' for isPaid and 'Queue' for the queueID picklist."""
    ent = ENTITIES.get(entity)
    if ent is None or entity in ents.CAPTURED or not re.fullmatch(r"[a-z][A-Za-z0-9]*", name):
        return name
    if name + "ID" in ent.picklists:
        return name + "ID"
    if name == "active":
        return "isActive"
    if values is not None and ents.field_kind(entity, name) in (TEXT, None) and not name.startswith("is") \
            and ents.field_kind(entity, "is" + name[0].upper() + name[1:]) == BOOL:
        t = _text(values).dropna().str.lower()
        if len(t) and t.isin(_TRUE | _FALSE).all() and not t.str.fullmatch(r"[01](\.0)?").all():
            return "is" + name[0].upper() + name[1:]
    return name


def _map_headers(entity: str, columns: list[str], frame: pd.DataFrame | None = None) -> dict[str, str]:
    """Original header -> field name; when two headers mean the same field the id-looking one wins."""
    wanted = {c: _canonical(entity, str(c)) for c in columns}
    if frame is not None:
        wanted = {c: (f if c == f else _grid_fallback(entity, f, frame[c])) for c, f in wanted.items()}
    by_field: dict[str, list[str]] = {}
    for c, f in wanted.items():
        by_field.setdefault(f, []).append(c)
    mapping = {}
    for f, cs in by_field.items():
        winner = sorted(cs, key=lambda c: (not fold(c).endswith("id"), columns.index(c)))[0]
        for c in cs:
            mapping[c] = f if c == winner else str(c)
    return mapping


def _audited(entity: str, name: str, lean: dict | None, history: bool = True,
             present: frozenset = frozenset()) -> bool:
    """Whether the column with field name `name` is read: always, unless `lean` ({history table: columns the
    audit reads}, rules.lean_columns()) leaves it out. Grid labels count by what they mean ("Paid" for isPaid,
    "Queue" for queueID).
    Record-history dates are read while `history` says the default as-of still depends on them; a stand-in
    (entities.AUDIT_STAND_INS) only when the file lacks the column it stands in for (`present`: field names)."""
    wanted = lean.get(entity) if lean else None
    if wanted is None:
        return True
    ent = ENTITIES[entity]
    as_flag = "is" + name[:1].upper() + name[1:]
    if history and _HISTORY_DATE.search(name) or name == ent.key or name in ent.required:
        return True
    for_whom = ents.AUDIT_STAND_INS.get(entity, {}).get(name)
    if for_whom is not None:
        return for_whom not in present
    return name in wanted or _grid_fallback(entity, name, None) in wanted or as_flag in wanted
