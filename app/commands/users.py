"""``users add|list|disable|enable|reset-password|passwd``."""

from __future__ import annotations

import os

from app.commands._common import add_workspace_args, read_password, signed_in
from app.errors import UserFacingError
from app.workflows import users
from app.workflows.permissions import ROLES

NEW_PASSWORD_ENV = "LIANMO_NEW_PASSWORD"


def register(sub) -> None:
    parser = sub.add_parser("users", help="manage users and roles (administrators)")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help=f"add a user; password from ${NEW_PASSWORD_ENV}")
    add_workspace_args(add)
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--branch", help="branch code (branch managers only)")
    add.set_defaults(handler=_add)
    lst = actions.add_parser("list")
    add_workspace_args(lst)
    lst.set_defaults(handler=_list)
    for name, disabled in (("disable", True), ("enable", False)):
        p = actions.add_parser(name)
        add_workspace_args(p)
        p.add_argument("name")
        p.set_defaults(handler=lambda a, d=disabled: _with(a, users.set_disabled, a.name, d))
    reset = actions.add_parser("reset-password", help=f"new password from ${NEW_PASSWORD_ENV}")
    add_workspace_args(reset)
    reset.add_argument("name")
    reset.set_defaults(handler=lambda a: _with(a, users.reset_password, a.name, _new_password()))
    passwd = actions.add_parser("passwd", help="change your own password (--user): current from "
                                               f"$LIANMO_PASSWORD, new from ${NEW_PASSWORD_ENV}")
    add_workspace_args(passwd)
    passwd.set_defaults(handler=_passwd)


def _new_password() -> str:
    value = os.environ.get(NEW_PASSWORD_ENV)
    if not value:
        raise UserFacingError.coded("cli_input.new_password", variable=NEW_PASSWORD_ENV)
    return value


def _with(args, fn, *params) -> int:
    with signed_in(args) as session:
        fn(session, *params)
    print("Done.")
    return 0


def _add(args) -> int:
    return _with(args, users.add_user, args.name, args.role, _new_password(), args.branch)


def _list(args) -> int:
    with signed_in(args) as session:
        for user in users.list_users(session):
            state = " (disabled)" if user.disabled else ""
            branch = f" branch={user.branch}" if user.branch else ""
            print(f"{user.name}\t{user.role}{branch}{state}")
    return 0


def _passwd(args) -> int:
    """The one command a password reset by an administrator still allows."""
    with signed_in(args, password_change=True) as session:
        users.change_own_password(session, read_password(), _new_password())
    print("Password changed.")
    return 0
