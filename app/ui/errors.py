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
    QT_TRANSLATE_NOOP("Errors", "Wrong user name or password."),
    QT_TRANSLATE_NOOP("Errors", "This account is disabled; ask an administrator."),
    QT_TRANSLATE_NOOP("Errors", "This account is locked after too many failed sign-ins; ask an "
                                "administrator to reset its password."),
    QT_TRANSLATE_NOOP("Errors", "The workspace cannot be opened: the key is wrong or missing, or "
                                "the file is not a Lianmo workspace."),
    QT_TRANSLATE_NOOP("Errors", "No key for this workspace: give its passphrase or unlock the "
                                "keyring."),
    QT_TRANSLATE_NOOP("Errors", "The key for this workspace is not in this machine's keyring. Use "
                                "its passphrase if it has one; otherwise the workspace cannot be "
                                "opened."),
    QT_TRANSLATE_NOOP("Errors", "The OS keyring could not be read; unlock it and try again."),
    QT_TRANSLATE_NOOP("Errors", "The keyring entry for this workspace is damaged."),
    QT_TRANSLATE_NOOP("Errors", "The workspace file was renamed or replaced; refusing to open it."),
    QT_TRANSLATE_NOOP("Errors", "The workspace is closed."),
    QT_TRANSLATE_NOOP("Errors", "The party name must not be empty."),
    QT_TRANSLATE_NOOP("Errors", "You cannot disable your own account."),
    QT_TRANSLATE_NOOP("Errors", "At least one active administrator must remain."),
    QT_TRANSLATE_NOOP("Errors", "Passwords need at least 8 characters."),
    QT_TRANSLATE_NOOP("Errors", "User names are 1-64 letters, digits, '.', '-', '_' or '@'."),
    QT_TRANSLATE_NOOP("Errors",
                      "A branch manager needs a branch code (letters, digits, '-', '_')."),
    QT_TRANSLATE_NOOP("Errors", "Only branch managers are bound to a branch."),
    QT_TRANSLATE_NOOP("Errors", "Choose a workspace folder first."),
    QT_TRANSLATE_NOOP("Errors", "Choose a folder for the new workspace first."),
    QT_TRANSLATE_NOOP("Errors", "Open a workspace first."),
    QT_TRANSLATE_NOOP("Errors", "Passphrases need at least 12 characters."),
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
