"""Suppressions: a per-client YAML file that mutes accepted findings, each with a reason.

File format (version 1)::

    version: 1
    client: acme-it                    # optional; fnmatch pattern on the client slug or name
    mutes:
      - rule: workflow_rule_stale      # fnmatch pattern on rule_id (required)
        entity: "*"                    # fnmatch pattern on entity_id or "entity_type:entity_id" (default "*")
        reason: "Retired in the kick-off workshop, 2025-05-02"   # required, non-empty
        expires: 2026-01-31            # optional; the mute applies up to and including this date

A muted finding keeps its real status, gets ``muted=True`` and ``mute_reason``, stays in findings.csv and is
left out of readiness and score. ERROR findings are never muted: a rule that crashed is always shown.
Patterns match case-insensitively. When several mutes match a finding, the first one in the file gives the reason.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from readiness import textfiles

SUPPORTED_VERSIONS = (1,)
TOP_KEYS = {"version", "client", "mutes"}
MUTE_KEYS = {"rule", "entity", "reason", "expires"}


class SuppressionError(ValueError):
    """A suppressions file that cannot be used; the message names the file and the entry."""


@dataclass
class Mute:
    """One mute entry: patterns, reason, optional last day it applies."""

    rule: str
    entity: str
    reason: str
    expires: pd.Timestamp | None = None
    number: int = 0  # 1-based position in the file, for messages


@dataclass
class Suppressions:
    """A parsed suppressions file."""

    path: Path | None = None
    version: int = 1
    client: str | None = None
    mutes: list[Mute] = field(default_factory=list)


def _date(value, where: str) -> pd.Timestamp:
    """A YAML date (parsed by PyYAML) or a YYYY-MM-DD string as a day Timestamp."""
    if isinstance(value, (dt.date, dt.datetime)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return pd.Timestamp(value.strip())
        except ValueError:
            pass
    raise SuppressionError(f"{where}: 'expires' must be a date written YYYY-MM-DD, got {value!r}")


def parse_suppressions(data, path: str | Path | None = None) -> Suppressions:
    """Validate a loaded YAML document (dict) and return Suppressions; raises SuppressionError."""
    name = str(path) if path else "suppressions"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SuppressionError(f"{name}: expected a mapping with 'version' and 'mutes' at the top")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise SuppressionError(f"{name}: unknown top-level key(s) {sorted(map(str, unknown))}; "
                               f"allowed: {sorted(TOP_KEYS)}")
    version = data.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise SuppressionError(f"{name}: 'version' must be one of {list(SUPPORTED_VERSIONS)}, got {version!r}")
    client = data.get("client")
    if client is not None and not isinstance(client, str):
        raise SuppressionError(f"{name}: 'client' must be text, got {client!r}")
    entries = data.get("mutes") or []
    if not isinstance(entries, list):
        raise SuppressionError(f"{name}: 'mutes' must be a list of entries")

    mutes = []
    for number, entry in enumerate(entries, start=1):
        where = f"{name}, mute entry {number}"
        if not isinstance(entry, dict):
            raise SuppressionError(f"{where}: expected a mapping with rule, entity, reason")
        unknown = set(entry) - MUTE_KEYS
        if unknown:
            raise SuppressionError(f"{where}: unknown key(s) {sorted(map(str, unknown))}; allowed: {sorted(MUTE_KEYS)}")
        rule = entry.get("rule")
        if not isinstance(rule, str) or not rule.strip():
            raise SuppressionError(f"{where}: 'rule' is required (a rule id or pattern such as 'workflow_rule_*')")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise SuppressionError(f"{where}: 'reason' is required: say why this finding is accepted")
        entity = entry.get("entity", "*")
        if entity is None or isinstance(entity, (dict, list)):
            raise SuppressionError(f"{where}: 'entity' must be a pattern such as '*' or 'Contract:1042'")
        expires = entry.get("expires")
        mutes.append(
            Mute(
                rule=rule.strip(),
                entity=str(entity).strip(),
                reason=reason.strip(),
                expires=None if expires is None else _date(expires, where),
                number=number,
            )
        )
    return Suppressions(path=Path(path) if path else None, version=version, client=client, mutes=mutes)


def load_suppressions(path: str | Path) -> Suppressions:
    """Read and validate a suppressions YAML file; raises SuppressionError (also for a missing file)."""
    path = Path(path)
    if not path.is_file():
        raise SuppressionError(f"{path}: suppressions file not found")
    try:
        data = textfiles.load_yaml(path)  # bounded: no aliases, at most textfiles.MAX_YAML_BYTES
    except textfiles.FileProblem as exc:
        raise SuppressionError(str(exc)) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SuppressionError(f"{path}: not valid YAML ({exc})") from exc
    return parse_suppressions(data, path)


def _pattern(glob: str) -> re.Pattern:
    return re.compile(fnmatch.translate(glob), re.IGNORECASE)


def applies_to_client(supp: Suppressions, client: str, slug: str) -> bool:
    """True when the file names no client, or its client pattern matches the client's slug or name."""
    if not supp.client:
        return True
    pat = _pattern(supp.client.strip())
    return bool(pat.match(slug or "") or pat.match(client or ""))


