"""`readiness audit`: load an export, run the rule catalogue, mute, roll up, and write the client's outputs.

Outputs (DESIGN "Output" contract) land in OUT/<client-slug>/: findings.csv, contract_map.csv, checklist.csv
and summary.json. Each file is written under a temporary name in the same folder and renamed into place, so a
reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from readiness import __version__, scoring
from readiness.checklist import COLUMNS as CHECKLIST_COLUMNS
from readiness.checklist import build_checklist, classify_integrations, integration_counts
from readiness.contract_map import COLUMNS as CONTRACT_MAP_COLUMNS
from readiness.contract_map import build_contract_map, verdict_counts
from readiness.decisions import load_decisions
from readiness.effort import effort_counts, estimate_effort
from readiness.loader import REJECT_COLUMNS, ledger_summary
from readiness.profile import ProfileError, price_effort
from readiness.safe import inside, replace_into, slugify, write_csv
from readiness.suppress import SuppressionError, Suppressions, applies_to_client, apply_suppressions, load_suppressions
from readiness.vocabulary import FINDING_COLUMNS
from readiness.workbook import FILE_NAME as WORKBOOK_FILE
from readiness.workbook import write_workbook

OUTPUT_FILES = {
    "findings": "findings.csv",
    "contract_map": "contract_map.csv",
    "checklist": "checklist.csv",
    "rejects": "rejects.csv",
    "workbook": WORKBOOK_FILE,
    "summary": "summary.json",
}


class AuditInputError(ValueError):
    """Input the audit cannot start from (bad date, missing folder, unusable suppressions file)."""


# Every error that means "the audit could not start from this input" (exit code 2, batch stage "input").
INPUT_ERRORS = (AuditInputError, SuppressionError, FileNotFoundError, ProfileError)


@dataclass
class AuditResult:
    """Everything one audit produced; `summary` is summary.json's content."""

    client: str
    slug: str
    as_of: pd.Timestamp
    findings: pd.DataFrame
    contract_map: pd.DataFrame
    summary: dict
    checklist: pd.DataFrame
    export: object
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    effort: dict = field(default_factory=dict)
    facts: object = None  # readiness.facts.Facts: the derived tables, with the parameters this run used
    profile: dict = field(default_factory=dict)  # the consultancy profile the report is branded with


def parse_as_of(value) -> pd.Timestamp | None:
    """A day Timestamp from a YYYY-MM-DD string, date or Timestamp; None stays None. Raises AuditInputError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return pd.Timestamp(value).normalize()
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise AuditInputError(f"--as-of must be a date written YYYY-MM-DD, got {value!r}")
    try:
        return pd.Timestamp(text)
    except ValueError as exc:
        raise AuditInputError(f"--as-of {value!r} is not a real date ({exc})") from exc


def _client_name(export, client: str | None) -> str:
    """--client, else client.yaml name, else the export folder's name, else "client"."""
    if client and str(client).strip():
        return str(client).strip()
    name = (export.client or {}).get("name")
    if name and str(name).strip():
        return str(name).strip()
    path = getattr(export, "path", None)
    return Path(path).name if path else "client"


def _rules_run(export, as_of, params, progress=None):
    """Run the catalogue; returns (findings, coverage, RULES, facts). `progress`: called per rule (CLI only)."""
    from readiness.rules import RULES, run_rules

    from readiness.facts import Facts

    run = run_rules(export, as_of=as_of, params=params, **({"progress": progress} if progress else {}))
    # a rule set that brings no facts of its own (a stand-in) still gets the audit's
    return run.findings, run.coverage, RULES, getattr(run, "facts", None) or Facts(export, as_of)


def _normalise_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with every contract column present and the contract dtypes (entity_id text, company_id Int64)."""
    out = findings.copy()
    for col in FINDING_COLUMNS:
        if col not in out and col not in ("muted", "mute_reason"):
            out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["entity_id"] = out["entity_id"].astype("string")
    out["company_id"] = pd.to_numeric(out["company_id"], errors="coerce").astype("Int64")
    return out


def _load_suppressions(suppress) -> Suppressions | None:
    if suppress is None or isinstance(suppress, Suppressions):
        return suppress
    return load_suppressions(suppress)


def _load_totals(export) -> tuple[dict, dict]:
    """({entity: {read, loaded, rejected}}, totals) from the load ledger (loader.ledger_summary)."""
    load = ledger_summary(export)
    totals = {k: sum(e[k] for e in load.values()) for k in ("read", "loaded", "rejected")}
    return load, totals


def _rejected_rows(export, totals: dict) -> int:
    """Rows rejected on load: the ledger's total, else distinct (entity, file, row) in the rejects table."""
    if totals["read"] or totals["rejected"]:
        return totals["rejected"]
    rejects = getattr(export, "rejects", None)
    if rejects is None or rejects.empty:
        return 0
    keys = [c for c in ("entity", "file", "row") if c in rejects]
    return int(len(rejects.drop_duplicates(keys))) if keys else int(len(rejects))


