"""Open a workspace: pick a folder (recent ones listed); ask for the passphrase only when needed.

Passphrase mode is detected by trying the keyring first: when the workspace key is not there,
``Workspace.open`` raises WorkspaceLocked and the passphrase field appears.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem

from app.errors import WorkspaceLocked
from app.ui.settings import AppSettings
from app.ui.startup.common import StartupPage, folder_row, password_field
from app.ui.kit.widgets import button, plain_label
from app.workflows.app_state import AppState


class OpenPage(StartupPage):
    create_requested = Signal()
    activated = Signal()  # a recent workspace was double-clicked: open it now

    def __init__(self, state: AppState, settings: AppSettings, parent=None):
        super().__init__(parent)
        self.state, self.settings = state, settings
        self.recent_label = plain_label()
        self.recent = QListWidget()
        self.recent.setMaximumHeight(150)
        self.recent.currentItemChanged.connect(self._recent_chosen)
        self.recent.itemDoubleClicked.connect(lambda _item: self.activated.emit())
        self.path = QLineEdit()
        self.path.textEdited.connect(self._path_edited)
        self.browse = button()
        self.browse.clicked.connect(self.choose_folder)
        self.passphrase = password_field()
        self.passphrase.returnPressed.connect(self.activated.emit)
        self.passphrase_label = QLabel()
        self.create_button = button(kind="link")
        self.create_button.clicked.connect(self.create_requested.emit)
        self.folder_label = QLabel()
        self.form.addRow(self.recent_label)
        self.form.addRow(self.recent)
        self.form.addRow(self.folder_label, folder_row(self.path, self.browse))
        self.form.addRow(self.passphrase_label, self.passphrase)
        self.body.insertWidget(self.body.count() - 1, self.create_button, 0, Qt.AlignLeft)
        self.show_passphrase(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Open a workspace"))
        self.subtitle.setText(self.tr("A workspace is one encrypted folder holding this party's "
                                      "data, models and audit chain."))
        self.recent_label.setText(self.tr("Recent workspaces"))
        self.folder_label.setText(self.tr("Folder"))
        self.browse.setText(self.tr("Browse…"))
        self.passphrase_label.setText(self.tr("Passphrase"))
        self.create_button.setText(self.tr("Create a new workspace…"))

    def next_text(self) -> str:
        return self.tr("Open")

    def enter(self, data: dict) -> None:
        super().enter(data)
        self.recent.clear()
        for path in self.settings.recent_workspaces():
            QListWidgetItem(path, self.recent)  # list items render plain text
        self.recent_label.setVisible(self.recent.count() > 0)
        self.recent.setVisible(self.recent.count() > 0)
        if self.recent.count() and not self.path.text():
            self.recent.setCurrentRow(0)
        self.passphrase.clear()

    def show_passphrase(self, visible: bool) -> None:
        self.passphrase_needed = visible
        self.passphrase.setVisible(visible)
        self.passphrase_label.setVisible(visible)
        if visible:
            self.passphrase.setFocus()
        else:
            self.passphrase.clear()

    def _recent_chosen(self, item, _previous) -> None:
        if item is not None:
            self.path.setText(item.text())
            self.show_passphrase(False)

    def _path_edited(self, _text: str) -> None:
        self.show_passphrase(False)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the workspace folder"),
                                                  self.path.text())
        if folder:
            self.path.setText(folder)
            self.show_passphrase(False)

    def accept(self) -> dict:
        path = self.path.text().strip()
        passphrase = self.passphrase.text() if self.passphrase_needed else None
        try:
            self.state.open_workspace(path, passphrase)
        except WorkspaceLocked:
            self.show_passphrase(True)
            raise
        finally:
            self.passphrase.clear()
        self.settings.add_recent_workspace(path)
        self.show_passphrase(False)
        return {"action": "open", "path": path}
