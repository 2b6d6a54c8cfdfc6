"""Record lookups: each contract's child rows, id -> column maps and which contract owns each child record.

Built once per audit so opening contract after contract in the explorer does not scan whole tables: the row
positions of every table with a contractID are grouped once, an id -> column map is built once per table and
column, and the owner map covers every contract child table (ContractService:201 -> 101).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.entities import singular


def contract_positions(facts, entity: str) -> dict | None:
    """Contract id -> row positions of `entity`'s rows on it; None when the table or its contractID is missing."""
    if not facts.has(entity, "contractID"):
        return None
    return facts.table(entity).groupby("contractID", dropna=True).indices


def id_column(facts, entity: str, col: str) -> pd.Series:
    """id -> `col` (empty when the table or column is missing); the first row wins on duplicate ids."""
    if not facts.has(entity, "id", col):
        return pd.Series(dtype="object")
    return facts.table(entity).drop_duplicates("id").set_index("id")[col]


def record_contract(facts) -> pd.Series:
    """'EntityType:id' of every contract child record (ContractService:201, ...) -> its contract id (Int64)."""
    parts = []
    for entity in facts.entities():
        if entity.startswith("Contract") and entity != "Contracts" and facts.has(entity, "contractID", "id"):
            df = facts.table(entity)
            keys = singular(entity) + ":" + df["id"].astype("string")
            parts.append(pd.Series(df["contractID"].to_numpy(), index=keys.to_numpy()))
    owner = pd.concat(parts) if parts else pd.Series(dtype="Int64")
    return owner[~owner.index.duplicated()].astype("Int64")


def finding_contracts(facts, findings: pd.DataFrame) -> np.ndarray:
    """Contract id of each finding, on the contract itself or on one of its child records (-1 for none)."""
    etype = findings["entity_type"].astype("string")
    eid = findings["entity_id"].astype("string")
    on_contract = pd.to_numeric(eid.where(etype.eq("Contract")), errors="coerce").astype("Int64")
    on_child = (etype + ":" + eid).map(facts.record_contract()).astype("Int64")
    return on_contract.fillna(on_child).fillna(-1).to_numpy(dtype=np.int64)
