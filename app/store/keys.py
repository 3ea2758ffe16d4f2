"""Workspace keys in the OS keyring (service ``lianmo``, account = the workspace UUID).

A random 256-bit raw key is the default. Machines without a keyring use a passphrase through
SQLCipher's KDF instead; we never fall back to a key file, because a plaintext key next to the
database would make the encryption decorative. Deleting the keyring entry crypto-shreds the workspace.
"""

from __future__ import annotations

import secrets

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from app.errors import StoreError, WorkspaceLocked

SERVICE = "lianmo"


def _usable_backend() -> bool:
    backend = keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    return "fail" not in name.lower() and "null" not in name.lower() and getattr(backend, "priority", 1) > 0


def keyring_available() -> bool:
    try:
        return _usable_backend()
    except KeyringError:
        return False


def backend_name() -> str:
    backend = keyring.get_keyring()
    return type(backend).__name__


def create_key(workspace_id: str) -> bytes:
    """Generate a fresh raw key and store it; fails clearly when there is no keyring."""
    if not keyring_available():
        raise StoreError.coded("store.no_keyring")
    key = secrets.token_bytes(32)
    try:
        keyring.set_password(SERVICE, workspace_id, key.hex())
    except KeyringError as exc:
        raise StoreError.coded("store.keyring_refused") from exc
    return key


def load_key(workspace_id: str) -> bytes:
    try:
        value = keyring.get_password(SERVICE, workspace_id) if keyring_available() else None
    except KeyringError as exc:
        raise WorkspaceLocked.coded("store.keyring_unreadable") from exc
    if value is None:
        raise WorkspaceLocked.coded("store.key_not_in_keyring")
    try:
        key = bytes.fromhex(value)
    except ValueError as exc:
        raise WorkspaceLocked.coded("store.keyring_damaged") from exc
    if len(key) != 32:
        raise WorkspaceLocked.coded("store.keyring_damaged")
    return key


def delete_key(workspace_id: str) -> bool:
    """Remove the key (crypto-shredding); returns False when there was none."""
    try:
        keyring.delete_password(SERVICE, workspace_id)
        return True
    except PasswordDeleteError:
        return False
