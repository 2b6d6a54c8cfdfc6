"""CSV exported from an Autotask grid: display labels and tenant terms as headers, picklist labels, names where
the API has ids, the exporting user's date format, money with symbols."""

from __future__ import annotations

from readiness.entities import ENTITIES
from readiness.loader.readers.csvfile import read_csv
from readiness.loader.readers.registry import RawRead, Source

GRID_EXPORT_LIMIT = 5000  # Autotask's grids export at most this many rows (Autotask help, Search and manage contracts)


def detect(source: Source) -> bool:
    """Any CSV the more particular shapes did not claim."""
    return True


def _names_as_text(entity: str, name: str) -> bool:
    ent = ENTITIES.get(entity)
    return ent is not None and name in ent.name_refs  # a grid's "Organization" holds names, and "1e5" is no number


def read(source: Source) -> RawRead:
    raw = read_csv(source, "grid-csv", _names_as_text)
    if len(raw.frame) + len(raw.malformed) == GRID_EXPORT_LIMIT:
        name = source.path.name
        raw.problems.append(f"{name}: exactly {GRID_EXPORT_LIMIT:,} rows, so this list may be cut at Autotask's "
                            f"{GRID_EXPORT_LIMIT:,}-row grid export limit; pull it through the API "
                            "(readiness pull) to be sure every record is here")
    return raw
