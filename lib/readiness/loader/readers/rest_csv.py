"""CSV with REST field names (companyID, contractType, udf:...): what `readiness pull` and the API tooling write."""

from __future__ import annotations

import re

from readiness.loader.readers.csvfile import csv_head, read_csv
from readiness.loader.readers.registry import RawRead, Source


def detect(source: Source) -> bool:
    """Every header is a REST field name."""
    header = csv_head(source).header
    return sum(bool(re.fullmatch(r"[a-z][A-Za-z0-9]*|udf:.*", h.strip())) for h in header) == len(header)


def read(source: Source) -> RawRead:
    return read_csv(source, "rest-csv")
