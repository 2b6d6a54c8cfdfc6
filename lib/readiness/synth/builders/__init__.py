"""Build every table of a sample, with its planted problems: `build()` runs the domain builders in order.

The order is the data flow: each step reads what earlier ones left in `Sample.aux`. Every step draws from its
own seeded generator (`arrays._rng(seed, name)`), so where a builder lives does not change a single value.
"""

from __future__ import annotations

import numpy as np

from readiness.synth.arrays import _slug
from readiness.synth.builders.automations import _notification_history, _templates, _workflow_rules
from readiness.synth.builders.billing import _billing
from readiness.synth.builders.catalogue import _billing_codes, _bundles, _products, _services
from readiness.synth.builders.contracts import (_billing_rules, _charges, _contract_extras, _contract_services,
                                                _contracts, _exclusions, _prepaid, _service_units)
from readiness.synth.builders.finish import _client, _orphans
from readiness.synth.builders.people import _companies, _contacts, _resources, _roles
from readiness.synth.builders.service_desk import _configuration_items, _tickets, _time_entries
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import CLIENT_NAMES, SIZES


def build(size: str = "small", seed: int = 1, client_name: str | None = None) -> Sample:
    """Generate every table for `size` ("small"|"medium"|"large") and `seed`; nothing is written."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    name = client_name or CLIENT_NAMES[(int(seed) - 1) % len(CLIENT_NAMES)]
    s = Sample(size=size, seed=int(seed), client={"name": name})
    z = SIZES[size]
    s.aux["z"] = z
    s.aux["domain"] = _slug(np.array([name], dtype=object))[0] + ".com"
    for step in (_roles, _billing_codes, _resources, _companies, _contacts, _services, _bundles, _products,
                 _contracts, _exclusions, _contract_services, _service_units, _prepaid, _contract_extras,
                 _billing_rules, _charges, _configuration_items, _tickets, _time_entries, _templates,
                 _notification_history, _workflow_rules, _billing, _orphans, _client):
        step(s)
    return s
