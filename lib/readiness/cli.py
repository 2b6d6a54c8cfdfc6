"""`readiness` command line: audit, report, batch, reconcile, explore, synth, pull, pull-halo.

Each sub-command is a thin wrapper over one package function that returns the exit code, so the same work can be
called from Python, a notebook or a batch run. The parser is built in `_parser()` (one block per sub-command) and
`main()` dispatches on `args.command` (one branch per sub-command): a new sub-command adds one of each.

Progress (the stages of long work) goes to stderr, from here only: the package functions are silent unless handed
a readiness.progress.Progress. stdout keeps the summary lines scripts parse.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from readiness import __version__

EXIT_CODES = """\
exit codes:
  0    done
  1    a client or a file failed: the report notebook or the PDF, a batch client, a pulled entity
  2    bad usage or input: unknown option, missing folder or a file where a folder is expected,
       bad date, unusable suppressions/profile/manifest file, synth OUT not empty without --force
  3    audit and report only: the audit ran and wrote its files, but readiness is Unknown
       (the export could not be judged; summary.json says why)
  130  interrupted (batch, pull): finished work is kept; run the same command again (pull: --resume)

Progress goes to stderr (a bar on a terminal, one line per stage when piped); results to stdout."""

OUT_HELP = "output folder; results go to OUT/<client-slug>/"


def _version() -> str:
    """The package version: readiness.__version__ (what summary.json's generated_with names), else metadata."""
    if __version__:
        return __version__
    try:
        from importlib.metadata import version

        return version("readiness")
    except Exception:  # noqa: BLE001 - not installed: the source tree has no other record
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="readiness", description="Autotask PSA -> HaloPSA migration readiness workbook.",
                                epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"readiness {_version()}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           help="what to do (`readiness COMMAND --help` for its options)")

    def common(sp):
        sp.add_argument("export_dir", metavar="EXPORT_DIR", help="the client's Autotask export folder")
        sp.add_argument("--out", metavar="OUT_DIR", required=True, help=OUT_HELP)
        sp.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                        help="fix 'today' (YYYY-MM-DD); default: newest date in the export")
        sp.add_argument("--client", metavar="NAME",
                        help="client name (default: client.yaml name, else the folder name)")
        sp.add_argument("--suppress", metavar="FILE", help="suppressions YAML (muted findings with reasons)")
        sp.add_argument("--profile", metavar="FILE",
                        help="consultancy profile YAML: name, logo, contact line, hourly_rate, currency "
                             "(default: $READINESS_PROFILE)")

    a = sub.add_parser("audit", help="audit one export: findings.csv, contract_map.csv, summary.json",
                       description="Audit one export and write findings.csv, contract_map.csv, checklist.csv, "
                                   "rejects.csv, workbook.xlsx and summary.json to OUT_DIR/<client-slug>/. "
                                   "Exit codes: 0 done, 2 bad usage or input, 3 written but readiness is Unknown.")
    common(a)
    r = sub.add_parser("report", help="audit one export and render the client report (HTML + PDF)",
                       description="Audit one export, run the report notebook and render report.html and "
                                   "report.pdf into OUT_DIR/<client-slug>/. Exit codes: 0 done, 1 the notebook or "
                                   "the PDF failed, 2 bad usage or input, 3 made but readiness is Unknown.")
    common(r)
    r.add_argument("--no-pdf", dest="pdf", action="store_false", help="render HTML only")
    b = sub.add_parser("batch", help="reports for many clients, with a portfolio summary",
                       description="Reports for every client of INPUT, with a portfolio page. Exit codes: 0 every "
                                   "client reported or was up to date, 1 a client failed (the others finished), "
                                   "2 nothing ran (bad usage or input), 130 interrupted.")
    b.add_argument("input", metavar="INPUT", help="folder of export folders, or a CSV/YAML manifest")
    b.add_argument("--out", metavar="OUT_DIR", required=True,
                   help=OUT_HELP + " (and ledger.csv, portfolio.csv, index.html in OUT/)")
    b.add_argument("--workers", type=int, default=None, metavar="N",
                   help="parallel clients (default: number of cores)")
    b.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="fix 'today' for every client (YYYY-MM-DD); default: each export's newest date")
    b.add_argument("--force", action="store_true", help="re-run clients whose outputs are already complete")
    b.add_argument("--profile", metavar="FILE",
                   help="consultancy profile YAML for every client's report (default: $READINESS_PROFILE)")
    c = sub.add_parser("reconcile", help="compare one billing period line by line: Autotask vs HaloPSA",
                       description="Compare one billing period line by line, Autotask vs HaloPSA. Exit codes: "
                                   "0 compared (differences or not), 2 bad usage or input.")
    c.add_argument("--autotask", metavar="EXPORT_DIR", required=True,
                   help="Autotask export folder (BillingItems, Companies, ...)")
    c.add_argument("--halo", metavar="FILE", required=True, help="HaloPSA invoice lines (CSV or JSON)")
    c.add_argument("--period", metavar="YYYY-MM", help="billing period YYYY-MM")
    c.add_argument("--out", metavar="OUT_DIR", default=None,
                   help="output folder; the reconciliation files go straight into OUT "
                        "(default outputs/reconciliation-<period>)")
    c.add_argument("--client-map", dest="client_map", metavar="FILE", help="CSV/YAML mapping renamed clients")
    c.add_argument("--tolerance", type=float, default=0.01, metavar="AMOUNT",
                   help="money difference still counted as a match (default 0.01)")
    c.add_argument("--currency", metavar="CODE",
                   help="ISO 4217 code of the amounts (default: client.yaml currency, else the HaloPSA file's)")
    s = sub.add_parser("synth", help="write a deterministic sample Autotask export",
                       description="Write a deterministic sample Autotask export (known problems planted) into "
                                   "OUT_DIR. Exit codes: 0 written, 2 OUT_DIR is a file, or a folder that is not "
                                   "empty (without --force).")
    s.add_argument("out", metavar="OUT_DIR", help="new or empty folder to write the sample export into")
    s.add_argument("--size", choices=["small", "medium", "large"], default="small",
                   help="how big an MSP: small, medium or large (about a million tickets); default small")
    s.add_argument("--seed", type=int, default=1, metavar="N",
                   help="random seed; the same size, seed and shape give identical files (default 1)")
    s.add_argument("--shape", choices=["rest-csv", "grid-csv", "json"], default="rest-csv",
                   help="file shape: REST-field CSV, Autotask grid CSV, or REST JSON (default rest-csv)")
    s.add_argument("--force", action="store_true",
                   help="write into a folder that is not empty (the sample's own files are replaced)")
    pl = sub.add_parser(
        "pull", help="fetch an export folder from Autotask's REST API (read-only)",
        description="Fetch the client's export folder from Autotask's REST API, read-only: every entity the audit "
                    "reads, with fields/ and pull.json. Credentials from AUTOTASK_API_USER, AUTOTASK_API_SECRET "
                    "and AUTOTASK_API_INTEGRATION_CODE (asked for on a terminal when missing); they are never "
                    "written anywhere. Exit codes: 0 done, 1 an entity or the pull failed, 2 bad usage, "
                    "130 interrupted (resume with --resume).")
    pl.add_argument("out", metavar="OUT_DIR", help="new or empty folder to write the export into")
    pl.add_argument("--api-url", dest="api_url", metavar="URL",
                    help="the zone's REST base, e.g. https://webservices15.autotask.net/ATServicesRest/ "
                         "(default: looked up with ZoneInformation)")
    pl.add_argument("--entities", metavar="A,B,...",
                    help="comma-separated entities to pull (default: all the audit reads)")
    pl.add_argument("--since", metavar="YYYY-MM-DD",
                    help="pull the history tables (Tickets, TimeEntries, NotificationHistory, "
                         "ContractServiceUnits, BillingItems) from this date, YYYY-MM-DD")
    pl.add_argument("--history-years", dest="history_years", type=int, metavar="N",
                    help="pull the history tables for the last N years only")
    pl.add_argument("--resume", action="store_true", help="continue an interrupted pull in OUT_DIR")
    pl.add_argument("--pace", action="store_true",
                    help="when the pull needs more requests than the tenant has left this hour, wait for the "
                         "rolling hour to free room instead of refusing to start")
    pl.add_argument("--workers", type=int, default=3, metavar="N", help="entities pulled at once (default 3)")
    pl.add_argument("--zone-lookup", dest="zone_lookup", default=None, metavar="URL",
                    help="where to look the zone up (default https://webservices.autotask.net/ATServicesRest/)")
    ex = sub.add_parser(
        "explore", help="open the contract explorer on one export (Voilà, or JupyterLab with --lab)",
        description="Open the contract explorer on EXPORT_DIR: Voilà with the code hidden (or JupyterLab with "
                    "--lab), on 127.0.0.1 behind a fresh token; the URL is printed. Decisions and mutes are saved "
                    "in OUT_DIR/<client-slug>/, where `readiness report EXPORT_DIR --out OUT_DIR` reads them. "
                    "Runs until Ctrl-C. Exit codes: 0 stopped, 1 the server failed, 2 bad usage or input.")
    ex.add_argument("export_dir", metavar="EXPORT_DIR", help="the client's Autotask export folder")
    ex.add_argument("--out", metavar="OUT_DIR", default=None,
                    help="output folder; decisions and mutes go to OUT/<client-slug>/ (default: outputs/)")
    ex.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                    help="fix 'today' (YYYY-MM-DD); default: newest date in the export")
    ex.add_argument("--port", type=int, default=None, metavar="N",
                    help="port on 127.0.0.1 (default: the first free one from 8866)")
    ex.add_argument("--no-browser", dest="no_browser", action="store_true",
                    help="print the URL only; do not open a browser")
    ex.add_argument("--lab", action="store_true",
                    help="open the notebook in JupyterLab with the parameters filled in, code visible")
    ph = sub.add_parser(
        "pull-halo", help="fetch one billing period's invoices from HaloPSA's API (read-only), for reconcile",
        description="Fetch one billing period's invoices, with their lines, from HaloPSA's API into a JSON file "
                    "that `readiness reconcile --halo` reads. Credentials from HALO_CLIENT_ID and "
                    "HALO_CLIENT_SECRET (an API application using client credentials, scope all); never written "
                    "anywhere. Exit codes: 0 done, 1 failed, 2 bad usage.")
    ph.add_argument("out", metavar="OUT_FILE", help="JSON file to write ({\"invoices\": [...]})")
    ph.add_argument("--url", required=True, metavar="URL",
                    help="the tenant's HaloPSA address, e.g. https://TENANT.halopsa.com")
    ph.add_argument("--period", required=True, metavar="YYYY-MM", help="billing period YYYY-MM")
    return p


