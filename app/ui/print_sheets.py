"""Printable PDFs painted with QPainter onto a QPdfWriter: call sheets (A4 landscape) and the
model-risk review of a model record and scorecard (A4 portrait).

Lives in app/ui because it needs Qt; the workflow gets ``write_call_sheet_pdf`` (or
``write_review_pdf``) injected as its ``pdf_writer`` (the CLI imports this module lazily). Tables
are painted cell by cell rather than laid out by QTextDocument: Qt's rich-text table layout grows
worse than linearly with rows (3 s for 400 rows), painting is milliseconds per page. Values are
drawn as plain text, so nothing in a customer column is ever interpreted as markup; a PDF has no
formulas, so values appear as exported. ``sheet_html`` and ``review_html`` give the same content
as escaped HTML for on-screen previews (and for tests: Qt's PDFs compress their text).
"""

from __future__ import annotations

import ctypes
import html
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLineF, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QGuiApplication, QPageLayout, QPageSize,
                           QPainter, QPdfWriter)

from app.workflows.plans.export import CallSheet

DPI = 150
FONT_PT = 9


def _ensure_app():
    """Painting text needs a GUI application; a headless CLI run gets an offscreen one."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance()
    if app is None:
        # A widgets application, not a bare QGuiApplication: the same process may show windows
        # later (the GUI, tests), and QWidget aborts the process under a QGuiApplication.
        app = QApplication(["lianmo-print"])
    return app


def sheet_html(sheet: CallSheet) -> str:
    """The call sheet as escaped HTML (for a preview widget)."""
    esc = html.escape
    info = "".join(f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>" for k, v in sheet.info_lines())
    head = "".join(f"<th>{esc(h)}</th>" for h in sheet.header)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in sheet.rows)
    return (f"<h2>{esc(sheet.title)}</h2><table>{info}</table><br/>"
            f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>")


def _widths(header: list[str], rows: list[list[str]], char_w: float, total: float,
            cap: int = 40) -> list[float]:
    """Column widths from the header and the first rows' text lengths (each counted up to ``cap``
    characters), scaled to the page width."""
    want = []
    for i, name in enumerate(header):
        longest = max([len(name), *(len(row[i]) for row in rows[:200] if i < len(row))])
        blank_column = all(i >= len(row) or not row[i] for row in rows[:200])
        want.append(char_w * max(min(longest, cap), 14 if blank_column else 3) + 12)
    scale = total / sum(want)
    return [w * scale for w in want]


class _Painter:
    """Page-by-page table painting; repeats a table's header on every page it spans.

    Text goes through ``drawText(QPointF, str)`` (Qt's fast path, no layout engine); grid lines
    go out as one ``drawLines`` call per page. Few void calls also matter for the None refcount
    workaround below. ``footer(page)`` gives each page's footer text.
    """

    def __init__(self, writer, footer, cap: int = 40):
        self.writer, self.footer_text, self.cap = writer, footer, cap
        self.painter = QPainter(writer)
        self.font = QFont(self.painter.font())
        self.font.setPointSize(FONT_PT)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.metrics = QFontMetricsF(self.font, writer)
        self.bold_metrics = QFontMetricsF(self.bold, writer)
        self.row_h = self.metrics.height() * 1.5
        self.baseline = (self.row_h + self.metrics.ascent() - self.metrics.descent()) / 2
        self.char_w = self.bold_metrics.averageCharWidth() * 1.15
        rect = writer.pageLayout().paintRectPixels(writer.resolution())
        self.width, self.height = rect.width(), rect.height()
        self.page = 1
        self.y = 0.0
        self.current = None
        self.void_calls = 2  # setPointSize, setBold above

    def void(self, fn, *args) -> None:
        """Call a void Qt method and count it (see the None refcount note below)."""
        fn(*args)
        self.void_calls += 1

    def use(self, font) -> None:
        if font is not self.current:
            self.void(self.painter.setFont, font)
            self.current = font

    def text(self, x: float, y: float, w: float, value: str, bold: bool = False) -> None:
        if not value:
            return
        metrics = self.bold_metrics if bold else self.metrics
        if len(value) * self.char_w > w - 8 and metrics.horizontalAdvance(value) > w - 8:
            value = metrics.elidedText(value, Qt.TextElideMode.ElideRight, w - 8)
        self.painter.drawText(QPointF(x + 4, y + self.baseline), value)

    def line(self, value: str, bold: bool = False) -> None:
        """One line of text across the page (a title, a heading, a note)."""
        if self.y + self.row_h * 3 > self.height - self.row_h * 1.5:
            self.new_page()
        self.use(self.bold if bold else self.font)
        self.text(0, self.y, self.width, value, bold=bold)
        self.y += self.row_h

    def info(self, lines) -> None:
        """Label and value pairs, labels bold."""
        for label, value in lines:
            self.use(self.bold)
            self.text(0, self.y, self.width * 0.15, label, bold=True)
            self.use(self.font)
            self.text(self.width * 0.15, self.y, self.width * 0.85, value)
            self.y += self.row_h

    def table_page(self, top: float, header: list[str], widths: list[float],
                   rows: list[list[str]]) -> None:
        """Header row, body rows and one batch of grid lines."""
        lefts = [sum(widths[:i]) for i in range(len(widths))]
        self.void(self.painter.fillRect, QRectF(0, top, self.width, self.row_h), QColor(230, 230, 230))
        self.use(self.bold)
        for x, w, name in zip(lefts, widths, header):
            self.text(x, top, w, name, bold=True)
        self.use(self.font)
        for r, values in enumerate(rows, start=1):
            y = top + r * self.row_h
            for x, w, value in zip(lefts, widths, values):
                self.text(x, y, w, value)
        bottom = top + (len(rows) + 1) * self.row_h
        lines = [QLineF(0, top + r * self.row_h, self.width, top + r * self.row_h)
                 for r in range(len(rows) + 2)]
        lines += [QLineF(x, top, x, bottom) for x in [*lefts, self.width]]
        self.void(self.painter.drawLines, lines)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        """A table from the current position on, continued on as many pages as it needs."""
        widths = _widths(header, rows, self.char_w, self.width, self.cap)
        while True:
            fit = int((self.height - self.row_h * 1.5 - self.y) // self.row_h) - 1
            if fit < 1 and self.y > 0:  # not even one row below the header here: next page
                self.new_page()
                continue
            per_page = max(1, fit)
            self.table_page(self.y, header, widths, rows[:per_page])
            self.y += (len(rows[:per_page]) + 1) * self.row_h
            rows = rows[per_page:]
            if not rows:
                break
            self.new_page()

    def new_page(self) -> None:
        self.footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0

    def footer(self) -> None:
        self.use(self.font)
        self.text(0, self.height - self.row_h, self.width, self.footer_text(self.page))

    def end(self) -> None:
        self.footer()
        self.painter.end()


def _paint_call_sheet(writer, sheet: CallSheet) -> _Painter:
    painter = _Painter(writer, lambda page: f"{sheet.meta.campaign_id} - {sheet.branch} - page {page}")
    painter.line(sheet.title, bold=True)
    painter.y = painter.row_h * 1.5
    painter.info(sheet.info_lines())
    painter.y += painter.row_h / 2
    painter.table(sheet.header, sheet.rows)
    painter.end()
    return painter


def _paint_review(writer, document) -> _Painter:
    # digests and parameters are read in full: long values may take most of the width
    painter = _Painter(writer, lambda page: f"{document.title} - page {page}", cap=90)
    painter.line(document.title, bold=True)
    for heading, note, header, rows in document.tables:
        painter.y += painter.row_h / 2
        painter.line(heading, bold=True)
        if note:
            painter.line(note)
        painter.table(header, rows)
    painter.end()
    return painter


# PySide6 6.12.0 on CPython 3.11 returns None from every void method without a new reference
# (harmless from 3.12, where None is immortal). Enough such calls free None and abort the
# interpreter ("none_dealloc"). Until the dependency is fixed, every PDF gives back at least the
# references its painting took, permanently (Py_IncRef: a list holding them would be freed at
# shutdown and the abort would just move there). The counted void calls are the floor; the
# measured drop is used when larger. Extra references to None cost nothing.
def _restore_none_refs(before: int, counted: int = 0) -> None:
    deficit = max(before - sys.getrefcount(None), counted)
    if deficit > 0 and sys.version_info < (3, 12):
        incref = ctypes.pythonapi.Py_IncRef
        incref.argtypes, incref.restype = [ctypes.py_object], None
        for _ in range(deficit):
            incref(None)


def _write_pdf(path: Path, title: str, paint, content, orientation) -> None:
    """Paint ``content`` into ``path`` (written under a temporary name, then renamed)."""
    _ensure_app()
    tmp = Path(str(path) + ".part")
    before, counted = sys.getrefcount(None), 3   # setResolution, setTitle, setCreator
    try:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(DPI)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                         QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
        writer.setTitle(title)
        writer.setCreator("Lianmo")
        painter = paint(writer, content)
        counted += painter.void_calls
        del writer, painter  # closes the file
    finally:
        _restore_none_refs(before, counted)
    os.replace(tmp, path)


def write_call_sheet_pdf(path: Path, sheet: CallSheet) -> None:
    """Render one branch's call sheet to ``path`` (A4 landscape)."""
    _write_pdf(path, sheet.title, _paint_call_sheet, sheet, QPageLayout.Orientation.Landscape)


def write_review_pdf(path, document) -> None:
    """Render a model-risk review (app.workflows.training.ReviewDocument: titled tables) to
    ``path`` (A4 portrait), with the call sheets' painter."""
    _write_pdf(Path(path), document.title, _paint_review, document, QPageLayout.Orientation.Portrait)


def review_html(document) -> str:
    """The review document as escaped HTML (what the PDF shows; for previews and checks)."""
    esc = html.escape
    out = [f"<h2>{esc(document.title)}</h2>"]
    for heading, note, header, rows in document.tables:
        head = "".join(f"<th>{esc(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in rows)
        out.append(f"<h3>{esc(heading)}</h3>" + (f"<p>{esc(note)}</p>" if note else "")
                   + f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>")
    return "".join(out)
