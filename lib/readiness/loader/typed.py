"""Typing a raw frame to its entity's kinds (ids, numbers, picklist codes, yes/no, dates, text) and checking it
against the entity's schema; every row that does not type is named with its first bad column and the reason."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness import entities as ents
from readiness.entities import BOOL, DATE, ENTITIES, ID, INT, NUM, PICK, fold_series
from readiness.loader.model import LoadContext
from readiness.loader.picklists import _picklist
from readiness.loader.values import (_as_string, _reasons, _text, _to_bool, _to_date, _to_int, _to_number,
                                     detect_date_order)


def _name_ref(entity: str, fld: str, s: pd.Series, ctx: LoadContext) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Ids for a reference column that a grid export filled with names (e.g. 'Organization')."""
    target = ENTITIES[entity].name_refs[fld]
    names = ctx.names.get(target, {})
    t = _text(s)
    # an exact name beats a folded one, so "Granite Wines" and "GRANITE  WINES" stay apart when both exist
    ids = t.map(ctx.names.get(target + ":exact", {})).fillna(fold_series(t).where(t.notna()).map(names))
    reason = pd.Series(pd.NA, index=s.index, dtype="string")
    missing = t.notna() & ids.isna()
    ambiguous = ids == -1
    tname = ents.singular(target)
    reason[missing] = "no " + tname + " named '" + t[missing] + "' in " + target
    reason[ambiguous] = "more than one " + tname + " is named '" + t[ambiguous] + "'"
    ids = ids.where(~ambiguous)
    return pd.to_numeric(ids, errors="coerce").astype("Int64"), reason.notna(), reason


def _holds_names(s: pd.Series) -> bool:
    """True when a reference column mostly holds names rather than ids (a grid export's 'Organization')."""
    if pd.api.types.is_numeric_dtype(s):
        return False
    counts = _text(s).value_counts()  # rows per distinct text: the test below runs once per distinct value
    digits = counts.index.to_series().str.fullmatch(r"\d+").fillna(False).to_numpy(dtype=bool)
    return counts.sum() > 0 and float(counts[digits].sum() / counts.sum()) < 0.5


def _by_distinct(convert, s: pd.Series):
    """`convert` (Series -> values, bad mask, reasons or None) run on the distinct texts of `s`, spread to its rows.

    Grid exports write labels, yes/no, amounts and names as text in every row; converting each distinct text once
    keeps the cost with the number of distinct values. Typed columns (REST exports) and columns of mostly unique
    values are converted as they are."""
    if not isinstance(s.dtype, pd.StringDtype) or len(s) < 1000:
        return convert(s)
    codes, distinct = pd.factorize(s)
    if len(distinct) > len(s) // 2:
        return convert(s)
    val, bad, reason = convert(pd.Series(pd.array(distinct, dtype="string")))

    def spread(x: pd.Series) -> pd.Series:  # code -1 (a missing text) gives a missing value
        return pd.Series(x.array.take(codes, allow_fill=True), index=s.index)

    bad_rows = pd.Series(np.append(bad.to_numpy(dtype=bool), False)[codes], index=s.index)
    return spread(val), bad_rows, spread(reason) if isinstance(reason, pd.Series) else reason


