"""Autotask side: posted BillingItems of an export folder as billing lines with client and item names.

Client = ``Companies.companyName`` of ``BillingItems.companyID``. Item = the name of the service
(``serviceID`` -> ``Services.name``), service bundle (``serviceBundleID`` -> ``ServiceBundles.name``) or product
(``productID`` -> ``Products.name``) the item bills, else its ``description``. Amount = ``extendedPrice``, or
``quantity * rate`` (worked out exactly, as a Decimal) where the export has no extended price. Non-billable items
(``nonBillable``) never reach a customer invoice, so they are left out and counted (info ``non_billable_skipped``),
as are rows the loader could not read a finite number from (``unreadable_rows``). Each line keeps its ``source``
("BillingItems.csv row 7 (id 70006)") for the warnings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from readiness.reconcile.errors import ReconcileError, raise_cell_errors
from readiness.reconcile.money import amount_or_product

_NAME_SOURCES = [("serviceID", "Services"), ("serviceBundleID", "ServiceBundles"), ("productID", "Products")]
# A number cell the loader rejected for holding one of these is warned about and left out, as the comparison does
# with non-finite numbers it is given; any other rejected row stops the run.
_NON_FINITE = r"[+-]?(inf|infinity|nan)"


def load_autotask(folder: str | Path):
    """The export of `folder` through the shared loader; FileNotFoundError when the folder does not exist."""
    from readiness.loader import load_export

    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Autotask export folder not found: {folder}")
    return load_export(folder)


def autotask_billing_lines(export) -> tuple[pd.DataFrame, dict]:
    """(billing lines: client, item, quantity, unit_price, amount, date, source; info about what was read).

    `export` is a loaded Export or a plain ``{entity: DataFrame}`` dict with REST field names. Raises
    ReconcileError when BillingItems is missing, lacks a needed column, or had rows the loader rejected, except
    rows rejected for an inf or NaN number: those are listed in info["left_out"] (one message each) instead."""
    tables = export if isinstance(export, dict) else export.tables
    where = str(getattr(export, "path", None) or "export")
    left_out, skipped_rows = _raise_on_rejects(export)
    if "BillingItems" not in tables:
        problems = [p for p in getattr(export, "problems", []) if "BillingItems" in p]
        raise ReconcileError(f"{where}: no BillingItems file (BillingItems.csv or BillingItems.json) to reconcile"
                             + "".join(f"\n  {p}" for p in problems))
    items = tables["BillingItems"]
    missing = [c for c in ("companyID", "itemDate", "quantity") if c not in items]
    if "extendedPrice" not in items and "rate" not in items:
        missing.append("extendedPrice (or rate)")
    if missing:
        raise ReconcileError(f"BillingItems: missing column(s) {', '.join(missing)} (Autotask REST field names)")

    sources = _sources(items, export, skipped_rows)
    if "nonBillable" in items:
        billable = ~items["nonBillable"].fillna(False).astype(bool)
        items, sources = items[billable], sources[billable.to_numpy()]
    qty = _num(items, "quantity")
    rate = _num(items, "rate")
    # extendedPrice where given, else quantity x rate worked out exactly (Decimal); see readiness.reconcile.money.
    amount = pd.Series([amount_or_product(e, q, r) for e, q, r in zip(_num(items, "extendedPrice"), qty, rate)],
                       index=items.index, dtype=object)
    lines = pd.DataFrame({
        "client": _company_names(items, tables.get("Companies")),
        "item": _item_names(items, tables),
        "quantity": qty,
        "unit_price": rate,
        "amount": amount,
        "date": pd.to_datetime(items["itemDate"]).astype("datetime64[ms]"),
        "source": sources,
    }).reset_index(drop=True)
    empty = lines["quantity"].isna() | lines["amount"].isna()
    if empty.any():
        ids = items.loc[empty.to_numpy(), "id"].astype("string").tolist() if "id" in items else []
        raise ReconcileError("BillingItems: quantity or amount (extendedPrice / rate) is empty for item id(s) "
                             + ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else ""))
    info = {"folder": where, "billing_items": int(len(tables["BillingItems"])),
            "non_billable_skipped": int(len(tables["BillingItems"]) - len(items)),
            "unnamed_companies": int(lines["client"].str.startswith("Autotask company #").sum()),
            "unusable_items": len(left_out), "unreadable_rows": len(skipped_rows), "files": _files_read(export),
            "left_out": left_out}
    return lines, info


def _sources(items: pd.DataFrame, export, skipped_rows: list[int]) -> pd.Series:
    """Where each item was read: "BillingItems.csv row 7 (id 70006)".

    The loader keeps a file's rows in order and numbers them as its rejects do (CSV: the header is row 1; JSON and
    JSON Lines: the first record is row 1), so position gives the row once the rejected rows (`skipped_rows`; any
    other rejected row stopped the run) are stepped over. Items given without a file name only by id."""
    ledger = getattr(export, "ledger", None)
    files = ledger.loc[ledger["entity"] == "BillingItems", "file"] if ledger is not None and len(ledger) else []
    file = str(files.iloc[0]) if len(files) else "BillingItems"
    suffix = Path(file).suffix.lower()
    ids = items["id"].astype("string") if "id" in items else None
    if suffix in (".csv", ".json", ".jsonl"):
        first = 2 if suffix == ".csv" else 1
        numbers = np.arange(first, first + len(items) + len(skipped_rows))
        numbers = numbers[~np.isin(numbers, skipped_rows)][: len(items)]
        label = file + " row " + pd.Series(numbers, index=items.index).astype("string")
        return label if ids is None else label + (" (id " + ids + ")").fillna("")
    if ids is None:
        return file + " line " + pd.Series(range(1, len(items) + 1), index=items.index).astype("string")
    return (file + " id " + ids).fillna(file)


def _company_names(items: pd.DataFrame, companies: pd.DataFrame | None) -> pd.Series:
    """companyName per item; an id the export does not name stays visible as "Autotask company #<id>"."""
    ids = items["companyID"].astype("Int64")
    names = pd.Series(pd.NA, index=items.index, dtype="string")
    if companies is not None and {"id", "companyName"} <= set(companies.columns):
        ref = companies.drop_duplicates("id")
        lookup = pd.Series(ref["companyName"].astype("string").to_numpy(), index=ref["id"].astype("Int64").to_numpy())
        names = ids.map(lookup).astype("string")
    return names.fillna("Autotask company #" + ids.astype("string").fillna("?"))


def _item_names(items: pd.DataFrame, tables: dict) -> pd.Series:
    """First known of service, bundle, product name; else the item's own description."""
    name = pd.Series(pd.NA, index=items.index, dtype="string")
    for col, entity in _NAME_SOURCES:
        ref = tables.get(entity)
        if col not in items or ref is None or not {"id", "name"} <= set(ref.columns):
            continue
        ref = ref.drop_duplicates("id")
        lookup = pd.Series(ref["name"].astype("string").to_numpy(), index=ref["id"].astype("Int64").to_numpy())
        name = name.fillna(items[col].astype("Int64").map(lookup).astype("string"))
    description = items["description"].astype("string") if "description" in items else None
    if description is not None:
        name = name.fillna(description.where(description.str.strip() != "", pd.NA))
    return name.fillna("(no description)")


