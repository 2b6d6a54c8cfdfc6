"""`readiness batch`: many clients, one failing; resume; --force; ledger vs portfolio; index.html; exit codes.

Kernel runs are the slow part (several seconds each on two cores), so a single module-scoped batch runs three
real reports (two good exports and one whose files are binary garbage) plus one client that fails before its
kernel starts (an invalid suppressions file). Everything else reuses that batch's outputs or calls the pieces
in-process with a stand-in report builder.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import readiness.batch as batch
from readiness.batch import BatchInputError, batch_command, read_input, run_batch
from readiness.batch import portfolio as pf
from readiness.batch import worker
from readiness.report.exceptions import ReportError
from readiness.safe import slugify

HOSTILE = '<script>alert("x")</script> & Co $\\frac{'
AS_OF = "2025-06-30"


def write_export(folder: Path, name: str | None = None) -> Path:
    """A tiny REST-CSV export (three customers, three contracts, a service, a technician, a ticket)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "Companies.csv": """\
            id,companyName,companyType,isActive
            1,Alpha Dental,1,True
            2,Bravo Logistics,1,True
            3,Charlie Law,1,True
            """,
        "Contracts.csv": """\
            id,companyID,contractName,contractType,status,startDate,endDate,setupFee
            200,1,Alpha managed services,7,1,2024-01-01T00:00:00Z,2026-12-31T00:00:00Z,0
            201,2,Bravo hours,4,1,2024-01-01T00:00:00Z,2026-12-31T00:00:00Z,250
            202,3,Charlie T&M,1,1,2024-01-01T00:00:00Z,2026-12-31T00:00:00Z,0
            """,
        "Services.csv": """\
            id,name,isActive,unitPrice
            300,Managed desktop,True,45
            """,
        "ContractServices.csv": """\
            id,contractID,serviceID,unitPrice
            400,200,300,45
            """,
        "Resources.csv": """\
            id,firstName,lastName,email,userType,isActive
            100,Tess,Tech,tess@msp.example,1,True
            """,
        "Tickets.csv": """\
            id,companyID,title,status,queueID,assignedResourceID,createDate
            500,1,Printer down,1,29683,100,2025-06-20T09:00:00Z
            """,
    }
    for fname, text in files.items():
        (folder / fname).write_text(textwrap.dedent(text), encoding="utf-8")
    if name:
        (folder / "client.yaml").write_text(f"name: {json.dumps(name)}\ntechnicians: 3\n", encoding="utf-8")
    return folder


def write_garbage_export(folder: Path) -> Path:
    """An export whose Contracts.csv and Companies.csv are binary: nothing usable."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = bytes(range(256)) * 12
    (folder / "Contracts.csv").write_bytes(b"\x00\x89PNG" + rnd)
    (folder / "Companies.csv").write_bytes(rnd[::-1])
    return folder


def _old(paths):
    """Set files' modification time 1 h back, so outputs written now are newer than the export."""
    past = time.time() - 3600
    for p in paths:
        for f in ([p] if p.is_file() else p.rglob("*")):
            os.utime(f, (past, past))


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """One real batch from a CSV manifest: Alpha (good), a hostile name (good), garbage, bad suppressions."""
    base = tmp_path_factory.mktemp("batch")
    ex = base / "exports"
    write_export(ex / "alpha", "Alpha MSP")
    write_export(ex / "hostile")
    write_garbage_export(ex / "garbage")
    write_export(ex / "bad-supp", "Delta Support")
    (base / "delta-suppress.yaml").write_text("version: 1\nmutes:\n  - rule: company_duplicate_name\n",
                                              encoding="utf-8")  # no reason: the audit refuses it
    _old([ex, base / "delta-suppress.yaml"])
    manifest = base / "clients.csv"
    pd.DataFrame({"client": ["Alpha MSP", HOSTILE, "Garbage Co", "Delta Support"],
                  "export": ["exports/alpha", "exports/hostile", "exports/garbage", "exports/bad-supp"],
                  "suppress": ["", "", "", "delta-suppress.yaml"]}).to_csv(manifest, index=False)
    out = base / "out"
    buf = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(buf):
        rc = batch_command(str(manifest), str(out), workers=2, as_of=AS_OF)
    return {
        "base": base, "manifest": manifest, "out": out, "rc": rc, "stdout": buf.getvalue(),
        "seconds": time.perf_counter() - t0,
        "ledger": pd.read_csv(out / "ledger.csv", dtype="string", keep_default_na=False),
        "portfolio": pd.read_csv(out / "portfolio.csv", dtype="string", keep_default_na=False),
        "index": (out / "index.html").read_text(encoding="utf-8"),
        "mtimes": {p: p.stat().st_mtime for p in out.glob("*/report.*")},
    }


