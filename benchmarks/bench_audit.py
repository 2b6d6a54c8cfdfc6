"""Audit cost against the cost of just reading the export: `make bench` (not part of `make test`).

For each size it generates the sample export once (cached under benchmarks/data/), then, in fresh processes on
the same files:
  (a) a bare pyarrow read of every CSV file (the floor: what reading the export costs at all),
  (b) the whole `readiness audit` command,
  (c) the audit again in-process with a per-stage breakdown (load: read / type / validate, each rule, write).
(a) and (b) run alternately `--repeat` times (default 5), because a shared machine's timings move by tens of
percent between runs: the table shows the best run of each, the ratio of the medians (one lucky run cannot
move it) and, in brackets, the ratio of the bests; the JSON keeps every run. "CPU audit/read" is the ratio of
the medians of CPU seconds (user + kernel), the work each side did whatever the machine's wall-clock mood.
Peak memory is the max RSS of each child process. Results are written to
benchmarks/results/audit-<size>.json.

    python benchmarks/bench_audit.py                 # medium and large
    python benchmarks/bench_audit.py --sizes medium  # one size
    python benchmarks/bench_audit.py --sizes medium --shape grid-csv  # an export from Autotask's grids
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BARE_READ = """
import sys, pathlib, pyarrow.csv as c
rows = 0
for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')):
    rows += c.read_csv(p).num_rows
print(rows)
"""
STAGES = """
import json, sys, time, tempfile
t0 = time.perf_counter()
from readiness.loader import load_export
from readiness.rules import lean_columns
from readiness.rules import run_rules, RULES
from readiness.audit import run_audit, write_outputs
t_import = time.perf_counter() - t0
t0 = time.perf_counter(); export = load_export(sys.argv[1], lean=lean_columns()); t_load = time.perf_counter() - t0
as_of = export.newest_date()
rules = {}
for rid in RULES:
    t0 = time.perf_counter(); run_rules(export, as_of, only=[rid]); rules[rid] = time.perf_counter() - t0
t0 = time.perf_counter(); result = run_audit(export); t_audit = time.perf_counter() - t0
t0 = time.perf_counter(); write_outputs(result, tempfile.mkdtemp()); t_write = time.perf_counter() - t0
print(json.dumps({"import": t_import, "load": t_load, "load_stages": export.timings, "rules": rules,
                  "audit_after_load": t_audit, "write": t_write,
                  "rows": int(export.ledger["read"].sum()), "findings": int(len(result.findings))}))
