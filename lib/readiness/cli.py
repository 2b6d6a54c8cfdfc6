"""`readiness` command line: audit, report, batch, reconcile, synth.

Each sub-command is a thin wrapper over one package function that returns the exit code, so the same work can be
called from Python, a notebook or a batch run.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="readiness", description="Autotask PSA -> HaloPSA migration readiness workbook.")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("export_dir", help="the client's Autotask export folder")
        sp.add_argument("--out", required=True, help="output folder; results go to OUT/<client-slug>/")
        sp.add_argument("--as-of", dest="as_of", help="fix 'today' (YYYY-MM-DD); default: newest date in the export")
        sp.add_argument("--client", help="client name (default: client.yaml name, else the folder name)")
        sp.add_argument("--suppress", help="suppressions YAML (muted findings with reasons)")

    a = sub.add_parser("audit", help="audit one export: findings.csv, contract_map.csv, summary.json")
    common(a)
    r = sub.add_parser("report", help="audit one export and render the client report (HTML + PDF)")
    common(r)
    r.add_argument("--no-pdf", dest="pdf", action="store_false", help="render HTML only")
    b = sub.add_parser("batch", help="reports for many clients, with a portfolio summary")
    b.add_argument("input", help="folder of export folders, or a CSV/YAML manifest")
    b.add_argument("--out", required=True)
    b.add_argument("--workers", type=int, default=None, help="parallel clients (default: number of cores)")
    b.add_argument("--as-of", dest="as_of")
    b.add_argument("--force", action="store_true", help="re-run clients whose outputs are already complete")
    c = sub.add_parser("reconcile", help="compare one billing period line by line: Autotask vs HaloPSA")
    c.add_argument("--autotask", required=True, help="Autotask export folder (BillingItems, Companies, ...)")
    c.add_argument("--halo", required=True, help="HaloPSA invoice lines (CSV or JSON)")
    c.add_argument("--period", help="billing period YYYY-MM")
    c.add_argument("--out", default=None, help="output folder (default outputs/reconciliation-<period>)")
    c.add_argument("--client-map", dest="client_map", help="CSV/YAML mapping renamed clients")
    c.add_argument("--tolerance", type=float, default=0.01, help="money difference still counted as a match")
    s = sub.add_parser("synth", help="write a deterministic sample Autotask export")
    s.add_argument("out", help="folder to write")
    s.add_argument("--size", choices=["small", "medium", "large"], default="small")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--shape", choices=["rest-csv", "grid-csv", "json"], default="rest-csv")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `readiness` command; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "audit":
        from readiness.audit import audit_command

        return audit_command(args.export_dir, args.out, as_of=args.as_of, client=args.client, suppress=args.suppress)
    if args.command == "report":
        from readiness.report import report_command

        return report_command(args.export_dir, args.out, as_of=args.as_of, client=args.client,
                              suppress=args.suppress, pdf=args.pdf)
    if args.command == "batch":
        from readiness.batch import batch_command

        return batch_command(args.input, args.out, workers=args.workers, as_of=args.as_of, force=args.force)
    if args.command == "reconcile":
        from readiness.reconcile import reconcile_command

        return reconcile_command(args.autotask, args.halo, args.out, period=args.period, client_map=args.client_map,
                                 tolerance=args.tolerance)
    from readiness.synth import synth_command

    return synth_command(args.out, size=args.size, seed=args.seed, shape=args.shape)


if __name__ == "__main__":
    sys.exit(main())
