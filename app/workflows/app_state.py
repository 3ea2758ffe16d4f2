"""What a front end holds between screens: the open workspace and the signed-in session.

The GUI keeps one ``AppState``; every transition (open, create, sign in, sign out, close) is a
method here so the rules (close the old workspace before opening another, never keep a session
on a closed workspace) live outside Qt and are tested without it.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import UserFacingError
from app.store import keys
from app.store.workspace import Workspace
from app.workflows import jobs
from app.workflows.session import Session, login
from app.workflows.workspace_admin import init_workspace

MAX_RECENT = 8
MIN_PASSPHRASE = 12  # a passphrase guards the whole database through SQLCipher's KDF


class AppState:
    def __init__(self) -> None:
        self.workspace: Workspace | None = None
        self.session: Session | None = None
        self.suggested_user: str = ""  # pre-filled on the sign-in view after creating a workspace

    # -- workspace ----------------------------------------------------------------------------
    def open_workspace(self, path: str | Path, passphrase: str | None = None) -> Workspace:
        """Open with the keyring key, or with ``passphrase``; raises WorkspaceLocked when locked."""
        if not str(path).strip():
            raise UserFacingError("Choose a workspace folder first.")
        self.close_workspace()
        self.workspace = Workspace.open(Path(path), passphrase=passphrase or None)
        jobs.mark_interrupted(self.workspace)
        self.suggested_user = ""
        return self.workspace

    def create_workspace(self, path: str | Path, party_name: str, role: str, admin_name: str,
                         admin_password: str, passphrase: str | None = None) -> Workspace:
        """A new workspace with its first administrator; the user then signs in as usual."""
        if not str(path).strip():
            raise UserFacingError("Choose a folder for the new workspace first.")
        if passphrase is not None and len(passphrase) < MIN_PASSPHRASE:
            raise UserFacingError(f"Passphrases need at least {MIN_PASSPHRASE} characters.")
        self.close_workspace()
        session = init_workspace(Path(path), party_name, role, admin_name, admin_password,
                                 passphrase=passphrase or None)
        self.workspace = session.workspace
        self.suggested_user = admin_name
        return self.workspace

    def close_workspace(self, _data: dict | None = None) -> None:
        self.session = None
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None

    # -- session ------------------------------------------------------------------------------
    def sign_in(self, name: str, password: str) -> Session:
        if self.workspace is None:
            raise UserFacingError("Open a workspace first.")
        self.session = login(self.workspace, name.strip(), password)
        return self.session

    def open_demo(self, access) -> Session:
        """Open a demo workspace and sign in with the credentials ``make demo`` wrote
        (``rehearsal.access.DemoAccess``): the same calls as the start-up views make."""
        self.open_workspace(access.path, access.passphrase)
        return self.sign_in(access.user, access.password)

    def sign_out(self) -> None:
        if self.session is not None:
            self.session.audit("session.logout")
        self.session = None


def keyring_available() -> bool:
    """Whether new workspaces can keep their key in the OS keyring (else: passphrase only)."""
    return keys.keyring_available()


def remember_recent(recent: list[str], path: str | Path) -> list[str]:
    """Most recent first, no duplicates, at most MAX_RECENT. Folder paths only, never secrets."""
    entry = str(Path(path).expanduser().resolve())
    return [entry] + [p for p in recent if p != entry][: MAX_RECENT - 1]
