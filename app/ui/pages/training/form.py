"""The training parameters form: the usual four in sight, the rest under "Advanced".

Defaults are the ones that work for a marketing model on tens of thousands of customers (30 trees
of depth 5); the label-protection settings (minimum leaf size, first tree label-only) stay on by
default and are only reachable under Advanced, as is the encryption scheme (Paillier by default;
OU is faster, under the assumptions of docs/he-schemes.md). ``params()`` builds a ``TrainParams``, whose own
checks produce the sentence when a value is out of range.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from app.ui.kit.widgets import Retranslatable, plain_label
from app.workflows.training import (MAX_DEPTH, MAX_TREES, SCHEMES, PointsParams, TrainParams,
                                    WoeParams, job_fields)

DEFAULTS = TrainParams(n_trees=30, max_depth=5, learning_rate=0.3, n_bins=32, key_bits=2048)


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


def _real(low: float, high: float, value: float, step: float, decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    return box


class TrainingForm(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        d = DEFAULTS
        # the model type: SecureBoost trees, or a scorecard (docs/scorecard.md)
        self.model_type = QComboBox()
        for kind in ("secureboost", "scorecard"):
            self.model_type.addItem(kind, kind)
        self.model_hint = plain_label(object_name="Hint", wrap=True)
        self.model_type.currentIndexChanged.connect(self._model_changed)
        self.n_trees = _spin(1, MAX_TREES, d.n_trees)
        self.max_depth = _spin(1, MAX_DEPTH, d.max_depth)
        self.learning_rate = _real(0.01, 1.0, d.learning_rate, 0.05)
        self.n_bins = _spin(2, 254, d.n_bins)
        self.reg_lambda = _real(0.0, 1e6, d.reg_lambda, 0.5)
        self.min_child_weight = _real(0.0, 1e6, d.min_child_weight, 0.5)
        self.min_leaf_size = _spin(1, 1_000_000, d.min_leaf_size)
        self.early_stopping = _spin(0, MAX_TREES, d.early_stopping_rounds)
        self.valid_fraction = _real(0.0, 0.5, d.valid_fraction, 0.05)
        self.first_tree_label_only = QCheckBox()
        self.first_tree_label_only.setChecked(d.first_tree_label_only)
        self.row_subsample = _real(0.05, 1.0, d.row_subsample, 0.05)
        self.col_subsample = _real(0.05, 1.0, d.col_subsample, 0.05)
        # a fresh seed per form: recorded with the job, it lets a validator retrain the same model
        self.seed = _spin(0, 2**31 - 1, secrets.randbelow(2**31))
        self.key_bits = QComboBox()
        for bits in (2048, 3072):
            self.key_bits.addItem(str(bits), bits)
        self.scheme = QComboBox()
        for name in SCHEMES:
            self.scheme.addItem(name, name)  # texts set in retranslate
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.RightArrow)
        self.toggle.toggled.connect(self._expand)
        self.basic = QFormLayout()
        self.model_label = plain_label()
        self.basic.addRow(self.model_label, self.model_type)
        self.basic.addRow(self.model_hint)
        self.basic_labels = self._rows(self.basic, (self.n_trees, self.max_depth,
                                                    self.learning_rate, self.n_bins))
        self.advanced = QWidget()
        more = QFormLayout(self.advanced)
        more.setContentsMargins(16, 0, 0, 0)
        self.advanced_labels = self._rows(more, (
            self.reg_lambda, self.min_child_weight, self.min_leaf_size, self.early_stopping,
            self.valid_fraction, self.first_tree_label_only, self.row_subsample, self.col_subsample, self.seed,
            self.key_bits, self.scheme))
        self.advanced.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.basic)
        layout.addWidget(self.toggle, 0, Qt.AlignLeft)
        layout.addWidget(self.advanced)
        self.retranslate()

    @staticmethod
    def _rows(form: QFormLayout, fields) -> list:
        labels = []
        for field in fields:
            label = plain_label()
            form.addRow(label, field)
            labels.append(label)
        return labels

    def card_fields(self) -> dict | None:
        """Scorecard job fields (default binning and points scale), or None for SecureBoost."""
        if self.model_type.currentData() != "scorecard":
            return None
        return job_fields(WoeParams(), PointsParams())

    def _model_changed(self) -> None:
        trees = self.model_type.currentData() != "scorecard"
        for field in (self.n_trees, self.max_depth, self.learning_rate):
            field.setEnabled(trees)
        self.model_hint.setText(self.tr(
            "Gradient-boosted trees: usually the most accurate ranking.") if trees else self.tr(
            "Scorecard: binned features and points per bin, the model a regulator can read."))

    def _expand(self, open_: bool) -> None:
        self.advanced.setVisible(open_)
        self.toggle.setArrowType(Qt.DownArrow if open_ else Qt.RightArrow)

    def retranslate(self) -> None:
        self.toggle.setText(self.tr("Advanced"))
        self.model_label.setText(self.tr("Model type"))
        self.model_type.setItemText(0, self.tr("SecureBoost (trees)"))
        self.model_type.setItemText(1, self.tr("Scorecard (WOE, logistic regression, points)"))
        self._model_changed()
        texts = (self.tr("Trees"), self.tr("Tree depth"), self.tr("Learning rate"),
                 self.tr("Bins per feature"))
        for label, text in zip(self.basic_labels, texts):
            label.setText(text)
        texts = (self.tr("L2 regularisation"), self.tr("Minimum child weight"),
                 self.tr("Minimum leaf size (customers)"),
                 self.tr("Early stopping (rounds, 0 = off)"),
                 self.tr("Validation share (0 only without early stopping)"),
                 self.tr("First tree from bank features only"), self.tr("Row subsample"),
                 self.tr("Feature subsample"), self.tr("Random seed"), self.tr("Key size (bits)"),
                 self.tr("Encryption scheme"))
        for label, text in zip(self.advanced_labels, texts):
            label.setText(text)
        titles = {"paillier": self.tr("Paillier"), "ou": self.tr("Okamoto-Uchiyama (OU)")}
        for i in range(self.scheme.count()):
            self.scheme.setItemText(i, titles[self.scheme.itemData(i)])
        self.scheme.setToolTip(self.tr(
            "Paillier is the default. Okamoto-Uchiyama (OU) trains several times faster with "
            "2048-bit keys; both parties must approve it."))
        self.min_leaf_size.setToolTip(self.tr(
            "No leaf holds fewer customers, so the partner cannot single out a few labels."))
        self.first_tree_label_only.setToolTip(self.tr(
            "The first tree uses only the bank's features, so the partner never sees gradients "
            "that equal the labels."))

    def params(self) -> TrainParams:
        """The chosen parameters (raises ValidationError with the sentence when out of range)."""
        return TrainParams(
            n_trees=self.n_trees.value(), max_depth=self.max_depth.value(),
            learning_rate=round(self.learning_rate.value(), 4), n_bins=self.n_bins.value(),
            reg_lambda=self.reg_lambda.value(), min_child_weight=self.min_child_weight.value(),
            min_leaf_size=self.min_leaf_size.value(),
            early_stopping_rounds=self.early_stopping.value(),
            valid_fraction=round(self.valid_fraction.value(), 4),
            first_tree_label_only=self.first_tree_label_only.isChecked(),
            row_subsample=round(self.row_subsample.value(), 4),
            col_subsample=round(self.col_subsample.value(), 4), seed=self.seed.value(),
            key_bits=int(self.key_bits.currentData()), scheme=str(self.scheme.currentData()))
