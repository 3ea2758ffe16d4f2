"""How to get into the demo's workspaces: ``demo-out/workspaces.json``.

``make demo`` creates two passphrase workspaces (this machine may have no keyring) with random
passwords. So that a newcomer can open them in the app, the demo writes, for ``bank`` and
``platform``: the folder, the analyst's user name and password, and the workspace passphrase
(with the name of an environment variable the CLI's ``--passphrase-env`` can read it from).
These are demo values for throw-away workspaces on made-up customers; a real workspace's
passphrase and passwords are never written anywhere. The file is readable by its owner only.
``python -m app gui --demo FILE`` (``make run``) opens the bank's workspace with them; the
Workspace menu switches to the platform's.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from app import messages
from app.errors import UserFacingError

FORMAT = "lianmo-demo-workspaces"
PARTIES = ("bank", "platform")
NOTE = ("Demo values only: throw-away workspaces on generated customers. Never write down a real "
        "workspace's passphrase or passwords.")


@dataclass(frozen=True)
class DemoAccess:
    path: str
    user: str
    password: str
    passphrase_env: str
    passphrase: str


def passphrase_env(party: str) -> str:
    return f"LIANMO_DEMO_{party.upper()}_PASSPHRASE"


def write_access(path: str | Path, access: dict[str, DemoAccess]) -> Path:
    """Write the file (owner-only) for the parties in ``PARTIES``."""
    path = Path(path)
    doc = {"format": FORMAT, "version": 1, "note": NOTE,
           **{party: asdict(access[party]) for party in PARTIES}}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.chmod(path, 0o600)
    return path


def read_access(path: str | Path) -> dict[str, DemoAccess]:
    """The parties' credentials from a file ``write_access`` wrote; a sentence when it is not."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserFacingError.coded("rehearsal.access_unreadable", file=path.name) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UserFacingError.coded("rehearsal.access_not_demo", file=path.name)
    out = {}
    for party in PARTIES:
        entry = doc.get(party)
        fields = DemoAccess.__dataclass_fields__
        if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) for f in fields):
            raise UserFacingError.coded("rehearsal.access_incomplete", file=path.name,
                                        party=messages.Term(party))
        out[party] = DemoAccess(**{f: entry[f] for f in fields})
    return out


def instructions(path: str | Path, access: dict[str, DemoAccess]) -> list[str]:
    """What the demo prints at the end: how to open both workspaces in the app and the CLI."""
    bank, platform = access["bank"], access["platform"]
    return [
        f"Open the demo in the app: make run   (= python -m app gui --demo {path})",
        "  it signs in to the bank's workspace; Workspace > Switch to the platform's demo "
        "workspace shows the other side",
        "  or by hand: Open workspace, choose the folder, type the passphrase, then sign in:",
        f"    bank:     {bank.path}  user {bank.user}  password {bank.password}",
        f"              passphrase {bank.passphrase}",
        f"    platform: {platform.path}  user {platform.user}  password {platform.password}",
        f"              passphrase {platform.passphrase}",
        f"  CLI: {bank.passphrase_env}=... LIANMO_PASSWORD=... python -m app models list "
        f"--workspace {bank.path} --passphrase-env {bank.passphrase_env} --user {bank.user}",
        f"These are demo values only (also in {path}); never write down a real workspace's "
        "passphrase.",
    ]
