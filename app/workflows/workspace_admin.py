"""Create, check and destroy workspaces (the administrator's lifecycle)."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.errors import UserFacingError
from app.store import keys
from app.store.workspace import ROLES as PARTY_ROLES  # noqa: F401 (label or feature party)
from app.store.workspace import Workspace
from app.workflows import audit_trail
from app.workflows.session import Session, load_user
from app.workflows.users import insert_user, validate_new_user


def open_workspace(path: str | Path, passphrase: str | None = None) -> Workspace:
    """Open an existing workspace (its key from the OS keyring, or the passphrase)."""
    return Workspace.open(path, passphrase=passphrase)


def init_workspace(path: str | Path, party_name: str, role: str, admin_name: str,
                   admin_password: str, passphrase: str | None = None) -> Session:
    """New workspace with its first administrator; the creation is the chain's first entry."""
    validate_new_user(admin_name, "administrator", admin_password, None)
    ws = Workspace.create(path, party_name, role, passphrase=passphrase)

    def first(conn):
        insert_user(conn, admin_name, "administrator", admin_password, None)
        ws.set_meta_in(conn, "default_admin", admin_name)
        ws.audit.append_in(conn, admin_name, "workspace.create", {"workspace": ws.id},
                           {"party_name": party_name, "role": role})
    ws.db.transaction(first)
    return Session(ws, load_user(ws, admin_name))


def verify_workspace(session: Session, task=None) -> dict:
    """Integrity of the file (SQLite + SQLCipher page HMACs) and of the audit chain."""
    session.require("audit.read")
    result = dict(session.workspace.integrity())
    chain = audit_trail.verify_chain(session, task)
    result["audit_chain"] = chain.ok
    result["audit_report"] = chain.sentence()
    result["ok"] = result["integrity_check"] and result["cipher_integrity_check"] and chain.ok
    return result


def destroy_workspace(session: Session, audit_out: str | Path, confirm: str) -> Path:
    """Exit: export the audit, then shred the key and delete the files. Irreversible.

    ``confirm`` must repeat the party name, so a script cannot destroy a workspace by accident.
    """
    session.require("workspace.destroy")
    ws = session.workspace
    if confirm != ws.party_name:
        raise UserFacingError.coded("store.destroy_mismatch")
    session.audit("workspace.destroy", {"workspace": ws.id}, {})
    exported = audit_trail.export_chain(session, audit_out)
    path, workspace_id, key_mode = ws.path, ws.id, ws.meta("key_mode")
    ws.close()
    if key_mode == "keyring":
        keys.delete_key(workspace_id)
    shutil.rmtree(path)
    return exported
