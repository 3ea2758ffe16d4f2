"""GUI entry point: ``python -m app`` with no command ends up in ``run_gui``."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from app.ui.fonts import install_fonts
from app.ui.i18n import DEFAULT_LANGUAGE, Translations
from app.ui.settings import AppSettings
from app.ui.kit.style import apply_style
from app.ui.window import MainWindow
from app.workflows.app_state import AppState


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName("Lianmo")
    app.setApplicationName("Lianmo")
    app.setApplicationDisplayName("联模 Lianmo")
    return app


def create_main_window(app: QApplication, settings: AppSettings | None = None) -> MainWindow:
    """Fonts, look and language on ``app``, then a window on a fresh AppState (tests use this)."""
    settings = settings or AppSettings()
    install_fonts(app)
    apply_style(app)
    translations = Translations(app)
    translations.apply(settings.language(DEFAULT_LANGUAGE))
    return MainWindow(AppState(), settings, translations)


def run_gui(argv: list[str] | None = None, demo: dict | None = None, party: str = "bank") -> int:
    """``demo``: the demo's credentials per party (``rehearsal.access``); opens ``party``'s."""
    app = application(argv)
    window = create_main_window(app)
    window.show()
    if demo is not None:
        window.open_demo(demo, party)
    return app.exec()