# ------------------------------------------------------------------------------------------- the real batch


def test_good_clients_finish_and_the_failing_one_is_recorded(first):
    led = first["ledger"].set_index("client")
    assert first["rc"] == 1
    assert led.loc["Alpha MSP", "status"] == "ok"
    assert led.loc[HOSTILE, "status"] == "ok"
    assert led.loc["Garbage Co", "status"] == "ok"  # the audit turns an unusable export into an Unknown report
    delta = led.loc["Delta Support"]
    assert delta["status"] == "failed"
    assert delta["error"].startswith("SuppressionError:") and "reason" in delta["error"]
    assert delta["report_path"] == ""
    for slug in ("alpha-msp", slugify(HOSTILE), "garbage-co"):
        folder = first["out"] / slug
        for name in ("report.pdf", "report.html", "report.ipynb", "findings.csv", "summary.json"):
            assert (folder / name).is_file(), f"{slug}/{name} missing"
    assert not list(first["out"].glob(".tmp-*")), "a temporary folder was left behind"
    assert not (first["out"] / "delta-support").exists(), "a failed client must not get an output folder"
    assert "[4/4]" in first["stdout"] and "Portfolio:" in first["stdout"]  # not a TTY: one line per client


def test_unreadable_export_is_unknown_and_its_report_says_what_could_not_be_read(first):
    row = first["portfolio"].set_index("client").loc["Garbage Co"]
    assert row["readiness"] == "Unknown" and row["score"] == ""
    summary = json.loads((first["out"] / "garbage-co" / "summary.json").read_text(encoding="utf-8"))
    assert summary["readiness"] == "Unknown"
    assert any("Contracts.csv" in p for p in summary["load_problems"])
    html = (first["out"] / "garbage-co" / "report.html").read_text(encoding="utf-8")
    assert "Contracts.csv" in html


def test_ledger_and_portfolio_agree(first):
    led, port = first["ledger"], first["portfolio"]
    assert list(led.columns) == pf.LEDGER_COLUMNS
    assert list(port.columns) == pf.PORTFOLIO_COLUMNS
    assert list(led["slug"]) == list(port["slug"]) and list(led["client"]) == list(port["client"])
    assert list(led["status"]) == list(port["status"])
    assert list(led["report_path"]) == list(port["report_path"])
    assert set(led["status"]) <= {"ok", "failed", "skipped"}
    for rec in port.to_dict("records"):
        if rec["status"] == "failed":
            assert rec["readiness"] == "Unknown" and rec["score"] == "" and rec["report_path"] == ""
        else:
            assert (first["out"] / rec["report_path"]).is_file()
            summary = json.loads((first["out"] / rec["slug"] / "summary.json").read_text(encoding="utf-8"))
            assert rec["readiness"] == summary["readiness"]
            assert summary["as_of"] == AS_OF
    alpha = port.set_index("client").loc["Alpha MSP"]
    assert alpha["readiness"] in ("Ready", "Ready with conditions", "Not ready")
    assert float(alpha["score"]) >= 0 and float(alpha["coverage"]) > 0
    assert int(alpha["blockers"]) >= 0 and float(alpha["effort_weeks_high"]) >= float(alpha["effort_weeks_low"]) > 0
    for rec in led.to_dict("records"):
        if rec["status"] == "ok":
            assert int(rec["attempts"]) >= 1 and float(rec["seconds"]) > 0 and rec["started"] <= rec["finished"]


