"""`readiness explore EXPORT_DIR`: open the contract explorer on one client's export.

The explorer notebook is written, with its parameters filled in (papermill's parameterize), into the client's
output folder OUT_DIR/<client-slug>/, where its decisions.csv and suppressions.yaml land and where
`readiness report --out OUT_DIR` reads them. Voilà serves it with the code hidden (or JupyterLab with `--lab`),
bound to 127.0.0.1 behind a fresh token; the URL is printed and, unless --no-browser, opened.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import webbrowser
from pathlib import Path
from types import SimpleNamespace

from readiness import config
from readiness.safe import inside, slugify

NOTEBOOK = "contract_explorer.ipynb"
HOST = "127.0.0.1"
DEFAULT_PORT = 8866
START_SECONDS = 120  # a cold Jupyter server with a fresh kernel takes a while on a small machine


def client_slug(export_dir) -> tuple[str, str]:
    """(client name, slug) as the audit names the client: client.yaml `name`, else the folder's name."""
    from readiness.audit import _client_name
    from readiness.loader.load import _read_client

    export = SimpleNamespace(client=_read_client(Path(export_dir), []), path=str(export_dir))
    name = _client_name(export, None)
    return name, slugify(name)


def prepare_notebook(export_dir, out, as_of: str | None = None, slug: str | None = None) -> Path:
    """Write the explorer notebook, parameters filled in, to OUT/<client-slug>/contract_explorer.ipynb
    (`slug`: the client's, when the caller already has it)."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    slug = slug or client_slug(export_dir)[1]
    folder = inside(Path(out), slug)
    folder.mkdir(parents=True, exist_ok=True)
    nb = load_notebook_node(str(config.EXPLORER_NOTEBOOK))  # every cell gets its tags list
    params = {"export_dir": str(Path(export_dir).resolve()), "as_of": as_of or "",
              "out_dir": str(Path(out).resolve())}
    nb = parameterize_notebook(nb, params)
    target = inside(Path(out), Path(slug) / NOTEBOOK)
    nbformat.write(nb, target)
    return target


def free_port(preferred: int | None) -> int:
    """`preferred` when given (used as is: a taken port fails loudly), else the first free one from 8866."""
    if preferred:
        return int(preferred)
    for port in range(DEFAULT_PORT, DEFAULT_PORT + 100):
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) != 0:
                return port
    raise OSError(f"no free port from {DEFAULT_PORT} to {DEFAULT_PORT + 99} on {HOST}")


def server_command(notebook: Path, port: int, token: str, lab: bool) -> tuple[list[str], str]:
    """(argv, URL) of the server: Voilà on the notebook, or JupyterLab opened at it."""
    if lab:
        argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.ip={HOST}",
                f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={notebook.parent}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.append("--allow-root")  # containers and CI run as root; the server is still local and token-bound
        return argv, f"http://{HOST}:{port}/lab/tree/{notebook.name}?token={token}"
    argv = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--Voila.ip={HOST}", f"--port={port}",
            "--Voila.port_retries=0", f"--token={token}", "--strip_sources=True"]
    return argv, f"http://{HOST}:{port}/?token={token}"


def _wait_until_listening(port: int, proc: subprocess.Popen, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return True
        time.sleep(0.25)
    return False


def explore_command(export_dir, out=None, as_of=None, port=None, no_browser: bool = False, lab: bool = False,
                    stream=None) -> int:
    """Run the explorer server until Ctrl-C; returns 0 when stopped by the user, 1 when the server failed,
    2 for bad input (no export folder, a bad --as-of)."""
    from readiness.audit import AuditInputError, folder_problem, parse_as_of

    err = stream or sys.stderr
    folder = Path(export_dir)
    out = Path(out) if out else config.OUTPUTS_DIR
    problem = folder_problem(folder, out)
    if problem:
        print(f"error: {problem}", file=err)
        return 2
    try:
        day = parse_as_of(as_of)
    except AuditInputError as exc:
        print(f"error: {exc}", file=err)
        return 2
    name, slug = client_slug(folder)
    notebook = prepare_notebook(folder, out, day.date().isoformat() if day is not None else None, slug)
    port = free_port(port)
    token = secrets.token_urlsafe(24)
    argv, url = server_command(notebook, port, token, lab)
    print(f"Explorer for {name}: decisions and mutes are saved in {notebook.parent}", file=err)
    print(f"  (readiness report {export_dir} --out {out} reads them)", file=err)
    # The server's log goes to an unnamed temporary file (gone when closed): it is read only to say why a server
    # did not start, and it holds the session's token.
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log, text=True, start_new_session=True)
    try:
        if not _wait_until_listening(port, proc, START_SECONDS):
            log.seek(0)
            tail = log.read()[-2000:].replace(token, "***") if proc.poll() is not None else ""
            print(f"error: the {'JupyterLab' if lab else 'Voilà'} server did not start on {HOST}:{port}"
                  + (f":\n{tail}" if tail else ""), file=err)
            return 1
        print(f"Open {url}", flush=True)
        print("Press Ctrl-C to stop.", file=err, flush=True)
        if not no_browser:
            webbrowser.open(url)
        proc.wait()
        return 0 if proc.returncode in (0, -signal.SIGINT, -signal.SIGTERM) else 1
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()
