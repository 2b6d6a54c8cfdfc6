"""Deterministic sample Autotask exports: realistic data with known problems planted in it.

`generate(out_dir, size="small", seed=1, shape="rest-csv")` writes one export folder the loader reads:
one file per REST entity (Companies, Contracts, ContractServices, ... Tickets, TimeEntries, BillingItems,
Invoices), the two capture sheets (WorkflowRules.csv, NotificationTemplates.csv) and client.yaml.

- Same size + seed + shape gives byte-identical files. The table content depends on size and seed only, so
  the three shapes of one seed hold the same records (useful to compare loader results across shapes).
- Everything is vectorised with numpy/pandas (no Python loop per row); `large` (about a million tickets and
  three million time entries) is meant to finish in a few minutes.
- `PLANTED` describes each problem the audit rules look for and where it is planted; `build(...).planted`
  holds the exact ids per rule and entity, so tests can check every planted problem is found.

Modules: `vocabulary` (constants and word lists), `arrays` (vectorised helpers), `sample` (`Sample`), `builders`
(`build()`, one module per domain), `writers` (the three shapes, `write()`, `generate()`, `synth_command()`).
"""

from readiness.synth.builders import build
from readiness.synth.sample import Sample
from readiness.synth.vocabulary import (
    ACTIVE_STATUS, BC, BILLING_CODES, BILLING_PREFERENCES, BILLING_PRODUCTS, BILLING_TYPES, BUNDLES, CAPTURE_SHEETS,
    CITIES, CLASSIFICATIONS, CLIENT_NAMES, COMPANY_TYPES, CONTACT_TITLES, CONTRACT_CATEGORIES, CONTRACT_TYPES,
    DATE_ONLY, ENTITIES, EXPORT_DATE, FIRST_NAMES, HARDWARE, HISTORY_START, JSON_FORMS, LAST_NAMES, LEGACY_SERVICES,
    LICENSE_TYPES, MONEY, NAME_FIRST, NAME_SECOND, NAME_SUFFIX, NATIVE_INTEGRATIONS, NO_NATIVE_INTEGRATIONS,
    OPEN_ENDED, ORGANIZATION_TABLES, PAGE_SIZE, PERIOD_TYPES, PICKLISTS, PLANTED, PRIORITIES, QUEUES, ROLES,
    SECURITY_LEVELS, SERVICE_TIERS, SERVICES, SHAPES, SIZES, SLAS, SOURCES, SPECIAL_NAMES, STALE_DAYS, STREETS,
    TECH_ROLES, TEMPLATE_BASE, TEMPLATE_COLUMNS, TEMPLATE_VARIANTS, TICKET_STATUS, TICKET_TITLES, TICKET_TYPES,
    TIME_NOTES, USE_TYPES, VENDORS, WORKFLOW_BASE, WORKFLOW_COLUMNS)
from readiness.synth.writers import generate, synth_command, write
from readiness.synth.writers import _label, _money_text  # noqa: F401  (tests check the grid formatting directly)

# Every public name the single-module synth had, so `readiness.synth.<NAME>` keeps resolving.
__all__ = [
    "ACTIVE_STATUS", "BC", "BILLING_CODES", "BILLING_PREFERENCES", "BILLING_PRODUCTS", "BILLING_TYPES", "BUNDLES",
    "CAPTURE_SHEETS", "CITIES", "CLASSIFICATIONS", "CLIENT_NAMES", "COMPANY_TYPES", "CONTACT_TITLES",
    "CONTRACT_CATEGORIES", "CONTRACT_TYPES", "DATE_ONLY", "ENTITIES", "EXPORT_DATE", "FIRST_NAMES", "HARDWARE",
    "HISTORY_START", "JSON_FORMS", "LAST_NAMES", "LEGACY_SERVICES", "LICENSE_TYPES", "MONEY", "NAME_FIRST",
    "NAME_SECOND", "NAME_SUFFIX", "NATIVE_INTEGRATIONS", "NO_NATIVE_INTEGRATIONS", "OPEN_ENDED", "ORGANIZATION_TABLES",
    "PAGE_SIZE", "PERIOD_TYPES", "PICKLISTS", "PLANTED", "PRIORITIES", "QUEUES", "ROLES", "SECURITY_LEVELS",
    "SERVICE_TIERS", "SERVICES", "SHAPES", "SIZES", "SLAS", "SOURCES", "SPECIAL_NAMES", "STALE_DAYS", "STREETS",
    "TECH_ROLES", "TEMPLATE_BASE", "TEMPLATE_COLUMNS", "TEMPLATE_VARIANTS", "TICKET_STATUS", "TICKET_TITLES",
    "TICKET_TYPES", "TIME_NOTES", "USE_TYPES", "VENDORS", "WORKFLOW_BASE", "WORKFLOW_COLUMNS",
    "Sample", "build", "generate", "synth_command", "write",
]
