"""Turning exceptions into the sentence a person reads; tracebacks go to the log only.

A coded error (app/errors.py) is said from the catalogue in app/messages.py in the window's
language, parameters and all. An error still raised with a plain English sentence is looked up
whole in the ``Errors`` translation context; the fixed sentences below are registered there so
``pyside6-lupdate`` finds them. Other sentences are shown as they are.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from app import messages
from app.errors import LianmoError, UserCancelled

log = logging.getLogger("lianmo.ui")

CONTEXT = "Errors"
UNEXPECTED = QT_TRANSLATE_NOOP("Errors", "Something went wrong; the details are in the log.")

KNOWN_SENTENCES = (
    QT_TRANSLATE_NOOP("Errors", "it does not follow the previous entry"),
    QT_TRANSLATE_NOOP("Errors", "its content was changed"),
)


def translate_sentence(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def language() -> str:
    """The window's language (i18n.Translations sets Qt's default locale with the translator)."""
    return messages.normalize(QLocale().name())


def said(exc: BaseException | None, text: str) -> str:
    """``exc`` in the window's language when it is coded, else the sentence ``text`` it left."""
    if isinstance(exc, LianmoError) and exc.code is not None:
        return exc.text(language())
    return translate_sentence(text)


def sentence(exc: BaseException) -> str:
    """The text to show for ``exc``; unexpected errors log their traceback and say so in general."""
    if isinstance(exc, LianmoError):
        log.debug("shown to the user: %s", type(exc).__name__, exc_info=exc)
        if exc.code is not None:
            return exc.text(language())
        return translate_sentence(str(exc)) if str(exc) else UserCancelled().text(language())
    log.error("unexpected error", exc_info=exc)
    return translate_sentence(UNEXPECTED)