"""


GENERATE = """
import sys
from readiness.synth import generate
generate(sys.argv[1], size=sys.argv[2], seed=int(sys.argv[3]), shape=sys.argv[4])
"""

# Every child reports its own peak RSS on exit, so one step's memory is never mixed up with another's.
# It also reports its CPU seconds, user and kernel apart: on a virtual machine the kernel's share (mostly the
# page faults of memory the process touches for the first time) moves a run by a second or more.
PEAK = ("import atexit, resource, sys\n"
        "def _report():\n"
        "    r = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    sys.stderr.write('\\npeak_rss_kb=%d user_s=%.3f sys_s=%.3f\\n' % (r.ru_maxrss, r.ru_utime, r.ru_stime))\n"
        "atexit.register(_report)\n")
AUDIT_CLI = "from readiness.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def run_child(code: str, *args: str) -> tuple[float, float, str, dict]:
    """Run `code` in a fresh Python with `args`.

    Returns wall seconds, its peak RSS in MB, its stdout, and its CPU seconds {"user", "sys"}."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK + code, *args], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in reversed(proc.stderr.splitlines()) if ln.startswith("peak_rss_kb="))  # from PEAK
    report = {key: float(value) for key, value in (kv.split("=") for kv in line.split())}
    return wall, report["peak_rss_kb"] / 1024, proc.stdout, {"user": report["user_s"], "sys": report["sys_s"]}


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def bench(size: str, seed: int, data: Path, repeat: int = 5, shape: str = "rest-csv") -> dict:
    folder = data / (f"{size}-{seed}" if shape == "rest-csv" else f"{size}-{shape.removesuffix('-csv')}-{seed}")
    generated = None
    if not (folder / "Contracts.csv").exists():
        # generated in a child process: Linux carries a parent's peak RSS into the children it starts, so a big
        # generator in this process would inflate every peak measured below
        shutil.rmtree(folder, ignore_errors=True)
        generated, *_ = run_child(GENERATE, str(folder), size, str(seed), shape)
    reads, audits = [], []
    for _ in range(repeat):  # alternate, so a slow spell on the machine hits both sides alike
        reads.append(run_child(BARE_READ, str(folder)))
        with tempfile.TemporaryDirectory() as out:
            audits.append(run_child(AUDIT_CLI, "audit", str(folder), "--out", out))
    _, _, stages, _ = run_child(STAGES, str(folder))
    size_mb = disk_mb(folder)
    read_wall, audit_wall = min(r[0] for r in reads), min(a[0] for a in audits)
    read_rss, audit_rss = max(r[1] for r in reads), max(a[1] for a in audits)
    return {"size": size, "shape": shape, "seed": seed, "on_disk_mb": round(size_mb, 1), "rows": int(reads[0][2].strip()),
            "generate_s": None if generated is None else round(generated, 1), "repeat": repeat,
            "bare_read_s": round(read_wall, 2), "bare_read_runs_s": [round(r[0], 2) for r in reads],
            "bare_read_peak_mb": round(read_rss),
            "audit_s": round(audit_wall, 2), "audit_runs_s": [round(a[0], 2) for a in audits],
            "audit_peak_mb": round(audit_rss),
            "audit_over_read": round(audit_wall / read_wall, 2),
            "audit_over_read_median": round(statistics.median(a[0] for a in audits)
                                            / statistics.median(r[0] for r in reads), 2),
            "audit_peak_over_disk": round(audit_rss / size_mb, 2),
            "bare_read_cpu_runs_s": [r[3] for r in reads], "audit_cpu_runs_s": [a[3] for a in audits],
            "cpu_audit_over_read_median": round(statistics.median(a[3]["user"] + a[3]["sys"] for a in audits)
                                                / statistics.median(r[3]["user"] + r[3]["sys"] for r in reads), 2),
            "stages": json.loads(stages)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["medium", "large"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5, help="runs of the bare read and of the audit (default 5)")
    ap.add_argument("--shape", default="rest-csv", choices=["rest-csv", "grid-csv"],
                    help="export shape (default rest-csv, the REST API's field names)")
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--results", type=Path, default=HERE / "results")
    args = ap.parse_args()
    args.results.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"best of {args.repeat} runs each")
    print("| size | on disk MB | rows | bare read s | audit s | audit/read median (bests) | CPU audit/read | read peak MB "
          "| audit peak MB | peak/disk |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        r = bench(size, args.seed, args.data, args.repeat, args.shape)
        suffix = "" if args.shape == "rest-csv" else "-" + args.shape.removesuffix("-csv")
        (args.results / f"audit-{size}{suffix}.json").write_text(json.dumps(r, indent=2))
        print(f"| {size} | {r['on_disk_mb']} | {r['rows']:,} | {r['bare_read_s']} | {r['audit_s']} | "
              f"{r['audit_over_read_median']} ({r['audit_over_read']}) | {r['cpu_audit_over_read_median']} | "
              f"{r['bare_read_peak_mb']} | "
              f"{r['audit_peak_mb']} | {r['audit_peak_over_disk']} |")
        st = r["stages"]
        slowest = sorted(st["rules"].items(), key=lambda kv: -kv[1])[:5]
        print(f"  stages: import {st['import']:.2f}s, load {st['load']:.2f}s "
              f"({', '.join(f'{k} {v:.2f}s' for k, v in st['load_stages'].items())}), "
              f"rules+score {st['audit_after_load']:.2f}s, write {st['write']:.2f}s; slowest rules: "
              + ", ".join(f"{k} {v:.2f}s" for k, v in slowest))


if __name__ == "__main__":
    main()
