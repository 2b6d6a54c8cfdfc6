"""`readiness audit` on an export with hostile names: findings.csv and contract_map.csv read back row for row,
with every formula neutralised and every text cell as the audit produced it."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from readiness.audit import CONTRACT_MAP_COLUMNS, FINDING_COLUMNS, run_audit

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85",
                 "\u2028", "\u2029")
SIGNED_NUMBER = re.compile(r"[+-]([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
AS_OF = "2025-06-30"


def write_rows(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([header, *rows])


def hostile_export(folder: Path) -> Path:
    """A small REST-CSV export whose contract and company names start formulas and hold line breaks."""
    folder.mkdir(parents=True)
    write_rows(folder / "Companies.csv", ["id", "companyName", "companyType", "isActive"],
               [[1, "=2+2\n@x", 1, "True"], [2, "\r=1+1", 1, "True"], [3, "Plain Ltd", 1, "True"]])
    contract = ["id", "companyID", "contractName", "contractType", "status", "startDate", "endDate", "setupFee"]
    write_rows(folder / "Contracts.csv", contract, [
        [200, 1, "\r=1+1", 7, 1, "2024-01-01T00:00:00Z", "2026-12-31T00:00:00Z", 0],
        [201, 2, "=2+2\n@x", 4, 1, "2024-01-01T00:00:00Z", "2026-12-31T00:00:00Z", 250],
        [202, 3, "Acme\r=3+3\u2028@SUM(A1)", 1, 1, "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z", 0],
        [203, 3, "-1+1", 7, 1, "2024-01-01T00:00:00Z", "2026-12-31T00:00:00Z", 0],
    ])
    write_rows(folder / "Services.csv", ["id", "name", "isActive", "unitPrice"],
               [[300, "+cmd|' /C calc'!A0", "True", 45]])
    write_rows(folder / "ContractServices.csv", ["id", "contractID", "serviceID", "unitPrice"], [[400, 200, 300, 45]])
    return folder


def expected_cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    value = str(value)
    if value.startswith(FORMULA_START) and not SIGNED_NUMBER.fullmatch(value.rstrip(" ")):
        return "'" + value
    return value


def check_file(path: Path, frame: pd.DataFrame, key: str) -> list[list[str]]:
    """Same rows as `frame`, every text cell as expected_cell, nothing that starts a formula."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(frame.columns)
    body = rows[1:]
    assert len(body) == len(frame), f"{path.name}: a value split a row"
    got = pd.DataFrame(body, columns=rows[0]).set_index(key, drop=False)
    frame = frame.assign(**{key: frame[key].map(expected_cell)}).set_index(key, drop=False)
    assert got.index.is_unique and set(got.index) == set(frame.index)
    for col in frame.columns:
        if not (pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object):
            continue
        want = frame[col].astype(object).map(expected_cell).reindex(got.index)
        assert got[col].tolist() == want.tolist(), f"{path.name} column {col}"
        risky = [c for c in got[col] if c.startswith(FORMULA_START) and not SIGNED_NUMBER.fullmatch(c.rstrip(" "))]
        assert not risky, f"{path.name} column {col}: {risky}"
    return body


def test_audit_outputs_neutralise_hostile_names_and_keep_every_row(tmp_path):
    export = hostile_export(tmp_path / "hostile")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "readiness.cli", "audit", str(export), "--out", str(out),
                          "--as-of", AS_OF, "--client", "Hostile"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    result = run_audit(export, as_of=AS_OF, client="Hostile")  # the frames the command wrote
    folder = out / "hostile"
    check_file(folder / "findings.csv", result.findings.reindex(columns=FINDING_COLUMNS), "finding_id")
    cmap = check_file(folder / "contract_map.csv", result.contract_map.reindex(columns=CONTRACT_MAP_COLUMNS),
                      "contract_id")
    names = {r[1] for r in cmap} | {r[3] for r in cmap}  # contract and company names
    assert {"'=2+2\n@x", "Acme\r=3+3\u2028@SUM(A1)", "'-1+1"} <= names
    assert names & {"'\r=1+1", "'=1+1"}  # the second if the loader ever strips a leading carriage return
    assert len(cmap) == 4
