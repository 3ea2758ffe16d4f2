"""Small building blocks every page uses: the message area, titles, cards and buttons.

Anything that may show user- or peer-provided text is a plain-text label: Qt would otherwise
guess rich text and render HTML typed into a name field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.errors import sentence


def plain_label(text: str = "", object_name: str | None = None, wrap: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label


def button(text: str = "", kind: str | None = None) -> QPushButton:
    btn = QPushButton(text)
    if kind:
        btn.setProperty("kind", kind)
    return btn


def card(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 18, 20, 18)
    layout.setSpacing(10)
    return frame, layout


class MessageArea(QLabel):
    """A page's one place for sentences: errors, warnings, results. Plain text only."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Message")
        self.setTextFormat(Qt.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.kind = ""
        self.hide()

    def show_text(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.show()

    def show_error(self, exc: BaseException) -> None:
        self.show_text(sentence(exc), "error")

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()


class Retranslatable:
    """Mixin: calls ``retranslate()`` on Qt's LanguageChange (sent when the translator changes)."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        raise NotImplementedError
