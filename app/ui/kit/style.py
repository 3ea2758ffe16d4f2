"""One restrained look for the whole app: Fusion, a light palette, a dark navy sidebar.

Widgets opt in through object names (``#Sidebar``, ``#PageTitle``) and the ``kind`` property of
message areas and buttons, so pages never carry their own colours.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#1f5fbf"
NAVY = "#1b2638"
TEXT = "#1d2433"
MUTED = "#5b6578"
SURFACE = "#f4f6f9"
BORDER = "#d6dbe3"
SIDEBAR_PAD = 18    # a sidebar entry's left and right padding
SIDEBAR_MARK = 3    # the bar left of the chosen entry

STYLESHEET = f"""
QMainWindow, QWidget#Page, QWidget#Startup {{ background: {SURFACE}; }}
QLabel {{ color: {TEXT}; }}
QLabel#PageTitle {{ font-size: 18pt; font-weight: 600; color: {TEXT}; }}
QLabel#PageSubtitle, QLabel#Hint {{ color: {MUTED}; }}
QFrame#Card {{ background: white; border: 1px solid {BORDER}; border-radius: 6px; }}
QWidget#HeaderBar {{ background: white; border-bottom: 1px solid {BORDER}; }}
QLabel#Brand {{ font-size: 13pt; font-weight: 600; color: {NAVY}; }}
QListWidget#Sidebar {{
    background: {NAVY}; color: #e8edf5; border: none; outline: none; padding-top: 8px;
    font-size: 11pt;
}}
QListWidget#Sidebar::item {{
    padding: 10px {SIDEBAR_PAD}px; border-left: {SIDEBAR_MARK}px solid transparent;
}}
QListWidget#Sidebar::item:selected {{
    background: #273650; border-left: {SIDEBAR_MARK}px solid #5b9bff; color: white;
}}
QListWidget#Sidebar::item:hover:!selected {{ background: #222f45; }}
QListWidget#Sidebar::item:disabled {{ color: #6b7689; }}
QLabel#Message {{ padding: 8px 10px; border-radius: 4px; }}
QLabel#Message[kind="error"] {{ background: #fdecec; color: #8a1c1c; border: 1px solid #f3c2c2; }}
QLabel#Message[kind="warning"] {{ background: #fff6e0; color: #6b4a00; border: 1px solid #f0dca6; }}
QLabel#Message[kind="success"] {{ background: #e9f6ee; color: #1d5e33; border: 1px solid #bfe3cb; }}
QLabel#Message[kind="info"] {{ background: #eaf1fb; color: #1d3f73; border: 1px solid #c4d6f2; }}
QPushButton {{
    padding: 6px 14px; border: 1px solid {BORDER}; border-radius: 4px; background: white;
    color: {TEXT};
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #a0a8b6; background: #f0f2f5; }}
QPushButton[kind="primary"] {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton[kind="primary"]:hover {{ background: #184f9f; }}
QPushButton[kind="primary"]:disabled {{ background: #9db6de; border-color: #9db6de; }}
QPushButton[kind="link"] {{ border: none; background: transparent; color: {ACCENT}; padding: 2px; }}
QLineEdit, QComboBox {{
    padding: 5px 8px; border: 1px solid {BORDER}; border-radius: 4px; background: white;
    min-height: 20px;
}}
QLineEdit:focus, QComboBox:focus {{ border-color: {ACCENT}; }}
QTableView, QListWidget {{
    background: white; border: 1px solid {BORDER}; gridline-color: #edf0f4;
    selection-background-color: #dbe7f8; selection-color: {TEXT};
}}
QHeaderView::section {{
    background: #eef1f5; color: {MUTED}; padding: 6px; border: none;
    border-bottom: 1px solid {BORDER}; font-weight: 600;
}}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 4px; background: white;
    text-align: center; height: 16px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
"""


def apply_style(app: QApplication) -> None:
    if app.styleSheet() == STYLESHEET:
        return  # re-applying would re-polish every widget for nothing
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.Window, QColor(SURFACE))
    palette.setColor(QPalette.WindowText, QColor(TEXT))
    palette.setColor(QPalette.Base, QColor("white"))
    palette.setColor(QPalette.Text, QColor(TEXT))
    palette.setColor(QPalette.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.HighlightedText, QColor("white"))
    palette.setColor(QPalette.Button, QColor("white"))
    palette.setColor(QPalette.ButtonText, QColor(TEXT))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
