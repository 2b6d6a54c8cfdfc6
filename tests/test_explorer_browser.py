"""The contract explorer in a real browser: Voilà serves notebooks/contract_explorer.ipynb on 127.0.0.1 with a
token, headless Chromium (python Playwright) opens it, changes filters and checks the live count follows.

Skipped only when /usr/bin/chromium is missing outside CI; with CI set, a missing Chromium is a failure.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from readiness.config import EXPLORER_NOTEBOOK
from test_explorer import AS_OF, write_export

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 30  # seconds for Voilà to listen
RENDER_TIMEOUT = 40_000  # ms for the kernel to run the notebook and the widgets to render

pytestmark = pytest.mark.slow


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if _in_ci():
        pytest.fail("CI is set but /usr/bin/chromium is missing: .ci/run installs Debian's chromium package")
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium); CI installs it and never skips")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"voila did not listen on {port} in {START_TIMEOUT}s:\n{tail}")


@pytest.fixture
def voila(tmp_path):
    """Voilà on 127.0.0.1 serving the explorer with test parameters; yields (url, log path); stopped by PID."""
    _require_chromium()
    import papermill as pm

    export_dir = write_export(tmp_path / "export")
    notebook = tmp_path / "contract_explorer.ipynb"
    # Voilà runs a notebook as stored, so the parameters are injected first without executing anything.
    pm.execute_notebook(str(EXPLORER_NOTEBOOK), str(notebook), prepare_only=True, progress_bar=False,
                        parameters=dict(export_dir=str(export_dir), as_of=AS_OF, out_dir=str(tmp_path / "out")))
    port, token = _free_port(), secrets.token_urlsafe(16)
    log = tmp_path / "voila.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    with log.open("w") as out:
        # The venv's python: the kernel inherits this environment and so finds the installed package.
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
             f"--token={token}", "--show_tracebacks=True"],
            cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_listening(proc, port, log)
        yield f"http://127.0.0.1:{port}/", token, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status_without_token(url: str) -> tuple[int, str]:
    """HTTP status and Location of a request that carries no token (or a wrong one)."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(url, timeout=15) as r:
            return r.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")


def _open(page, url: str, log: Path) -> str:
    """Navigate and wait for the live count; one retry when the first load stays blank."""
    for attempt in (1, 2):
        page.goto(url, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT)
        try:
            page.wait_for_function("() => (document.querySelector('.rx-count')?.innerText || '').includes('of')",
                                   timeout=RENDER_TIMEOUT)
            return page.inner_text(".rx-count")
        except Exception:
            if attempt == 2:
                raise AssertionError("explorer widgets did not render:\n" + log.read_text(errors="replace")[-3000:])
    raise AssertionError("unreachable")


def _count_becomes(page, prefix: str) -> str:
    page.wait_for_function("p => document.querySelector('.rx-count').innerText.startsWith(p)", arg=prefix,
                           timeout=15_000)
    return page.inner_text(".rx-count")


def test_explorer_filters_live_in_a_browser(voila, tmp_path):
    from playwright.sync_api import sync_playwright

    base, token, log = voila
    for bad in (base, base + "?token=wrong"):  # the explorer is not served without the token
        status, location = _status_without_token(bad)
        assert status in (302, 401, 403) and (status != 302 or location.startswith("/login"))
    url = f"{base}?token={token}"
    started = time.monotonic()
    dialogs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            first = _open(page, url, log)
            assert first.startswith("6 of 6 contracts match")
            assert page.locator(".jp-InputArea-editor").count() == 0  # Voilà hides the code

            page.select_option(".rx-f-verdict select", "rethink")
            assert _count_becomes(page, "2 of 6").startswith("2 of 6 contracts match")
            # the first match has a unit history: its chart is drawn in the Output widget
            page.wait_for_selector(".rx-app img[src^='data:image/png']", timeout=15_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(tmp_path / "explorer.png"))
            page.select_option(".rx-f-type select", "Block Hours")
            _count_becomes(page, "1 of 6")
            page.wait_for_function("() => document.querySelector('.rx-title')?.innerText === 'Acme Block 20h'",
                                   timeout=15_000)
            page.select_option(".rx-f-type select", "All types")
            page.select_option(".rx-f-verdict select", "retire")
            _count_becomes(page, "1 of 6")
            # the contract whose name carries markup is shown as text, and nothing in it ran
            page.wait_for_function("() => document.querySelector('.rx-title')?.innerText.includes('<img src=x')",
                                   timeout=15_000)

            page.locator(".lm-TabBar-tab, .p-TabBar-tab").filter(has_text="Findings").first.click()
            page.wait_for_selector(".rx-g-count", state="visible", timeout=15_000)
            before = page.inner_text(".rx-g-count")
            page.select_option(".rx-g-area select", "billing")
            page.wait_for_function("b => document.querySelector('.rx-g-count').innerText !== b", arg=before,
                                   timeout=15_000)
            page.screenshot(path=str(tmp_path / "explorer-findings.png"))
        finally:
            browser.close()
    assert dialogs == []
    assert (tmp_path / "explorer.png").stat().st_size > 20_000
    assert time.monotonic() - started < 90


def test_a_missing_chromium_fails_in_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        _require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        _require_chromium()
