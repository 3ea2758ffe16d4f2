"""What every start-up view has: a title, a short explanation, a form and a message area."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QWidget

from app.ui.kit.widgets import MessageArea, Retranslatable, page_layout, page_titles


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.Password)
    return field


def folder_row(field: QLineEdit, browse) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(field, 1)
    row.addWidget(browse)
    return row


class StartupPage(Retranslatable, QWidget):
    """Base of the three views; subclasses fill ``self.form``, do ``accept`` and ``retranslate``.

    No translated text here: ``self.tr`` uses the runtime class name as its context.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title, self.subtitle = page_titles()
        self.form = QFormLayout()
        self.form.setVerticalSpacing(10)
        self.form.setHorizontalSpacing(14)
        self.message = MessageArea()
        self.body = page_layout(self, self.title, self.subtitle, margins=(0, 0, 0, 0))
        self.body.addLayout(self.form)
        self.body.addWidget(self.message)
        self.body.addStretch(1)

    def enter(self, data: dict) -> None:
        """Called each time the view is shown."""
        self.message.clear_message()

    def accept(self) -> dict:
        """Do the view's action; raise a UserFacingError to stay here with its sentence."""
        raise NotImplementedError

    def next_text(self) -> str:
        raise NotImplementedError
