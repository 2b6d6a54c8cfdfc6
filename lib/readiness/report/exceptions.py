"""Errors raised while building the client report."""

from __future__ import annotations

from pathlib import Path


class ReportError(RuntimeError):
    """The report could not be built.

    Attributes:
        notebook_path: the partially executed report.ipynb (papermill writes it with its error banner), or None.
        cell_index: index of the failing cell in that notebook, or None.
        cell_label: the failing cell's tag or first source line, to find it by eye.
        ename / evalue: the exception raised inside the kernel.
    """

    def __init__(self, message: str, notebook_path: str | Path | None = None, cell_index: int | None = None,
                 cell_label: str = "", ename: str = "", evalue: str = ""):
        super().__init__(message)
        self.notebook_path = Path(notebook_path) if notebook_path else None
        self.cell_index = cell_index
        self.cell_label = cell_label
        self.ename = ename
        self.evalue = evalue


class PdfUnavailable(ReportError):
    """The PDF engine is missing or failed; the HTML report is still there."""
