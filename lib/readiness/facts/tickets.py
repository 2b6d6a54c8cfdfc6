"""Facts about tickets: the open work the rules, the effort model and the checklist count."""

from __future__ import annotations

import pandas as pd

# Tickets.status 5 is Complete, a system status every tenant has (Tickets entity, status picklist; isSystem).
COMPLETE = 5


def open_tickets(tickets: pd.DataFrame | None) -> pd.DataFrame:
    """The tickets whose status is not Complete; empty when the table or its status column is missing."""
    if tickets is None or "status" not in tickets:
        return pd.DataFrame()
    return tickets[pd.to_numeric(tickets["status"], errors="coerce").ne(COMPLETE).fillna(True)]
