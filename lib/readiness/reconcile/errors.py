"""Bad-input errors of the reconciliation: each names the file, the row and the column. Also the CSV reader
that gives every row the label those errors use."""

from __future__ import annotations

from pathlib import Path

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


def read_csv_text(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """(every cell as text, a "row N" label per row). The header is spreadsheet row 1, so the first line is row 2.
    Raises ReconcileError when the file is not readable as CSV."""
    unreadable = (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError)
    try:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:  # exports saved from Excel on Windows
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    except unreadable as exc:
        raise ReconcileError(f"{path.name}: not a readable CSV file ({exc})") from exc
    return df, "row " + pd.Series(range(2, len(df) + 2), index=df.index).astype(str)
