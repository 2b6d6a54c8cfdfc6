"""The reader registry: each file shape has a reader, registered under the shape's name with the file suffixes it
reads and a test that tells whether a file is of that shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from readiness.loader.model import FileFormat
from readiness.textfiles import FileProblem

DEFAULT_SUFFIX = ".csv"  # a file of any other suffix is read as CSV, as load_entity always has


@dataclass
class Source:
    """One file to read as one entity, and what the read may use."""

    path: Path
    entity: str
    lean: dict | None = None  # {history table: columns the audit reads} (headers._audited); None: every column
    history: bool = True  # record-history dates still decide the default as-of, so lean reads them
    tenant: dict | None = None  # (entity, field) -> kind from the tenant's fields/<Entity>.json
    memo: dict = field(default_factory=dict)  # what a detect worked out (a CSV's header), so the read need not redo it

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()


@dataclass
class RawRead:
    """What a reader gives: the raw frame, the row number of each of its rows, the records that could not be read
    ({row, value, reason, column?}), how the file was read, and problems worth saying (for Export.problems)."""

    frame: pd.DataFrame
    rows: np.ndarray
    malformed: list[dict]
    fmt: FileFormat
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reader:
    shape: str
    detect: Callable[[Source], bool]
    read: Callable[[Source], RawRead]
    suffixes: tuple[str, ...]


READERS: dict[str, Reader] = {}  # shape -> reader, in registration order, which is the order detection tries them


def register_reader(shape: str, detect: Callable[[Source], bool], read: Callable[[Source], RawRead],
                    suffixes: tuple[str, ...]) -> None:
    """Read files ending in one of `suffixes` for which `detect(source)` is true with `read(source)`.

    Readers of a suffix are tried in the order registered, so the most particular goes first."""
    READERS[shape] = Reader(shape, detect, read, tuple(s.lower() for s in suffixes))


def suffixes() -> tuple[str, ...]:
    """Every suffix some reader reads, in registration order: when an entity has several files, the first wins."""
    return tuple(dict.fromkeys(s for r in READERS.values() for s in r.suffixes))


def reader_for(source: Source) -> Reader:
    """The first registered reader of the file's suffix (or of CSV) whose detect accepts it."""
    claiming = [r for r in READERS.values() if source.suffix in r.suffixes]
    if not claiming:
        claiming = [r for r in READERS.values() if DEFAULT_SUFFIX in r.suffixes]
    for reader in claiming:
        if reader.detect(source):
            return reader
    raise FileProblem(f"{source.path.name}: not a shape any reader knows ({', '.join(r.shape for r in claiming)})")


def read(source: Source) -> RawRead:
    """Read `source` with the reader of its shape."""
    return reader_for(source).read(source)
