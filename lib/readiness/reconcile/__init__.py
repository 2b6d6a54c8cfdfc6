"""Parallel billing-cycle reconciliation: one billing period in Autotask against the same period in HaloPSA.

Before Autotask is switched off, one full billing period is run in both systems and compared line by line; every
difference is resolved before cutover. This package does the comparison:

- Autotask side: the export folder's ``BillingItems`` (REST names: companyID, serviceID, serviceBundleID,
  productID, contractID, itemDate, description, quantity, rate, extendedPrice, invoiceID, nonBillable), named
  through ``Companies.companyName``, ``Services.name``, ``ServiceBundles.name`` and ``Products.name``
  (:mod:`readiness.reconcile.autotask`).
- HaloPSA side: an invoice-lines export in HaloPSA API field names (:mod:`readiness.reconcile.halo`).
- Matching on folded client + item names with an optional client map, duplicates summed, each pair classified
  ``match``, ``quantity``, ``price``, ``quantity_and_price``, ``missing_in_halo`` or ``missing_in_autotask``
  (:mod:`readiness.reconcile.match`); outputs and the sign-off page in :mod:`readiness.reconcile.report`.
  Lines with an inf, NaN or absurd number are left out and lines repeated exactly on one side are named, both in
  the run's warnings (summary.json, the sign-off page, the terminal), each with its file and row. Every line read
  is either compared or counted under the reason it was not (non-billable, dated outside the period, no date, no
  quantity or amount, a number that is not finite or beyond any invoice): summary.json ``source_lines``.
- Money (:mod:`readiness.reconcile.money`): exact Decimals, each line rounded ROUND_HALF_UP to the currency's
  ISO 4217 minor unit, sums exact. The currency is client.yaml's ``currency``, else the one code the HaloPSA lines
  carry, else unknown (bare numbers, 2 decimals, with a note).

HaloPSA field names, confirmed in the HaloPSA API v2 OpenAPI document published in the GitHub repository
covenanttechnologysolutions/halopsa-rest, file ``generator/spec/swagger.json`` (``components.schemas``):

- ``InvoiceHeader``: ``id``, ``client_id``, ``client_name``, ``invoicenumber``, ``invoice_date`` (date-time),
  ``contract_id``, ``total``, and ``lines`` (array of ``InvoiceDetail``).
- ``InvoiceDetail``: ``id``, ``ihid`` (its header's id), ``item_code``, ``item_shortdescription``,
  ``item_longdescription``, ``qty_order`` (double), ``unit_price`` (double), ``net_amount`` (double),
  ``tax_amount``, ``contract_id``, ``client_name``.
- ``GET /Invoice`` lists InvoiceHeader records and embeds their lines with ``includelines=true`` (same repository,
  ``src/HaloPSA/InvoiceAPI.ts``). The swagger gives that list no response schema; the ``{"invoices": [...]}``
  wrapper accepted here follows HaloPSA's list convention (``record_count`` + plural key) and is not confirmed by
  the swagger itself.
"""

from readiness.reconcile.autotask import autotask_billing_lines, load_autotask
from readiness.reconcile.clientmap import read_client_map
from readiness.reconcile.command import (default_out_dir, reconcile_command, resolve_currency, run_reconciliation,
                                         summary_text)
from readiness.reconcile.errors import ReconcileError
from readiness.reconcile.halo import halo_billing_lines, read_halo_lines
from readiness.reconcile.match import (COLUMNS, DEFAULT_TOLERANCE, NOT_COMPARED, STATUSES, Reconciliation,
                                       fold_names, reconcile_lines)
from readiness.reconcile.money import MINOR_UNITS, minor_unit, round_money
from readiness.reconcile.report import STATUS_LABELS, render_html, write_outputs
from readiness.reconcile.sample import make_paired_sample

__all__ = [
    "COLUMNS", "DEFAULT_TOLERANCE", "MINOR_UNITS", "NOT_COMPARED", "STATUSES", "STATUS_LABELS", "ReconcileError",
    "Reconciliation", "minor_unit", "resolve_currency", "round_money",
    "autotask_billing_lines", "default_out_dir", "fold_names", "halo_billing_lines", "load_autotask",
    "make_paired_sample", "read_client_map", "read_halo_lines", "reconcile_command", "reconcile_lines",
    "render_html", "run_reconciliation", "summary_text", "write_outputs",
]
