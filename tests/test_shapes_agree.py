"""The same export written as REST CSV, grid CSV and REST JSON loads into the same typed tables."""

from __future__ import annotations

import pandas as pd
import pytest

from readiness.loader import load_export
from readiness.synth import generate


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    base = tmp_path_factory.mktemp("shapes")
    out = {}
    for shape in ("rest-csv", "grid-csv", "json"):
        generate(base / shape, "small", 5, shape=shape)
        out[shape] = load_export(base / shape)
    return out


@pytest.mark.parametrize("shape", ["grid-csv", "json"])
def test_every_shape_loads_the_same_tables(exports, shape):
    ref, other = exports["rest-csv"], exports[shape]
    assert other.rejects.empty and ref.rejects.empty
    assert set(other.tables) == set(ref.tables)
    for entity, a in ref.tables.items():
        b = other.tables[entity]
        assert set(a.columns) <= set(b.columns), f"{shape} {entity} lacks {set(a.columns) - set(b.columns)}"
        key = "id" if "id" in a else a.columns[0]
        a = a.sort_values(key).reset_index(drop=True)
        b = b[a.columns].sort_values(key).reset_index(drop=True)
        assert len(a) == len(b), f"{shape} {entity} row count"
        for col in a.columns:
            assert str(a[col].dtype) == str(b[col].dtype), f"{shape} {entity}.{col} dtype"
            if pd.api.types.is_datetime64_any_dtype(a[col]) and shape == "grid-csv":
                gap = (a[col] - b[col]).abs()  # grids show minutes, not seconds
                assert (gap.isna() | (gap < pd.Timedelta(minutes=1))).all(), f"{entity}.{col}"
                assert (a[col].isna() == b[col].isna()).all()
            else:
                same = (a[col] == b[col]).fillna(False) | (a[col].isna() & b[col].isna())
                assert same.all(), f"{shape} {entity}.{col}: {a[col][~same].head(3).tolist()} vs " \
                                   f"{b[col][~same].head(3).tolist()}"
