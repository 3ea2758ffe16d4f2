"""Text that does not fit: what a 1280×800 window clips, found from the widgets themselves.

Used by the layout test (every page, both languages) and by ``app.ui.screenshots``. A label
without word wrap narrower than its text, a button narrower than its caption, a drop-down entry
wider than its drop-down, a table column narrower than its heading, a view that needs a horizontal scroll bar, or a window whose
minimum width exceeds the screen each show a person less than the text says.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QComboBox, QHeaderView, QLabel,
                               QStyle, QStyleOptionComboBox, QStyleOptionHeader, QWidget)

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


def sideways(root: QWidget) -> list[str]:
    """One line per visible scroll area or view under ``root`` showing a horizontal scroll bar:
    a page at 1280 px is meant to fit, so a bar means some widget asks for more width than it
    gets."""
    found = []
    for area in root.findChildren(QAbstractScrollArea):
        if not area.isVisible():
            continue
        bar = area.horizontalScrollBar()
        if bar.isVisible() and bar.maximum() > 0:
            found.append(f"{type(area).__name__} {area.objectName() or _described(area)}: "
                         f"scrolls sideways by {bar.maximum()} px")
    return found


def _described(widget: QWidget) -> str:
    """Which widget, for the failure line: its parent's class chain up to the page."""
    names = []
    while widget is not None and len(names) < 4:
        names.append(widget.objectName() or type(widget).__name__)
        widget = widget.parentWidget()
    return "<".join(names)


def cut_entries(root: QWidget) -> list[str]:
    """One line per drop-down entry under ``root`` that the closed drop-down's text field cannot
    show whole: chosen, it would be cut. (The open list widens itself to its longest entry.)"""
    found = []
    for combo in root.findChildren(QComboBox):
        if not combo.isVisible() or combo.isEditable() or combo.count() == 0:
            continue
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.CC_ComboBox, option,
                                             QStyle.SC_ComboBoxEditField, combo).width()
        metrics = combo.fontMetrics()
        for i in range(combo.count()):
            text = combo.itemText(i)
            icon = 0 if combo.itemIcon(i).isNull() else combo.iconSize().width() + 4
            need = metrics.horizontalAdvance(text) + icon
            if need > field:
                found.append(f"drop-down entry {text!r}: needs {need} px, the drop-down shows "
                             f"{field}")
    return found


def cut_headers(root: QWidget) -> list[str]:
    """One line per column heading under ``root`` wider than its column: the header elides it
    ("Custo…"), so a person cannot tell what the column holds. The width needed is what the style
    gives a section for that text (margins and any sort arrow included)."""
    found = []
    for header in root.findChildren(QHeaderView):
        if not header.isVisible() or header.orientation() != Qt.Horizontal or header.model() is None:
            continue
        style, metrics = header.style(), header.fontMetrics()
        for section in range(header.count()):
            size = header.sectionSize(section)
            text = header.model().headerData(section, Qt.Horizontal, Qt.DisplayRole)
            if header.isSectionHidden(section) or size <= 0 or not text:
                continue
            option = QStyleOptionHeader()
            option.initFrom(header)
            option.section, option.text, option.fontMetrics = section, str(text), metrics
            if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
                option.sortIndicator = QStyleOptionHeader.SortDown
            need = style.sizeFromContents(QStyle.CT_HeaderSection, option, QSize(), header).width()
            if need > size:
                found.append(f"column heading {str(text)!r} ({_described(header)}): needs "
                             f"{need} px, has {size}")
    return found
