"""Output hygiene: formula neutralisation, slugs, paths kept inside the output folder."""

from __future__ import annotations

import pandas as pd
import pytest

from readiness.safe import csv_safe, inside, neutralise, slugify, write_csv


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
