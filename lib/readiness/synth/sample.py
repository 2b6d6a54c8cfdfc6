"""The in-memory sample the builders fill and the writers write."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Sample:
    """One generated export in memory: REST-shaped tables, capture sheets, client.yaml and the plant register."""

    size: str
    seed: int
    client: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    planted: dict[str, dict[str, list]] = field(default_factory=dict)
    aux: dict = field(default_factory=dict, repr=False)  # generator-internal arrays shared between tables

    def plant(self, rule: str, entity: str, ids) -> None:
        ids = np.asarray(ids).tolist() if not isinstance(ids, list) else ids
        self.planted.setdefault(rule, {}).setdefault(entity, [])
        self.planted[rule][entity] = sorted(set(self.planted[rule][entity]) | set(ids))
