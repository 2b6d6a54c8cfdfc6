"""All paths the workbook uses, resolved from the project root (one place to change them)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
CAPTURE_TEMPLATES_DIR = DATA_DIR / "templates"
OUTPUTS_DIR = ROOT / "outputs"
NOTEBOOKS_DIR = ROOT / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

REPORT_NOTEBOOK = NOTEBOOKS_DIR / "readiness_report.ipynb"
EXPLORER_NOTEBOOK = NOTEBOOKS_DIR / "contract_explorer.ipynb"
RECONCILIATION_NOTEBOOK = NOTEBOOKS_DIR / "billing_reconciliation.ipynb"

DEFAULT_SAMPLE = SAMPLE_DIR / "acme-it"