def apply_suppressions(
    findings: pd.DataFrame,
    supp: Suppressions | None,
    as_of: pd.Timestamp | None = None,
    aliases: dict[str, tuple[str, ...]] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Mark findings matched by unexpired mutes as muted.

    `aliases` ({rule id: its former ids}, from the rules' declarations) lets a mute written for a rule's old id
    keep muting the renamed rule's findings.

    Returns (findings with `muted` (bool) and `mute_reason` (string) columns, report dict) where the report
    lists the file, mutes applied (with finding counts), expired and unused. A mute with `expires` before
    `as_of` is skipped. Matching is vectorised per mute entry.
    """
    out = findings.copy()
    out["muted"] = False
    out["mute_reason"] = pd.Series(pd.NA, index=out.index, dtype="string")
    report = {"file": None, "applied": [], "expired": [], "unused": []}
    if supp is None:
        return out, report
    report["file"] = str(supp.path) if supp.path else None
    if out.empty:
        report["unused"] = [m.number for m in supp.mutes]
        return out, report

    rule_ids = out["rule_id"].astype("string").fillna("")
    entity_ids = out["entity_id"].astype("string").fillna("")
    typed_ids = out["entity_type"].astype("string").fillna("") + ":" + entity_ids
    # A crash is never hidden, so ERROR rows are not candidates.
    open_rows = out["status"].astype("string").ne("ERROR").fillna(True).to_numpy()
    muted = pd.Series(False, index=out.index)

    for m in supp.mutes:
        entry = {"entry": m.number, "rule": m.rule, "entity": m.entity, "reason": m.reason,
                 "expires": None if m.expires is None else m.expires.date().isoformat()}
        if m.expires is not None and as_of is not None and m.expires < pd.Timestamp(as_of).normalize():
            report["expired"].append(entry)
            continue
        ent = _pattern(m.entity)
        pattern = _pattern(m.rule)
        renamed = [rid for rid, former in (aliases or {}).items() if any(pattern.match(f) for f in former)]
        hit = (
            (rule_ids.str.match(pattern).fillna(False) | rule_ids.isin(renamed))
            & (entity_ids.str.match(ent).fillna(False) | typed_ids.str.match(ent).fillna(False))
        ).to_numpy() & open_rows
        hits = pd.Series(hit, index=out.index)
        new = hits & ~muted
        if hits.any():
            report["applied"].append({**entry, "findings": int(hits.sum())})
        else:
            report["unused"].append(entry)
        out.loc[new, "mute_reason"] = m.reason
        muted = muted | hits
    out["muted"] = muted.astype(bool)
    return out, report
