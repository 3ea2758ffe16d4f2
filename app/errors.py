"""Typed errors whose message is the sentence a person reads.

``str(error)`` is the English sentence (logs, tests and anything that does not know the reader's
language). An error raised with a code (``ValidationError.coded("import.ragged_row", row=7, ...)``)
also carries its parameters, so the CLI and the GUI can say it in the reader's language from the
catalogue in app/messages.py (:meth:`LianmoError.text`); an error raised with a plain sentence is
shown as it is. Tracebacks go to the log only. Messages never contain raw identifiers or feature
values.
"""

from __future__ import annotations

from app import messages


class LianmoError(Exception):
    """Base class: every error we raise on purpose.

    ``code`` and ``params`` are None and {} for an error raised with a sentence; a coded error's
    sentence is rendered in English from the catalogue, so the two kinds read the same in logs.
    """

    code: str | None = None
    params: dict = {}

    def __init__(self, *args, code: str | None = None, params: dict | None = None) -> None:
        if code is not None:
            self.code, self.params = code, dict(params or {})
            if not args:
                args = (messages.render(code, self.params, "en"),)
        super().__init__(*args)

    @classmethod
    def coded(cls, code: str, **params):
        """The error whose sentence is catalogue entry ``code`` filled with ``params``."""
        return cls(code=code, params=params)

    def text(self, language: str | None = None) -> str:
        """The sentence in ``language`` (``zh_CN`` or ``en``; None: the locale's)."""
        if self.code is None:
            return str(self)
        return messages.render(self.code, self.params, language or messages.locale_language())

    def as_param(self):
        """This error as a parameter of another coded sentence: its record when coded (said in
        the reader's language too), else its sentence."""
        return messages.record(self.code, self.params) if self.code else str(self)

    def kept(self, limit: int = 500) -> str:
        """What a workspace keeps (a job's error) to say this error later in the reader's
        language: the code and parameters when coded (messages.say_stored reads it back)."""
        return messages.stored(self.code, self.params, str(self), limit)


class UserFacingError(LianmoError):
    """Something the user can understand and usually fix (a bad file, a wrong password)."""


class UserCancelled(LianmoError):
    """The user (or the peer) cancelled long work; nothing was left half-done."""

    def __init__(self, *args, code: str | None = None, params: dict | None = None) -> None:
        if not args and code is None:
            code = "task.cancelled"  # the catalogue entry said when no reason is given
        super().__init__(*args, code=code, params=params)


class PermissionDenied(UserFacingError):
    """The signed-in user's role does not allow this action."""


class AuthenticationFailed(UserFacingError):
    """Wrong user name or password (deliberately does not say which)."""


class StoreError(UserFacingError):
    """The encrypted workspace cannot be opened, read or written."""


class WorkspaceLocked(StoreError):
    """The workspace key is missing or wrong."""


class ValidationError(UserFacingError):
    """Input data is malformed; the message names the file, row and column."""


class LocalProtocolError(LianmoError):
    """We tried to do something the protocol does not allow at this point (a bug on our side)."""


class RemoteProtocolError(UserFacingError):
    """The peer sent something malformed or out of order; the message names the field."""


class PeerError(UserFacingError):
    """The peer could not be reached, was not who we pinned, or went away."""


class JobRefused(UserFacingError):
    """A cross-party job was rejected, paused by the kill switch, or not approved."""
