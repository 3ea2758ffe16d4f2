"""Printable PDF call sheets, painted with QPainter onto a QPdfWriter (A4 landscape).

Lives in app/ui because it needs Qt; the workflow gets ``write_call_sheet_pdf`` injected as its
``pdf_writer`` (the CLI imports this module lazily). The table is painted cell by cell rather
than laid out by QTextDocument: Qt's rich-text table layout grows worse than linearly with rows
(3 s for 400 rows), painting is milliseconds per page. Values are drawn as plain text, so nothing
in a customer column is ever interpreted as markup; a PDF has no formulas, so values appear as
exported. ``sheet_html`` gives the same content as escaped HTML for on-screen previews.
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


def _widths(sheet: CallSheet, char_w: float, total: float) -> list[float]:
    """Column widths from the header and the first rows' text lengths, scaled to the page width."""
    want = []
    for i, name in enumerate(sheet.header):
        longest = max([len(name), *(len(row[i]) for row in sheet.rows[:200])])
        blank_column = all(not row[i] for row in sheet.rows[:200])
        want.append(char_w * max(min(longest, 40), 14 if blank_column else 3) + 12)
    scale = total / sum(want)
    return [w * scale for w in want]


class _Painter:
    """Page-by-page table painting; repeats the table header on every page.

    Text goes through ``drawText(QPointF, str)`` (Qt's fast path, no layout engine); grid lines
    go out as one ``drawLines`` call per page. Few void calls also matter for the None refcount
    workaround below.
    """

    def __init__(self, writer, sheet: CallSheet):
        self.writer, self.sheet = writer, sheet
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
        self.widths = _widths(sheet, self.char_w, self.width)
        self.lefts = [sum(self.widths[:i]) for i in range(len(self.widths))]
        self.page = 1
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

    def table_page(self, top: float, rows: list[list[str]]) -> None:
        """Header row, body rows and one batch of grid lines."""
        self.void(self.painter.fillRect, QRectF(0, top, self.width, self.row_h), QColor(230, 230, 230))
        self.use(self.bold)
        for x, w, name in zip(self.lefts, self.widths, self.sheet.header):
            self.text(x, top, w, name, bold=True)
        self.use(self.font)
        for r, values in enumerate(rows, start=1):
            y = top + r * self.row_h
            for x, w, value in zip(self.lefts, self.widths, values):
                self.text(x, y, w, value)
        bottom = top + (len(rows) + 1) * self.row_h
        lines = [QLineF(0, top + r * self.row_h, self.width, top + r * self.row_h)
                 for r in range(len(rows) + 2)]
        lines += [QLineF(x, top, x, bottom) for x in [*self.lefts, self.width]]
        self.void(self.painter.drawLines, lines)

    def footer(self) -> None:
        self.use(self.font)
        label = f"{self.sheet.meta.campaign_id} - {self.sheet.branch} - page {self.page}"
        self.text(0, self.height - self.row_h, self.width, label)

    def run(self) -> None:
        self.use(self.bold)
        self.text(0, 0, self.width, self.sheet.title, bold=True)
        y = self.row_h * 1.5
        for label, value in self.sheet.info_lines():
            self.use(self.bold)
            self.text(0, y, self.width * 0.15, label, bold=True)
            self.use(self.font)
            self.text(self.width * 0.15, y, self.width * 0.85, value)
            y += self.row_h
        y += self.row_h / 2
        rows, per_page = self.sheet.rows, None
        while True:
            fit = int((self.height - self.row_h * 1.5 - y) // self.row_h) - 1
            per_page = max(1, fit)
            self.table_page(y, rows[:per_page])
            self.footer()
            rows = rows[per_page:]
            if not rows:
                break
            self.writer.newPage()
            self.page += 1
            y = 0.0
        self.painter.end()


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


def write_call_sheet_pdf(path: Path, sheet: CallSheet) -> None:
    """Render one branch's call sheet to ``path`` (written under a temporary name, then renamed)."""
    _ensure_app()
    tmp = Path(str(path) + ".part")
    before, counted = sys.getrefcount(None), 3   # setResolution, setTitle, setCreator
    try:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(DPI)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Landscape,
                                         QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
        writer.setTitle(sheet.title)
        writer.setCreator("Lianmo")
        painter = _Painter(writer, sheet)
        painter.run()
        counted += painter.void_calls
        del writer, painter  # closes the file
    finally:
        _restore_none_refs(before, counted)
    os.replace(tmp, path)
