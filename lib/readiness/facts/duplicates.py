"""Duplicate groups: the records that share a matching key once folded, the way HaloPSA's import would see
them (active customers by name, active contacts by email, active configuration items by serial number).

Each group is worked out once per audit; the data-quality rules judge from it and the report and checklist
count from the findings those rules give.
"""

from __future__ import annotations

import pandas as pd

from readiness.columns import blank, col, flag, fold_case, fold_space, group_join


def _strip_fold(s: pd.Series) -> pd.Series:
    return fold_case(s.astype("string").str.strip())


# kind -> (entity, key column, folding). Names fold case and every space ("ACME  Ltd" = "acme ltd"); emails and
# serials fold case and trim the ends only, because inner characters are significant there.
KEYS = {
    "company_name": ("Companies", "companyName", fold_space),
    "contact_email": ("Contacts", "emailAddress", _strip_fold),
    "configuration_item_serial": ("ConfigurationItems", "serialNumber", _strip_fold),
}


def _candidates(facts, kind: str) -> pd.DataFrame:
    """The active rows whose key can match: active customers for names, active contacts and configuration
    items for emails and serials (raises CannotJudge when the key column itself is absent)."""
    entity, column, _ = KEYS[kind]
    if kind == "company_name":
        return facts.active_customers()
    facts.need(entity, column)
    return facts.active_rows(entity)


def duplicate_groups(facts, kind: str) -> pd.DataFrame:
    """Per candidate row with a non-blank key (index = the table's row labels): id, key (folded),
    duplicate (True when another row shares the key), group_size and group_ids (the ids sharing the key,
    sorted and joined with ", "; the row's own id when it is alone)."""
    _, column, folding = KEYS[kind]
    rows = _candidates(facts, kind)
    raw = col(rows, column, "string")
    rows, raw = rows[~blank(raw)], raw[~blank(raw)]
    key = folding(raw)
    ids = rows["id"].astype("Int64")
    return pd.DataFrame({
        "id": ids,
        "key": key,
        "duplicate": flag(key.duplicated(keep=False)),
        "group_size": key.map(key.value_counts()).astype("Int64"),
        "group_ids": group_join(key, ids.astype("string")),
    }, index=rows.index)
