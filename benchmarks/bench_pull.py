"""What a pull costs: `python benchmarks/bench_pull.py` (part of `make bench`, not of `make test`).

For each size it writes the synthetic tenant as REST JSON (cached under benchmarks/data/), serves it from the
local Autotask test server (tests/fake_autotask.py: 500 records a page, Autotask's documented limits) and runs
`readiness pull` against it in a child process, as a consultant would. It reports the requests the pull made
(what counts against the tenant's 10,000 an hour), the wall time, the records written and the child's peak
memory, and writes benchmarks/results/pull-<size>.json.

The wall time is the local server's; against Autotask every request also waits for Autotask's answer (longer
past half the hourly threshold, when Autotask adds latency), so against a real tenant the request count, not this
wall time, is the figure to plan with.

    python benchmarks/bench_pull.py                  # medium, large, large limited to two years
    python benchmarks/bench_pull.py --cases medium
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fake_autotask import FakeAutotask, records_from_folder  # noqa: E402

from readiness.synth import generate  # noqa: E402

USER, SECRET, CODE = "bench@msp.example", "bench-Secret-1", "BENCH-CODE"
# The pull in a child that reports its own peak memory: VmHWM, which starts afresh at exec (ru_maxrss would count
# the pages of the server process it was forked from).
CHILD = """
import re, sys
from readiness.cli import main
code = main(sys.argv[1:])
hwm = re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())
print("PEAK_RSS_KB", hwm.group(1) if hwm else 0, file=sys.stderr)
sys.exit(code)
"""
# (size, extra pull options): the whole tenant, and the large one limited to the two years before its export date.
CASES = {"medium": [], "large": [], "large-2y": ["--since", "2023-07-01"]}


def tenant(size: str) -> Path:
    folder = HERE / "data" / f"{size}-json"
    if not (folder / "Companies.json").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, size=size, seed=1, shape="json")
    return folder


def bench(case: str, workers: int) -> dict:
    size, options = case.split("-")[0], CASES[case]
    records, fields = records_from_folder(tenant(size))
    total = sum(len(v) for v in records.values())
    out = Path(tempfile.mkdtemp(prefix=f"pull-{size}-")) / "tenant"
    env = {**os.environ, "AUTOTASK_API_USER": USER, "AUTOTASK_API_SECRET": SECRET,
           "AUTOTASK_API_INTEGRATION_CODE": CODE}
    # The threshold is lifted so the whole large tenant can be timed in one go; its budget line shows what a real
    # tenant's hour allows.
    with FakeAutotask(records, fields=fields, user=USER, secret=SECRET, integration_code=CODE,
                      threshold=1_000_000) as fake:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, "pull", str(out), "--api-url", fake.url,
                               "--workers", str(workers), *options], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"pull failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    record = json.loads((out / "pull.json").read_text())
    written = sum(e["records_written"] for e in record["entities"].values())
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    result = {"case": case, "options": options, "workers": workers, "records_served": total, "records_written": written,
              "requests": record["requests_made"], "planned_requests": record["planned_requests"],
              "wall_s": round(wall, 1), "folder_mb": round(size_mb, 1),
              "peak_rss_mb": round(int(proc.stderr.rsplit("PEAK_RSS_KB", 1)[1].split()[0]) / 1024, 1),
              "biggest": sorted(((n, e["records_written"], e["requests"]) for n, e in record["entities"].items()),
                                key=lambda x: -x[2])[:5]}
    shutil.rmtree(out.parent, ignore_errors=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args()
    (HERE / "results").mkdir(exist_ok=True)
    print(f"{'case':<9} {'records':>10} {'requests':>9} {'wall s':>7} {'MB':>7} {'peak MB':>8}")
    for case in args.cases.split(","):
        r = bench(case.strip(), args.workers)
        (HERE / "results" / f"pull-{r['case']}.json").write_text(json.dumps(r, indent=1) + "\n")
        print(f"{r['case']:<9} {r['records_written']:>10,} {r['requests']:>9,} {r['wall_s']:>7} "
              f"{r['folder_mb']:>7} {r['peak_rss_mb']:>8}")


if __name__ == "__main__":
    main()
