"""Output hygiene: nothing read from an export is trusted when it is written back out.

- CSV cells that a spreadsheet would run as a formula are neutralised; a value with a line break is quoted.
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

# Every character str.splitlines() ends a line at. A reader that splits on one of them (a spreadsheet, a script
# reading line by line) would start a new row, or a new cell, with whatever follows it.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# What a spreadsheet runs as a formula (OWASP's CSV-injection list: = + - @ tab carriage return) and any other
# line break, for the reason above. "-" comes first so that the character class reads it literally; the class is
# written with the characters themselves so Python's re and pyarrow's RE2 (pandas' string columns) read it alike.
_FORMULA_START = ("-", "=", "+", "@", "\t", *_LINE_BREAKS)
_FORMULA_START_RE = "[" + "".join(_FORMULA_START) + "]"
# A signed number, possibly followed by spaces: "-12.5" and "+7" stay numbers. Only a value starting with a sign
# can be one here, so a leading tab or line break never passes as a number.
_SIGNED_NUMBER = r"[+-]([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|-"  # a lone "-" (no value) is no formula
# Python's csv writer quotes a value only for the delimiter, the quote character and the characters of its line
# terminator ("\n"); a value holding any other line break would be written bare and split its row.
_UNQUOTED_BREAKS_RE = "[" + _LINE_BREAKS.replace("\n", "") + "]"
ARROW_ROWS = 10_000  # write_csv hands frames of this many rows or more to pyarrow's writer


def neutralise(value: object) -> object:
    """Prefix a `'` to a text value a spreadsheet would treat as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) \
            and not re.fullmatch(_SIGNED_NUMBER, value.rstrip(" ")):
        return "'" + value
    return value


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s) or s.dtype == object or isinstance(s.dtype, pd.CategoricalDtype)


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with text cells that could run as spreadsheet formulas prefixed by `'` (vectorised per column).

    Only cells starting with a formula character are looked at twice; `df` itself is never modified, and is
    returned as it is when nothing needs changing."""
    out = df
    for i, col in enumerate(df.columns):
        s = df.iloc[:, i]
        if not _is_text(s):
            continue
        text = s.astype("string")
        starts = text.str.match(_FORMULA_START_RE, na=False).to_numpy(dtype=bool)
        if not starts.any():
            continue
        numeric = text[starts].str.rstrip(" ").str.fullmatch(_SIGNED_NUMBER, na=False).to_numpy(dtype=bool)
        risky = starts.copy()
        risky[starts] = ~numeric
        if risky.any():
            if out is df:
                out = df.copy(deep=False)
            out.isetitem(i, text.where(~risky, "'" + text))
    return out


def _header_has_unquoted_breaks(columns) -> bool:
    return any(re.search(_UNQUOTED_BREAKS_RE, str(c)) for c in columns)


def _has_unquoted_breaks(df: pd.DataFrame) -> bool:
    """Whether a header or text cell holds a line break that Python's csv writer would leave unquoted."""
    return _header_has_unquoted_breaks(df.columns) or any(
        _is_text(df.iloc[:, i])
        and df.iloc[:, i].astype("string").str.contains(_UNQUOTED_BREAKS_RE, regex=True, na=False).any()
        for i in range(df.shape[1]))


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write `df` formula-safe as UTF-8 CSV without the index; returns the path.

    Large frames (a big MSP has hundreds of thousands of findings) go through pyarrow's CSV writer, which is
    about ten times faster than pandas'. Both read back identically (True/False for flags, empty cells for
    missing values); pyarrow quotes every text cell where pandas quotes only those that need it, and every text
    cell of a frame holding a line break other than "\n". Frames holding dates, fractions or mixed objects use
    pandas. No row is ever split by a value: every value with a line break in it is quoted.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = csv_safe(df)
    if len(safe) >= ARROW_ROWS and _arrow_writable(safe):
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        flags = {c: safe[c].map({True: "True", False: "False"}).astype("string")
                 for c in safe.columns if pd.api.types.is_bool_dtype(safe[c])}
        table = pa.Table.from_pandas(safe.assign(**flags), preserve_index=False)
        header_quoting = csv.QUOTE_ALL if _header_has_unquoted_breaks(safe.columns) else csv.QUOTE_MINIMAL
        with open(path, "w", encoding="utf-8", newline="") as fh:  # pyarrow would quote every header
            csv.writer(fh, lineterminator="\n", quoting=header_quoting).writerow(safe.columns)
        with open(path, "ab") as fh:  # "needed" quotes every text cell, so a line break inside one is quoted too
            pa_csv.write_csv(table, fh, pa_csv.WriteOptions(quoting_style="needed", include_header=False))
    else:
        # A line break other than "\n" inside a value must be quoted, which Python's csv writer does only when
        # asked to quote every text cell; such frames are rare, so the others keep their minimal quoting.
        quoting = csv.QUOTE_NONNUMERIC if _has_unquoted_breaks(safe) else csv.QUOTE_MINIMAL
        safe.to_csv(path, index=False, quoting=quoting)
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
