"""A capture sheet: a CSV the consultant fills in for what the API cannot export (workflow rules, notification
templates; entities.CAPTURED), with free-form headings."""

from __future__ import annotations

from readiness import entities as ents
from readiness.loader.readers.csvfile import read_csv
from readiness.loader.readers.registry import RawRead, Source


def detect(source: Source) -> bool:
    """The entity is one that is captured by hand, whatever the headers look like."""
    return source.entity in ents.CAPTURED


def read(source: Source) -> RawRead:
    return read_csv(source, "capture-sheet")
