"""The last steps, over the finished tables: planted orphan references and the client.yaml content."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.synth.arrays import _n, _opt_int, _rng, _spread
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import EXPORT_DATE, NATIVE_INTEGRATIONS, NO_NATIVE_INTEGRATIONS


def _orphans(s: Sample) -> None:
    """Planted orphans: rows pointing at a parent record the export does not hold."""
    rng = _rng(s.seed, "orphans")
    missing_contract = int(s.aux["k_ids"].max()) + 7919
    missing_ticket = int(s.aux["t_ids"].max()) + 7919
    cs = s.tables["ContractServices"]
    k_cs = _n(len(cs), 1 / 150, 1)
    donors = cs.iloc[rng.choice(len(cs), k_cs, replace=False)].copy()
    donors["id"] = int(cs["id"].max()) + 1 + np.arange(k_cs) * 3
    donors["contractID"] = missing_contract + np.arange(k_cs) * 11
    s.tables["ContractServices"] = pd.concat([cs, donors], ignore_index=True)
    s.plant("orphan_reference", "ContractServices", donors["id"].to_numpy())
    tk = s.tables["Tickets"]
    closed = np.flatnonzero(~s.aux["t_open"] & np.isin(np.arange(len(tk)), np.flatnonzero(s.aux["t_contract"] < 0)))
    rows = _spread(rng, closed, s.aux["t_comp"], _n(len(tk), 1 / 500, 2))
    col = tk["contractID"].to_numpy(dtype=np.float64, na_value=np.nan)
    col[rows] = missing_contract + 1 + np.arange(len(rows)) * 13
    tk["contractID"] = _opt_int(np.nan_to_num(col, nan=-1).astype(np.int64))
    s.plant("orphan_reference", "Tickets", tk["id"].to_numpy()[rows])
    te = s.tables["TimeEntries"]
    rows = rng.choice(len(te), _n(len(te), 1 / 1000, 2), replace=False)
    tid = te["ticketID"].to_numpy().copy()
    tid[rows] = missing_ticket + np.arange(len(rows)) * 17
    te["ticketID"] = tid
    s.plant("orphan_reference", "TimeEntries", te["id"].to_numpy()[rows])


def _client(s: Sample) -> None:
    integrations = [group[(s.seed - 1) % len(group)] for group in NATIVE_INTEGRATIONS]
    integrations.insert(3, "Microsoft CSP" if "Microsoft CSP" not in integrations else "Pax8")
    integrations.append(str(NO_NATIVE_INTEGRATIONS[(s.seed - 1) % len(NO_NATIVE_INTEGRATIONS)]))
    s.client.update({"technicians": s.client.get("technicians", 0), "integrations": integrations, "billing_day": 1,
                     "export_date": str(EXPORT_DATE),
                     "notes": f"Sample export ({s.size}, seed {s.seed}) taken on {EXPORT_DATE}; synthetic data."})
    s.plant("integration_rebuild", "Integrations", integrations)
