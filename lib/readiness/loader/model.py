"""What loading produces and carries: the Export, how a file was read (FileFormat), the load context, and the
columns of the ledger and the reject list."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from readiness import entities as ents
from readiness import textfiles

LEDGER_COLUMNS = ["entity", "file", "read", "loaded", "rejected", "read_as"]
REJECT_COLUMNS = ["entity", "file", "row", "column", "value", "reason"]


@dataclass
class Export:
    """One client's export: typed tables keyed by REST entity name, with what was read and rejected."""

    path: Path | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    client: dict = field(default_factory=dict)
    ledger: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LEDGER_COLUMNS))
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    problems: list[str] = field(default_factory=list)
    picklists: dict = field(default_factory=dict)  # (entity, field) -> {code: label} from fields/*.json and labels seen
    timings: dict = field(default_factory=dict)  # stage -> seconds spent loading (read, type, validate)
    notes: list[str] = field(default_factory=list)  # how files were read where it is worth saying (encoding, delimiter)

    def has(self, entity: str) -> bool:
        """True when the entity's file was present and readable (it may hold zero rows)."""
        return entity in self.tables

    def table(self, entity: str) -> pd.DataFrame:
        """The entity's table, or an empty frame when it was not exported."""
        return self.tables.get(entity, pd.DataFrame())

    def labels(self, entity: str, fld: str) -> dict[int, str]:
        """Code -> label map for a picklist: built-in defaults overridden by the tenant's own labels."""
        return {**ents.picklist_labels(entity, fld), **self.picklists.get((entity, fld), {})}

    def label(self, entity: str, fld: str, code) -> str:
        """Picklist label for `code`, falling back to the code itself."""
        try:
            return self.labels(entity, fld).get(int(code), str(code))
        except (TypeError, ValueError):
            return str(code)

    def newest_date(self) -> pd.Timestamp | None:
        """The default as-of: client.yaml `export_date`, else the newest date on which something happened.

        Only record-history columns count (created, modified, worked, sent, posted, completed, triggered ...):
        end, due and expiry dates look forward and would move "today" into the future.
        """
        fixed = export_date(self.client)
        if fixed is not None:
            return fixed
        newest = None
        for df in self.tables.values():
            for col in df.columns:
                if not (_HISTORY_DATE.search(col) and pd.api.types.is_datetime64_any_dtype(df[col])):
                    continue
                top = df[col][df[col].dt.year < 9000].max()
                if pd.notna(top) and (newest is None or top > newest):
                    newest = top
        return None if newest is None else pd.Timestamp(newest).normalize()


def export_date(client: dict) -> pd.Timestamp | None:
    """client.yaml's `export_date` as a day, or None when it is missing or not a date."""
    if not client.get("export_date"):
        return None
    stamp = pd.to_datetime(str(client["export_date"]), errors="coerce")
    return None if pd.isna(stamp) else pd.Timestamp(stamp).normalize()


_HISTORY_DATE = re.compile(r"(?i)(create|modif|activity|worked|sent|posted|itemdate|completed|resolveddatetime|"
                           r"invoicedate|triggered|purchased|approve|^last)")


def ledger_summary(export) -> dict[str, dict[str, int]]:
    """{"<Entity>": {"read", "loaded", "rejected"}} as summary.json carries it under `load` ({} without a ledger)."""
    ledger = getattr(export, "ledger", None)
    if ledger is None or ledger.empty:
        return {}
    nums = ledger[["read", "loaded", "rejected"]].apply(pd.to_numeric, errors="coerce").fillna(0)
    per = nums.groupby(ledger["entity"].astype(str)).sum()
    return {e: {k: int(v) for k, v in row.items()} for e, row in per.iterrows()}


@dataclass
class FileFormat:
    """How one file was read: its shape (rest-json, json-lines, rest-csv, grid-csv, capture-sheet), encoding and
    delimiter."""

    shape: str
    encoding: str
    delimiter: str = ""

    def describe(self) -> str:
        """"grid CSV, Windows-1252, semicolon-separated" (the default UTF-8 and comma go unsaid)."""
        parts = [{"rest-json": "REST JSON", "json-lines": "JSON Lines", "rest-csv": "CSV with REST field names",
                  "grid-csv": "grid CSV", "capture-sheet": "capture sheet"}.get(self.shape, self.shape)]
        if self.encoding not in ("utf-8", "utf-8-sig"):
            parts.append(textfiles.ENCODING_NAMES.get(self.encoding, self.encoding))
        if self.delimiter and self.delimiter != ",":
            parts.append(textfiles.DELIMITERS[self.delimiter] + "-separated")
        return ", ".join(parts)


@dataclass
class LoadContext:
    """What loading one folder carries from file to file: the day/month order, picklist labels, names for grid
    references, problems, notes and timings."""

    date_order: str | None
    picklists: dict
    problems: list[str]
    names: dict  # entity -> {folded name: id or -1 when ambiguous}
    timings: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)  # (entity, field) -> kind from the tenant's fields/<Entity>.json
    notes: list = field(default_factory=list)  # how files were read, where that is worth saying
    history: bool = True  # False once client.yaml fixes the as-of: record-history dates then decide nothing

    def clock(self, stage: str, since: float) -> float:
        """Add the seconds since `since` to `stage`; returns now."""
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - since
        return now