def test_index_html_is_self_contained_and_escapes_a_hostile_client_name(first):
    page = first["index"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I), "external resource in index.html"
    assert "http://" not in page and "https://" not in page
    assert '<script>alert("x")' not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(" in page and "&amp; Co" in page
    assert page.count("<script>") == 1  # the inline sort script, nothing else
    assert re.search(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', page)
    for rec in first["portfolio"].to_dict("records"):
        if rec["status"] != "failed":
            assert f'href="{rec["slug"]}/report.html"' in page
            assert f'href="{rec["report_path"]}"' in page
    assert "SuppressionError" in page  # the failure is explained on the page, not just in the ledger


def test_second_run_skips_finished_clients_without_running_a_notebook(first):
    buf = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(buf):
        rc = batch_command(str(first["manifest"]), str(first["out"]), workers=2, as_of=AS_OF)
    seconds = time.perf_counter() - t0
    led = pd.read_csv(first["out"] / "ledger.csv", dtype="string", keep_default_na=False).set_index("client")
    assert rc == 1  # Delta's suppressions are still invalid: it is tried again and fails again
    for name in ("Alpha MSP", HOSTILE, "Garbage Co"):
        assert led.loc[name, "status"] == "skipped"
        assert led.loc[name, "attempts"] == "0"
        assert led.loc[name, "report_path"] == first["ledger"].set_index("client").loc[name, "report_path"]
    assert led.loc["Delta Support", "status"] == "failed"
    assert {p: p.stat().st_mtime for p in first["out"].glob("*/report.*")} == first["mtimes"]
    assert seconds < first["seconds"]
    port = pd.read_csv(first["out"] / "portfolio.csv", dtype="string", keep_default_na=False)
    assert list(port["status"]) == ["skipped", "skipped", "skipped", "failed"]
    assert port.set_index("client").loc["Alpha MSP", "readiness"] == first["portfolio"].set_index(
        "client").loc["Alpha MSP", "readiness"]


def test_force_reruns_every_client_and_resume_runs_only_what_is_stale(first, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(first["out"], out)  # copy2 keeps modification times, so the copy is as fresh as the original
    ran: list[list[str]] = []

    def fake_pool(jobs, workers, settle):  # records what would run; no kernel
        ran.append([j["slug"] for j in jobs])
        for j in jobs:
            settle({**j["row"], "status": "ok", "attempts": 1, "report_path": f"{j['slug']}/report.html"})

    monkeypatch.setattr(batch, "_run_pool", fake_pool)
    run_batch(first["manifest"], out, workers=2, as_of=AS_OF, show_bar=False, stream=io.StringIO())
    assert ran[-1] == ["delta-support"]
    run_batch(first["manifest"], out, workers=2, as_of=AS_OF, force=True, show_bar=False, stream=io.StringIO())
    assert ran[-1] == ["alpha-msp", slugify(HOSTILE), "garbage-co", "delta-support"]
    # An edited export file makes its client stale; so does a different --as-of.
    future = time.time() + 60
    os.utime(first["base"] / "exports" / "alpha" / "Tickets.csv", (future, future))
    try:
        run_batch(first["manifest"], out, workers=2, as_of=AS_OF, show_bar=False, stream=io.StringIO())
        assert ran[-1] == ["alpha-msp", "delta-support"]
    finally:
        _old([first["base"] / "exports" / "alpha" / "Tickets.csv"])
    # A decision saved in the explorer after the last run makes that client stale too.
    (out / "alpha-msp" / "decisions.csv").write_text("contract_id,contract_name,decision,rebuild_as,note,decided_at\n")
    run_batch(first["manifest"], out, workers=2, as_of=AS_OF, show_bar=False, stream=io.StringIO())
    assert ran[-1] == ["alpha-msp", "delta-support"]
    run_batch(first["manifest"], out, workers=2, as_of="2025-05-31", show_bar=False, stream=io.StringIO())
    assert len(ran[-1]) == 4


def test_explorer_files_are_carried_into_the_new_run(tmp_path):
    final, tmp = tmp_path / "out" / "alpha-msp", tmp_path / "out" / ".tmp-alpha-msp-1"
    final.mkdir(parents=True)
    (final / "decisions.csv").write_text("contract_id,decision\n1,keep\n")
    (final / "suppressions.yaml").write_text("version: 1\nmutes: []\n")
    (final / "report.html").write_text("old")
    worker._carry_client_files(final, tmp, "Alpha MSP")
    assert sorted(p.name for p in (tmp / "alpha-msp").iterdir()) == ["decisions.csv", "suppressions.yaml"]


# ------------------------------------------------------------------------------------ inputs and exit codes


def test_folder_input_names_clients_and_keeps_slugs_unique(tmp_path):
    src = tmp_path / "exports"
    write_export(src / "acme", "Acme IT")
    write_export(src / "acme-copy", "ACME it")  # same slug as Acme IT
    write_export(src / "zulu")  # no client.yaml: the folder name
    (src / ".hidden").mkdir()
    (src / "_notes").mkdir()
    write_export(src / "out")  # the batch's own output folder inside INPUT is not a client
    clients = read_input(src, out=src / "out")
    assert [(c.name, c.slug) for c in clients] == [("Acme IT", "acme-it"), ("ACME it", "acme-it-2"),
                                                   ("zulu", "zulu")]
    assert all(c.export.is_absolute() and c.problem == "" for c in clients)
    with pytest.raises(BatchInputError, match="single export"):
        read_input(src / "acme")


def test_yaml_manifest_paths_are_relative_to_the_manifest(tmp_path):
    write_export(tmp_path / "data" / "one", "One Ltd")
    (tmp_path / "data" / "one.yaml").write_text("version: 1\nmutes: []\n", encoding="utf-8")
    man = tmp_path / "data" / "batch.yaml"
    man.write_text("clients:\n  - export: one\n    suppress: one.yaml\n  - client: Two\n    export: missing\n",
                   encoding="utf-8")
    one, two = read_input(man)
    assert (one.name, one.export, one.suppress) == ("One Ltd", (tmp_path / "data" / "one").resolve(),
                                                    (tmp_path / "data" / "one.yaml").resolve())
    assert two.name == "Two" and "export folder not found" in two.problem
    (tmp_path / "bad.yaml").write_text("clients: [1, 2\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match="not valid YAML"):
        read_input(tmp_path / "bad.yaml")
    (tmp_path / "bad.csv").write_text("name,path\nx,y\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match="'export' column"):
        read_input(tmp_path / "bad.csv")


def test_exit_code_2_when_nothing_can_run(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert batch_command(str(tmp_path / "empty"), str(tmp_path / "o1")) == 2
    assert pd.read_csv(tmp_path / "o1" / "ledger.csv").empty
    assert batch_command(str(tmp_path / "nowhere"), str(tmp_path / "o2")) == 2
    write_export(tmp_path / "ex" / "a", "A")
    assert batch_command(str(tmp_path / "ex"), str(tmp_path / "o3"), as_of="30/06/2025") == 2
    assert batch_command(str(tmp_path / "ex"), str(tmp_path / "o3"), workers=0) == 2
    man = tmp_path / "m.csv"
    man.write_text("client,export\nGone One,gone1\nGone Two,gone2\n", encoding="utf-8")
    assert batch_command(str(man), str(tmp_path / "o4")) == 2
    port = pd.read_csv(tmp_path / "o4" / "portfolio.csv", dtype="string", keep_default_na=False)
    led = pd.read_csv(tmp_path / "o4" / "ledger.csv", dtype="string", keep_default_na=False)
    assert list(port["client"]) == ["Gone One", "Gone Two"] and set(port["status"]) == {"failed"}
    assert set(port["readiness"]) == {"Unknown"}
    assert led["error"].str.contains("export folder not found").all()
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err and "--workers" in err


def test_exit_code_rules():
    def ledger(*pairs):
        return pd.DataFrame([{"status": s, "stage": g} for s, g in pairs])

    assert batch._exit_code(ledger()) == 2
    assert batch._exit_code(ledger(("ok", ""), ("skipped", ""))) == 0
    assert batch._exit_code(ledger(("ok", ""), ("failed", "notebook"))) == 1
    assert batch._exit_code(ledger(("failed", "input"), ("failed", "kernel"))) == 2
    assert batch._exit_code(ledger(("failed", "input"), ("failed", "notebook"))) == 1  # a notebook did run
    assert batch._exit_code(ledger(("skipped", ""), ("failed", "input"))) == 1


# ----------------------------------------------------------------- one client in-process (stand-in builder)


def _fake_outputs(folder: Path, error_cell: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "findings.csv").write_text("finding_id,severity,status,muted\nx,blocker,FAIL,False\n", encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps({"readiness": "Not ready", "score": 50, "coverage": 90,
                                                     "counts": {"FAIL": 1, "REVIEW": 0},
                                                     "effort": {"weeks_low": 2, "weeks_high": 3}}), encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    ok = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["audit"]})
    bad = nbformat.v4.new_code_cell("present.contract_map(result)", metadata={"tags": ["contract-map"]})
    if error_cell:
        bad.outputs = [nbformat.v4.new_output("error", ename="KeyError", evalue="'halo_target'", traceback=[])]
    nb.cells = [nbformat.v4.new_markdown_cell("banner"), ok, bad]
    nbformat.write(nb, str(folder / "report.ipynb"))
    (folder / "workbook.xlsx").write_bytes(b"PK stand-in")
    if not error_cell:
        (folder / "report.html").write_text("<html>new</html>", encoding="utf-8")
        (folder / "report.pdf").write_bytes(b"%PDF-1.7 new")


def _job(tmp_path: Path, slug: str = "acme-it") -> dict:
    export = write_export(tmp_path / "ex", "Acme IT")
    return {"name": "Acme IT", "slug": slug, "export": str(export), "suppress": None, "out": str(tmp_path / "out"),
            "as_of": AS_OF, "pdf": True}


def test_kernel_start_failure_is_retried_once(tmp_path, monkeypatch):
    calls = []

    def flaky(export_dir, out, as_of=None, client=None, suppress=None, pdf=True, **kw):
        calls.append(out)
        if len(calls) == 1:
            (Path(out) / slugify(client)).mkdir(parents=True)  # half-made folder of the failed try
            try:
                raise RuntimeError("Kernel died before replying to kernel_info")
            except RuntimeError as exc:
                raise ReportError("the report notebook could not run", ename="RuntimeError", evalue=str(exc)) from exc
        _fake_outputs(Path(out) / slugify(client))
        return {}

    monkeypatch.setattr("readiness.report.build_report", flaky)
    row = worker.run_client(_job(tmp_path))
    assert (row["status"], row["attempts"], row["error"]) == ("ok", 2, "")
    assert row["report_path"] == "acme-it/report.pdf"
    assert (tmp_path / "out" / "acme-it" / "report.pdf").read_bytes() == b"%PDF-1.7 new"
    assert not list((tmp_path / "out").glob(".tmp-*"))
    assert (tmp_path / "out" / "_logs" / "acme-it.log").is_file()


def test_notebook_failure_keeps_the_previous_report_and_records_the_partial_notebook(tmp_path, monkeypatch):
    previous = tmp_path / "out" / "acme-it"
    previous.mkdir(parents=True)
    (previous / "report.html").write_text("<html>last week</html>", encoding="utf-8")

    def failing(export_dir, out, as_of=None, client=None, suppress=None, pdf=True, **kw):
        folder = Path(out) / slugify(client)
        _fake_outputs(folder, error_cell=True)
        raise ReportError(f"the report notebook failed (partial notebook: {folder / 'report.ipynb'})",
                          notebook_path=folder / "report.ipynb", cell_index=1, cell_label="cell 1 [contract-map]",
                          ename="KeyError", evalue="'halo_target'")

    monkeypatch.setattr("readiness.report.build_report", failing)
    row = worker.run_client(_job(tmp_path))
    assert row["status"] == "failed" and row["attempts"] == 1  # a failing cell is not retried
    assert row["error"] == "ReportError: KeyError: 'halo_target'"
    assert row["failing_cell"] == "cell 2 [contract-map] `present.contract_map(result)`"
    assert row["partial_notebook"] == "_failed/acme-it/report.ipynb"
    assert (tmp_path / "out" / row["partial_notebook"]).is_file()
    assert (previous / "report.html").read_text(encoding="utf-8") == "<html>last week</html>"
    assert not list((tmp_path / "out").glob(".tmp-*"))


def test_startup_failures_are_told_apart_from_notebook_failures():
    class CellTimeoutError(TimeoutError):
        pass

    def wrapped(cause, **kw):
        try:
            raise cause
        except Exception as exc:
            try:
                raise ReportError("could not run", **kw) from exc
            except ReportError as outer:
                return outer

    assert worker.is_startup_failure(wrapped(RuntimeError("Kernel didn't respond in 60 seconds")))
    assert worker.is_startup_failure(wrapped(OSError("zmq.error.ZMQError: Address already in use")))
    assert worker.is_startup_failure(wrapped(TimeoutError("timed out waiting for kernel")))
    assert not worker.is_startup_failure(wrapped(CellTimeoutError("cell timed out")))
    assert not worker.is_startup_failure(wrapped(KeyError("x"), cell_index=4, ename="KeyError"))
    assert not worker.is_startup_failure(ValueError("bad data"))


def test_stale_temporary_folders_are_removed_and_replace_dir_swaps_whole_folders(tmp_path):
    out = tmp_path / "out"
    dead = out / ".tmp-acme-it-999999999"
    (dead / "acme-it").mkdir(parents=True)
    (dead / "acme-it" / "report.html").write_text("half", encoding="utf-8")
    alive = out / f".tmp-beta-{os.getpid()}"
    alive.mkdir()
    batch._remove_stale_tmp(out)
    assert not dead.exists() and alive.exists()
    src, dest = tmp_path / "new", out / "acme-it"
    src.mkdir()
    (src / "a.txt").write_text("new", encoding="utf-8")
    dest.mkdir()
    (dest / "old.txt").write_text("old", encoding="utf-8")
    worker.replace_dir(src, dest)
    assert sorted(p.name for p in dest.iterdir()) == ["a.txt"] and not src.exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".tmp-old")] == []


def test_chart_survives_names_matplotlib_would_parse():
    frame = pd.DataFrame({"client": ["$\\frac{", "Plain", "x" * 80], "readiness": ["Ready", "Unknown", "Not ready"],
                          "score": pd.array([80.0, None, 10.0], dtype="Float64")})
    png = pf.readiness_chart(frame)
    assert len(png) > 1000
    from matplotlib.text import Text

    for name in ("$\\frac{", "C:\\Clients\\$5 deals", "a\\$b $x$"):  # the label shows the name as written
        assert Text(text=pf._chart_label(name))._preprocess_math(pf._chart_label(name)) == (name, False)
    many = pd.DataFrame({"client": [f"c{i}" for i in range(60)], "readiness": ["Ready"] * 60,
                         "score": pd.array([50.0] * 60, dtype="Float64")})
    assert len(pf.readiness_chart(many)) > 1000


def test_chart_does_not_load_pyplot():
    # A fresh interpreter: another test in this session may already have imported pyplot.
    code = textwrap.dedent('''
        import sys
        import pandas as pd
        from readiness.batch import portfolio as pf
        frame = pd.DataFrame({"client": ["A"], "readiness": ["Ready"], "score": pd.array([70.0], dtype="Float64")})
        assert len(pf.readiness_chart(frame)) > 1000
        assert "matplotlib.pyplot" not in sys.modules
    ''')
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_folder_input_skips_subfolders_without_export_files(tmp_path):
    write_export(tmp_path / "in" / "alpha")
    (tmp_path / "in" / "reconcile").mkdir()
    (tmp_path / "in" / "reconcile" / "halo_invoice_lines.csv").write_text("client_name\nA\n")
    assert [c.export.name for c in read_input(tmp_path / "in")] == ["alpha"]


# ------------------------------------------------------------------------- load failures name the file


def test_a_suppressions_file_that_is_not_utf8_is_named_in_the_ledger(tmp_path):
    job = _job(tmp_path)
    supp = tmp_path / "mutes.yaml"
    supp.write_bytes("version: 1\nmutes:\n  - rule: x\n    reason: 'caf\u00e9'\n".encode("cp1252"))
    row = worker.run_client({**job, "suppress": str(supp)})  # fails while loading, before any kernel starts
    assert row["status"] == "failed" and row["stage"] == "input"
    assert row["error"].startswith(f"SuppressionError: {supp}: not valid YAML ('utf-8' codec can't decode"), \
        row["error"]


def test_an_error_raised_while_reading_an_export_file_names_it(tmp_path, monkeypatch):
    job = _job(tmp_path)
    (Path(job["export"]) / "fields").mkdir()
    (Path(job["export"]) / "fields" / "Contracts.json").write_bytes(b'{"fields": "\xe9"}')

    def read_table(path: Path):
        return path.read_bytes().decode("utf-8")

    def building(export_dir, out, **kw):  # stands in for a loader that lets a decoding error escape
        read_table(Path(export_dir) / "fields" / "Contracts.json")

    monkeypatch.setattr("readiness.report.build_report", building)
    row = worker.run_client(job)
    assert row["stage"] == "input"
    assert row["error"].startswith("UnicodeDecodeError: reading fields/Contracts.json: 'utf-8' codec"), row["error"]


def test_errors_that_name_no_input_file_are_left_as_they_are(tmp_path, monkeypatch):
    def building(export_dir, out, **kw):
        path = Path(out) / "scratch.txt"  # a file, but not one of the client's inputs
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        raise ValueError("bad data")

    monkeypatch.setattr("readiness.report.build_report", building)
    row = worker.run_client(_job(tmp_path))
    assert (row["error"], row["stage"]) == ("ValueError: bad data", "other")
    err = ValueError("bad data")
    err.add_note("while loading Contracts.csv")
    assert worker.describe_error(err) == "ValueError: bad data (while loading Contracts.csv)"


# ------------------------------------------------------------------------------------------ Ctrl-C


def test_after_ctrl_c_a_worker_starts_no_further_client(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "_interrupted", True)
    monkeypatch.setattr("readiness.report.build_report", lambda *a, **kw: pytest.fail("a client was started"))
    row = worker.run_client(_job(tmp_path))
    assert row["status"] == "interrupted" and row["error"].startswith("KeyboardInterrupt:")
    assert not (tmp_path / "out" / "acme-it").exists()


def test_interrupted_batch_counts_clients_whose_outputs_landed_as_ok(tmp_path, monkeypatch):
    src = tmp_path / "in"
    for name in ("Alpha", "Bravo", "Charlie", "Delta"):
        write_export(src / name.lower(), name)
    _old([src])
    out = tmp_path / "out"

    def outputs(folder: Path) -> None:
        _fake_outputs(folder)
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        (folder / "summary.json").write_text(json.dumps({**summary, "as_of": AS_OF}), encoding="utf-8")

    outputs(out / "delta")  # complete, but from an earlier run: not this batch's work
    past = time.time() - 60
    for f in (out / "delta").iterdir():
        os.utime(f, (past, past))

    def interrupted_pool(jobs, workers, settle):
        settle({**jobs[0]["row"], "status": "ok", "attempts": 1, "report_path": "alpha/report.pdf"})
        outputs(out / "bravo")  # finished while the pool was stopping; its row never came back
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "_run_pool", interrupted_pool)
    result = run_batch(src, out, workers=2, as_of=AS_OF, force=True, show_bar=False, stream=io.StringIO())
    led = result.ledger.set_index("client")
    assert result.exit_code == 130
    assert led["status"].to_dict() == {"Alpha": "ok", "Bravo": "ok", "Charlie": "interrupted", "Delta": "interrupted"}
    assert led.loc["Bravo", "report_path"] == "bravo/report.pdf" and led.loc["Bravo", "error"] == ""
    assert led.loc["Charlie", "error"].startswith("KeyboardInterrupt:")
    assert list(result.portfolio["status"]) == list(result.ledger["status"])
    assert result.portfolio.set_index("client").loc["Charlie", "readiness"] == "Unknown"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "2 not finished (the batch was stopped)" in index and 'class="status-interrupted"' in index


def _interrupted_batch(tmp_path, target):
    """Run a 3-client batch, send it SIGINT after its first client is done; returns (out, proc, stderr)."""
    src = tmp_path / "in"
    for i in range(3):
        write_export(src / f"c{i}", f"Client {i}")
    _old([src])
    out = tmp_path / "out"
    # A shell runs a background job (`make test &`) with SIGINT ignored, and a child inherits that: the batch
    # starts with SIGINT as a terminal's foreground program has it, its default.
    proc = subprocess.Popen([sys.executable, "-m", "readiness.cli", "batch", str(src), "--out", str(out),
                             "--workers", "1", "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first_line = proc.stdout.readline()  # not a terminal: one line per client as it settles
        assert first_line.startswith("[1/3] Client 0: ok"), first_line
        if target == "process group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return out, proc, stderr


@pytest.mark.slow
@pytest.mark.parametrize("target", ["process group", "batch process"])
def test_ctrl_c_during_a_real_batch_keeps_finished_clients_done(tmp_path, target):
    """`readiness batch` is sent SIGINT once its first client has finished: as Ctrl-C at a terminal sends it (to
    the whole process group, pool workers included), or as `kill -INT` sends it (to the batch process only)."""
    out, proc, stderr = _interrupted_batch(tmp_path, target)
    assert proc.returncode == 130, stderr
    time.sleep(1)  # a worker left running would go on writing client folders
    led = pd.read_csv(out / "ledger.csv", dtype="string", keep_default_na=False)
    for rec in led.to_dict("records"):  # done in the ledger exactly when its outputs are in place
        complete = all((out / rec["slug"] / f).is_file() for f in ("findings.csv", "summary.json", "report.html"))
        assert complete == (rec["status"] == "ok"), rec
        assert (rec["report_path"] != "") == complete
    assert led.loc[0, "status"] == "ok"
    assert set(led["status"]) <= {"ok", "interrupted"}, led[["client", "status", "error"]]
    assert "interrupted" in set(led["status"])
    assert not list(out.glob(".tmp-*"))
    port = pd.read_csv(out / "portfolio.csv", dtype="string", keep_default_na=False)
    assert list(port["status"]) == list(led["status"])


def test_a_changed_profile_or_a_missing_workbook_makes_a_client_out_of_date(tmp_path):
    """The profile brands and prices the report, and the workbook is one of the outputs: either makes a re-run."""
    from readiness.batch.worker import is_up_to_date

    export = write_export(tmp_path / "in" / "alpha", "Alpha")
    profile = tmp_path / "profile.yaml"
    profile.write_text("name: Kinetic\n", encoding="utf-8")
    past = time.time() - 120
    for f in [*export.rglob("*"), profile]:
        os.utime(f, (past, past))
    folder = tmp_path / "out" / "alpha"
    _fake_outputs(folder)
    assert is_up_to_date(folder, export, profile=profile, pdf=False)
    profile.write_text("name: Kinetic Migrations\n", encoding="utf-8")  # edited after the run
    assert not is_up_to_date(folder, export, profile=profile, pdf=False)
    os.utime(profile, (past, past))
    (folder / "workbook.xlsx").unlink()
    assert not is_up_to_date(folder, export, profile=profile, pdf=False)
