"""A signed-in user on an open workspace; every workflow function takes one and checks it first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from app.crypto.passwords import check_password
from app.errors import AuthenticationFailed, PermissionDenied
from app.messages import Term
from app.store import space
from app.store import users as user_store
from app.store.workspace import Workspace
from app.workflows.permissions import allowed

MAX_FAILED_LOGINS = 10


@dataclass(frozen=True)
class User:
    name: str
    role: str
    branch: str | None = None
    disabled: bool = False
    must_change_password: bool = False  # reset by an administrator: change it before anything


class Session:
    def __init__(self, workspace: Workspace, user: User):
        self.workspace = workspace
        self.user = user

    def can(self, permission: str) -> bool:
        return allowed(self.user.role, permission)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied.coded("account.not_allowed", role=Term(self.user.role),
                                         name=self.user.name, permission=permission)

    def audit(self, action: str, objects: dict | None = None, params: dict | None = None) -> dict:
        return self.workspace.audit.append(self.user.name, action, objects, params)

    def audited(self, action: str, objects: dict, params: dict,
                fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(conn, *args)`` and record the action in the same transaction: both or neither."""
        def body(conn):
            result = fn(conn, *args)
            self.workspace.audit.append_in(conn, self.user.name, action, objects, params)
            return result
        return self.workspace.db.transaction(body)


def load_user(workspace: Workspace, name: str) -> User | None:
    row = workspace.db.run(user_store.get, name)
    if row is None:
        return None
    name, role, branch, disabled, must_change = row
    return User(name, role, branch, bool(disabled), bool(must_change))


def login(workspace: Workspace, name: str, password: str, *, read_only: bool = False) -> Session:
    """Check the password; the same message for unknown users and wrong passwords. ``read_only``
    (a command that only reads): on a full disk the sign-in goes unrecorded instead of refused."""
    row = workspace.db.run(user_store.credentials, name)
    failure = AuthenticationFailed.coded("account.wrong_password")
    if row is None:
        raise failure
    salt, expected, params, disabled, failed = row
    if disabled:
        raise AuthenticationFailed.coded("account.disabled")
    if failed >= MAX_FAILED_LOGINS:
        raise AuthenticationFailed.coded("account.locked")
    if not check_password(password, salt, expected, params):
        workspace.db.transaction(_record_failure, workspace, name)
        raise failure
    if failed:
        workspace.db.transaction(user_store.clear_failed_logins, name)
    user = load_user(workspace, name)
    session = Session(workspace, user)
    space.skippable_when_full(read_only, session.audit, "session.login")
    return session


def _record_failure(conn, workspace: Workspace, name: str) -> None:
    user_store.count_failed_login(conn, name)
    workspace.audit.append_in(conn, name, "session.login_failed", {}, {})
