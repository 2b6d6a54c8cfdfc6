"""Executed report notebook -> client HTML (no code, self-contained) -> PDF.

The HTML uses the package's own nbconvert template (templates/report): outputs only, no prompts, no scripts,
no external URLs, the print CSS inlined and charts embedded as base64 PNG, so it works offline and prints
the same everywhere. The PDF is made from that HTML by WeasyPrint (default) or a local Chromium.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from readiness.config import TEMPLATES_DIR
from readiness.report.exceptions import PdfUnavailable

TEMPLATE_NAME = "report"
# Cells tagged like this never reach the client: the parameters and hand-run notes.
REMOVE_TAGS = {"parameters", "injected-parameters", "remove-cell"}
PAPER = {"A4": "A4", "letter": "letter", "Letter": "letter"}


def exporter():
    """The configured HTMLExporter (inputs, prompts and tagged cells removed; our template)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = REMOVE_TAGS
    c.HTMLExporter.embed_images = True
    return HTMLExporter(config=c, template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)])


def notebook_to_html(nb_path: str | Path, html_path: str | Path, title: str = "Readiness report") -> Path:
    """Render the executed notebook at `nb_path` to a self-contained client HTML file; returns its path."""
    import nbformat

    nb = nbformat.read(str(nb_path), as_version=4)
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    html_path = Path(html_path)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, engine: str = "weasyprint", paper: str = "A4") -> Path:
    """Print the report HTML to PDF with `engine` ("weasyprint" or "chromium"); `paper` "A4" or "letter".

    Raises PdfUnavailable (a ReportError) when the engine is missing or fails; the HTML is left untouched.
    """
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    if engine == "weasyprint":
        return _weasyprint(html_path, pdf_path, PAPER.get(paper, "A4"))
    if engine == "chromium":
        return _chromium(html_path, pdf_path, PAPER.get(paper, "A4"))
    raise ValueError(f"unknown PDF engine {engine!r} (use 'weasyprint' or 'chromium')")


def _with_paper(html_text: str, paper: str) -> str:
    """The report HTML with its @page size set to `paper` (the print CSS is written for A4; both engines take
    the page size from the document's own CSS)."""
    return html_text if paper == "A4" else html_text.replace("size: A4;", f"size: {paper};", 1)


def _weasyprint(html_path: Path, pdf_path: Path, paper: str) -> Path:
    try:
        import weasyprint
    except Exception as exc:  # ImportError, or OSError when Pango is missing on the machine
        raise PdfUnavailable(f"WeasyPrint is not available ({type(exc).__name__}: {exc}); the HTML report is at "
                             f"{html_path}") from exc
    # WeasyPrint logs a warning for every CSS rule it does not support; only real errors matter here.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        text = _with_paper(html_path.read_text(encoding="utf-8"), paper)
        weasyprint.HTML(string=text, base_url=str(html_path.parent)).write_pdf(str(pdf_path))
    except Exception as exc:
        raise PdfUnavailable(f"WeasyPrint could not make the PDF ({type(exc).__name__}: {exc}); the HTML report "
                             f"is at {html_path}") from exc
    return pdf_path


def _chromium(html_path: Path, pdf_path: Path, paper: str) -> Path:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        raise PdfUnavailable(f"no Chromium found on PATH; the HTML report is at {html_path}")
    src = html_path
    if paper != "A4":
        src = html_path.with_name(html_path.stem + f".{paper}.html")
        src.write_text(_with_paper(html_path.read_text(encoding="utf-8"), paper), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", src.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"Chromium could not make the PDF ({exc}); the HTML report is at {html_path}") from exc
        finally:
            if src != html_path:
                src.unlink(missing_ok=True)
    if proc.returncode != 0 or not pdf_path.exists():
        raise PdfUnavailable(f"Chromium could not make the PDF (exit {proc.returncode}); the HTML report is at "
                             f"{html_path}")
    return pdf_path
