"""User management: administrators add, disable and reset users; everyone changes their own password."""

from __future__ import annotations

import re
from dataclasses import replace

from app.crypto.passwords import hash_password
from app.errors import PermissionDenied, UserFacingError
from app.store import users as user_store
from app.workflows.permissions import ROLES
from app.workflows.session import Session, User, login

MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.\-@]{1,64}$")
_BRANCH = re.compile(r"^[\w\-]{1,32}$")


def validate_new_user(name: str, role: str, password: str, branch: str | None) -> None:
    if not _NAME.match(name or ""):
        raise UserFacingError.coded("account.bad_name")
    if role not in ROLES:
        raise UserFacingError.coded("account.bad_role", roles=list(ROLES))
    if role == "branch_manager" and not (branch and _BRANCH.match(branch)):
        raise UserFacingError.coded("account.branch_needed")
    if role != "branch_manager" and branch:
        raise UserFacingError.coded("account.branch_only_managers")
    check_password_policy(password)


def check_password_policy(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserFacingError.coded("account.short_password", minimum=MIN_PASSWORD)


def insert_user(conn, name: str, role: str, password: str, branch: str | None) -> None:
    """Low-level insert used by workspace init (no session exists yet) and by add_user."""
    validate_new_user(name, role, password, branch)
    if user_store.exists(conn, name):
        raise UserFacingError.coded("account.exists", name=name)
    user_store.insert(conn, name, role, branch or None, *hash_password(password))


def add_user(session: Session, name: str, role: str, password: str, branch: str | None = None) -> User:
    session.require("users.manage")
    session.audited("users.add", {"user": name}, {"role": role, "branch": branch},
                    insert_user, name, role, password, branch)
    return User(name, role, branch or None)


def list_users(session: Session) -> list[User]:
    session.require("users.manage")
    rows = session.workspace.db.run(user_store.list_all)
    return [User(n, r, b, bool(d)) for n, r, b, d in rows]


def set_disabled(session: Session, name: str, disabled: bool) -> None:
    session.require("users.manage")
    if name == session.user.name and disabled:
        raise UserFacingError.coded("account.not_self")

    def change(conn):
        _require_exists(conn, name)
        if disabled and user_store.active_administrators(conn) == [name]:
            raise UserFacingError.coded("account.last_admin")
        user_store.set_disabled(conn, name, disabled)
    session.audited("users.disable" if disabled else "users.enable", {"user": name}, {}, change)


def reset_password(session: Session, name: str, new_password: str) -> None:
    """The administrator hands the new password over; its owner must replace it at the next
    sign-in (``User.must_change_password``), so it does not stay known to two people."""
    session.require("users.manage")
    _set_password(session, name, new_password, "users.reset_password", must_change=True)


def change_own_password(session: Session, current_password: str, new_password: str) -> None:
    """Any role's own password. The current one is checked as at sign-in (a wrong one counts
    towards the lock-out), so a window left signed in does not hand the account over."""
    check_password_policy(new_password)
    login(session.workspace, session.user.name, current_password)
    _set_password(session, session.user.name, new_password, "users.change_password")
    session.user = replace(session.user, must_change_password=False)


def require_current_password(session: Session) -> None:
    """Refuses everything but changing it while the password is one an administrator handed
    over (the CLI's commands call this after signing in; the GUI asks for a new one first)."""
    if session.user.must_change_password:
        raise PermissionDenied.coded("account.must_change_password", name=session.user.name)


def _set_password(session: Session, name: str, password: str, action: str,
                  must_change: bool = False) -> None:
    check_password_policy(password)
    salt, digest, params = hash_password(password)

    def change(conn):
        _require_exists(conn, name)
        user_store.set_password(conn, name, salt, digest, params, must_change)
    session.audited(action, {"user": name}, {"must_change": True} if must_change else {}, change)


def _require_exists(conn, name: str) -> None:
    if not user_store.exists(conn, name):
        raise UserFacingError.coded("account.no_user", name=name)
