"""The report as the MSP's owner reads it: page one's counts agree with findings.csv, the consultancy profile
brands it and prices the effort, the body fits in 12 A4 pages before the Sources appendix."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from readiness import config
from readiness.profile import ProfileError, load_profile, price_effort

HOSTILE = "<script>alert('x')</script>"
BODY_PAGES = 12


def _png(path: Path) -> Path:
    """A small valid PNG (the profile's logo)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.5, 0.5), dpi=60)
    fig.add_axes([0, 0, 1, 1]).axis("off")
    fig.savefig(path)
    return path


def _profile(folder: Path, **extra) -> Path:
    _png(folder / "logo.png")
    text = {"name": f"Kinetic {HOSTILE} Ltd", "contact": "hello@kinetic.example", "logo": "logo.png",
            "hourly_rate": 125, "currency": "GBP", **extra}
    path = folder / "profile.yaml"
    path.write_text("\n".join(f"{k}: {json.dumps(v)}" for k, v in text.items()) + "\n", encoding="utf-8")
    return path


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in out.split("\f") if p.strip()]


def _body_pages(pdf: Path) -> int:
    """Pages before the Sources appendix."""
    pages = _pages(pdf)
    starts = [i for i, p in enumerate(pages) if p.lstrip().startswith("Sources")]
    assert starts, "the PDF has no Sources appendix"
    return starts[0]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    from readiness.report import build_report

    base = tmp_path_factory.mktemp("owner")
    profile = _profile(base)
    paths = build_report(config.DEFAULT_SAMPLE, base / "out", profile=profile)
    return {"paths": paths, "html": paths["html"].read_text(encoding="utf-8"),
            "summary": json.loads(paths["summary"].read_text(encoding="utf-8")),
            "findings": pd.read_csv(paths["findings"], dtype=str, keep_default_na=False)}


@pytest.mark.slow
def test_sample_fits_twelve_pages_before_its_sources(sample_report):
    assert _body_pages(sample_report["paths"]["pdf"]) <= BODY_PAGES


@pytest.mark.slow
def test_a_mid_size_msp_fits_twelve_pages_before_its_sources(tmp_path):
    from readiness.report import build_report
    from readiness.synth import generate

    generate(tmp_path / "medium", "medium", 1)
    paths = build_report(tmp_path / "medium", tmp_path / "out")
    assert _body_pages(paths["pdf"]) <= BODY_PAGES


