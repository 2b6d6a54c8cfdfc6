"""Run the parameterised report notebook with papermill (Python API, fresh python3 kernel per report)."""

from __future__ import annotations

from pathlib import Path

from readiness.config import REPORT_NOTEBOOK
from readiness.report.exceptions import ReportError

# Seconds one cell may run; the audit of a large export is the slowest cell.
CELL_TIMEOUT = 900
# ipykernel warns on every start that its loopback TCP is unencrypted; real kernel errors still print.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]


def cell_label(nb_path: str | Path, index: int | None = None) -> str:
    """A human name for the failing cell of the notebook at `nb_path`: `cell <i> [tags] `first line``.

    The cell holding the error output is looked up in the saved notebook, with the index seen when it is opened
    (papermill inserts banner cells, so `index`, counted at execution time, is only the fallback). Tags papermill
    adds are left out. "cell <index>" when no such cell is found or the file is unreadable; "" without `index`.
    """
    fallback = "" if index is None else f"cell {index}"
    try:
        import nbformat

        cells = nbformat.read(str(nb_path), as_version=4).cells
    except Exception:  # an unreadable or truncated partial notebook must not hide the original error
        return fallback
    failed = [i for i, c in enumerate(cells) if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    pos = failed[0] if failed else index
    if pos is None or not 0 <= pos < len(cells):
        return fallback
    cell = cells[pos]
    tags = [t for t in cell.get("metadata", {}).get("tags", [])
            if t != "injected-parameters" and not t.startswith("papermill")]
    first = next((ln.strip() for ln in cell.get("source", "").splitlines() if ln.strip()), "")
    return f"cell {pos}" + (f" [{', '.join(tags)}]" if tags else "") + (f" `{first}`" if first else "")


def run_notebook(out_path: str | Path, parameters: dict, notebook: str | Path = REPORT_NOTEBOOK,
                 timeout: int = CELL_TIMEOUT) -> Path:
    """Execute `notebook` with `parameters` into `out_path`; returns `out_path`.

    On a failing cell papermill still writes the partial notebook (with its error banner); this raises
    ReportError naming that notebook and the failing cell.
    """
    import papermill as pm

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(str(notebook), str(out_path), parameters=parameters, kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(Path(notebook).parent),
                            execution_timeout=timeout, extra_arguments=KERNEL_ARGS)
    except pm.PapermillExecutionError as exc:
        label = cell_label(out_path, exc.cell_index)
        raise ReportError(f"the report notebook failed in {label}: {exc.ename}: {exc.evalue} "
                          f"(partial notebook: {out_path})", notebook_path=out_path, cell_index=exc.cell_index,
                          cell_label=label, ename=exc.ename, evalue=exc.evalue) from exc
    except Exception as exc:  # kernel died or timed out, notebook unreadable: same message shape
        partial = out_path if out_path.exists() else None
        raise ReportError(f"the report notebook could not run: {type(exc).__name__}: {exc}"
                          + (f" (partial notebook: {out_path})" if partial else ""),
                          notebook_path=partial, ename=type(exc).__name__, evalue=str(exc)) from exc
    return out_path
