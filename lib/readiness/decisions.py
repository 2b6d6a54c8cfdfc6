"""Contract decision log: what the consultant and the MSP agreed for each contract.

One CSV per client, OUT_DIR/<client-slug>/decisions.csv, with columns
contract_id, contract_name, decision, rebuild_as, note, decided_at.
The file is a log: every saved decision is appended, and the newest row per contract is the agreed one
(so a changed mind is visible in the file, while readers get one current decision per contract).
`decision` is one of DECISIONS' keys; `rebuild_as` is only set for "rebuild".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from readiness.safe import inside, replace_into, slugify, write_csv

FILE_NAME = "decisions.csv"
COLUMNS = ["contract_id", "contract_name", "decision", "rebuild_as", "note", "decided_at"]
DECISIONS = {
    "keep": "Keep as proposed",
    "rebuild": "Rebuild as …",
    "retire": "Retire",
}


def empty_decisions() -> pd.DataFrame:
    """A decision log with the log's columns and dtypes and no rows."""
    return pd.DataFrame({
        "contract_id": pd.Series(dtype="Int64"),
        **{c: pd.Series(dtype="string") for c in ("contract_name", "decision", "rebuild_as", "note")},
        "decided_at": pd.Series(dtype="datetime64[s]"),
    })


def decisions_path(out_dir, client: str | None = None) -> Path:
    """Where a client's decision log lives.

    `out_dir` is either the client's output folder (client=None) or the output root, with `client` a client
    name or slug whose folder (slugified) is used. The result is checked to stay inside `out_dir`.
    """
    out_dir = Path(out_dir)
    rel = Path(slugify(client)) / FILE_NAME if client else Path(FILE_NAME)
    return inside(out_dir, rel)


def _locate(path, client: str | None) -> Path:
    """The decisions.csv to read for load_decisions' arguments."""
    path = Path(path)
    if client:
        return decisions_path(path, client)
    if path.suffix.lower() == ".csv":
        return path
    return path / FILE_NAME


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """The log's dtypes: contract_id Int64, decided_at datetime (seconds), the rest text."""
    out = df.reindex(columns=COLUMNS)
    out["contract_id"] = pd.to_numeric(out["contract_id"], errors="coerce").astype("Int64")
    for col in ("contract_name", "decision", "rebuild_as", "note"):
        out[col] = out[col].astype("string")
    out["decision"] = out["decision"].str.strip().str.lower()
    out["decided_at"] = pd.to_datetime(out["decided_at"], errors="coerce", format="ISO8601").astype("datetime64[s]")
    return out


def load_decisions(out_dir_or_client_dir, client: str | None = None, latest: bool = True) -> pd.DataFrame:
    """Read a client's decision log; an empty log (with COLUMNS) when there is none.

    out_dir_or_client_dir: the client's output folder, the decisions.csv itself, or the output root together
    with `client` (name or slug). latest=True (default) keeps the newest decision per contract, sorted by
    contract_id; latest=False returns every logged row in file order. Rows without a contract id are dropped.
    """
    path = _locate(out_dir_or_client_dir, client)
    if not path.is_file():
        return empty_decisions()
    log = _typed(pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]))
    log = log[log["contract_id"].notna()].reset_index(drop=True)
    if not latest:
        return log
    # Stable sort keeps file order among equal timestamps, so the later line wins a tie.
    newest = log.sort_values("decided_at", kind="stable", na_position="first").drop_duplicates(
        "contract_id", keep="last")
    return newest.sort_values("contract_id").reset_index(drop=True)


def validate_decision(decision: str, rebuild_as: str | None = None) -> tuple[str, str]:
    """Normalised (decision, rebuild_as); raises ValueError for an unknown decision or a rebuild with no target."""
    key = (decision or "").strip().lower()
    if key not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    target = (rebuild_as or "").strip()
    if key == "rebuild" and not target:
        raise ValueError("say what the contract is rebuilt as in HaloPSA (e.g. 'Pre-pay hours agreement')")
    return key, target if key == "rebuild" else ""


def save_decision(client_dir, contract_id: int, contract_name: str, decision: str, rebuild_as: str = "",
                  note: str = "", decided_at=None) -> pd.DataFrame:
    """Append one decision to client_dir/decisions.csv and return the current decisions (newest per contract).

    decided_at defaults to now (local time, whole seconds). Text is written formula-safe; the file is replaced
    atomically so a reader never sees half a log. Raises ValueError for an invalid decision.
    """
    key, target = validate_decision(decision, rebuild_as)
    client_dir = Path(client_dir)
    path = decisions_path(client_dir)
    stamp = pd.Timestamp(decided_at) if decided_at is not None else pd.Timestamp.now()
    row = _typed(pd.DataFrame([{
        "contract_id": int(contract_id), "contract_name": contract_name or "", "decision": key,
        "rebuild_as": target, "note": (note or "").strip(), "decided_at": stamp.floor("s"),
    }]))
    log = load_decisions(path, latest=False)
    log = row if log.empty else pd.concat([log, row], ignore_index=True)
    out = log.assign(decided_at=log["decided_at"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    client_dir.mkdir(parents=True, exist_ok=True)
    replace_into(path, lambda tmp: write_csv(out, tmp))
    note_decision_log(path)
    return load_decisions(path)


# Where decision logs were saved, per client slug, so a report run with another --out can say that the client's
# decisions are elsewhere. One small JSON file of paths in the user's state folder; nothing else is kept there.
STATE_ENV = "READINESS_STATE_DIR"


def _state_file() -> Path:
    base = os.environ.get(STATE_ENV) or os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "readiness" / "decision-logs.json"


def _known_logs() -> dict[str, list[str]]:
    try:
        data = json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): [str(p) for p in v] for k, v in data.items() if isinstance(v, list)} if isinstance(data, dict) \
        else {}


def note_decision_log(path) -> None:
    """Remember that a decision log for the client of `path` (its folder's name is the client slug) lives there.
    Best effort: an unwritable state folder never stops a decision from being saved."""
    path = Path(path).resolve()
    known = _known_logs()
    logs = known.setdefault(path.parent.name, [])
    if str(path) not in logs:
        logs.append(str(path))
    try:
        state = _state_file()
        state.parent.mkdir(parents=True, exist_ok=True)
        replace_into(state, lambda tmp: tmp.write_text(json.dumps(known, indent=1), encoding="utf-8"))
    except OSError:
        pass


def decision_logs_elsewhere(slug: str, used) -> list[Path]:
    """Decision logs saved for client `slug` in other output folders than `used` (a decisions.csv path) that
    still exist."""
    used = Path(used).resolve()
    return [Path(p) for p in _known_logs().get(slug, []) if Path(p) != used and Path(p).is_file()]
