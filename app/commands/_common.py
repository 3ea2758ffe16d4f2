"""Shared CLI plumbing: workspace/user options, opening a session, printing progress."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from contextlib import contextmanager
from typing import Iterator

from app.errors import UserFacingError
from app.workflows import jobs, users
from app.workflows.session import Session, login
from app.workflows.tasks import Task
from app.workflows.workspace_admin import open_workspace

PASSWORD_ENV = "LIANMO_PASSWORD"


def add_workspace_args(parser: argparse.ArgumentParser, user: bool = True) -> None:
    parser.add_argument("--workspace", "--path", dest="workspace", required=True,
                        help="workspace folder")
    parser.add_argument("--passphrase-env", metavar="VAR",
                        help="read the workspace passphrase from this environment variable "
                             "(for machines without an OS keyring)")
    if user:
        parser.add_argument("--user", help="act as this user (default: the first administrator); "
                                           f"password from ${PASSWORD_ENV} or a prompt")


def add_executor_args(parser: argparse.ArgumentParser, required: bool = False) -> None:
    """``--executor local|dask`` and ``--scheduler ADDRESS`` (set-executor, train, rehearse)."""
    parser.add_argument("--executor", choices=["local", "dask"], required=required,
                        help="local worker processes, or the party's Dask cluster"
                             + ("" if required else " (default: the workspace's setting)"))
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="the Dask scheduler: tls://HOST:PORT, or tcp://127.0.0.1:PORT for a "
                             "trial on this computer")


def passphrase_from(args) -> str | None:
    var = getattr(args, "passphrase_env", None)
    if not var:
        return None
    value = os.environ.get(var)
    if not value:
        raise UserFacingError.coded("cli_input.env_empty", variable=var)
    return value


def read_password(prompt: str = "Password: ") -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserFacingError.coded("cli_input.no_password", variable=PASSWORD_ENV)
    return getpass.getpass(prompt)


@contextmanager
def signed_in(args, read_only: bool = False, password_change: bool = False) -> Iterator[Session]:
    """``args.user`` (default: the first administrator) signed in on ``args.workspace``; the
    workspace closes when the block ends, however it ends, so no command leaves it open.
    ``read_only``: the command only reads (see ``login``). A password an administrator reset
    refuses every command but ``password_change`` (``users passwd``)."""
    with open_workspace(args.workspace, passphrase_from(args)) as ws:
        if not read_only:   # a read-only command (e.g. on a full disk) changes nothing
            jobs.mark_interrupted(ws)
        name = args.user or ws.meta("default_admin")
        session = login(ws, name, read_password(f"Password for {name}: "), read_only=read_only)
        if not password_change:
            users.require_current_password(session)
        yield session


def console_task(label: str) -> Task:
    """Progress on stderr, one rewritten line, only when attached to a terminal."""
    def show(done, total, message, eta):
        if sys.stderr.isatty() and total:
            left = f", {eta:.0f} s left" if eta else ""
            sys.stderr.write(f"\r{label}: {done}/{total} {message}{left}   ")
            if done >= total:
                sys.stderr.write("\n")
    return Task(show)
