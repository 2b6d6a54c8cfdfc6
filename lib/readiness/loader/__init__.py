"""Load one Autotask export folder into typed tables plus a load ledger.

Every shape DESIGN names is read: REST JSON (single response, list of pages, bare list, JSON Lines), CSV with REST
field names, and CSV exported from Autotask's grids (display labels, tenant terms, picklist labels, the exporting
user's date format, money with symbols, UTF-8 with or without BOM, Windows-1252).

Nothing read is lost: every row is either loaded or rejected with a reason naming file, row and column, so
``read == loaded + rejected`` for every entity. Row numbers count like a spreadsheet: in a CSV the header is
row 1 and the first record row 2; in JSON, JSON Lines included, the first record is row 1. A bad file never stops
the others.

Modules: model (Export, FileFormat, LoadContext, ledger and reject columns), readers (one reader per file shape,
registered by shape name), headers (column headers to field names), values (numbers, money, dates, yes/no, ids),
picklists (labels and codes), typed (a raw frame to typed columns, with rejects), load (load_entity, load_export).
"""

from __future__ import annotations

import sys
import types

from readiness.loader import readers
from readiness.loader.load import load_entity, load_export
from readiness.loader.model import (LEDGER_COLUMNS, REJECT_COLUMNS, Export, FileFormat, LoadContext, export_date,
                                    ledger_summary)
from readiness.loader.picklists import _picklist  # noqa: F401 - private helpers tests call as loader._name
from readiness.loader.readers.csvfile import CSV_BLOCK_BYTES
from readiness.loader.readers.grid_csv import GRID_EXPORT_LIMIT
from readiness.loader.typed import _by_distinct, _drop_damaged  # noqa: F401
from readiness.loader.values import INT64_MAX, _to_bool, _to_int, _to_number, detect_date_order  # noqa: F401

SUFFIXES = readers.suffixes()  # (".json", ".jsonl", ".csv"): the files an export folder is read from
_Ctx = LoadContext  # its name when the loader was one module

__all__ = ["CSV_BLOCK_BYTES", "Export", "FileFormat", "GRID_EXPORT_LIMIT", "INT64_MAX", "LEDGER_COLUMNS",
           "LoadContext", "REJECT_COLUMNS", "SUFFIXES", "detect_date_order", "export_date", "ledger_summary",
           "load_entity", "load_export", "readers"]

_UNSET = object()


class _Package(types.ModuleType):
    """Setting a name here also sets it in the submodules that hold the same object, where the code reads it: the
    loader was one module, and callers set its names (monkeypatch.setattr(loader, "CSV_BLOCK_BYTES", 256))."""

    def __setattr__(self, name: str, value) -> None:
        old = self.__dict__.get(name, _UNSET)
        if old is not _UNSET and not isinstance(old, types.ModuleType):
            prefix = self.__name__ + "."
            for key, module in list(sys.modules.items()):
                if key.startswith(prefix) and module is not None and module.__dict__.get(name, _UNSET) is old:
                    setattr(module, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