def _is_file(path) -> bool:
    return path is not None and Path(path).exists() and not Path(path).is_dir()


def _path_problem(args) -> str | None:
    """A file given where a folder is expected (or the other way round), before any work starts; None if fine.
    audit, report and synth check their own paths too (their package functions are called directly as well)."""
    cmd = args.command
    out = getattr(args, "out", None)
    if cmd == "batch":
        from readiness.batch.inputs import MANIFEST_SUFFIXES

        if _is_file(args.input) and Path(args.input).suffix.lower() not in MANIFEST_SUFFIXES:
            return (f"{args.input} is a file; give the folder of export folders, or a manifest "
                    f"({', '.join(MANIFEST_SUFFIXES)})")
    if cmd == "reconcile" and _is_file(args.autotask):
        return f"{args.autotask} is a file; give the Autotask export folder for --autotask"
    if cmd in ("batch", "reconcile") and _is_file(out):
        return f"--out {out} is a file; give an output folder"
    if cmd == "pull" and _is_file(out):
        return f"{out} is a file; give the folder to write the export into"
    if cmd == "pull-halo" and out is not None and Path(out).is_dir():
        return f"{out} is a folder; give the JSON file to write"
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `readiness` command; returns the process exit code."""
    from readiness.progress import Progress

    args = _parser().parse_args(argv)
    problem = _path_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    stages = Progress()  # stderr; a bar on a terminal, one line per stage when piped
    code = _run(args, stages)
    stages.finish(code)
    return code


def _run(args, stages) -> int:
    """Dispatch one parsed command line; `stages` shows the progress of the commands that report it."""
    if args.command == "audit":
        from readiness.audit import audit_command

        return audit_command(args.export_dir, args.out, as_of=args.as_of, client=args.client, suppress=args.suppress,
                             profile=args.profile, progress=stages)
    if args.command == "report":
        from readiness.report import report_command

        return report_command(args.export_dir, args.out, as_of=args.as_of, client=args.client,
                              suppress=args.suppress, pdf=args.pdf, profile=args.profile, progress=stages)
    if args.command == "batch":
        from readiness.batch import batch_command

        return batch_command(args.input, args.out, workers=args.workers, as_of=args.as_of, force=args.force,
                             profile=args.profile)
    if args.command == "reconcile":
        from readiness.reconcile import reconcile_command

        return reconcile_command(args.autotask, args.halo, args.out, period=args.period, client_map=args.client_map,
                                 tolerance=args.tolerance, currency=args.currency)
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
    if args.command == "explore":
        from readiness.explorer.launch import explore_command

        return explore_command(args.export_dir, args.out, as_of=args.as_of, port=args.port,
                               no_browser=args.no_browser, lab=args.lab)
    if args.command == "synth":
        from readiness.synth import synth_command

        return synth_command(args.out, size=args.size, seed=args.seed, shape=args.shape, force=args.force,
                             progress=stages)
    raise AssertionError(f"no dispatch for command {args.command!r}")  # a parser block without its branch


if __name__ == "__main__":
    sys.exit(main())