def run_audit(export_or_dir, as_of=None, client: str | None = None, suppress=None,
              params: dict | None = None, profile: dict | None = None, progress=None) -> AuditResult:
    """Audit one export (folder path or loaded Export) and return an AuditResult.

    as_of: YYYY-MM-DD / date / Timestamp; default the newest date in the export, else today.
    client: display name; default client.yaml `name`, else the folder name.
    suppress: path to a suppressions YAML or a Suppressions object (None: nothing muted).
    profile: the consultancy profile (readiness.profile.load_profile); its hourly rate prices the effort when
    client.yaml gives none.
    params: {rule_id: {param: value}} overrides passed to the rule engine.
    progress: called with each rule's id as it runs (the command line's stage display); default nothing.
    Raises AuditInputError for a bad as_of, SuppressionError for an unusable suppressions file,
    FileNotFoundError for a missing export folder.
    """
    if isinstance(export_or_dir, (str, os.PathLike)):
        from readiness.loader import load_export
        from readiness.rules.base import lean_columns

        export = load_export(export_or_dir, lean=lean_columns())
    else:
        export = export_or_dir
    as_of_ts = parse_as_of(as_of)
    if as_of_ts is None:
        newest = export.newest_date()
        as_of_ts = pd.Timestamp(newest).normalize() if newest is not None else pd.Timestamp.today().normalize()
    name = _client_name(export, client)
    slug = slugify(name)

    supp = _load_suppressions(suppress)
    if supp is not None and not applies_to_client(supp, name, slug):
        raise SuppressionError(f"{supp.path or 'suppressions'}: written for client '{supp.client}', "
                               f"not '{name}' ({slug})")

    raw, coverage_table, rules, facts = _rules_run(export, as_of_ts, params, progress)
    aliases = {rid: r.aliases for rid, r in rules.items() if getattr(r, "aliases", ())}
    findings, supp_report = apply_suppressions(_normalise_findings(raw), supp, as_of_ts, aliases)

    contract_map = build_contract_map(export, findings, rules)
    roll = scoring.readiness(findings, coverage_table, export, rules)
    coverage_value, coverage_detail = scoring.coverage(coverage_table, findings, export.ledger, rules,
                                                       present=set(export.tables))

    integrations = classify_integrations((export.client or {}).get("integrations") or [])
    counts = effort_counts(facts, findings, contract_map, integration_counts(integrations))
    effort = estimate_effort(counts)
    effort.update(price_effort(effort, export.client or {}, profile or {}))
    if not roll["gate_passed"]:
        effort["caveat"] = ("The export fails the gate (" + roll["readiness_reason"].removeprefix(
            "Cannot judge readiness: ").rstrip(".") + "): the estimate counts only what could be read.")
    checklist = build_checklist(facts, findings, contract_map, integrations)

    load, totals = _load_totals(export)
    errors = findings[findings["status"].eq("ERROR")]
    summary = {
        "client": name,
        "slug": slug,
        "as_of": as_of_ts.date().isoformat(),
        "generated_with": f"readiness {__version__}",
        "readiness": roll["readiness"],
        "readiness_reason": roll["readiness_reason"],
        "score": roll["score"],
        "score_method": scoring.SCORE_METHOD,
        "coverage": coverage_value,
        "coverage_detail": coverage_detail,
        "areas": roll["areas"],
        "counts": {**scoring.status_counts(findings), "total": int(len(findings))},
        "errors": [{"rule_id": str(r), "reason": "" if pd.isna(t) else str(t)}
                   for r, t in zip(errors["rule_id"], errors["reason"])],
        "top_findings": scoring.top_findings(findings, rules),
        "contracts": {"total": int(len(contract_map)),
                      "active": int(contract_map["status"].eq("Active").fillna(False).sum()),
                      "by_verdict_active": verdict_counts(contract_map),
                      "retire": counts["contracts_retire"],
                      "edge_case_active": counts["edge_case_contracts"]},
        "native_import": facts.native_records(),
        "integrations": integrations.astype(object).where(integrations.notna(), None).to_dict("records"),
        "effort": effort,
        "checklist": checklist.to_dict("records"),
        "suppressions": supp_report,
        "load": load,
        "load_totals": totals,
        "load_problems": list(getattr(export, "problems", []) or []),
        "load_notes": list(getattr(export, "notes", []) or []),
        "rejected_rows": _rejected_rows(export, totals),
    }
    if coverage_value is not None and coverage_value < 80 and roll["readiness"] != scoring.UNKNOWN:
        # Azure Migrate's rule of thumb: under 80 % coverage the result is not to be trusted blindly.
        summary["coverage_warning"] = (f"Coverage is {coverage_value:g} %: parts of the export were missing or "
                                       "rejected, so the readiness class rests on incomplete data.")
    return AuditResult(client=name, slug=slug, as_of=as_of_ts, findings=findings, contract_map=contract_map,
                       summary=summary, checklist=checklist, export=export,
                       coverage=coverage_table if coverage_table is not None else pd.DataFrame(), effort=effort,
                       facts=facts, profile=dict(profile or {}))


