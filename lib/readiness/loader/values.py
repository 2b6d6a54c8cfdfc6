"""Reading values from text or typed columns: whole numbers and ids, numbers and money, yes/no, dates in either
day/month order. Each parser returns the values and a mask of the rows whose value it could not read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_TRUE = {"true", "yes", "y", "1", "t", "active", "1.0"}
_FALSE = {"false", "no", "n", "0", "f", "inactive", "0.0"}


def _as_string(s: pd.Series) -> pd.Series:
    """Any column as pandas text, integral floats without their '.0'."""
    v = s.dropna() if pd.api.types.is_float_dtype(s) else None
    if v is not None and (np.isfinite(v) & (v.abs() < 2**53) & (v == v.round())).all():
        s = s.astype("Int64")
    return s.astype("string")


def _text(s: pd.Series) -> pd.Series:
    out = _as_string(s).str.strip()  # JSON numbers with gaps arrive as floats: 622850.0 is the id 622850
    return out.mask(out == "")


INT64_MAX = 2**63 - 1  # Autotask ids are 64-bit (long) in its REST model


def _to_int(s: pd.Series, noun: str = "whole-number id") -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """Whole numbers (ids, counts) from any column: values, bad mask, reasons for the bad rows (None when none).

    Digits are read exactly; a value outside 64 bits is named as such rather than wrapped or rounded."""
    none = pd.Series(False, index=s.index)
    if pd.api.types.is_bool_dtype(s):  # a JSON true/false where a number belongs
        bad = s.notna()
        return pd.Series(pd.NA, index=s.index, dtype="Int64"), bad, _reasons(s, bad, f" is not a {noun}")
    if pd.api.types.is_integer_dtype(s):
        if s.dtype.kind == "u" or str(s.dtype) == "UInt64":  # uint64: values beyond int64 arrived from JSON
            big = (s > INT64_MAX).fillna(False)
            if big.any():
                return (s.where(~big).astype("Int64"), big,
                        _reasons(s, big, " is outside the range of an Autotask id (64-bit)"))
        return s.astype("Int64"), none, None
    t = _text(s)
    c = t.str.replace(",", "", regex=False).str.replace(r"^\+", "", regex=True)
    digits = c.str.fullmatch(r"-?\d+").fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    big = np.zeros(len(s), dtype=bool)
    if digits.any():
        d = c[digits]
        long = (d.str.lstrip("-").str.len() >= 19).to_numpy(dtype=bool)
        if long.any():  # only these few need Python's exact integers to tell whether they fit
            fits = np.array([-INT64_MAX - 1 <= int(v) <= INT64_MAX for v in d[long]], dtype=bool)
            where = np.flatnonzero(digits)[long]
            big[where[~fits]] = True
        ok = digits & ~big
        out[ok] = c[ok].astype("Int64")
    rest = t.notna().to_numpy(dtype=bool) & ~digits
    if rest.any():  # "1.0", "1e3": whole numbers written as decimals, exact below 2**53
        num = pd.to_numeric(c[rest], errors="coerce")
        whole = num.notna() & np.isfinite(num.fillna(0)) & (num == np.floor(num.fillna(0))) & (num.abs() < 2**53)
        out[num.index[whole]] = num[whole].astype("int64")
    bad = t.notna() & out.isna()
    if not bad.any():
        return out, none, None
    big_s = pd.Series(big, index=s.index)
    reason = _reasons(t, bad & ~big_s, f" is not a {noun}")
    reason[big_s] = _reasons(t, big_s, " is outside the range of an Autotask id (64-bit)")[big_s]
    return out, bad, reason


def _reasons(values: pd.Series, bad: pd.Series, suffix: str) -> pd.Series:
    """"'<value>'<suffix>" for the rows in `bad`, NA elsewhere (built only for the bad rows)."""
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    if bad.any():
        out[bad] = "'" + _text(values[bad]).astype(str) + "'" + suffix
    return out


def _to_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        out = s.astype("Float64")
        bad = out.notna() & ~np.isfinite(out.fillna(0))
        return out.where(~bad), bad
    t = _text(s)
    sci = t.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+", na=False)  # 1.5e3: read as written, not as 1.53
    c = t.str.replace(r"[^\d,.\-()]", "", regex=True)
    neg = c.str.startswith("(", na=False) & c.str.endswith(")", na=False) | c.str.startswith("-", na=False)
    c = c.str.replace(r"[()\-]", "", regex=True)
    # "1.250,50" writes the decimal with a comma; "1,250.50" and "1,250" use it for thousands.
    comma_decimal = c.str.contains(r",\d{1,2}$", na=False) & ~c.str.contains(r"\.\d*$", na=False)
    c = c.where(~comma_decimal, c.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    c = c.where(comma_decimal, c.str.replace(",", "", regex=False))
    num = pd.to_numeric(c.mask(c == ""), errors="coerce")
    num = num.where(~neg.fillna(False), -num)
    if sci.any():
        num[sci] = pd.to_numeric(t[sci], errors="coerce")
    bad = t.notna() & (num.isna() | ~np.isfinite(num.fillna(0)))
    return num.astype("Float64").where(~bad), bad


def _to_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean"), pd.Series(False, index=s.index)
    t = _text(s).str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[t.isin(_TRUE).fillna(False)] = True
    out[t.isin(_FALSE).fillna(False)] = False
    bad = t.notna() & out.isna()
    return out, bad


# d/m/y, m/d/y or y/m/d with an optional time ("13/02/2024 09:30 PM"): parts p0-p2, then hour, minute, second, am/pm
_SLASH = (r"^\s*(?P<p0>\d{1,4})[/.\-](?P<p1>\d{1,2})[/.\-](?P<p2>\d{2,4})(?:[ T]+(?P<p3>\d{1,2}):(?P<p4>\d{2})"
          r"(?::(?P<p5>\d{2}))?(?:\.\d+)?\s*(?P<p6>[AaPp][Mm])?)?\s*$")


def _slash_match(t: pd.Series):
    """_SLASH matched against each value of `t` by Arrow's regex engine (C++, not a Python call per value):
    a struct of parts p0-p6 per value, null where the value is not slash-written."""
    return pc.extract_regex(pa.array(t.astype("string").array, type=pa.string()), _SLASH)


def _slash_parts(t: pd.Series) -> pd.DataFrame:
    """The parts of each slash-written date in `t` as text columns 0-6 (NA where absent or not a date)."""
    parts = _slash_match(t)
    cols = {i: pd.Series(pd.array(pc.struct_field(parts, f"p{i}"), dtype="string"), index=t.index) for i in range(7)}
    frame = pd.DataFrame(cols)
    return frame.mask(frame.eq(""))


def detect_date_order(values: pd.Series) -> tuple[str, bool]:
    """Day/month order of `values` ("DMY", "MDY" or "YMD") and whether it was decided by an unambiguous value.

    A first part above 12 (13/01/2022) means day first; a second part above 12 (01/13/2022) means month first.
    Without such a value the order is ambiguous and month first (Autotask's US default) is assumed.
    """
    t = _text(values).dropna()
    if t.empty:
        return "MDY", False
    parts = _slash_parts(t).dropna(subset=[0, 1, 2])
    if parts.empty:
        return "YMD", True
    a, b = parts[0].astype(int), parts[1].astype(int)
    if (parts[0].str.len() == 4).all():
        return "YMD", True
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first and not month_first:
        return "DMY", True
    if month_first and not day_first:
        return "MDY", True
    return "MDY", False


def _slash_dates(t: pd.Series, order: str) -> np.ndarray:
    """Slash-written dates (see _SLASH) read in day/month `order` as datetime64[ms]; NaT where not a real date.

    The parts come from _slash_match and the dates are assembled with numpy date arithmetic, so no value goes
    through Python one at a time."""
    parts = _slash_match(t)
    matched = ~np.asarray(pc.is_null(parts).to_numpy(zero_copy_only=False), dtype=bool)

    def text(i: int):
        return pc.fill_null(pc.struct_field(parts, f"p{i}"), "")

    def number(i: int) -> np.ndarray:  # absent parts (no time, no seconds) are 0
        txt = text(i)
        return np.asarray(pc.fill_null(pc.cast(pc.if_else(pc.equal(txt, ""), "0", txt), pa.int64()), 0)
                          .to_numpy(zero_copy_only=False), dtype=np.int64)

    def width(i: int) -> np.ndarray:
        return np.asarray(pc.utf8_length(text(i)).to_numpy(zero_copy_only=False), dtype=np.int64)

    pos = {"DMY": (2, 1, 0), "YMD": (0, 1, 2), "MDY": (2, 0, 1)}[order]  # where year, month and day stand
    year, month, day = (number(i) for i in pos)
    y_width, m_width, d_width = (width(i) for i in pos)
    year = np.where(y_width == 2, year + 2000, year)
    hour, minute, second = number(3), number(4), number(5)
    ampm = np.asarray(pc.utf8_lower(text(6)).to_numpy(zero_copy_only=False), dtype=object)
    hour = np.where((ampm == "pm") & (hour < 12), hour + 12, hour)  # no am/pm means a 24-hour clock
    hour = np.where((ampm == "am") & (hour == 12), 0, hour)
    # a real calendar day and clock time only: 31/02 and 24:00 are not dates (nothing rolls over)
    real = (matched & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (hour <= 23) & (minute <= 59)
            & (second <= 59) & (d_width <= 2) & (m_width <= 2) & np.isin(y_width, (2, 4)))
    months = np.where(real, (year - 1970) * 12 + month - 1, 0).astype("timedelta64[M]")
    first = np.datetime64("1970-01", "M") + months
    dates = first.astype("datetime64[D]") + np.where(real, day - 1, 0).astype("timedelta64[D]")
    real &= dates.astype("datetime64[M]") == first  # day 31 of a 30-day month lands in the next month
    stamps = (dates.astype("datetime64[ms]") + (hour * 3_600_000 + minute * 60_000 + second * 1000)
              .astype("timedelta64[ms]"))
    return np.where(real, stamps, np.datetime64("NaT", "ms"))


def _to_date(s: pd.Series, order: str) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s.dt.tz_convert(None) if getattr(s.dt, "tz", None) is not None else s
        return out.astype("datetime64[ms]"), pd.Series(False, index=s.index)
    if not (pd.api.types.is_string_dtype(s) or s.dtype == object):  # date32 from pyarrow and the like
        out = pd.to_datetime(s, errors="coerce")
        return out.astype("datetime64[ms]"), pd.Series(False, index=s.index)
    return _text_dates(s, order)


def _text_dates(s: pd.Series, order: str) -> tuple[pd.Series, pd.Series]:
    """Dates written as text (ISO, or slashes in day/month `order`) as datetime64[ms], and where a written value
    is not a date."""
    t = _text(s)
    read = np.full(len(t), np.datetime64("NaT"), dtype="datetime64[ms]")
    iso = t.str.match(r"^\d{4}-\d{2}-\d{2}", na=False).to_numpy(dtype=bool)
    if iso.any():
        parsed = pd.to_datetime(t[iso], format="ISO8601", errors="coerce", utc=True)
        read[iso] = parsed.dt.tz_convert(None).astype("datetime64[ms]").to_numpy()
        clock = iso & np.isnat(read)  # yyyy-MM-dd with a 12-hour clock ("2025-03-14 02:41 PM"), as grids write it
        if clock.any():
            read[clock] = _slash_dates(t[clock], "YMD")
    written = t.notna().to_numpy(dtype=bool)
    if (written & ~iso).any():
        read[written & ~iso] = _slash_dates(t[written & ~iso], order)
    return pd.Series(read, index=s.index), pd.Series(written & np.isnat(read), index=s.index)
