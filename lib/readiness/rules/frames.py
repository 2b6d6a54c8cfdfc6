"""Small vectorised helpers the rules share: masks that treat missing values as unknown, text folding,
entity labels for reason sentences, and the frame a rule returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from readiness.columns import (blank, col, flag, fold_case, fold_space, group_join, is_active,  # noqa: F401
                               is_inactive, per_distinct)

RESULT_COLUMNS = ["entity_id", "status", "reason", "company_id", "severity", "entity_type"]


def text(s: pd.Series, default: str = "?") -> pd.Series:
    """`s` as string dtype with missing values replaced by `default`."""
    return s.astype("string").fillna(default)


def ids(s: pd.Series) -> pd.Series:
    """Ids as strings ("123"), missing as "?"."""
    return s.astype("Int64").astype("string").fillna("?")


def named(kind: str, name: pd.Series, id_: pd.Series | None = None) -> pd.Series:
    """Reason prefix naming each entity: "Contract 'Acme Managed' (id 12)" or "Workflow rule 'X'"."""
    out = kind + " '" + text(name) + "'"
    if id_ is not None:
        out = out + " (id " + ids(id_) + ")"
    return out


def num(s: pd.Series) -> pd.Series:
    """Numbers as short strings for reasons: 2 decimals at most, no trailing zeros ("12.5", "3")."""
    t = pd.to_numeric(s, errors="coerce").astype("Float64").round(2).astype("string")
    return t.str.replace(r"\.0+$", "", regex=True).str.replace(r"(\.\d*?)0+$", r"\1", regex=True).fillna("?")


def day(s: pd.Series) -> pd.Series:
    """Dates as YYYY-MM-DD for reasons ("never" when missing)."""
    return s.dt.strftime("%Y-%m-%d").astype("string").fillna("never")


def norm_list(s: pd.Series) -> pd.Series:
    """A `|`-separated list normalised for comparison: items case/space folded, blanks dropped, sorted.

    Items are exploded to one row each so the folding is vectorised; only the rejoin runs per list.
    """
    base = s.astype("string").fillna("").reset_index(drop=True)
    items = base.str.split("|").explode().astype("string")
    items = fold_case(items).str.replace(r"\s+", " ", regex=True).str.strip()
    items = items[items.ne("").fillna(False)]
    frame = pd.DataFrame({"pos": items.index.to_numpy(), "item": items.to_numpy()}).sort_values(["pos", "item"])
    joined = frame.groupby("pos")["item"].agg("|".join).reindex(range(len(base))).fillna("")
    return pd.Series(joined.to_numpy(), index=s.index, dtype="string")


def repeat_text(text: str, n: int):
    """`text` n times as a string array, built by Arrow rather than from an n-long Python list."""
    return pd.array(pa.repeat(pa.scalar(text, pa.string()), n), dtype="string")


def result(entity_id, status, reason, company_id=None, severity=None, entity_type=None) -> pd.DataFrame:
    """The frame a rule returns: one row per judged entity (status FAIL, REVIEW or PASS).

    Scalars broadcast against the Series arguments; `severity` and `entity_type` override the rule's per row.
    """
    frame = pd.DataFrame({"entity_id": entity_id})
    n = len(frame)
    idx = frame.index
    cols = {"status": status, "reason": reason, "company_id": company_id, "severity": severity,
            "entity_type": entity_type}
    for name, value in cols.items():
        if isinstance(value, pd.Series):
            if len(value) != n:
                raise ValueError(f"result column {name!r} has {len(value)} values for {n} entities")
            frame[name] = value.array  # positional: every argument is derived from the same frame
        else:
            frame[name] = repeat_text(value, n) if isinstance(value, str) else (
                pd.Series([value] * n, index=idx, dtype="object") if value is not None else pd.NA)
    return frame.reset_index(drop=True)


def judged(entity_id, hit, status: str, flagged, clean, company_id=None, severity=None) -> pd.DataFrame:
    """One row per entity: `status` (FAIL or REVIEW) with reason `flagged` where `hit`, else PASS with `clean`.

    `hit`, `flagged` and `clean` are aligned on one frame's index; a plain string broadcasts.
    """
    hit = flag(hit)
    reason = _text_like(flagged, hit.index).where(hit, _text_like(clean, hit.index))
    return result(entity_id, pd.Series(np.where(hit, status, "PASS")), reason, company_id, severity)


def _text_like(value, index) -> pd.Series:
    """`value` as a string Series on `index` (a scalar repeats)."""
    if isinstance(value, pd.Series):
        return value.astype("string")
    return pd.Series(value, index=index, dtype="string")


def empty_result() -> pd.DataFrame:
    """A rule result with no rows."""
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in RESULT_COLUMNS})


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack rule result frames, tolerating an empty list."""
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty_result()


def join_parts(parts: list[pd.Series], sep: str = "; ") -> pd.Series:
    """Row-wise join of text pieces, skipping empty ones (vectorised: one pass per piece)."""
    out = parts[0].astype("string").fillna("")
    for piece in parts[1:]:
        piece = piece.astype("string").fillna("")
        glue = out.where(out.eq(""), out + sep)
        out = out.where(piece.eq(""), glue + piece)
    return out


def contract_names(df: pd.DataFrame) -> pd.Series:
    """ "Contract 'Name' (id 12)" for each row of a Contracts-shaped frame."""
    return named("Contract", col(df, "contractName", "string"), df["id"])
