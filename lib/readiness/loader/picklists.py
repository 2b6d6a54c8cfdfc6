"""Picklist labels: the tenant's own from fields/<Entity>.json, the declared defaults (readiness.entities), and
labels a grid export writes in place of codes, turned into codes (a tenant's unknown label gets a code of its own)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from readiness import entities as ents
from readiness import textfiles
from readiness.entities import TEXT, fold, fold_series
from readiness.loader.model import LoadContext
from readiness.loader.values import _reasons, _text
from readiness.textfiles import FileProblem


def _read_field_info(folder: Path, problems: list[str]) -> tuple[dict, dict]:
    """The tenant's own schema from fields/<Entity>.json (Autotask's entityInformation/fields responses):
    picklist labels {(entity, field): {code: label}} and field kinds {(entity, field): kind}."""
    labels: dict = {}
    kinds: dict = {}
    fields_dir = folder / "fields"
    if not fields_dir.is_dir():
        return labels, kinds
    for path in sorted(fields_dir.glob("*.json")):
        entity = path.stem.split("_")[0]
        try:
            data = textfiles.load_json(path)
            for f in data.get("fields", []):
                kind = ents.tenant_kind(f)
                if kind is not None and f.get("name"):
                    kinds[(entity, str(f["name"]))] = kind
                if f.get("isPickList") and f.get("picklistValues") and kind != TEXT:
                    labels[(entity, f["name"])] = {int(v["value"]): str(v["label"]) for v in f["picklistValues"]
                                                   if re.fullmatch(r"-?\d{1,9}", str(v.get("value", "")))}
        except (FileProblem, AttributeError, TypeError, KeyError, ValueError) as exc:
            problems.append(f"fields/{path.name}: not an entityInformation/fields response ({exc}); ignored")
    return labels, kinds

def _picklist(entity: str, fld: str, s: pd.Series, ctx: LoadContext) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Codes for a picklist column given codes or labels; returns codes, bad mask, reason text."""
    if pd.api.types.is_integer_dtype(s) and s.dtype.kind != "u":  # REST exports hold codes: nothing to look up
        return s.astype("Int64"), pd.Series(False, index=s.index), None
    if pd.api.types.is_bool_dtype(s):  # a flag Autotask's model keeps as a 0/1 code (BillingItems.nonBillable)
        return s.astype("Int64"), pd.Series(False, index=s.index), None
    t = _text(s)
    num = pd.to_numeric(t, errors="coerce")
    numeric = num.notna() & np.isfinite(num.fillna(0))
    is_code = numeric & (num == np.floor(num.fillna(0))) & (num.abs() < 2**31)  # picklist codes are 32-bit
    codes = num.where(is_code).astype("Float64").astype("Int64")
    labels = t.where(t.notna() & ~numeric)
    reason = pd.Series(pd.NA, index=s.index, dtype="string")
    odd = numeric & ~is_code  # 2.5 or 1e20 is neither a code nor a label
    if odd.any():
        reason[odd] = _reasons(t, odd, f" is not a {fld} code (a whole number)")[odd]
    if labels.notna().any():
        known = {**ents.picklist_labels(entity, fld), **ctx.picklists.get((entity, fld), {})}
        lookup = {fold(v): k for k, v in known.items()}
        lookup.update(ents.LABEL_ALIASES.get((entity, fld), {}))
        folded = fold_series(labels.dropna())
        mapped = folded.map(lookup)
        unknown = folded[mapped.isna()]
        if len(unknown):
            if (entity, fld) in ents.CLOSED_PICKLISTS:
                bad_idx = unknown.index
                reason[bad_idx] = "unknown " + fld + " '" + labels[bad_idx].astype(str) + "'"
            else:  # a tenant's own value: give it a stable code of its own and remember its label
                new_labels = sorted(set(labels[unknown.index]))
                base = -1000 - len(ctx.picklists.get((entity, fld), {}))
                assign = {fold(lbl): base - i for i, lbl in enumerate(new_labels)}
                ctx.picklists.setdefault((entity, fld), {}).update({base - i: lbl for i, lbl in enumerate(new_labels)})
                mapped = mapped.fillna(folded.map(assign))
        codes = codes.combine_first(pd.to_numeric(mapped, errors="coerce").astype("Int64")).reindex(s.index)
    bad = reason.notna()
    return codes, bad, reason
