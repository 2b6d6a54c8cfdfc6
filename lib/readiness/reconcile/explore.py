"""What notebooks/billing_reconciliation.ipynb shows: input defaults, tables and the status/client filter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from readiness.config import SAMPLE_DIR
from readiness.reconcile.command import run_reconciliation
from readiness.reconcile.match import COLUMNS, STATUSES, Reconciliation
from readiness.reconcile.report import STATUS_LABELS, money, reason_label, signed

SAMPLE = SAMPLE_DIR / "reconcile"
ALL_CLIENTS = "All clients"
STATUS_CHOICES = [("Differences only", "differences"), ("All lines", "all"),
                  *[(STATUS_LABELS[s], s) for s in STATUSES]]


def load(autotask_dir: str | Path | None = None, halo_file: str | Path | None = None, period: str | None = "2025-06",
         client_map: str | Path | None = None, tolerance: float | None = None,
         currency: str | None = None) -> Reconciliation:
    """Run the comparison. Empty text counts as not given; with neither an Autotask folder nor a HaloPSA file,
    the committed sample and its client map are used."""
    autotask_dir, halo_file, client_map = (x or None for x in (autotask_dir, halo_file, client_map))
    if autotask_dir is None and halo_file is None:
        autotask_dir, halo_file = SAMPLE / "autotask", SAMPLE / "halo_invoice_lines.csv"
        client_map = client_map or SAMPLE / "client_map.csv"
    if autotask_dir is None or halo_file is None:
        raise ValueError("give both autotask_dir and halo_file, or neither to use the committed sample")
    return run_reconciliation(Path(autotask_dir), Path(halo_file), period or None, client_map, tolerance,
                              currency or None)


def totals_table(rec: Reconciliation) -> pd.DataFrame:
    """Period totals per side, the difference and the number of lines per status, formatted for reading."""
    s = rec.summary
    exp, cur = rec.minor_unit, f" {rec.currency}" if rec.currency else ""
    rows = [("Autotask total", money(rec.totals["autotask_amount"], exp) + cur),
            ("HaloPSA total", money(rec.totals["halo_amount"], exp) + cur),
            ("Difference (HaloPSA - Autotask)", signed(rec.totals["difference"], exp) + cur),
            ("Lines compared", str(s["lines"])),
            *[(f"Lines: {STATUS_LABELS[k]}", str(s["counts"][k])) for k in STATUSES],
            *[(f"{name} lines read / compared", f"{s['source_lines'][side]['read']} / "
               f"{s['source_lines'][side]['compared']}") for side, name in (("autotask", "Autotask"),
                                                                            ("halo", "HaloPSA"))],
            *[(f"{name} lines not compared: {reason_label(k, rec.period)}", str(n))
              for side, name in (("autotask", "Autotask"), ("halo", "HaloPSA"))
              for k, n in s["source_lines"][side]["not_compared"].items()]]
    return pd.DataFrame(rows, columns=["", rec.period]).set_index("")


def differences_by_client(rec: Reconciliation) -> pd.DataFrame:
    """Clients with at least one differing line: totals, difference and differing lines per status."""
    t = rec.client_totals
    differing = t[STATUSES[1:]].sum(axis=1)
    out = t[differing > 0].set_index("client")[["autotask_amount", "halo_amount", "difference", *STATUSES[1:]]]
    return out.reindex(out["difference"].abs().sort_values(ascending=False, kind="stable").index)


def filter_lines(rec: Reconciliation, status: str = "differences", client: str | None = None) -> pd.DataFrame:
    """reconciliation.csv rows for one status ("differences" = every non-match, "all" = everything) and client."""
    lines = rec.lines[COLUMNS]
    if status == "differences":
        lines = lines[lines["status"] != "match"]
    elif status != "all":
        lines = lines[lines["status"] == status]
    if client not in (None, "", ALL_CLIENTS):
        lines = lines[lines["client"] == client]
    return lines.reset_index(drop=True)


def explorer(rec: Reconciliation):
    """Two dropdowns (status, client) over the reconciliation lines; the table below follows them."""
    import ipywidgets as widgets
    from IPython.display import display

    status = widgets.Dropdown(options=STATUS_CHOICES, value="differences", description="Status")
    clients = sorted(rec.lines["client"].dropna().unique().tolist(), key=str.lower)
    client = widgets.Dropdown(options=[ALL_CLIENTS, *clients], value=ALL_CLIENTS, description="Client")
    table = widgets.interactive_output(lambda status, client: display(filter_lines(rec, status, client)),
                                       {"status": status, "client": client})
    return widgets.VBox([widgets.HBox([status, client]), table])
