"""Bad-input errors of the reconciliation: each names the file, the row and the column."""

from __future__ import annotations

import pandas as pd


class ReconcileError(ValueError):
    """Input the reconciliation cannot use (missing file content, missing columns, unparseable cells)."""


def cell_errors(file: str, where: pd.Series, column: str, mask: pd.Series, problem: str,
                values: pd.Series | None = None) -> pd.Series:
    """One message per flagged cell, indexed like the input rows so messages from several columns can be put
    back in row order: "halo.csv row 7, column unit_price: 'abc' is not a number"."""
    mask = mask.fillna(False).astype(bool)
    loc = file + " " + where[mask].astype(str) + ", column " + column + ": "
    if values is None:
        return (loc + problem).astype(object)
    shown = values[mask].astype("string").fillna("").map(repr)
    return (loc + shown + " " + problem).astype(object)


def raise_cell_errors(messages: list[pd.Series], limit: int = 5) -> None:
    """Raise one ReconcileError listing the first `limit` messages in row order, if there are any."""
    found = pd.concat(messages).sort_index(kind="stable") if messages else pd.Series(dtype=object)
    if found.empty:
        return
    more = f"\n  ... and {len(found) - limit} more" if len(found) > limit else ""
    raise ReconcileError("\n  ".join(found.iloc[:limit]) + more)
