"""All paths the workbook uses, resolved from the project root (one place to change them).

In a source checkout (and an editable install) the notebooks and the blank capture sheets are read where
consultants find them, notebooks/ and data/templates/; a plain `pip install .` carries them inside the package
(readiness/notebooks, readiness/capture_sheets: see pyproject.toml), and they are read from there.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent.parent


def _checkout_or_package(in_checkout: Path, in_package: Path) -> Path:
    return in_checkout if in_checkout.is_dir() else in_package


DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
CAPTURE_TEMPLATES_DIR = _checkout_or_package(DATA_DIR / "templates", PACKAGE_DIR / "capture_sheets")
OUTPUTS_DIR = ROOT / "outputs"
NOTEBOOKS_DIR = _checkout_or_package(ROOT / "notebooks", PACKAGE_DIR / "notebooks")
TEMPLATES_DIR = PACKAGE_DIR / "templates"

REPORT_NOTEBOOK = NOTEBOOKS_DIR / "readiness_report.ipynb"
EXPLORER_NOTEBOOK = NOTEBOOKS_DIR / "contract_explorer.ipynb"
RECONCILIATION_NOTEBOOK = NOTEBOOKS_DIR / "billing_reconciliation.ipynb"

DEFAULT_SAMPLE = SAMPLE_DIR / "acme-it"
