"""The chosen score source at a glance: a score histogram (QtCharts) and a decile table.

The numbers come from ``app.workflows.plans.sources`` (computed off the GUI thread); this module
only draws them.
"""

from __future__ import annotations

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView,
                              QLineSeries, QValueAxis)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QWidget

from app.ui.pages.segments.common import RowsModel, table_view
from app.ui.kit.style import ACCENT
from app.ui.kit.widgets import Retranslatable


class DistributionPanel(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.histogram: tuple | None = None      # (counts, edges)
        self.chart = QChart()
        self.chart.legend().hide()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.Antialiasing)
        self.chart_view.setMinimumSize(320, 220)
        self.deciles = RowsModel(self._decile_headers, self)
        self.decile_view = table_view(self.deciles)
        self.decile_view.setMinimumWidth(360)
        header = self.decile_view.horizontalHeader()   # numbers are short, headings are not:
        header.setSectionResizeMode(QHeaderView.ResizeToContents)   # each column fits both
        header.setStretchLastSection(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.chart_view, 3)
        row.addWidget(self.decile_view, 2)
        self.retranslate()

    def _decile_headers(self) -> list[str]:
        return [self.tr("Decile"), self.tr("Customers"), self.tr("Mean score"),
                self.tr("Min"), self.tr("Max")]

    def retranslate(self) -> None:
        self.chart.setTitle(self.tr("Score distribution"))
        self.deciles.retranslate()
        self._draw()

    def show_summary(self, histogram, deciles: list[dict]) -> None:
        self.histogram = histogram
        self.deciles.set_rows([[d["decile"], d["count"], d["mean"], d["min"], d["max"]]
                               for d in deciles])
        self._draw()

    def clear(self) -> None:
        self.histogram = None
        self.deciles.set_rows([])
        self._draw()

    def _draw(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        if self.histogram is None:
            return
        counts, edges = self.histogram
        bars = QBarSet(self.tr("Customers"))
        bars.setColor(QColor(ACCENT))
        bars.append([float(c) for c in counts])
        series = QBarSeries()
        series.setBarWidth(0.95)
        series.append(bars)
        self.chart.addSeries(series)
        # Bars sit on a hidden category axis; the visible x axis is a value axis over the same
        # score range, kept alive by an invisible two-point series (bar labels would elide).
        slots = QBarCategoryAxis()
        slots.append([str(i) for i in range(len(counts))])
        slots.setVisible(False)
        x_axis = QValueAxis()
        x_axis.setRange(float(edges[0]), float(edges[-1]))
        x_axis.setLabelFormat("%.2f")
        x_axis.setTickCount(6)
        x_axis.setTitleText(self.tr("Score"))
        span = QLineSeries()
        span.append(float(edges[0]), 0.0)
        span.append(float(edges[-1]), 0.0)
        span.setPen(QPen(Qt.NoPen))
        self.chart.addSeries(span)
        y_axis = QValueAxis()
        y_axis.setRange(0, max(1.0, float(max(counts, default=0)) * 1.05))
        y_axis.setLabelFormat("%d")
        y_axis.applyNiceNumbers()                   # round tick values, not 12313, 24627, …
        y_axis.setTitleText(self.tr("Customers"))
        self.chart.addAxis(slots, Qt.AlignBottom)
        self.chart.addAxis(x_axis, Qt.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignLeft)
        series.attachAxis(slots)
        series.attachAxis(y_axis)
        span.attachAxis(x_axis)
        span.attachAxis(y_axis)
