"""`readiness` command line: audit, report, batch, reconcile, synth, pull, pull-halo.

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
        sp.add_argument("--profile", help="consultancy profile YAML: name, logo, contact line, hourly_rate, "
                                          "currency (default: $READINESS_PROFILE)")

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
    b.add_argument("--profile", help="consultancy profile YAML for every client's report "
                                     "(default: $READINESS_PROFILE)")
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
    pl = sub.add_parser(
        "pull", help="fetch an export folder from Autotask's REST API (read-only)",
        description="Fetch the client's export folder from Autotask's REST API, read-only: every entity the audit "
                    "reads, with fields/ and pull.json. Credentials from AUTOTASK_API_USER, AUTOTASK_API_SECRET "
                    "and AUTOTASK_API_INTEGRATION_CODE (asked for on a terminal when missing); they are never "
                    "written anywhere. Exit codes: 0 done, 1 an entity or the pull failed, 2 bad usage, "
                    "130 interrupted (resume with --resume).")
    pl.add_argument("out", metavar="OUT_DIR", help="new or empty folder to write the export into")
    pl.add_argument("--api-url", dest="api_url",
                    help="the zone's REST base, e.g. https://webservices15.autotask.net/ATServicesRest/ "
                         "(default: looked up with ZoneInformation)")
    pl.add_argument("--entities", help="comma-separated entities to pull (default: all the audit reads)")
    pl.add_argument("--since", help="pull the history tables (Tickets, TimeEntries, NotificationHistory, "
                                    "ContractServiceUnits, BillingItems) from this date, YYYY-MM-DD")
    pl.add_argument("--history-years", dest="history_years", type=int,
                    help="pull the history tables for the last N years only")
    pl.add_argument("--resume", action="store_true", help="continue an interrupted pull in OUT_DIR")
    pl.add_argument("--pace", action="store_true",
                    help="when the pull needs more requests than the tenant has left this hour, wait for the "
                         "rolling hour to free room instead of refusing to start")
    pl.add_argument("--workers", type=int, default=3, help="entities pulled at once (default 3)")
    pl.add_argument("--zone-lookup", dest="zone_lookup", default=None,
                    help="where to look the zone up (default https://webservices.autotask.net/ATServicesRest/)")
    ph = sub.add_parser(
        "pull-halo", help="fetch one billing period's invoices from HaloPSA's API (read-only), for reconcile",
        description="Fetch one billing period's invoices, with their lines, from HaloPSA's API into a JSON file "
                    "that `readiness reconcile --halo` reads. Credentials from HALO_CLIENT_ID and "
                    "HALO_CLIENT_SECRET (an API application using client credentials, scope all); never written "
                    "anywhere. Exit codes: 0 done, 1 failed, 2 bad usage.")
    ph.add_argument("out", metavar="OUT_FILE", help="JSON file to write ({\"invoices\": [...]})")
    ph.add_argument("--url", required=True, help="the tenant's HaloPSA address, e.g. https://TENANT.halopsa.com")
    ph.add_argument("--period", required=True, help="billing period YYYY-MM")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `readiness` command; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "audit":
        from readiness.audit import audit_command

        return audit_command(args.export_dir, args.out, as_of=args.as_of, client=args.client, suppress=args.suppress,
                             profile=args.profile)
    if args.command == "report":
        from readiness.report import report_command

        return report_command(args.export_dir, args.out, as_of=args.as_of, client=args.client,
                              suppress=args.suppress, pdf=args.pdf, profile=args.profile)
    if args.command == "batch":
        from readiness.batch import batch_command

        return batch_command(args.input, args.out, workers=args.workers, as_of=args.as_of, force=args.force,
                             profile=args.profile)
    if args.command == "reconcile":
        from readiness.reconcile import reconcile_command

        return reconcile_command(args.autotask, args.halo, args.out, period=args.period, client_map=args.client_map,
                                 tolerance=args.tolerance)
    if args.command == "pull":
        from readiness.pull.autotask import ZONE_LOOKUP
        from readiness.pull.run import pull_command

        entities = [e for e in (args.entities or "").split(",") if e.strip()] or None
        return pull_command(args.out, api_url=args.api_url, entities=entities, since=args.since,
                            history_years=args.history_years, resume=args.resume, pace=args.pace,
                            workers=args.workers, zone_lookup=args.zone_lookup or ZONE_LOOKUP)
    if args.command == "pull-halo":
        from readiness.pull.halo import pull_halo_command

        return pull_halo_command(args.out, url=args.url, period=args.period)
    from readiness.synth import synth_command

    return synth_command(args.out, size=args.size, seed=args.seed, shape=args.shape)


if __name__ == "__main__":
    sys.exit(main())
