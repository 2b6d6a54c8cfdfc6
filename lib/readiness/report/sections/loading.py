"""The audit the report notebook presents: the one `readiness report` handed over, or run here."""

from __future__ import annotations

from pathlib import Path


def audit(export_dir: str = "", client: str = "", as_of: str = "", suppress: str = "", out_dir: str = "",
          audit_cache: str = "", profile: str = ""):
    """The audit the report presents; empty strings mean the defaults (the bundled sample, export's dates).

    audit_cache: a pickled AuditResult that `readiness report` wrote moments before running the notebook, so the
    export is not loaded twice; used only when it exists and matches `export_dir`. Otherwise the audit runs here,
    and with `out_dir` its files are (re)written under out_dir/<slug>/ unless the summary there already matches,
    so a report run by hand leaves the same files as `readiness report`.
    """
    from readiness import config
    from readiness.audit import AuditResult, load_for_client, run_audit, write_outputs

    export_dir = export_dir or str(config.DEFAULT_SAMPLE)
    if audit_cache and Path(audit_cache).is_file():
        import pickle

        with open(audit_cache, "rb") as fh:
            result = pickle.load(fh)  # our own file, written by build_report for this run
        same = result.facts.source_path() == str(Path(export_dir).resolve())
        if isinstance(result, AuditResult) and same:
            return _with_decisions(result, out_dir)
    # the same export and suppressions `readiness report` would use, including mutes saved in the explorer
    export, supp = load_for_client(export_dir, out_dir or None, client or None, suppress or None)
    from readiness.profile import load_profile

    result = run_audit(export, as_of=as_of or None, client=client or None, suppress=supp,
                       profile=load_profile(profile or None))
    if out_dir and not _outputs_match(result, Path(out_dir)):
        write_outputs(result, out_dir)
    return _with_decisions(result, out_dir)


def _with_decisions(result, out_dir: str):
    """Attach the decisions agreed in the contract explorer (OUT/<slug>/decisions.csv) to the result, with the
    file they came from and any log the explorer saved for this client in another output folder."""
    from readiness.decisions import FILE_NAME, decision_logs_elsewhere, empty_decisions, load_decisions

    used = Path(out_dir) / result.slug / FILE_NAME if out_dir else None
    result.decisions = load_decisions(used) if used else empty_decisions()
    result.decisions_file = str(used) if used is not None and used.is_file() else ""
    result.decisions_elsewhere = [str(p) for p in decision_logs_elsewhere(result.slug, used)] if used else []
    return result


def _outputs_match(result, out_dir: Path) -> bool:
    """True when out_dir/<slug>/summary.json holds this run's class, score and as-of (no rewrite needed)."""
    import json

    path = out_dir / result.slug / "summary.json"
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    s = result.summary
    return all(str(written.get(k)) == str(s.get(k)) for k in ("readiness", "score", "coverage", "as_of"))
