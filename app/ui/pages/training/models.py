"""Which model the Training page shows: a picker (name, date, AUC, status; ★ the main model),
Rename and Mark as main. The page starts on the main model, not silently on the newest, so an
analyst reviewing results looks at the model campaigns are planned from."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLineEdit, QVBoxLayout,
                               QWidget)

from app.errors import UserFacingError
from app.ui.kit.labels import model_text
from app.ui.kit.widgets import Retranslatable, button, button_row, plain_label
from app.workflows import training
from app.workflows.peering.status import local_time


class ModelPicker(Retranslatable, QWidget):
    chosen = Signal(str)          # a model id
    refused = Signal(object)      # a workflow refusal, said by the page

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.models: list[dict] = []
        self.label = plain_label()
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(18)  # more forced the window past 1280 px
        self.combo.currentIndexChanged.connect(self._changed)
        self.rename_button = button()
        self.rename_button.clicked.connect(self.ask_rename)
        self.main_button = button()
        self.main_button.clicked.connect(self.mark_main)
        self.may_change = session.can("train.run")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.label)
        row.addWidget(self.combo, 1)   # the card's width: a model's line is long
        column.addLayout(row)
        column.addLayout(button_row(None, self.rename_button, self.main_button))
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("Model"))
        self.rename_button.setText(self.tr("Rename…"))
        self.main_button.setText(self.tr("Mark as main"))
        self.main_button.setToolTip(self.tr("The main model (★) is the one the Segments page "
                                            "starts on when you plan a campaign."))
        self._fill(self.current())

    def current(self) -> str | None:
        return self.combo.currentData()

    def reload(self, select: str | None = None) -> None:
        """Re-read the federated models; keep the selection (or ``select``), else the main one."""
        try:
            self.models = [m for m in training.models(self.session) if m["kind"] == "federated"]
        except UserFacingError as exc:
            self.refused.emit(exc)
            return
        self._fill(select or self.current())

    def _fill(self, wanted: str | None) -> None:
        before = self.current()
        self.combo.blockSignals(True)
        self.combo.clear()
        for m in self.models:
            self.combo.addItem(model_text(m, local_time(m["created_at"])[:16]), m["id"])
        index = self.combo.findData(wanted)
        if index < 0:
            index = next((i for i, m in enumerate(self.models) if m["main"]), 0)
        self.combo.setCurrentIndex(index if self.models else -1)
        self.combo.blockSignals(False)
        self._update_buttons()
        if self.current() is not None and self.current() != before:
            self.chosen.emit(self.current())

    def _update_buttons(self) -> None:
        chosen = self.current()
        self.rename_button.setEnabled(chosen is not None and self.may_change)
        self.main_button.setEnabled(chosen is not None and self.may_change and not next(
            (m["main_marked"] for m in self.models if m["id"] == chosen), False))

    def _changed(self, _index: int) -> None:
        self._update_buttons()
        if self.current() is not None:
            self.chosen.emit(self.current())

    def ask_rename(self) -> None:
        model = self.current()
        if model is None:
            return
        old = next((m["name"] for m in self.models if m["id"] == model), "")
        name, ok = QInputDialog.getText(self, self.tr("Rename model"), self.tr("New name:"),
                                        QLineEdit.Normal, old)
        if ok:
            self.rename(name)

    def rename(self, name: str) -> None:
        model = self.current()
        try:
            training.rename_model(self.session, model, name)
        except UserFacingError as exc:
            self.refused.emit(exc)
            return
        self.reload(model)

    def mark_main(self) -> None:
        model = self.current()
        if model is None:
            return
        try:
            training.mark_main(self.session, model)
        except UserFacingError as exc:
            self.refused.emit(exc)
            return
        self.reload(model)
