"""Every catalogue rule on generated exports: no ERROR, every planted problem found.

Uses the committed samples under data/sample/* (folders holding a Contracts file); when none are committed
yet, generates the small sample in each shape into a temporary folder. As-of is the sample's export date
(client.yaml `export_date`), so "stale" windows line up with what the generator planted.
"""

from __future__ import annotations

import pandas as pd
import pytest

from readiness.config import SAMPLE_DIR
from readiness.loader import load_export
from readiness.rules import RULES, run_rules

synth = pytest.importorskip("readiness.synth")

# Rules the sample generator does not plant yet (catalogue additions beyond issue 3's list). A rule leaves
# this set as soon as the generator plants it; the test below fails if one is hit and still listed.
NOT_PLANTED = {"contract_company_inactive", "notification_template_uncaptured", "contact_invalid_email",
               "configuration_item_duplicate_serial"}


def _committed() -> list:
    if not SAMPLE_DIR.is_dir():
        return []
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.is_dir() and any(p.glob("Contracts.*")))


def _as_of(export):
    value = (export.client or {}).get("export_date")
    return pd.Timestamp(value) if value else None


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    folders = _committed()
    if not folders:
        base = tmp_path_factory.mktemp("samples")
        folders = [synth.generate(base / shape, size="small", seed=1, shape=shape) for shape in synth.SHAPES]
    runs = {}
    for folder in folders:
        export = load_export(folder)
        runs[folder.name] = run_rules(export, as_of=_as_of(export))
    return runs


def test_no_rule_errors_on_samples(sample_runs):
    for name, run in sample_runs.items():
        errors = run.findings[run.findings["status"] == "ERROR"]
        assert errors.empty, f"{name}: {errors[['rule_id', 'reason']].values.tolist()}"


def test_every_rule_judges_at_least_one_sample(sample_runs):
    judged = set()
    for run in sample_runs.values():
        judged |= set(run.coverage.loc[run.coverage["judged"], "rule_id"])
    assert set(RULES) - judged == set()


def test_every_rule_flags_something_on_a_sample(sample_runs):
    hit = set()
    for run in sample_runs.values():
        f = run.findings
        hit |= set(f.loc[f["status"].isin(["FAIL", "REVIEW"]), "rule_id"])
    assert set(RULES) - NOT_PLANTED - hit == set(), "catalogue rules with no FAIL/REVIEW on any sample"
    assert NOT_PLANTED & hit == set(), "now planted by the generator: remove from NOT_PLANTED"


def test_planted_problems_are_found(tmp_path):
    sample = synth.build("small", seed=1)
    folder = synth.write(sample, tmp_path / "rest", shape="rest-csv")
    export = load_export(folder)
    f = run_rules(export, as_of=_as_of(export)).findings
    contracts = export.tables["Contracts"]
    inactive = set(contracts.loc[contracts["status"].eq(0).fillna(False), "id"].astype(str))
    missed = {}
    for rule_id, by_entity in sample.planted.items():
        if rule_id not in RULES:
            continue
        flagged = set(f.loc[f["rule_id"].eq(rule_id) & f["status"].isin(["FAIL", "REVIEW"]), "entity_id"])
        for entity, ids in by_entity.items():
            want = {str(i) for i in ids}
            if entity == "Contracts" and rule_id != "contract_open_prepaid_balance":
                want -= inactive  # contract rules judge active contracts only (inactive ones retire)
            if want - flagged:
                missed[f"{rule_id}/{entity}"] = sorted(want - flagged)[:5]
    assert missed == {}
