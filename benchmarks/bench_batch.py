"""Batch wall time for N small clients with 1 and with 2 workers (not part of `make test`).

Generates N sample exports once (`readiness.synth`, size small, seeds 1..N, cached under benchmarks/data/), then
for each worker count runs `run_batch` into a fresh output folder (every client really runs: kernel, HTML, PDF)
and finally runs the last configuration again to time a resume where every client is up to date. Prints a table
and writes benchmarks/results/batch.json.

    python benchmarks/bench_batch.py                      # 8 clients, 1 and 2 workers, with PDFs
    python benchmarks/bench_batch.py --clients 4 --workers 2 --no-pdf
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2025-06-30"


def exports(n: int, size: str) -> Path:
    """Folder of n sample exports (cached); returns it."""
    from readiness.synth import generate

    root = HERE / "data" / f"batch-{size}-{n}"
    for i in range(1, n + 1):
        folder = root / f"client-{i:02d}"
        if not (folder / "client.yaml").is_file():
            generate(folder, size=size, seed=i, client_name=f"Bench Client {i:02d}")
    return root


def load() -> float | None:
    """1-minute load average (other work on the machine skews the timings)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def run(root: Path, out: Path, workers: int, pdf: bool) -> dict:
    """One timed batch; returns wall seconds, per-client seconds and statuses."""
    from readiness.batch import run_batch

    load_before = load()
    t0 = time.perf_counter()
    result = run_batch(root, out, workers=workers, as_of=AS_OF, pdf=pdf, show_bar=False, stream=io.StringIO())
    wall = time.perf_counter() - t0
    led = result.ledger
    ran = led[led["status"].ne("skipped")]
    secs = dict(zip(ran["slug"], ran["seconds"].astype(float)))
    steps = {}
    for step in ("audit", "notebook", "html", "pdf"):
        vals = [t[step] for t in result.timings.values() if step in t]
        if vals:
            steps[step] = round(statistics.median(vals), 2)
    # Time in the worker outside build_report's steps: imports on a worker's first client, moving folders.
    other = [secs[s] - sum(t.values()) for s, t in result.timings.items() if s in secs]
    if other:
        steps["other_median"] = round(statistics.median(other), 2)
        steps["other_max"] = round(max(other), 2)
    return {"workers": workers, "wall_s": round(wall, 1), "clients": len(led),
            "status": led["status"].value_counts().to_dict(),
            "client_s_median": round(statistics.median(secs.values()), 1) if secs else None,
            "client_s_max": round(max(secs.values()), 1) if secs else None,
            "step_s_median": steps, "load_before": load_before, "load_after": load()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--size", default="small", choices=["small", "medium", "large"])
    ap.add_argument("--no-pdf", dest="pdf", action="store_false")
    args = ap.parse_args()

    root = exports(args.clients, args.size)
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        for w in args.workers:
            out = Path(tmp) / f"out-{w}"
            runs.append({"case": f"{args.clients} clients, {w} worker(s)", **run(root, out, w, args.pdf)})
            print(f"{runs[-1]['case']:<28} {runs[-1]['wall_s']:>7.1f} s   statuses {runs[-1]['status']}", flush=True)
        resume = {"case": f"resume, {args.clients} up to date", **run(root, out, args.workers[-1], args.pdf)}
        runs.append(resume)
        print(f"{resume['case']:<28} {resume['wall_s']:>7.1f} s   statuses {resume['status']}", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)

    base = next((r for r in runs if r["workers"] == 1 and "resume" not in r["case"]), None)
    if base:
        for r in runs:
            if "resume" not in r["case"]:
                r["speed_up_vs_1"] = round(base["wall_s"] / r["wall_s"], 2)
    print()
    print(f"{'case':<28} {'wall s':>7} {'per client (median)':>20} {'speed-up':>9} {'load before/after':>18}")
    for r in runs:
        print(f"{r['case']:<28} {r['wall_s']:>7.1f} {str(r['client_s_median'] or '-'):>20} "
              f"{str(r.get('speed_up_vs_1', '-')):>9} {str(r['load_before']) + ' / ' + str(r['load_after']):>18}")
        if r["step_s_median"]:
            print(f"{'':<28} steps (median s): " + ", ".join(f"{k} {v}" for k, v in r["step_s_median"].items()))
    result = {"measured": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": {
        "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "size": args.size, "pdf": args.pdf, "as_of": AS_OF, "runs": runs}
    dest = HERE / "results" / "batch.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {dest}")


if __name__ == "__main__":  # required: the batch's worker processes are spawned and re-import this module
    main()