def _type_frame(entity: str, df: pd.DataFrame, ctx: LoadContext,
                name: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Convert raw columns to typed ones. Returns frame, first bad column per row, its reason (NA when clean)."""
    out = {}
    bad_col = pd.Series(pd.NA, index=df.index, dtype="string")
    bad_reason = pd.Series(pd.NA, index=df.index, dtype="string")
    ent = ENTITIES.get(entity)
    # dates still written as text (grid exports) decide the file's day/month order; typed ones need none
    texts = [df[c] for c in df.columns if ents.field_kind(entity, c, ctx.kinds) == DATE
             and (pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object)]
    order = ctx.date_order
    if order is None and texts:
        order, decided = detect_date_order(pd.concat(texts).head(200_000))
        if not decided:
            ctx.problems.append(f"{name}: dates have no day above 12, so day/month order is ambiguous; read as "
                                f"MM/dd/yyyy. Set date_format in client.yaml if that is wrong.")
    date_shape = {"DMY": "dd/MM/yyyy", "MDY": "MM/dd/yyyy", "YMD": "yyyy-MM-dd"}[order or "MDY"]
    for c in df.columns:
        kind = ents.field_kind(entity, c, ctx.kinds)
        s = df[c]
        reason = None  # a Series for the reject list, or a suffix after the quoted value; built only for bad rows
        if kind == ID and ent is not None and c in ent.name_refs and _holds_names(s):
            val, bad, reason = _by_distinct(lambda u: _name_ref(entity, c, u, ctx), s)
        elif kind == ID:
            val, bad, reason = _by_distinct(_to_int, s)
        elif kind == INT:
            val, bad, reason = _by_distinct(lambda u: _to_int(u, "whole number"), s)
        elif kind == PICK:
            val, bad, reason = _by_distinct(lambda u: _picklist(entity, c, u, ctx), s)
        elif kind == NUM:
            val, bad, _ = _by_distinct(lambda u: (*_to_number(u), None), s)
            reason = " is not a number"
        elif kind == BOOL:
            val, bad, _ = _by_distinct(lambda u: (*_to_bool(u), None), s)
            reason = " is not yes/no"
        elif kind == DATE:
            val, bad, _ = _by_distinct(lambda u: (*_to_date(u, order or "MDY"), None), s)
            reason = f" is not a date ({date_shape})"
        else:
            # Text is kept as written (no trimming: only values we parse are cleaned); a JSON number in a text
            # field such as rmmDeviceID becomes "12345" so every shape gives the same table.
            val, bad = (s if str(s.dtype) == "string" else _as_string(s)), None
        out[c] = val
        if bad is not None and bad.any():
            first = bad & bad_col.isna()
            bad_col[first] = c
            bad_reason[first] = (reason if isinstance(reason, pd.Series) else _reasons(s, first, reason))[first]
    return pd.DataFrame(out, index=df.index, copy=False), bad_col, bad_reason  # the typed columns are new already


def _schema(entity: str, df: pd.DataFrame, tenant: dict | None = None):
    """The pandera schema a loaded table must satisfy: key present and not negative, dates in range.

    Key uniqueness is not repeated here: load_entity has already rejected duplicate keys, naming each row."""
    import pandera.pandas as pa_

    key = ENTITIES[entity].key
    cols = {}
    for c in df.columns:
        kind = ents.field_kind(entity, c, tenant)
        if c == key:
            # ids are never negative; 0 is real: Autotask gives the MSP's own organization id 0
            # (autotask.net/help/content/3_Features/3_CRM/Companies/_InternalAccount.htm)
            checks = [pa_.Check.ge(0)] if kind == ID else [pa_.Check.str_length(min_value=1)]
            cols[c] = pa_.Column(df[c].dtype, checks=checks, nullable=False)
        elif c in ENTITIES[entity].required and kind == ID:
            cols[c] = pa_.Column("Int64", nullable=False)
        elif kind == DATE:
            cols[c] = pa_.Column("datetime64[ms]", pa_.Check.ge(pd.Timestamp("1900-01-01")), nullable=True)
        elif kind in (ID, PICK, INT):
            cols[c] = pa_.Column("Int64", nullable=True)
        elif kind == BOOL:
            cols[c] = pa_.Column("boolean", nullable=True)
        elif kind == NUM:
            cols[c] = pa_.Column("Float64", nullable=True)
    return pa_.DataFrameSchema(cols, strict=False, coerce=False, name=entity)


def _validate(entity: str, df: pd.DataFrame, tenant: dict | None = None) -> pd.DataFrame:
    """Rows that fail the schema: index, column, value, reason."""
    import pandera.errors as pe

    try:
        _schema(entity, df, tenant).validate(df, lazy=True, inplace=True)  # coerce=False: nothing changes, so no copy
    except pe.SchemaErrors as err:
        fc = err.failure_cases
        fc = fc[fc["index"].notna()]
        return pd.DataFrame({"index": fc["index"].astype(int), "column": fc["column"].astype(str),
                             "value": fc["failure_case"].astype(str),
                             "reason": fc["column"].astype(str) + " fails " + fc["check"].astype(str)})
    return pd.DataFrame(columns=["index", "column", "value", "reason"])


def _drop_damaged(raw: pd.DataFrame, rows: np.ndarray, malformed: list[dict]):
    """Rows of a file with damaged bytes (a UTF-8 file with a few stray bytes, a UTF-16 file cut mid-character) that
    hold one, decoded as U+FFFD, become rejects naming the column."""
    hit = pd.Series(False, index=raw.index)
    first = pd.Series(pd.NA, index=raw.index, dtype="object")
    for c in raw.columns:
        s = raw[c]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            continue
        m = s.astype("string").str.contains("\ufffd", regex=False, na=False)
        first[m & ~hit] = c
        hit |= m
    if not hit.any():
        return raw, rows, malformed
    keep = ~hit.to_numpy(dtype=bool)
    for i in np.flatnonzero(~keep):
        c = first.iloc[i]
        malformed.append({"row": int(rows[i]), "column": str(c), "value": str(raw.iloc[i][c])[:80],
                          "reason": "holds bytes that cannot be decoded (shown as \ufffd); the rest of the file reads"})
    return raw[keep].reset_index(drop=True), rows[keep], malformed


def _cell_values(raw: pd.DataFrame, cols: pd.Series) -> list[str]:
    """The raw text of each (row, column) pair, for the reject list."""
    out = []
    for col in pd.unique(cols):
        idx = cols.index[cols == col]
        out.append(pd.Series(raw.loc[idx, col].astype("string").fillna("").str.slice(0, 80), index=idx))
    return pd.concat(out).reindex(cols.index).tolist() if out else []
