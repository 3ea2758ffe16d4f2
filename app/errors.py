"""Typed errors whose message is the sentence a person reads.

The CLI prints ``str(error)`` and exits non-zero; the GUI shows it in the page's message area.
Tracebacks go to the log only. Messages never contain raw identifiers or feature values.
"""


class LianmoError(Exception):
    """Base class: every error we raise on purpose."""


class UserFacingError(LianmoError):
    """Something the user can understand and usually fix (a bad file, a wrong password)."""


class UserCancelled(LianmoError):
    """The user (or the peer) cancelled long work; nothing was left half-done."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


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
