"""Annex: data completeness (load ledger, export problems, rejected rows, checks that could not run)."""

from __future__ import annotations

import pandas as pd

from readiness.report.sections.common import Block, _n, _rejected_rows, _section, _table, _title, e


def data_completeness(result, max_rows: int = 15) -> Block:
    """Annex: the load ledger (rows read, loaded, rejected per table), rejected rows and checks that could not run."""
    facts = result.facts
    parts = []
    ledger = facts.load_ledger()
    if len(ledger):
        lg = ledger.copy()
        read_as = lg["read_as"] if "read_as" in lg else pd.Series("", index=lg.index)
        rejected = pd.to_numeric(lg["rejected"], errors="coerce").fillna(0)
        # Tables that lost rows are listed in full; the others are named in one sentence (nothing was lost).
        short = lg[rejected.gt(0).to_numpy()]
        whole = lg[rejected.eq(0).to_numpy()]
        if len(short):
            df = pd.DataFrame({"Table": short["entity"].astype("string"), "File": short["file"].astype("string"),
                               "Read as": read_as[short.index].astype("string").fillna(""),
                               "Rows read": short["read"].map(_n), "Loaded": short["loaded"].map(_n),
                               "Rejected": short["rejected"].map(_n)})
            parts.append("<h3>Tables with rejected rows</h3>"
                         + _table(df, [22, 26, 22, 10, 10, 10], num=("Rows read", "Loaded", "Rejected")))
        if len(whole):
            listed = ", ".join(f"{t} ({_n(r)})" for t, r in zip(whole["entity"].astype(str), whole["read"]))
            parts.append(f'<p class="ledger"><b>Loaded in full ({_n(len(whole))} files, rows read):</b> '
                         f'{e(listed)}.</p>')
    problems = facts.load_problems()
    if problems:
        parts.append('<h3>What to check in the export</h3><p>Files not read, tables that may be incomplete, and '
                     'what the loader had to assume (such as the day/month order of dates).</p><ul class="problems">'
                     + "".join(f"<li>{e(str(p))}</li>" for p in problems) + "</ul>")
    rejects = facts.load_rejects()
    if len(rejects):
        df = pd.DataFrame({"Table": rejects["entity"].astype("string"), "Row": rejects["row"].astype("string"),
                           "Column": rejects["column"].astype("string"),
                           "Value": rejects["value"].astype("string").str.slice(0, 60),
                           "Reason": rejects["reason"].astype("string")})
        parts.append(f'<h3>Rejected rows: {_n(len(rejects))}</h3><p>Fix these in Autotask or in the export and '
                     're-run the audit; until then they are not judged.</p>'
                     + _table(df, [18, 8, 16, 20, 38], max_rows, "rejected rows", ""))
    detail = result.summary.get("coverage_detail") or {}
    not_judged = detail.get("not_judged") or []
    if not_judged:
        df = pd.DataFrame({"Check": [_title(x.get("rule_id", ""), result.findings) for x in not_judged],
                           "Why it could not run": [x.get("note") or "input table missing" for x in not_judged]})
        parts.append(f'<h3>Checks that could not run: {_n(len(not_judged))}</h3>'
                     '<p>These lower the coverage figure; supplying the missing tables lets them run.</p>'
                     + _table(df, [50, 50], max_rows, "checks", "summary.json (coverage_detail)"))
    if not parts:
        return Block("")
    read, rejected = _rejected_rows(result)
    cov = result.summary.get("coverage")
    cov_txt = f" Coverage: {float(cov):.0f} % of the checks could judge this export." if cov is not None else ""
    return _section("data", "Annex: data completeness", "".join(parts), major=False,
                    lead=f"{_n(read)} rows were read from the export, {_n(read - rejected)} loaded and "
                         f"{_n(rejected)} rejected.{cov_txt} Rejected rows are listed with file, row and reason.")
