"""PDF export of an evaluation: escaped HTML laid out by QTextDocument onto a QPdfWriter.

The report is small (tens of rows), so QTextDocument's table layout is fast enough here (the
call sheets paint instead because they have thousands of rows). Every value is HTML-escaped: a
branch code or channel label from a customer file is shown as text, never read as markup.
"""

from __future__ import annotations

import html
import os

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app.workflows.campaign.tables import parameter_rows, report_tables


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: list[str], rows: list[list]) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(_fmt(v))}</td>" for v in row) + "</tr>" for row in rows)
    return (f"<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
            f"<tr>{head}</tr>{body}</table>")


def report_html(report: dict, title: str, charts: int = 0) -> str:
    esc = html.escape
    parts = [f"<h2>{esc(title)}</h2>", _table(["parameter", "value"], parameter_rows(report))]
    parts += [f"<p><img src='chart{i}' width='520'/></p>" for i in range(charts)]
    for name, header, rows in report_tables(report):
        parts.append(f"<h3>{esc(name)}</h3>")
        parts.append(_table(header, rows))
    return "<html><body style='font-size:8pt'>" + "".join(parts) + "</body></html>"


def write_pdf(report: dict, path: str, title: str, chart_images=()) -> str:
    """Write the report (and optional chart images, QImage) as an A4 portrait PDF."""
    writer = QPdfWriter(path + ".tmp")
    writer.setResolution(120)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Millimeter))
    doc = QTextDocument()
    for i, image in enumerate(chart_images):
        doc.addResource(QTextDocument.ImageResource, QUrl(f"chart{i}"), image)
    doc.setHtml(report_html(report, title, len(chart_images)))
    doc.print_(writer)
    del writer  # flushes and closes the file
    os.replace(path + ".tmp", path)
    return path
