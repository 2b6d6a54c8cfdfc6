"""Tiny exports built in code for rule tests, typed the way the loader types them.

ids, picklist codes and whole numbers -> Int64, flags -> boolean, dates -> datetime64[ms], money and other numbers -> Float64, text -> string.
"""

from __future__ import annotations

import pandas as pd

from readiness.entities import BOOL, DATE, ENTITIES, ID, INT, NUM, PICK, field_kind
from readiness.loader import Export
from readiness.rules import run_rules

AS_OF = pd.Timestamp("2025-06-30")


def frame(entity: str, rows: list[dict]) -> pd.DataFrame:
    """A typed table for `entity` from a list of row dicts (missing keys -> missing values)."""
    df = pd.DataFrame(rows)
    for key in ENTITIES[entity].required if entity in ENTITIES else ():
        if key not in df.columns:  # the loader guarantees key columns, even on an empty table
            df[key] = pd.Series([None] * len(df), dtype="object")
    for name in df.columns:
        kind = field_kind(entity, name)
        if kind in (ID, PICK, INT):
            df[name] = pd.array(df[name].tolist(), dtype="Int64")
        elif kind == BOOL:
            df[name] = pd.array(df[name].tolist(), dtype="boolean")
        elif kind == DATE:
            df[name] = pd.to_datetime(df[name], format="mixed").astype("datetime64[ms]")
        elif kind == NUM:
            df[name] = pd.array(pd.to_numeric(df[name]).tolist(), dtype="Float64")
        else:
            df[name] = df[name].astype("string")
    return df


def export(client: dict | None = None, **tables) -> Export:
    """An Export from entity=rows (list of dicts) or entity=DataFrame keyword arguments."""
    typed = {name: rows if isinstance(rows, pd.DataFrame) else frame(name, rows) for name, rows in tables.items()}
    return Export(tables=typed, client=client or {})


def run(exp: Export, rule_id: str, as_of=AS_OF, **params):
    """Run one rule; returns (findings, coverage row as a dict)."""
    out = run_rules(exp, as_of=as_of, params={rule_id: params} if params else None, only=[rule_id])
    return out.findings, out.coverage.iloc[0].to_dict()


def statuses(findings: pd.DataFrame) -> dict[str, str]:
    """entity_id -> status."""
    return dict(zip(findings["entity_id"], findings["status"]))


def companies(*rows) -> list[dict]:
    """Company rows: (id, name) or (id, name, isActive, companyType)."""
    out = []
    for r in rows:
        d = {"id": r[0], "companyName": r[1], "isActive": True, "companyType": 1}
        if len(r) > 2:
            d["isActive"] = r[2]
        if len(r) > 3:
            d["companyType"] = r[3]
        out.append(d)
    return out


def contract(id, type=7, status=1, company=1, name=None, **extra) -> dict:
    """A Contracts row; defaults: Recurring Service, Active, company 1, open-ended."""
    return {"id": id, "contractName": name or f"Contract {id}", "companyID": company, "contractType": type,
            "status": status, "startDate": "2024-01-01", "endDate": "2026-12-31", **extra}
