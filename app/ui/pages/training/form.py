"""The training parameters form: the usual four in sight, the rest under "Advanced".

Defaults are the ones that work for a marketing model on tens of thousands of customers (30 trees
of depth 5); the label-protection settings (minimum leaf size, first tree label-only) stay on by
default and are only reachable under Advanced, as is the encryption scheme (Paillier by default;
OU is faster, under the assumptions of docs/he-schemes.md). ``params()`` builds a ``TrainParams``, whose own
checks produce the sentence when a value is out of range.

A scorecard shows its own settings instead of the trees' (docs/scorecard.md): binning and IV
selection, the points scale and the secret-shared regression, the same ones ``train --model
scorecard`` takes, with the limits the protocol checks; ``card_fields()`` turns them into the
job's fields.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from app.ui.kit.widgets import Retranslatable, plain_label
from app.workflows.training import (BATCH_SIZES, MAX_DEPTH, MAX_EPOCHS, MAX_L2,
                                    MAX_LEARNING_RATE, MAX_TREES, MAX_VALID_FRACTION, SCHEMES,
                                    PointsParams, TrainParams, WoeParams, job_fields, lr_fields)

DEFAULTS = TrainParams(n_trees=30, max_depth=5, learning_rate=0.3, n_bins=32, key_bits=2048)
SUBHEADING = "font-weight: 600; padding-top: 6px;"


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
        self._card_fields()
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
        self.card_headings = [plain_label() for _ in range(3)]
        self.card_labels = []
        for heading, fields in zip(self.card_headings, self.card_groups):
            heading.setStyleSheet(SUBHEADING)
            more.addRow(heading)
            self.card_labels += self._rows(more, fields)
        self.more = more
        self.advanced.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.basic)
        layout.addWidget(self.toggle, 0, Qt.AlignLeft)
        layout.addWidget(self.advanced)
        self.retranslate()

    def _card_fields(self) -> None:
        """The scorecard's settings, at the protocol's defaults and within its limits."""
        woe, pts, lr = WoeParams(), PointsParams(), lr_fields({})
        self.fine_bins = _spin(2, 100, woe.fine_bins)
        self.min_bin_share = _real(0.0, 0.49, woe.min_bin_share, 0.01)
        self.iv_threshold = _real(0.0, 10.0, woe.iv_threshold, 0.01, decimals=3)
        self.partner_names = QCheckBox()
        self.partner_names.setChecked(woe.partner_names)
        self.base_score = _real(0.0, 1e5, pts.base_score, 10.0, decimals=1)
        # odds as "1 : N" (one responder per N others): 1 : 50 reads better than 0.02
        self.base_odds = _real(1e-2, 1e6, 1.0 / pts.base_odds, 1.0)
        self.base_odds.setPrefix("1 : ")
        self.pdo = _real(0.1, 1e4, pts.pdo, 1.0, decimals=1)
        self.lr_epochs = _spin(1, MAX_EPOCHS, lr["lr_epochs"])
        self.lr_batch_size = _spin(BATCH_SIZES[0], BATCH_SIZES[1], lr["lr_batch_size"])
        self.lr_batch_size.setSingleStep(1024)
        self.lr_learning_rate = _real(0.001, MAX_LEARNING_RATE, lr["lr_learning_rate"], 0.05,
                                      decimals=3)
        self.lr_l2 = _real(0.0, MAX_L2, lr["lr_l2"], 0.001, decimals=4)
        self.lr_valid_fraction = _real(0.0, MAX_VALID_FRACTION - 0.01, lr["lr_valid_fraction"],
                                       0.05)
        self.lr_patience = _spin(0, MAX_EPOCHS, lr["lr_patience"])
        self.card_groups = (
            (self.fine_bins, self.min_bin_share, self.iv_threshold, self.partner_names),
            (self.base_score, self.base_odds, self.pdo),
            (self.lr_epochs, self.lr_batch_size, self.lr_learning_rate, self.lr_l2,
             self.lr_valid_fraction, self.lr_patience))

    @staticmethod
    def _rows(form: QFormLayout, fields) -> list:
        labels = []
        for field in fields:
            label = plain_label()
            form.addRow(label, field)
            labels.append(label)
        return labels

    def is_scorecard(self) -> bool:
        return self.model_type.currentData() == "scorecard"

    def card_fields(self) -> dict | None:
        """Scorecard job fields (binning, points scale, regression), or None for SecureBoost
        (raises ValidationError with the sentence when a value is out of range)."""
        if not self.is_scorecard():
            return None
        woe = WoeParams(fine_bins=self.fine_bins.value(),
                        min_bin_share=round(self.min_bin_share.value(), 4),
                        iv_threshold=round(self.iv_threshold.value(), 4),
                        partner_names=self.partner_names.isChecked())
        points = PointsParams(base_score=round(self.base_score.value(), 4),
                              base_odds=1.0 / self.base_odds.value(),
                              pdo=round(self.pdo.value(), 4))
        return job_fields(woe, points, {
            "lr_epochs": self.lr_epochs.value(), "lr_batch_size": self.lr_batch_size.value(),
            "lr_learning_rate": round(self.lr_learning_rate.value(), 4),
            "lr_l2": round(self.lr_l2.value(), 6),
            "lr_valid_fraction": round(self.lr_valid_fraction.value(), 4),
            "lr_patience": self.lr_patience.value()})

    def _model_changed(self) -> None:
        """Each model type shows its own settings; the seed, key size and validation share are
        common to both."""
        card = self.is_scorecard()
        trees_only = (self.n_trees, self.max_depth, self.learning_rate, self.n_bins)
        for field in trees_only:
            self.basic.setRowVisible(field, not card)
        for field in (self.reg_lambda, self.min_child_weight, self.min_leaf_size,
                      self.early_stopping, self.first_tree_label_only, self.row_subsample,
                      self.col_subsample, self.scheme):
            self.more.setRowVisible(field, not card)
        for heading, fields in zip(self.card_headings, self.card_groups):
            self.more.setRowVisible(heading, card)
            for field in fields:
                self.more.setRowVisible(field, card)
        self.model_hint.setText(self.tr(
            "Scorecard: binned features and points per bin, the model a regulator can read.")
            if card else self.tr("Gradient-boosted trees: usually the most accurate ranking."))
        self.advanced_labels[4].setText(self.tr(
            "Validation share (held out for the report)") if card else self.tr(
            "Validation share (0 only without early stopping)"))

    def _expand(self, open_: bool) -> None:
        self.advanced.setVisible(open_)
        self.toggle.setArrowType(Qt.DownArrow if open_ else Qt.RightArrow)

    def retranslate(self) -> None:
        self.toggle.setText(self.tr("Advanced"))
        self.model_label.setText(self.tr("Model type"))
        self.model_type.setItemText(0, self.tr("SecureBoost (trees)"))
        self.model_type.setItemText(1, self.tr("Scorecard (WOE, logistic regression, points)"))
        texts = (self.tr("Trees"), self.tr("Tree depth"), self.tr("Learning rate"),
                 self.tr("Bins per feature"))
        for label, text in zip(self.basic_labels, texts):
            label.setText(text)
        texts = (self.tr("L2 regularisation"), self.tr("Minimum child weight"),
                 self.tr("Minimum leaf size (customers)"),
                 self.tr("Early stopping (rounds, 0 = off)"), "",
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
        self._model_changed()
        self._retranslate_card()

    def _retranslate_card(self) -> None:
        for heading, text in zip(self.card_headings, (
                self.tr("Binning and selection"), self.tr("Points scale"),
                self.tr("Logistic regression (secret-shared)")), strict=True):
            heading.setText(text)
        rows = (
            (self.tr("Fine bins per feature"), self.tr(
                "Equal-frequency bins each feature starts with, before neighbouring bins are "
                "merged.")),
            (self.tr("Minimum bin share"), self.tr(
                "No merged bin holds a smaller share of the training customers (0.05 = 5%).")),
            (self.tr("IV threshold"), self.tr(
                "Features with a lower information value are left out of the scorecard.")),
            (self.tr("Partner shows its feature names"), self.tr(
                "Otherwise the bank sees the partner's features as partner_01, partner_02, …; "
                "the partner agrees to this when it approves the job.")),
            (self.tr("Base score"), self.tr("The points a customer at the base odds gets.")),
            (self.tr("Odds at the base score"), self.tr(
                "Responders to others at the base score: 1 : 50 means one responder for every "
                "50 customers who do not respond.")),
            (self.tr("Points to double the odds"), self.tr(
                "How many more points mean twice the odds of responding.")),
            (self.tr("Epochs"), self.tr(
                "Passes of the secret-shared regression over the training customers.")),
            (self.tr("Batch size (customers)"), self.tr(
                "Customers per gradient step: larger batches mean fewer, bigger exchanges with "
                "the partner.")),
            (self.tr("Regression learning rate"), self.tr("The regression's step size.")),
            (self.tr("Regression L2 penalty"), self.tr(
                "Penalty on the regression's weights (not the intercept) that keeps points "
                "moderate.")),
            (self.tr("Regression validation share"), self.tr(
                "Share of the training customers held out to stop the regression early "
                "(0 = off).")),
            (self.tr("Patience (epochs)"), self.tr(
                "Epochs without a better validation loss before the regression stops (0 = the "
                "full number of epochs).")),
        )
        fields = [field for group in self.card_groups for field in group]
        for label, field, (text, tip) in zip(self.card_labels, fields, rows, strict=True):
            label.setText(text)
            label.setToolTip(tip)
            field.setToolTip(tip)

    def params(self) -> TrainParams:
        """The chosen parameters (raises ValidationError with the sentence when out of range)."""
        return TrainParams(
            n_trees=self.n_trees.value(), max_depth=self.max_depth.value(),
            learning_rate=round(self.learning_rate.value(), 4), n_bins=self.n_bins.value(),
            reg_lambda=self.reg_lambda.value(), min_child_weight=self.min_child_weight.value(),
            min_leaf_size=self.min_leaf_size.value(),
            # a scorecard has no rounds to stop early; its regression has its own patience
            early_stopping_rounds=0 if self.is_scorecard() else self.early_stopping.value(),
            valid_fraction=round(self.valid_fraction.value(), 4),
            first_tree_label_only=self.first_tree_label_only.isChecked(),
            row_subsample=round(self.row_subsample.value(), 4),
            col_subsample=round(self.col_subsample.value(), 4), seed=self.seed.value(),
            key_bits=int(self.key_bits.currentData()), scheme=str(self.scheme.currentData()))
