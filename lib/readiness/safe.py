"""Output hygiene: nothing read from an export is trusted when it is written back out.

- CSV cells that a spreadsheet would run as a formula are neutralised.
- Output paths are kept inside the output folder.
- Client names become safe folder names.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_RE = "[" + re.escape("".join(_FORMULA_START)) + "]"  # the same characters, for a whole column
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: object) -> object:
    """Prefix a `'` to a text value a spreadsheet would treat as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with text cells that could run as spreadsheet formulas prefixed by `'` (vectorised per column).

    Only cells starting with a formula character are looked at twice; `df` itself is never modified, and is
    returned as it is when nothing needs changing."""
    out = df
    for i, col in enumerate(df.columns):
        s = df.iloc[:, i]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            continue
        text = s.astype("string")
        starts = text.str.match(_FORMULA_START_RE, na=False).to_numpy(dtype=bool)
        if not starts.any():
            continue
        numeric = text[starts].str.strip().str.fullmatch(_NUMBER.pattern, na=False).to_numpy(dtype=bool)
        risky = starts.copy()
        risky[starts] = ~numeric
        if risky.any():
            if out is df:
                out = df.copy(deep=False)
            out.isetitem(i, text.where(~risky, "'" + text))
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write `df` formula-safe as UTF-8 CSV without the index; returns the path.

    Large frames (a big MSP has hundreds of thousands of findings) go through pyarrow's CSV writer, which is
    about ten times faster than pandas'. Both read back identically (True/False for flags, empty cells for
    missing values); pyarrow quotes every text cell where pandas quotes only those that need it. Frames holding
    dates, fractions or mixed objects use pandas.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = csv_safe(df)
    if len(safe) >= 10_000 and _arrow_writable(safe):
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        flags = {c: safe[c].map({True: "True", False: "False"}).astype("string")
                 for c in safe.columns if pd.api.types.is_bool_dtype(safe[c])}
        table = pa.Table.from_pandas(safe.assign(**flags), preserve_index=False)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerow(safe.columns)  # pyarrow would quote every header
        with open(path, "ab") as fh:
            pa_csv.write_csv(table, fh, pa_csv.WriteOptions(quoting_style="needed", include_header=False))
    else:
        safe.to_csv(path, index=False)
    return path


def _arrow_writable(df: pd.DataFrame) -> bool:
    """Text, whole numbers and flags only: the column kinds both writers print the same way."""
    return all(pd.api.types.is_string_dtype(df[c]) or pd.api.types.is_integer_dtype(df[c])
               or pd.api.types.is_bool_dtype(df[c]) for c in df.columns) and len(set(df.columns)) == len(df.columns)


def replace_into(path: str | Path, write) -> Path:
    """Write via `write(tmp_path)` to a temporary file next to `path`, then rename it over `path`, so a reader
    never sees half a file; the temporary file never outlives a failure."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def slugify(name: str, default: str = "client") -> str:
    """A lowercase folder name from a client name: ASCII letters, digits and single hyphens only."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or default


def inside(base: str | Path, path: str | Path) -> Path:
    """Resolve `path` under `base`; raise ValueError if it would land outside `base`."""
    base_r = Path(base).resolve()
    target = (base_r / path).resolve()
    if target != base_r and base_r not in target.parents:
        raise ValueError(f"refusing to write outside the output folder: {path}")
    return target
