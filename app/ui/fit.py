"""Text that does not fit: what a 1280×800 window clips, found from the widgets themselves.

Used by the layout test (every page, both languages) and by ``app.ui.screenshots``. A label
without word wrap narrower than its text, a button narrower than its caption, or a window whose
minimum width exceeds the screen each show a person less than the text says.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

SCREEN = (1280, 800)
BUTTON_PADDING = 4  # the least a button's style puts around its caption (link buttons: 2 px)


def clipped(root: QWidget) -> list[str]:
    """One line per visible label or button under ``root`` that cannot show its whole text."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.width() <= 1:
            continue
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
            need = widget.heightForWidth(widget.width())
            if need > widget.height() + 1:   # wrapped, but its last lines are cut off
                found.append(f"label {widget.text()[:40]!r}: needs {need} px high, has "
                             f"{widget.height()}")
        elif isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            if widget.pixmap() is not None and not widget.pixmap().isNull():
                continue
            need = widget.sizeHint().width()
            if need > widget.width() + 1:
                found.append(f"label {widget.text()!r}: needs {need} px, has {widget.width()}")
        elif isinstance(widget, QAbstractButton) and widget.text():
            need = widget.fontMetrics().horizontalAdvance(widget.text().replace("&", ""))
            if need + BUTTON_PADDING > widget.width() and widget.width() < widget.sizeHint().width():
                found.append(f"button {widget.text()!r}: needs {need + BUTTON_PADDING} px, "
                             f"has {widget.width()}")
    return found


def too_wide(window: QWidget, width: int = SCREEN[0]) -> str | None:
    """Why the window cannot be ``width`` pixels wide, or None."""
    need = max(window.minimumSizeHint().width(), window.minimumWidth())
    return f"the window needs at least {need} px" if need > width else None