def test_page_one_counts_are_the_findings_they_name(sample_report):
    """Each top finding's count is the number of findings.csv entities of exactly its rule, status and severity."""
    html, f = sample_report["html"], sample_report["findings"]
    live = f[f["muted"].str.lower().ne("true")]
    top = sample_report["summary"]["top_findings"]
    assert top
    priorities = html.split('id="priorities"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'class="top-title">(.*?)</b> — ([\d,]+) [a-z ]+ \((FAIL|REVIEW)\)', priorities)
    assert len(shown) == len(top)
    for it, (_, count, status) in zip(top, shown):
        mine = live[live["rule_id"].eq(it["rule_id"]) & live["status"].eq(it["status"])
                    & live["severity"].eq(it["severity"])]
        assert status == it["status"]
        assert int(count.replace(",", "")) == mine["entity_id"].nunique() == it["count"], it["rule_id"]


def test_page_one_speaks_to_the_owner(sample_report):
    html, s = sample_report["html"], sample_report["summary"]
    cover = html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    for heading in ("Next three steps", "What moves, what is rebuilt, what is retired", "Decisions for you",
                    "Timeline"):
        assert f"<h3>{heading}" in cover, heading
    assert cover.count("<li>", cover.index("Next three steps"), cover.index("What moves")) == 3
    assert 'alt="Gantt chart: migration phases over weeks' in cover
    assert 'alt="Bar chart: per kind of record' in cover
    # the consultancy's deliverable, its text escaped
    assert "Kinetic &lt;script&gt;" in cover and HOSTILE not in html
    assert 'class="brand-logo" src="data:image/png;base64,' in cover
    # effort priced at the profile's rate: team hours x rate, the sign once
    e = s["effort"]
    assert e["rate_from"] == "profile" and e["hourly_rate"] == 125 and e["currency"] == "GBP"
    assert e["cost_low"] == round(e["team_hours_low"] * 125) and e["cost_high"] == round(e["team_hours_high"] * 125)
    assert f"£{e['cost_low']:,}–{e['cost_high']:,}" in cover
    assert e["team_hours_low"] == round(e["weeks_low"] * e["team_hours_per_week"])
    # Not ready never reads as mostly fine
    assert s["readiness"] == "Not ready" and s["score"] <= 49


def test_the_body_points_to_the_workbook_for_full_lists(sample_report):
    html = sample_report["html"]
    assert "workbook.xlsx (Findings sheet)" in html and "workbook.xlsx (Contracts sheet)" in html
    assert "workbook.xlsx (Effort sheet)" in html


def test_every_check_that_found_something_lists_its_sources(sample_report):
    from readiness.rules import RULES

    html = sample_report["html"]
    appendix = html.split('id="sources"', 1)[1]
    hit = set(sample_report["findings"].query("status in ['FAIL', 'REVIEW']")["rule_id"])
    for rid in hit:
        for src in RULES[rid].sources:
            assert src.split(" ", 1)[0] in appendix, (rid, src)


def test_client_yaml_rate_wins_over_the_profile():
    effort = {"weeks_low": 10.0, "weeks_high": 12.0, "team_hours_per_week": 30.0}
    profile = {"hourly_rate": 125.0, "currency": "GBP"}
    own = price_effort(effort, {"hourly_rate": 150, "currency": "eur"}, profile)
    assert own == {"team_hours_low": 300, "team_hours_high": 360, "hourly_rate": 150.0, "currency": "EUR",
                   "rate_from": "client.yaml", "cost_low": 45000, "cost_high": 54000}
    assert price_effort(effort, {}, profile)["rate_from"] == "profile"
    assert "cost_low" not in price_effort(effort, {}, {})


@pytest.mark.parametrize("extra, message", [
    ({"colour": "red"}, "unknown key(s) colour"),
    ({"hourly_rate": "lots"}, "hourly_rate 'lots' is not a number"),
    ({"hourly_rate": -5}, "positive number"),
    ({"currency": "pounds"}, "three-letter ISO 4217"),
    ({"logo": "missing.png"}, "logo 'missing.png' not found"),
    ({"logo": "logo.gif"}, "must be a PNG, JPEG or SVG"),
])
def test_a_bad_profile_is_named_with_its_file_and_key(tmp_path, extra, message):
    path = _profile(tmp_path, **extra)
    with pytest.raises(ProfileError, match=re.escape(message)) as err:
        load_profile(path)
    assert str(path) in str(err.value)


def test_an_svg_logo_with_script_is_refused(tmp_path):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')
    path = _profile(tmp_path)
    path.write_text(path.read_text().replace("logo.png", "logo.svg"))
    with pytest.raises(ProfileError, match="script"):
        load_profile(path)


def test_the_profile_comes_from_the_environment_and_a_bad_one_exits_2(tmp_path, monkeypatch):
    good = _profile(tmp_path)
    monkeypatch.setenv("READINESS_PROFILE", str(good))
    assert load_profile()["name"].startswith("Kinetic")
    bad = tmp_path / "bad.yaml"
    bad.write_text("hourly_rate: free\n")
    run = subprocess.run([sys.executable, "-m", "readiness.cli", "audit", str(config.DEFAULT_SAMPLE),
                          "--out", str(tmp_path / "out"), "--profile", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2 and str(bad) in run.stderr and "hourly_rate" in run.stderr


def test_the_report_says_which_picklist_labels_are_assumed(sample_report):
    """The sample has no fields/Products.json: the billing-type labels shown are assumed, and the report says so
    beside Autotask's pages that document the labels (not the codes)."""
    from readiness.entities import ASSUMED_PICKLIST_SOURCES

    appendix = sample_report["html"].split('id="sources"', 1)[1]
    assert "Assumed picklist labels (Products.billingType" in appendix
    assert all(url in appendix for url in ASSUMED_PICKLIST_SOURCES)


def test_the_report_names_its_decisions_and_warns_of_decisions_saved_elsewhere(tmp_path, capsys, monkeypatch):
    """Decisions saved in the explorer under one --out, a report run with another: the report says it did not
    read them, in the HTML and on stderr; run with the first --out, it names the file it read."""
    from readiness.decisions import save_decision
    from readiness.explorer.launch import client_slug
    from readiness.report import report_command

    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path / "state"))  # only this test's logs are known
    _, slug = client_slug(config.DEFAULT_SAMPLE)
    first = tmp_path / "explored"
    save_decision(first / slug, 29690020, "Block 2016", "retire", note="agreed")
    report_command(config.DEFAULT_SAMPLE, tmp_path / "elsewhere", pdf=False)
    err = capsys.readouterr().err
    assert f"also saved in {first / slug / 'decisions.csv'}" in err
    html = (tmp_path / "elsewhere" / slug / "report.html").read_text(encoding="utf-8")
    assert "which this report did not read" in html
    report_command(config.DEFAULT_SAMPLE, first, pdf=False)
    out = capsys.readouterr()
    assert f"Decisions: {first / slug / 'decisions.csv'} (1 contracts)" in out.out
    assert "also saved" not in out.err
