"""The workspace's user accounts, as stored: role, branch, password hash and lockout counter.

Only a salted password hash and its KDF parameters are kept, never the password; the failed sign-in
counter lives beside them so a lockout survives restarts. Validation, hashing and permission checks
are the workflow's business; these functions take the connection (call them inside
``Database.run``/``transaction``) and read or write rows as told.
"""

from __future__ import annotations

from app.store.workspace import now_iso


def exists(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None


def insert(conn, name: str, role: str, branch: str | None, salt: bytes, password_hash: bytes,
           kdf_params: str) -> None:
    conn.execute("INSERT INTO users (name, role, branch, password_salt, password_hash, kdf_params,"
                 " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (name, role, branch, salt, password_hash, kdf_params, now_iso()))


def get(conn, name: str) -> tuple | None:
    """(name, role, branch, disabled, must_change_password) or None."""
    return conn.execute("SELECT name, role, branch, disabled, must_change_password FROM users "
                        "WHERE name = ?", (name,)).fetchone()


def list_all(conn) -> list[tuple]:
    """(name, role, branch, disabled) for every user, by name."""
    return conn.execute("SELECT name, role, branch, disabled FROM users ORDER BY name").fetchall()


def active_administrators(conn) -> list[str]:
    rows = conn.execute("SELECT name FROM users WHERE role = 'administrator' AND disabled = 0")
    return [r[0] for r in rows]


def set_disabled(conn, name: str, disabled: bool) -> None:
    conn.execute("UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name))


def set_password(conn, name: str, salt: bytes, password_hash: bytes, kdf_params: str,
                 must_change: bool = False) -> None:
    """A new password also lifts a lockout; ``must_change`` (an administrator's reset) makes its
    owner replace it at the next sign-in, and the owner's own change clears it."""
    conn.execute("UPDATE users SET password_salt = ?, password_hash = ?, kdf_params = ?, "
                 "failed_logins = 0, must_change_password = ? WHERE name = ?",
                 (salt, password_hash, kdf_params, int(must_change), name))


# -- sign-in -------------------------------------------------------------------------------------
def credentials(conn, name: str) -> tuple | None:
    """(salt, hash, KDF parameters, disabled, failed sign-ins) or None for an unknown user."""
    return conn.execute("SELECT password_salt, password_hash, kdf_params, disabled, failed_logins "
                        "FROM users WHERE name = ?", (name,)).fetchone()


def count_failed_login(conn, name: str) -> None:
    conn.execute("UPDATE users SET failed_logins = failed_logins + 1 WHERE name = ?", (name,))


def clear_failed_logins(conn, name: str) -> None:
    conn.execute("UPDATE users SET failed_logins = 0 WHERE name = ?", (name,))
