"""Small building blocks every page uses: the message area, titles, cards, buttons, the page frame.

Anything that may show user- or peer-provided text is a plain-text label: Qt would otherwise
guess rich text and render HTML typed into a name field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QBoxLayout, QFrame, QHBoxLayout, QLabel, QLayout, QPushButton,
                               QVBoxLayout, QWidget)

from app.ui.errors import sentence

PAGE_MARGINS = (28, 24, 28, 24)  # left, top, right, bottom around a page's content


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


def button_row(*items: QWidget | None) -> QHBoxLayout:
    """Widgets side by side; ``None`` is the stretch that pushes the widgets after it right."""
    row = QHBoxLayout()
    for item in items:
        if item is None:
            row.addStretch(1)
        else:
            row.addWidget(item)
    return row


def card(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 18, 20, 18)
    layout.setSpacing(10)
    return frame, layout


def page_titles() -> tuple[QLabel, QLabel]:
    """A page's title and subtitle, empty: the page's own ``retranslate()`` sets their text."""
    return plain_label(object_name="PageTitle"), plain_label(object_name="PageSubtitle", wrap=True)


def page_layout(page: QWidget, title: QLabel, subtitle: QLabel, *items: QWidget | QLayout,
                fill: QWidget | QLayout | None = None, spacing: int = 12,
                margins: tuple[int, int, int, int] = PAGE_MARGINS) -> QVBoxLayout:
    """The page's outer column: title, subtitle, ``items`` top to bottom, then ``fill``, which
    takes the spare height. Returned so a page with optional parts can add them itself."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for item in (title, subtitle, *items):
        add_to(layout, item)
    if fill is not None:
        add_to(layout, fill, 1)
    return layout


def add_to(layout: QBoxLayout, item: QWidget | QLayout, stretch: int = 0) -> None:
    """Add a widget or a nested layout: Qt has a different call for each."""
    if isinstance(item, QLayout):
        layout.addLayout(item, stretch)
    else:
        layout.addWidget(item, stretch)


class MessageArea(QLabel):
    """A page's one place for sentences: errors, warnings, results. Plain text only."""

    changed = Signal()  # a new sentence (or none): a "Next" offer for the old one goes away

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
        self.changed.emit()

    def show_error(self, exc: BaseException) -> None:
        self.show_text(sentence(exc), "error")

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()
        self.changed.emit()


class Retranslatable:
    """Mixin: calls ``retranslate()`` on Qt's LanguageChange (sent when the translator changes)."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        raise NotImplementedError