def _json_default(value):
    """JSON for what pandas and numpy leave in the summary: dates as ISO text, numbers as numbers, NA as null."""
    if value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # includes pd.Timestamp
        return value.date().isoformat() if value == pd.Timestamp(value).normalize() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _clean_json(obj):
    """Replace NaN/NA floats (invalid JSON) by None throughout."""
    if isinstance(obj, dict):
        return {str(k): _clean_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean_json(v) for v in obj]
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


def write_outputs(result: AuditResult, out_dir) -> dict[str, Path]:
    """Write findings.csv, contract_map.csv, checklist.csv, summary.json and workbook.xlsx to out_dir/<slug>/.

    Also rejects.csv: every input row the loader rejected, with file, row, column and reason.
    CSV text cells are formula-neutralised (readiness.safe.write_csv); every path is checked to stay inside
    `out_dir`. Returns {"findings", "contract_map", "checklist", "rejects", "workbook", "summary"} -> Path.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = inside(out_dir, slugify(result.slug))
    folder.mkdir(parents=True, exist_ok=True)
    paths = {key: inside(out_dir, Path(folder.name) / name) for key, name in OUTPUT_FILES.items()}

    findings = result.findings.copy()
    for col in FINDING_COLUMNS:
        if col not in findings:
            findings[col] = pd.NA
    frames = {
        "findings": findings[FINDING_COLUMNS],
        "contract_map": result.contract_map.reindex(columns=CONTRACT_MAP_COLUMNS),
        "checklist": result.checklist.reindex(columns=CHECKLIST_COLUMNS),
        # every row the loader turned away, with file, row, column and reason, so nothing read is lost silently
        "rejects": result.export.rejects.reindex(columns=REJECT_COLUMNS),
    }
    for key, frame in frames.items():
        replace_into(paths[key], lambda tmp, f=frame: write_csv(f, tmp))
    # the sign-off workbook: full lists for the client to read, filter and sign; decisions agreed in the explorer
    # fill its "Agreed HaloPSA build" column
    write_workbook(paths["workbook"], result.contract_map, findings[FINDING_COLUMNS], result.checklist,
                   result.effort, load_decisions(folder))
    text = json.dumps(_clean_json(result.summary), indent=2, ensure_ascii=False, default=_json_default)
    replace_into(paths["summary"], lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return paths


def _print_summary(result: AuditResult, paths: dict[str, Path], out=None) -> None:
    """The console summary: class, score, coverage, counts per area, load totals, effort, where files went."""
    s = result.summary
    score = "n/a" if s["score"] is None else f"{s['score']:g}/100"
    coverage = "n/a" if s["coverage"] is None else f"{s['coverage']:g}%"
    lines = [
        f"Client:    {s['client']} ({s['slug']}), as of {s['as_of']}",
        f"Readiness: {s['readiness']} | score {score} | coverage {coverage}",
        f"           {s['readiness_reason']}",
        "",
        f"{'area':<14} {'readiness':<22} {'FAIL':>5} {'REVIEW':>6} {'PASS':>5} {'ERROR':>5} {'muted':>5}",
    ]
    for area, a in s["areas"].items():
        lines.append(f"{area:<14} {a['readiness']:<22} {a['FAIL']:>5} {a['REVIEW']:>6} {a['PASS']:>5} "
                     f"{a['ERROR']:>5} {a['muted']:>5}")
    t = s["load_totals"]
    e = s["effort"]
    lines += [
        "",
        f"Load:      {t['read']:,} rows read, {t['loaded']:,} loaded, {t['rejected']:,} rejected"
        + (f"; {len(s['load_problems'])} file problem(s)" if s["load_problems"] else ""),
        f"Effort:    {e['weeks_low']:g}–{e['weeks_high']:g} weeks",
        f"Wrote:     {paths['summary'].parent}/ ({', '.join(p.name for p in paths.values())})",
    ]
    if s.get("coverage_warning"):
        lines.insert(3, f"Warning:   {s['coverage_warning']}")
    print("\n".join(lines), file=out or sys.stdout)


# Files a consultant writes into a client's output folder (the explorer's decision log and mutes); every run
# keeps them, and the audit reads the mutes when no --suppress is given.
CLIENT_FILES = ("decisions.csv", "suppressions.yaml")


def load_for_client(export_dir, out, client: str | None = None, suppress=None, progress=None):
    """Load the export and pick its suppressions: `suppress` when given, else OUT/<slug>/suppressions.yaml if the
    explorer wrote one. Returns (export, suppressions path or object or None). `progress` is handed to
    load_export (called with each file's name)."""
    from readiness.loader import load_export
    from readiness.rules.base import lean_columns

    export = load_export(export_dir, lean=lean_columns(), **({"progress": progress} if progress else {}))
    if suppress is None and out is not None:
        kept = Path(out) / slugify(_client_name(export, client)) / "suppressions.yaml"
        if kept.is_file():
            print(f"Using suppressions from {kept}", file=sys.stderr)
            suppress = kept
    return export, suppress


# Exit codes of `readiness audit` and `readiness report` (README "Exit codes").
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_UNKNOWN = 3  # the audit ran and wrote its files, but the export could not be judged: readiness is Unknown


def folder_problem(export_dir, out) -> str | None:
    """Why `export_dir` / `out` cannot be the export folder / output folder of a command, or None."""
    if not Path(export_dir).exists():
        return f"export folder not found: {export_dir}"
    if not Path(export_dir).is_dir():
        return f"{export_dir} is a file; give the export folder"
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        return f"--out {out} is a file; give an output folder (results go to OUT/<client-slug>/)"
    return None


def export_file_count(folder) -> int:
    """How many entity files load_export reads from `folder`: one per audited entity, matched as the loader does
    (the stem, any case, with a .csv, .json or .jsonl suffix). For the stage display only."""
    from readiness.entities import LOAD_ORDER
    from readiness.loader import SUFFIXES

    stems = {e.lower() for e in LOAD_ORDER}
    try:
        return len({p.stem.lower() for p in Path(folder).iterdir()
                    if p.is_file() and p.suffix.lower() in SUFFIXES and p.stem.lower() in stems})
    except OSError:
        return 0


def staged_audit(export_dir, out, as_of_ts, client, suppress, prof, progress=None) -> tuple[AuditResult, object]:
    """load_for_client then run_audit, each as a stage of `progress` (None: silent); what audit and report share.
    Returns (result, the suppressions used: `suppress` or the client folder's suppressions.yaml or None)."""
    from readiness.progress import QUIET, callback

    stages = progress or QUIET
    n = export_file_count(export_dir) if stages.enabled else 0
    title = f"loading export: {n} file{'' if n == 1 else 's'}"
    with stages.stage(title, total=n, each="loading {label} ({n}/{total})") as st:
        export, suppress = load_for_client(export_dir, out, client, suppress, progress=callback(st))
    supp = _load_suppressions(suppress)
    total = None
    if stages.enabled:
        from readiness.rules import RULES

        total = len(RULES)
    with stages.stage(f"running {total} rules" if total else "running the rules", total=total) as st:
        result = run_audit(export, as_of=as_of_ts, client=client, suppress=supp, profile=prof,
                           **({"progress": callback(st)} if callback(st) else {}))
    return result, suppress


def audit_command(export_dir, out, as_of=None, client=None, suppress=None, profile=None, progress=None) -> int:
    """`readiness audit`: audit `export_dir`, write OUT/<slug>/ and print a short summary.

    Returns 0 on success; 3 when the audit ran and wrote its files but readiness is Unknown (the export could not
    be judged); 2 for a missing export folder (or a file given for it or for --out), a bad --as-of or an unusable
    suppressions or profile file. `progress` (readiness.progress.Progress, the command line's) shows the stages
    on stderr; by default nothing is shown.
    """
    from readiness.profile import load_profile
    from readiness.progress import QUIET

    stages = progress or QUIET
    problem = folder_problem(export_dir, out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        as_of_ts = parse_as_of(as_of)
        prof = load_profile(profile)
        result, _ = staged_audit(export_dir, out, as_of_ts, client, suppress, prof, progress)
    except INPUT_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with stages.stage("writing outputs"):
        paths = write_outputs(result, out)
    _print_summary(result, paths)
    return EXIT_UNKNOWN if result.summary["readiness"] == scoring.UNKNOWN else EXIT_OK
