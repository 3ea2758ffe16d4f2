"""Printable PDF call sheets (Qt: QTextDocument laid out onto a QPdfWriter page by page).

Lives in app/ui because it needs Qt; the workflow gets ``write_call_sheet_pdf`` injected as its
``pdf_writer`` (the CLI imports this module lazily). Every value is HTML-escaped before it goes
into the document, so a customer column can never inject markup. A PDF has no cells and no
formulas, so the values are shown exactly as exported (the XLSX escaping is not needed here).
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

from app.workflows.plan_export import CallSheet

_STYLE = ("body { font-size: 9pt; } table { border-collapse: collapse; } "
          "th, td { border: 1px solid #888; padding: 3px; } th { background: #eee; } "
          ".info td { border: none; padding: 1px 6px 1px 0; }")


def _ensure_app():
    """QTextDocument needs a GUI application; a headless CLI run gets an offscreen one."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["lianmo-print"])
    return app


def sheet_html(sheet: CallSheet) -> str:
    esc = html.escape
    info = "".join(f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>"
                   for k, v in sheet.info_lines())
    head = "".join(f"<th>{esc(h)}</th>" for h in sheet.header)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
                   for row in sheet.rows)
    return (f"<html><head><style>{_STYLE}</style></head><body>"
            f"<h2>{esc(sheet.title)}</h2><table class='info'>{info}</table><br/>"
            f"<table width='100%'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            "</body></html>")


def write_call_sheet_pdf(path: Path, sheet: CallSheet) -> None:
    """Render one branch's call sheet to an A4 landscape PDF at ``path``."""
    _ensure_app()
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    tmp = Path(str(path) + ".part")
    writer = QPdfWriter(str(tmp))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setResolution(150)
    writer.setTitle(sheet.title)
    writer.setCreator("Lianmo")
    doc = QTextDocument()
    doc.setHtml(sheet_html(sheet))
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(page.width(), page.height()))
    doc.print_(writer)
    del writer  # flushes and closes the file
    os.replace(tmp, path)
