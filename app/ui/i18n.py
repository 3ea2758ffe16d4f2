"""Chinese (default) and English, switchable at runtime.

Installing or removing a QTranslator makes Qt send ``LanguageChange`` to every widget; our widgets
answer by calling their ``retranslate()``. English is the source language, so it needs no file.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from app.ui.resources import i18n_dir

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh_CN"
# Shown in their own language, so anyone can find theirs whatever the current one is.
LANGUAGES = (("zh_CN", "中文"), ("en", "English"))


TRANSLATOR_NAME = "lianmo-translator"


class Translations:
    """Installs translators on one application (found again by name, so a second instance
    on the same application replaces, not stacks, the first one's translators)."""

    def __init__(self, app: QCoreApplication):
        self._app = app
        self.language = "en"

    def apply(self, code: str) -> str:
        """Switch to ``code``; unknown codes or missing files fall back to English."""
        if code not in dict(LANGUAGES):
            code = DEFAULT_LANGUAGE
        for old in self._app.findChildren(QTranslator, TRANSLATOR_NAME):
            self._app.removeTranslator(old)
            old.setParent(None)
            old.deleteLater()
        installed: list[QTranslator] = []
        if code != "en":
            ours = self._load(f"lianmo_{code}", str(i18n_dir()))
            if ours is None:
                log.warning("translation for %s missing; using English", code)
                code = "en"
            else:
                installed.append(ours)
                qt_base = self._load(f"qtbase_{code}",
                                     QLibraryInfo.path(QLibraryInfo.TranslationsPath))
                if qt_base is not None:  # Qt's own dialogs (file chooser, OK/Cancel)
                    installed.append(qt_base)
        for translator in installed:
            self._app.installTranslator(translator)
        QLocale.setDefault(QLocale(code if code != "en" else "en_US"))
        # Qt posts LanguageChange to every widget; deliver now so the switch is immediate.
        QCoreApplication.sendPostedEvents(None, QEvent.LanguageChange)
        self.language = code
        return code

    def _load(self, name: str, folder: str) -> QTranslator | None:
        translator = QTranslator(self._app)
        translator.setObjectName(TRANSLATOR_NAME)
        if translator.load(name, folder):
            return translator
        translator.setParent(None)
        return None
