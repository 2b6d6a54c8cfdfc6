"""Integration rules (client.yaml `integrations`): each tool is set up again against HaloPSA."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness import halo
from readiness.rules.base import CannotJudge, rule
from readiness.rules.frames import result


def _integration_names(client: dict) -> pd.Series:
    """Integration names as written in client.yaml (a list of names, or of mappings with a `name`)."""
    raw = client.get("integrations")
    if raw is None:
        raise CannotJudge("client.yaml lists no integrations")
    if isinstance(raw, str):
        raw = [raw]
    names = [(i.get("name") if isinstance(i, dict) else i) for i in raw]  # a short list from a config file
    s = pd.Series([str(n).strip() for n in names if n is not None and str(n).strip()], dtype="string")
    return s


@rule(
    id="integration_rebuild", area="integrations", severity="medium", entity_type="Integration",
    feeds=("rebuild:integrations",),
    title="Integration must be set up again against HaloPSA",
    impact="No integration carries over: RMM alerts, accounting sync and subscription quantities stop at "
           "cutover until each tool is reconnected to HaloPSA and tested; tools with no HaloPSA integration "
           "need a replacement or custom work.",
    remediation="Configure HaloPSA's native integration named in the finding and test it end to end; for tools "
                "without one, plan a custom integration (API, webhook or runbook) or a replacement.",
    sources=("https://haloitsm.com/guides/article/?kbid=1084",
             "https://usehalo.com/guide/managing-recurring-invoices-recurring-invoice-lines/",
             "https://halopsa.com/guides/article/?kbid=1630"),
)
def integration_rebuild(ctx):
    """Every integration listed in client.yaml: REVIEW, medium when HaloPSA has a native integration,
    high when none is known (matched after case/space/punctuation folding)."""
    names = _integration_names(ctx.client)
    native = halo.native_integrations(names)
    known = native.notna()
    reason = ("Integration '" + names + "' must be reconnected: HaloPSA has the " + native.fillna("")).where(
        known, "Integration '" + names + "' has no known native HaloPSA integration: plan custom work or a replacement")
    return result(names, "REVIEW", reason, severity=pd.Series(np.where(known, "medium", "high")))
