"""Speed work must not move results: the findings of a medium generated export match a recorded snapshot.

The digest was recorded before the loader and rule optimisations and checked identical after them. If a rule
is changed on purpose, re-record it with the command in the assertion message and say why in the commit.
"""

from __future__ import annotations

import hashlib

import pytest

from readiness.audit import run_audit
from readiness.synth import generate

FINDINGS_SHA256 = "d87409e46a366cfc6dd6e238d13bd59fe48e4001c5e8016a4688d95253894b53"
CONTRACT_MAP_SHA256 = "c7dd516bd3cbe5b0c336bee90467de248f99932be27741f3408e78dae65c0aad"


def digest(frame, key: str, columns: list[str] | None = None) -> str:
    frame = frame.sort_values(key)
    if columns:
        frame = frame[columns]
    return hashlib.sha256(frame.astype(str).to_csv(index=False).encode()).hexdigest()


@pytest.mark.slow
def test_medium_export_findings_match_the_snapshot(tmp_path):
    generate(tmp_path / "medium", "medium", 1)
    result = run_audit(tmp_path / "medium", as_of="2025-06-30")
    assert len(result.findings) == 43037
    got = digest(result.findings, "finding_id", ["finding_id", "status", "severity", "muted", "reason"])
    assert got == FINDINGS_SHA256, f"findings changed; new digest {got}"
    assert digest(result.contract_map, "contract_id") == CONTRACT_MAP_SHA256
