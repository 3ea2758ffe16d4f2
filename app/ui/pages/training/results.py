"""What a finished training shows: at the bank, validation quality of the federated model against
the bank-only model (AUC, ROC, lift and gains by decile) and feature importance with the partner's
features anonymised; at the partner, only how often each of its own features was used.

The numbers come from ``app.workflows.training`` (``model_report``, the job result); this module
only draws them. Metrics are computed from labels, which the feature party never has.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QTabWidget, QVBoxLayout, QWidget

from app.ui.kit.tables import read_only_table, set_row
from app.ui.kit.style import ACCENT
from app.ui.kit.widgets import Retranslatable, button, plain_label


def _auc_text(part: dict | None) -> str:
    value = (part or {}).get("auc")
    return "—" if value is None or math.isnan(value) else f"{value:.3f}"


class TrainingResults(Retranslatable, QWidget):
    use_bank_only = Signal(str)  # the federated model whose bank-only model should be used

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.report: dict | None = None
        self.usage: dict[str, int] | None = None
        self.heading = plain_label(object_name="SectionTitle")
        self.summary = plain_label(wrap=True)
        self.auc_names = [plain_label() for _ in range(2)]
        self.auc_values = [plain_label(object_name="Metric") for _ in range(2)]
        aucs = QGridLayout()
        for col, (name, value) in enumerate(zip(self.auc_names, self.auc_values)):
            aucs.addWidget(name, 0, col)
            aucs.addWidget(value, 1, col)
        aucs.setColumnStretch(2, 1)
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.Antialiasing)
        self.chart_view.setMinimumSize(300, 240)
        self.lift = read_only_table(5)
        self.importance = read_only_table(2)
        self.usage_table = read_only_table(2)
        self.note = plain_label(object_name="Hint", wrap=True)
        self.verdict = plain_label(object_name="Hint", wrap=True)
        self.bank_only_button = button()   # offered only when the joint model is worse
        self.bank_only_button.clicked.connect(
            lambda: self.use_bank_only.emit((self.report or {}).get("model", "")))
        self.bank_only_button.hide()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget in (self.chart_view, self.lift, self.importance):
            self.tabs.addTab(widget, "")
        self.metrics = QWidget()
        inner = QVBoxLayout(self.metrics)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(aucs)
        inner.addWidget(self.verdict)
        inner.addWidget(self.bank_only_button, 0, Qt.AlignLeft)
        inner.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addWidget(self.metrics, 1)
        layout.addWidget(self.usage_table, 1)
        self.metrics.hide()
        self.usage_table.hide()
        self.note.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Results"))
        self.bank_only_button.setText(self.tr("Use the bank-only model"))
        self.bank_only_button.setToolTip(self.tr(
            "Scores every eligible customer with the model on bank features only and plans start "
            "from it; nothing is sent to the partner."))
        for index, text in enumerate((self.tr("ROC curve"), self.tr("Lift and gains by decile"),
                                      self.tr("Feature importance"))):
            self.tabs.setTabText(index, text)
        self.auc_names[0].setText(self.tr("Validation AUC, federated"))
        self.auc_names[1].setText(self.tr("Validation AUC, bank features only"))
        self.lift.setHorizontalHeaderLabels([self.tr("Decile"), self.tr("Customers"),
                                             self.tr("Response rate"), self.tr("Lift"),
                                             self.tr("Cumulative gains")])
        self.importance.setHorizontalHeaderLabels([self.tr("Feature"), self.tr("Importance")])
        self.usage_table.setHorizontalHeaderLabels([self.tr("Our feature"),
                                                    self.tr("Splits using it")])
        if self.report is not None:
            self.show_report(self.report)
        elif self.usage is not None:
            self.show_usage(self.usage, self.note.text())

    def clear(self) -> None:
        self.report = self.usage = None
        self.summary.setText("")
        for widget in (self.metrics, self.usage_table, self.note):
            widget.hide()

    # -- label party ---------------------------------------------------------------------------
    def show_report(self, report: dict) -> None:
        self.report, self.usage = report, None
        federated, only = report.get("federated"), report.get("label_only")
        self.summary.setText(self.tr("%1 trees on %2 customers; measured on %3 validation "
                                     "customers the model never trained on.")
                             .replace("%1", str(report.get("trees", 0)))
                             .replace("%2", f"{report.get('rows_used', 0):,}")
                             .replace("%3", f"{report.get('validation_rows', 0):,}"))
        self.auc_values[0].setText(_auc_text(federated))
        self.auc_values[1].setText(_auc_text(only))
        self._show_verdict(report.get("comparison"))
        self._draw_roc(federated, only)
        lift = (federated or {}).get("lift", [])
        self.lift.setRowCount(len(lift))
        for row, d in enumerate(lift):
            set_row(self.lift, row, (d["decile"], f"{d['rows']:,}", f"{d['rate']:.1%}",
                                     f"{d['lift']:.2f}", f"{d['cumulative_gain']:.1%}"))
        importance = report.get("importance", {})
        total = sum(importance.values()) or 1.0
        self.importance.setRowCount(len(importance))
        for row, (name, gain) in enumerate(importance.items()):
            set_row(self.importance, row, (self._feature_name(name), f"{gain / total:.1%}"))
        self.note.hide()
        self.usage_table.hide()
        self.metrics.show()

    def _show_verdict(self, comparison: dict | None) -> None:
        """Never silently worse than the bank's own model: the paired bootstrap's verdict in words."""
        verdict = (comparison or {}).get("verdict")
        texts = {
            "worse": self.tr("On the validation customers the federated model is worse than the "
                             "model on bank features only, beyond chance. Use the bank-only model "
                             "for this campaign, or retrain with other partner features."),
            "no_difference": self.tr("Partner features did not change the validation AUC beyond "
                                     "chance; the bank-only model is as good on these customers."),
            "better": self.tr("Partner features improve the validation AUC beyond chance."),
        }
        self.verdict.setText(texts.get(verdict, ""))
        self.verdict.setVisible(verdict in texts)
        self.bank_only_button.setVisible(verdict == "worse"
                                         and (self.report or {}).get("kind") == "federated")

    def _feature_name(self, name: str) -> str:
        prefix = "partner feature #"
        if name.startswith(prefix):
            return self.tr("Partner feature #%1").replace("%1", name[len(prefix):])
        return name

    def _draw_roc(self, federated: dict | None, only: dict | None) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        self.chart.setTitle(self.tr("ROC on validation customers"))
        curves = ((federated, self.tr("Federated"), QColor(ACCENT)),
                  (only, self.tr("Bank features only"), QColor("#9aa3ad")),
                  ({"roc": {"fpr": [0.0, 1.0], "tpr": [0.0, 1.0]}}, self.tr("Chance"),
                   QColor("#d0d4d9")))
        x_axis, y_axis = QValueAxis(), QValueAxis()
        for axis, title in ((x_axis, self.tr("False positive rate")),
                            (y_axis, self.tr("True positive rate"))):
            axis.setRange(0.0, 1.0)
            axis.setLabelFormat("%.1f")
            axis.setTickCount(6)
            axis.setTitleText(title)
        self.chart.addAxis(x_axis, Qt.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignLeft)
        for part, name, color in curves:
            roc = (part or {}).get("roc")
            if not roc:
                continue
            series = QLineSeries()
            series.setName(name)
            series.append([QPointF(x, y) for x, y in zip(roc["fpr"], roc["tpr"])])
            series.setPen(QPen(color, 2))
            self.chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)

    # -- feature party ---------------------------------------------------------------------------
    def show_usage(self, usage: dict[str, int], sentence: str) -> None:
        self.report, self.usage = None, dict(usage)
        self.summary.setText(self.tr("How often the trees split on each of our features (the "
                                     "bank sees these only as anonymous numbers)."))
        self.usage_table.setRowCount(len(usage))
        for row, (name, count) in enumerate(usage.items()):
            set_row(self.usage_table, row, (name, count))
        self.note.setText(sentence)
        self.note.setVisible(bool(sentence))
        self.metrics.hide()
        self.usage_table.show()