def _num(items: pd.DataFrame, col: str) -> pd.Series:
    if col not in items:
        return pd.Series(pd.NA, index=items.index, dtype="Float64")
    return pd.to_numeric(items[col], errors="coerce").astype("Float64")


def _raise_on_rejects(export) -> tuple[list[str], list[int]]:
    """A rejected BillingItems row would silently change the Autotask total: stop and name each one.

    Rows rejected only for an inf or NaN number are not a reason to stop: returns one message per such cell
    (file, row, column) and their row numbers."""
    rejects = getattr(export, "rejects", None)
    if rejects is None or rejects.empty:
        return [], []
    bad = rejects[rejects["entity"] == "BillingItems"]
    non_finite = bad["value"].astype("string").str.strip().str.fullmatch(_NON_FINITE, case=False, na=False)
    unusable, bad = bad[non_finite], bad[~non_finite]
    unusable = unusable[~unusable["row"].isin(bad["row"])]  # a row with another problem is reported as that
    left_out = (unusable["file"].astype(str) + " row " + unusable["row"].astype(str) + ", column "
                + unusable["column"].astype(str) + ": " + unusable["value"].astype(str).map(repr)
                + " is not a finite number").tolist()
    rows = pd.to_numeric(unusable["row"], errors="coerce").dropna().astype(int).unique().tolist()
    if bad.empty:
        return left_out, rows
    value = bad["value"].astype("string").fillna("").map(repr)
    reason = bad["reason"].astype(str)
    # The loader's reasons usually quote the value already; add it only where they do not.
    shown = [r if v in r else f"{v} {r}" for v, r in zip(value, reason)]
    msgs = (bad["file"].astype(str) + " row " + bad["row"].astype(str) + ", column " + bad["column"].astype(str)
            + ": " + pd.Series(shown, index=bad.index))
    # Listed in the loader's order: a fresh index keeps the row-order sort from reordering them.
    raise_cell_errors([msgs.reset_index(drop=True)])


def _files_read(export) -> list[dict]:
    """Ledger rows (file, rows read / loaded / rejected) of the entities the reconciliation uses."""
    ledger = getattr(export, "ledger", None)
    if ledger is None or ledger.empty:
        return []
    used = ["BillingItems", "Companies", "Services", "ServiceBundles", "Products"]
    rows = ledger[ledger["entity"].isin(used)]
    return [{k: (int(v) if k in ("read", "loaded", "rejected") else str(v)) for k, v in r.items()}
            for r in rows[["entity", "file", "read", "loaded", "rejected"]].to_dict("records")]
