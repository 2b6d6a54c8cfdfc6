"""The command line as a consultant meets it: --version, help on every option, a file where a folder is expected,
synth refusing a non-empty folder, the exit codes (3: audited but Unknown) and progress stages on stderr."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys

import pytest

from readiness import __version__, config
from readiness.cli import _parser, _path_problem, main
from readiness.progress import QUIET, Progress

SAMPLE = config.DEFAULT_SAMPLE


def cli(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "readiness.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


@pytest.fixture
def unknown_export(tmp_path):
    """An export the audit cannot judge: only a Companies.csv header."""
    folder = tmp_path / "bare"
    folder.mkdir()
    (folder / "Companies.csv").write_text("id,companyName\n", encoding="utf-8")
    return folder


# --- version and help ----------------------------------------------------------------------------------------

def test_version():
    run = cli("--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"readiness {__version__}"


def test_help_documents_the_exit_codes():
    text = _parser().format_help()
    assert "exit codes:" in text
    for code in ("0 ", "1 ", "2 ", "3 ", "130"):
        assert f"\n  {code}" in text, code
    assert "Unknown" in text and "stderr" in text


def _parsers():
    top = _parser()
    yield "readiness", top
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sp in action.choices.items():
                yield f"readiness {name}", sp


def test_every_option_of_every_command_has_help():
    missing = []
    for name, parser in _parsers():
        for action in parser._actions:
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name}: {action.option_strings or action.dest}")
            if isinstance(action, argparse._SubParsersAction):
                missing += [f"{name} {a.dest}" for a in action._choices_actions if not a.help]
    assert not missing, missing


def test_every_out_option_names_a_folder():
    for name, parser in _parsers():
        for action in parser._actions:
            if "--out" in action.option_strings:
                assert action.metavar == "OUT_DIR" and action.help.startswith("output folder"), name
    outs = {name: a for name, p in _parsers() for a in p._actions if "--out" in a.option_strings}
    for name in ("readiness audit", "readiness report", "readiness batch"):
        assert outs[name].required and "OUT/<client-slug>/" in outs[name].help
    assert not outs["readiness reconcile"].required  # reconcile keeps its default folder


def test_synth_takes_force():
    args = _parser().parse_args(["synth", "x", "--force"])
    assert args.force is True and _parser().parse_args(["synth", "x"]).force is False


# --- a file where a folder is expected -----------------------------------------------------------------------

def test_report_on_a_file_says_give_the_export_folder(tmp_path):
    (tmp_path / "README.md").write_text("# not an export\n")
    run = cli("report", "README.md", "--out", "x", cwd=tmp_path)
    assert run.returncode == 2
    assert "error: README.md is a file; give the export folder" in run.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("argv, said", [
    (["audit", "{file}", "--out", "{tmp}/o"], "is a file; give the export folder"),
    (["audit", "{sample}", "--out", "{file}"], "is a file; give an output folder"),
    (["report", "{sample}", "--out", "{file}", "--no-pdf"], "is a file; give an output folder"),
    (["batch", "{file}", "--out", "{tmp}/o"], "is a file; give the folder of export folders, or a manifest"),
    (["batch", "{tmp}", "--out", "{file}"], "is a file; give an output folder"),
    (["reconcile", "--autotask", "{file}", "--halo", "{file}"], "is a file; give the Autotask export folder"),
    (["reconcile", "--autotask", "{sample}", "--halo", "{file}", "--out", "{file}"], "is a file; give an output"),
    (["synth", "{file}"], "is a file; give the folder to write the sample export into"),
    (["pull", "{file}"], "is a file; give the folder to write the export into"),
    (["pull-halo", "{tmp}", "--url", "https://t.halopsa.com", "--period", "2025-06"], "is a folder; give the JSON"),
])
def test_a_file_where_a_folder_is_expected_is_exit_2(tmp_path, capsys, argv, said):
    notes = tmp_path / "notes.md"
    notes.write_text("not a folder\n")
    args = [a.format(file=notes, tmp=tmp_path, sample=SAMPLE) for a in argv]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert said in captured.err and captured.err.startswith("error: ")
    assert not (tmp_path / "o").exists()


def test_a_batch_manifest_file_is_still_accepted(tmp_path):
    manifest = tmp_path / "clients.csv"
    manifest.write_text("export\nacme\n")
    args = _parser().parse_args(["batch", str(manifest), "--out", str(tmp_path / "o")])
    assert _path_problem(args) is None


# --- synth refuses a folder that is not empty ------------------------------------------------------------------

def test_synth_refuses_a_non_empty_folder_unless_forced(tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    run = cli("synth", out)
    assert run.returncode == 2
    assert f"error: {out} is not empty; use --force to write into it" in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    run = cli("synth", out, "--force")
    assert run.returncode == 0, run.stderr
    assert (out / "Companies.csv").is_file() and (out / "keep.txt").read_text() == "mine\n"
    assert "wrote " in run.stdout
    assert "building the small sample" in run.stderr and "writing rest-csv files" in run.stderr


# --- exit codes and stages ---------------------------------------------------------------------------------------

def test_audit_piped_shows_stage_lines_on_stderr_and_keeps_stdout_for_the_summary(tmp_path):
    run = cli("audit", SAMPLE, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr  # the sample is judged (Not ready): not Unknown
    err = run.stderr
    assert "loading export: 34 files" in err and "loading Tickets.csv (" in err
    assert "running 37 rules" in err and "writing outputs" in err and "finished (exit code 0)" in err
    stage_lines = [line for line in err.splitlines() if line.startswith("[")]
    assert all(line[1:].split("s]", 1)[0].strip().replace(".", "").isdigit() for line in stage_lines)
    assert "Readiness:" in run.stdout and "loading" not in run.stdout and "[" not in run.stdout.splitlines()[0]


def test_an_unknown_export_is_exit_3_with_every_file_written(unknown_export, tmp_path):
    out = tmp_path / "out"
    run = cli("audit", unknown_export, "--out", out)
    assert run.returncode == 3, run.stderr
    summary = json.loads((out / "bare" / "summary.json").read_text(encoding="utf-8"))
    assert summary["readiness"] == "Unknown"
    assert (out / "bare" / "findings.csv").is_file() and "Unknown" in run.stdout
    assert "loading export: 1 file\n" in run.stderr

    run = cli("report", unknown_export, "--out", out, "--no-pdf")
    assert run.returncode == 3, run.stderr
    assert (out / "bare" / "report.html").is_file() and "Report HTML:" in run.stdout
    assert "running the report notebook" in run.stderr and "rendering HTML" in run.stderr
    assert "making the PDF" not in run.stderr


def test_library_calls_print_no_stages(unknown_export, tmp_path, capsys):
    from readiness.audit import audit_command

    assert audit_command(unknown_export, tmp_path / "out") == 3
    assert "loading" not in capsys.readouterr().err


# --- the progress module -------------------------------------------------------------------------------------------

def test_progress_piped_is_one_line_per_stage_with_optional_step_lines():
    buf = io.StringIO()
    p = Progress(stream=buf, tty=False)
    with p.stage("loading export: 2 files", total=2, each="loading {label} ({n}/{total})") as st:
        st.step("A.csv")
        st.step("B.csv")
    with p.stage("running 3 rules", total=3) as st:
        for rid in "abc":
            st.step(rid)
    p.finish(0)
    lines = [line.split("] ", 1)[1] for line in buf.getvalue().splitlines()]
    assert lines == ["loading export: 2 files", "loading A.csv (1/2)", "loading B.csv (2/2)", "running 3 rules",
                     "finished (exit code 0)"]


def test_progress_on_a_terminal_ends_each_stage_with_its_time():
    buf = io.StringIO()
    p = Progress(stream=buf, tty=True)
    with p.stage("writing outputs"):
        pass
    with pytest.raises(RuntimeError):
        with p.stage("making the PDF"):
            raise RuntimeError("no engine")
    p.finish(1)  # a terminal already saw every stage's time
    out = buf.getvalue().splitlines()
    assert out[0].startswith("writing outputs ... ") and out[0].endswith(" s")
    assert out[1] == "making the PDF ... failed" and len(out) == 2


def test_quiet_progress_prints_nothing(capsys):
    with QUIET.stage("x", total=2, each="{label}") as st:
        st.step("a")
    QUIET.finish(0)
    assert capsys.readouterr() == ("", "")
