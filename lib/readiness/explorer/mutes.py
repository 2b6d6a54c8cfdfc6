"""Muting findings from the explorer: entries written into the client's suppressions YAML (readiness.suppress).

The file format, validation and matching are readiness.suppress's; this module only edits the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from readiness.safe import inside, replace_into, slugify
from readiness.suppress import SuppressionError, apply_suppressions, load_suppressions, parse_suppressions

SUPPRESSIONS_FILE = "suppressions.yaml"


def suppressions_path(out_dir, client: str | None = None) -> Path:
    """The client's suppressions YAML: out_dir/<client-slug>/suppressions.yaml (out_dir/suppressions.yaml when
    out_dir is already the client's folder and client is None); kept inside out_dir."""
    rel = Path(slugify(client)) / SUPPRESSIONS_FILE if client else Path(SUPPRESSIONS_FILE)
    return inside(out_dir, rel)


def _glob_literal(text: str) -> str:
    """`text` as an fnmatch pattern that matches only itself ([, * and ? are pattern characters)."""
    return re.sub(r"([\[*?])", r"[\1]", text)  # a lone "]" is already literal


def mute_entry(finding, reason: str, expires=None) -> dict:
    """The suppressions entry (rule, entity, reason[, expires]) that mutes exactly this finding.

    `finding` is a findings row (mapping with rule_id, entity_type, entity_id, status). Raises ValueError for a
    blank reason, or a finding that cannot be muted (ERROR: a crashed rule is always shown; PASS: nothing to mute).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required to mute a finding: say why it is accepted")
    status = str(finding.get("status", ""))
    if status == "ERROR":
        raise ValueError("ERROR findings cannot be muted: the rule itself failed and must be looked at")
    if status == "PASS":
        raise ValueError("this finding passed: there is nothing to mute")
    entry = {"rule": _glob_literal(str(finding["rule_id"])),
             "entity": _glob_literal(f"{finding['entity_type']}:{finding['entity_id']}"),
             "reason": reason}
    if expires not in (None, ""):
        try:
            entry["expires"] = pd.Timestamp(expires).date()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"expires must be a date written YYYY-MM-DD, got {expires!r}") from exc
    return entry


def _dump(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)


def _replace_text(path: Path, text: str) -> None:
    replace_into(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def mute_finding(path, finding, reason: str, expires=None, client: str | None = None) -> Path:
    """Mute one finding in a suppressions YAML (the audit's format, readiness.suppress), creating the file.

    An existing entry for the same rule and entity gets the new reason/expiry; otherwise the entry is appended.
    Appending keeps the file's comments (the entry is added as text and the result re-read to check it);
    an update rewrites the file, keeping only its leading comment block. `client` (slug) is written as the
    file's client when the file is created. Returns the path.
    Raises ValueError (see mute_entry) and SuppressionError for an existing file the audit could not read.
    """
    path = Path(path)
    entry = mute_entry(finding, reason, expires)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"version": 1, **({"client": client} if client else {}), "mutes": [entry]}
        text = "# Muted findings, each with a reason. Read by `readiness audit --suppress`.\n" + _dump(doc)
        _replace_text(path, text)
        return path

    old_text = path.read_text(encoding="utf-8-sig")
    data = _mutes_doc(old_text, path)
    parse_suppressions(data, path)  # refuse to touch a file the audit could not read
    mutes = list(data.get("mutes") or [])
    same = [i for i, m in enumerate(mutes) if m.get("rule") == entry["rule"] and m.get("entity") == entry["entity"]]
    if not same and mutes:
        text = old_text.rstrip("\n") + "\n" + _indent_item(_dump([entry]), _item_indent(old_text))
        try:
            ok = (yaml.safe_load(text) or {}).get("mutes") == mutes + [entry]
        except yaml.YAMLError:
            ok = False  # an unusual layout (flow style, mutes not last): rewrite the document instead
        if ok:
            _replace_text(path, text)
            return path
    if same:
        mutes[same[0]] = entry
    else:
        mutes.append(entry)
    data["mutes"] = mutes
    _replace_text(path, _leading_comments(old_text) + _dump(data))
    return path


def _mutes_doc(text: str, path: Path) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SuppressionError(f"{path}: not valid YAML ({exc})") from exc
    return data if data is not None else {"version": 1}


def _leading_comments(text: str) -> str:
    """The comment lines at the top of a file (kept when the file is rewritten)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line + "\n")
    return "".join(lines)


def _item_indent(text: str) -> str:
    """The indentation of the existing `- rule:` list items (PyYAML writes none, people often write two)."""
    m = re.findall(r"^([ \t]*)-[ \t]", text, flags=re.MULTILINE)
    return m[-1] if m else ""


def _indent_item(dumped: str, indent: str) -> str:
    return "".join(indent + line + "\n" for line in dumped.splitlines())


def apply_mute_file(findings: pd.DataFrame, path, as_of=None) -> pd.DataFrame:
    """Findings with the mutes of the suppressions file at `path` added (existing mutes kept)."""
    supp = load_suppressions(path)
    fresh, _ = apply_suppressions(findings, supp, as_of)
    out = findings.copy()
    before = out["muted"].astype(bool) if "muted" in out else pd.Series(False, index=out.index)
    reason = out["mute_reason"].astype("string") if "mute_reason" in out else pd.Series(
        pd.NA, index=out.index, dtype="string")
    out["muted"] = before | fresh["muted"].astype(bool)
    out["mute_reason"] = reason.where(before, fresh["mute_reason"].astype("string"))
    return out

