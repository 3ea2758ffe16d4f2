"""The Campaign page's pictures: headline cards, uplift bars with 95 % intervals, the uplift curve.

Charts take the report dict as it is stored (docs/campaign-evaluation.md) and draw nothing they
cannot read from it; suppressed or empty cells are simply not drawn.
"""

from __future__ import annotations

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView,
                              QLineSeries, QValueAxis)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QWidget

from app.ui.kit.style import ACCENT, MUTED, TEXT
from app.ui.kit.widgets import Retranslatable, card, plain_label

MAX_BARS = 40  # more categories (branches) than this: the largest by treated customers


def pp(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{100 * x:+.{digits}f} pp"


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.2f}%"


class HeadlineCards(Retranslatable, QWidget):
    """Four cards: uplift with its interval, p-value, incremental binds, the two rates."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        self.titles, self.values, self.details = [], [], []
        for i in range(4):
            frame, layout = card()
            title, value, detail = (plain_label(object_name="Hint"), plain_label(),
                                    plain_label(object_name="Hint", wrap=True))
            value.setStyleSheet(f"font-size: 17pt; font-weight: 600; color: {TEXT};")
            for w in (title, value, detail):
                layout.addWidget(w)
            grid.addWidget(frame, 0, i)
            self.titles.append(title)
            self.values.append(value)
            self.details.append(detail)
        self.report: dict | None = None
        self.retranslate()

    def retranslate(self) -> None:
        for label, text in zip(self.titles, (self.tr("Uplift (treated − control)"),
                                             self.tr("p-value"), self.tr("Incremental binds"),
                                             self.tr("Bind rate"))):
            label.setText(text)
        self.show_report(self.report)

    def show_report(self, report: dict | None) -> None:
        self.report = report
        if report is None:
            for v, d in zip(self.values, self.details):
                v.setText("–")
                d.setText("")
            return
        o = report["overall"]
        ci = o["uplift_abs_ci95"]
        self.values[0].setText(pp(o["uplift_abs"]))
        self.details[0].setText(self.tr("95% CI %1 to %2").replace("%1", pp(ci and ci[0]))
                                .replace("%2", pp(ci and ci[1])))
        p = o["p_value"]
        self.values[1].setText("–" if p is None else f"{p:.3g}")
        self.details[1].setText(self.tr("significant at 5%") if p is not None and p < 0.05
                                else self.tr("not significant at 5%"))
        inc, inc_ci = o["incremental_conversions"], o["incremental_conversions_ci95"]
        self.values[2].setText("–" if inc is None else f"{inc:,.0f}")
        self.details[2].setText("" if inc_ci is None else self.tr("95% CI %1 to %2")
                                .replace("%1", f"{inc_ci[0]:,.0f}").replace("%2", f"{inc_ci[1]:,.0f}"))
        self.values[3].setText(f"{pct(o['treatment']['rate'])} / {pct(o['control']['rate'])}")
        self.details[3].setText(self.tr("treated %1 · control %2")
                                .replace("%1", f"{o['treatment']['n']:,}")
                                .replace("%2", f"{o['control']['n']:,}"))


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.legend().hide()
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    return chart


def uplift_chart(title: str, cells: dict[str, dict], axis_title: str) -> QChart:
    """Bars = uplift in pp per category, a vertical line = its 95 % interval."""
    chart = _chart(title)
    shown = [(k, c) for k, c in cells.items() if not c.get("suppressed") and c.get("uplift_abs") is not None]
    if len(shown) > MAX_BARS:
        shown = sorted(shown, key=lambda kc: -kc[1]["treatment"]["n"])[:MAX_BARS]
    bars = QBarSet(axis_title)
    bars.setColor(QColor(ACCENT))
    for _k, c in shown:
        bars.append(100 * c["uplift_abs"])
    series = QBarSeries()
    series.append(bars)
    series.setBarWidth(0.6)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append([k for k, _c in shown] or [""])
    axis_y = QValueAxis()
    axis_y.setTitleText(axis_title)
    chart.addAxis(axis_x, Qt.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    lows, highs = [0.0], [0.0]
    pen = QPen(QColor(TEXT))
    pen.setWidthF(2.0)
    for i, (_k, c) in enumerate(shown):
        ci = c.get("uplift_abs_ci95")
        if not ci:
            continue
        whisker = QLineSeries()
        whisker.setPen(pen)
        whisker.append(i, 100 * ci[0])
        whisker.append(i, 100 * ci[1])
        chart.addSeries(whisker)
        whisker.attachAxis(axis_x)
        whisker.attachAxis(axis_y)
        lows.append(100 * ci[0])
        highs.append(100 * ci[1])
    lo, hi = min(lows), max(highs)
    pad = 0.08 * (hi - lo or 1.0)
    axis_y.setRange(lo - pad, hi + pad)
    axis_y.applyNiceNumbers()
    return chart


def curve_chart(title: str, report: dict, x_title: str, y_title: str, random_name: str) -> QChart:
    """Uplift curve (incremental binds per scored customer vs share targeted) and random targeting."""
    chart = _chart(title)
    curves = report.get("deciles", {}).get("curves", {})
    points = [p for p in curves.get("points", []) if p["uplift"] is not None]
    model = QLineSeries()
    model.setName(title)
    model.append(0.0, 0.0)
    for p in points:
        model.append(p["fraction"], 100 * p["uplift"])
    model.setPen(QPen(QColor(ACCENT), 2.5))
    random = QLineSeries()
    random.setName(random_name)
    random.append(0.0, 0.0)
    if points:
        random.append(points[-1]["fraction"], 100 * points[-1]["uplift"])
    dashed = QPen(QColor(MUTED), 1.5)
    dashed.setStyle(Qt.DashLine)
    random.setPen(dashed)
    axis_x, axis_y = QValueAxis(), QValueAxis()
    axis_x.setRange(0, 1)
    axis_x.setLabelFormat("%.1f")
    axis_x.setTickCount(6)
    axis_x.setTitleText(x_title)
    axis_y.setTitleText(y_title)
    chart.addAxis(axis_x, Qt.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignLeft)
    for s in (model, random):
        chart.addSeries(s)
        s.attachAxis(axis_x)
        s.attachAxis(axis_y)
    values = [0.0] + [100 * p["uplift"] for p in points]
    axis_y.setRange(min(values), max(values) * 1.1 or 1.0)
    axis_y.applyNiceNumbers()
    chart.legend().show()
    chart.legend().setAlignment(Qt.AlignBottom)
    return chart


def chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.Antialiasing)
    view.setMinimumHeight(220)
    return view
