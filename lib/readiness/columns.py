"""Column helpers the facts and the rules share: masks that treat a missing value as unknown, columns the
export may lack, and text folding that stays vectorised on millions of rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def flag(mask) -> pd.Series:
    """A plain bool mask: missing (unknown) counts as False, so unknowns are never flagged."""
    return pd.Series(mask).fillna(False).astype(bool)


def col(df: pd.DataFrame, name: str, dtype: str | None = None) -> pd.Series:
    """Column `name`, or an all-missing column of `dtype` when the export did not carry it."""
    if name in df.columns:
        return df[name]
    return pd.Series(pd.NA, index=df.index, dtype=dtype or "object")


def captured_flag(df: pd.DataFrame, name: str = "active") -> pd.Series:
    """A yes/no column of a capture sheet as captured (a blank stays NA); all True when the sheet has no such
    column, since the consultant captured only what is in use unless told otherwise."""
    if name not in df.columns:
        return pd.Series(True, index=df.index, dtype="boolean")
    return df[name].astype("boolean")


def is_active(df: pd.DataFrame, name: str = "isActive") -> pd.Series:
    """True unless the row is explicitly inactive (missing column or value = active, i.e. not excluded)."""
    if name not in df.columns:
        return pd.Series(True, index=df.index)
    return ~flag(df[name].eq(False))


def is_inactive(df: pd.DataFrame, name: str = "isActive") -> pd.Series:
    """True only where the row is explicitly inactive (missing counts as not inactive)."""
    if name not in df.columns:
        return pd.Series(False, index=df.index)
    return flag(df[name].eq(False))


def fold_case(s: pd.Series) -> pd.Series:
    """`str.casefold` for a text column without a Python call per value: for ASCII text casefold is lowercase,
    which Arrow does; only values with other characters (Straße -> strasse) go through Python."""
    t = s.astype("string")
    out = t.str.lower()
    ascii_ = pc.fill_null(pc.string_is_ascii(pa.array(t.array, type=pa.string())), True)  # missing stays missing
    other = ~np.asarray(ascii_.to_numpy(zero_copy_only=False), dtype=bool)
    if other.any():
        out[other] = t[other].str.casefold()
    return out


def per_distinct(s: pd.Series, fn) -> pd.Series:
    """`fn` (text Series -> Series) applied to each distinct value once and spread back; missing stays missing.

    Names repeat (a million notification sends use a few hundred template names), and some string methods such
    as casefold run per value in Python, so working on the distinct values is what keeps them fast."""
    codes, uniques = pd.factorize(s.astype("string"), use_na_sentinel=True)
    done = pd.array(fn(pd.Series(uniques, dtype="string")).to_numpy(), dtype="string")
    return pd.Series(done.take(codes, allow_fill=True), index=s.index, dtype="string")


def fold_space(s: pd.Series) -> pd.Series:
    """Case and whitespace folded text ("  ACME  Ltd " -> "acmeltd"); missing stays missing."""
    return per_distinct(s, lambda u: fold_case(u).str.replace(r"\s+", "", regex=True))


def blank(s: pd.Series) -> pd.Series:
    """True where a text value is missing or only whitespace."""
    t = s.astype("string")
    return flag(t.isna() | t.str.strip().eq(""))


def group_join(keys: pd.Series, values: pd.Series, sep: str = ", ") -> pd.Series:
    """Per row: all distinct `values` of the rows sharing its key, sorted and joined (e.g. the ids in a
    duplicate group); a key held by one row gives that row's value, a missing key gives NA. Only rows whose key
    repeats are grouped, so the cost follows the duplicates, not the table."""
    vals = values.astype("string")
    present = keys.notna().to_numpy()
    out = pd.Series(vals.to_numpy(), index=keys.index, dtype="string").where(present)
    shared = keys.duplicated(keep=False).to_numpy() & present
    if shared.any():
        frame = pd.DataFrame({"k": keys[shared].to_numpy(), "v": vals[shared].to_numpy()}).dropna()
        frame = frame.drop_duplicates().sort_values(["k", "v"])
        joined = frame.groupby("k")["v"].agg(sep.join)
        out[shared] = pd.array(keys[shared].map(joined).to_numpy(), dtype="string")
    return out
