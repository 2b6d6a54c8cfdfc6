"""`readiness explore` as the consultant and the billing admin use it, in a real browser, in Voilà and in
JupyterLab: open the client's export, filter, click a contract row, record a decision, mute a finding, and find
both in the next `readiness report` run with the same --out (the report, findings.csv and the workbook).

Skipped only when /usr/bin/chromium is missing outside CI; with CI set, a missing Chromium is a failure.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from test_explorer import AS_OF, write_export
from test_explorer_browser import CHROMIUM, CHROMIUM_ARGS, _require_chromium

pytestmark = pytest.mark.slow
URL_SECONDS = 150  # a cold server, a fresh kernel and the audit on a small machine
RENDER_MS = 90_000


def _start(export: Path, out: Path, tmp: Path, lab: bool) -> tuple[subprocess.Popen, str]:
    """`readiness explore EXPORT --out OUT --no-browser [--lab]`; returns the process and the URL it printed."""
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTER_DATA_DIR": str(tmp / "jdata"),
           "JUPYTER_CONFIG_DIR": str(tmp / "jconfig"), "JUPYTERLAB_SETTINGS_DIR": str(tmp / "lab-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces")}
    argv = [sys.executable, "-m", "readiness.cli", "explore", str(export), "--out", str(out), "--as-of", AS_OF,
            "--no-browser"] + (["--lab"] if lab else [])
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    end = time.monotonic() + URL_SECONDS
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if line.startswith("Open "):
            return proc, line.split(" ", 1)[1].strip()
        if not line and proc.poll() is not None:
            break
    _stop(proc)
    raise AssertionError("readiness explore printed no URL:\n" + (proc.stderr.read() or "")[-3000:])


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _count_becomes(page, prefix: str) -> None:
    page.wait_for_function("p => (document.querySelector('.rx-count')?.innerText || '').startsWith(p)",
                           arg=prefix, timeout=30_000)


def _run_all_in_lab(page) -> None:
    """JupyterLab opened the notebook: run every cell from the Run menu, as a consultant would."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=RENDER_MS)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator, .jp-KernelStatus, .jp-Toolbar-kernelName",
                           timeout=RENDER_MS)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).first.click()


@pytest.mark.parametrize("lab", [False, True], ids=["voila", "jupyterlab"])
def test_a_decision_and_a_mute_made_in_the_browser_reach_the_next_report(tmp_path, lab):
    from playwright.sync_api import sync_playwright

    from readiness.report import build_report

    _require_chromium()
    export, out = write_export(tmp_path / "export"), tmp_path / "out"
    proc, url = _start(export, out, tmp_path, lab)
    assert url.startswith("http://127.0.0.1:") and "token=" in url
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                # JupyterLab's default layout leaves the notebook about 1,000 px wide beside its side bar
                page = browser.new_page(viewport={"width": 1280, "height": 1600})
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.goto(url, wait_until="domcontentloaded", timeout=RENDER_MS)
                if lab:
                    _run_all_in_lab(page)
                else:
                    assert page.locator(".jp-InputArea-editor").count() == 0  # Voilà hides the code
                _count_becomes(page, "6 of 6")
                app = page.locator(".rx-app").first
                # the table is never wider than the notebook without a scroll bar of its own
                widths = page.evaluate("() => { const s = document.querySelector('.rx-scroll');"
                                       " return [s.clientWidth, s.parentElement.clientWidth]; }")
                assert widths[0] <= widths[1] + 1
                # edge cases read as rule titles, with the id on hover
                cell = app.locator("td[title*='contract_']").first
                assert "_" not in cell.inner_text() and cell.get_attribute("title")

                page.select_option(".rx-f-verdict select", "rethink")
                _count_becomes(page, "2 of 6")
                page.locator("tr.rx-row[data-key='102']").click()  # a click on the row opens the contract
                page.wait_for_function("() => document.querySelector('.rx-title')?.innerText === 'Acme Block 20h'",
                                       timeout=30_000)
                page.select_option(".rx-d-choice select", label="Retire")
                page.locator(".rx-d-note textarea").fill("Agreed in the browser")
                page.locator("button.rx-d-save").click()
                page.wait_for_function("() => (document.querySelector('.rx-d-message')?.innerText || '')"
                                       ".startsWith('Saved')", timeout=30_000)
                assert page.locator("button.rx-d-save").evaluate("b => b.scrollWidth <= b.clientWidth + 1")

                page.locator(".lm-TabBar-tab, .p-TabBar-tab").filter(has_text="Findings").first.click()
                page.wait_for_selector(".rx-m-pick select", state="visible", timeout=30_000)
                label = page.eval_on_selector(".rx-m-pick select", "s => s.value")
                _, rule_id, entity, _ = label.split(" · ", 3)  # "FAIL · rule · Contract 103 · company"
                finding = f"{rule_id}:{entity.replace(' ', ':', 1)}"
                page.locator(".rx-m-reason input").fill("Accepted in the browser")
                page.locator("button.rx-m-mute").click()
                page.wait_for_function("() => (document.querySelector('.rx-m-message')?.innerText || '')"
                                       ".startsWith('Muted')", timeout=30_000)
                page.screenshot(path=str(tmp_path / ("lab.png" if lab else "voila.png")))
            finally:
                browser.close()
    finally:
        _stop(proc)
    assert dialogs == []

    # the next report, with the same --out, carries both
    paths = build_report(export, out, as_of=AS_OF, pdf=False)
    html = paths["html"].read_text(encoding="utf-8")
    assert "Agreed decisions: 1 contracts" in html and "Agreed in the browser" in html
    findings = pd.read_csv(paths["findings"], dtype=str, keep_default_na=False).set_index("finding_id")
    assert findings.loc[finding, "muted"].lower() == "true"
    assert findings.loc[finding, "mute_reason"] == "Accepted in the browser"
    import openpyxl

    rows = list(openpyxl.load_workbook(paths["workbook"], read_only=True)["Contracts"].iter_rows(values_only=True))
    agreed = {str(r[0]): r[rows[0].index("Agreed HaloPSA build")] for r in rows[1:]}
    assert agreed["102"] == "Retire — Agreed in the browser"
