"""A workspace: a folder holding exactly one SQLCipher database, ``<uuid>.lianmo``.

The file name carries the workspace UUID (not secret) so the key can be found in the keyring before
the database is opened; everything else, including the party name and role, lives inside the
encrypted file.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from app.errors import StoreError, WorkspaceLocked
from app.store import keys, migrations
from app.store.audit import AuditLog
from app.store.database import Database

SUFFIX = ".lianmo"
ROLES = ("label", "feature")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def meta_in(conn, key: str, default: str | None = None) -> str | None:
    """One workspace fact, read inside the caller's transaction."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def find_database(path: Path) -> Path:
    if not path.is_dir():
        raise StoreError.coded("store.no_folder", path=str(path))
    found = sorted(path.glob(f"*{SUFFIX}"))
    if len(found) != 1:
        raise StoreError.coded("store.not_workspace", path=str(path), suffix=SUFFIX)
    return found[0]


class Workspace:
    """An open workspace: the database owner thread, the audit log and the workspace identity."""

    def __init__(self, path: Path, db: Database, workspace_id: str):
        self.path = path
        self.db = db
        self.id = workspace_id
        self.audit = AuditLog(db, workspace_id)

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, party_name: str, role: str,
               passphrase: str | None = None, up_to: int | None = None) -> "Workspace":
        """Create the folder and database. Users are added by the workflow layer (see init)."""
        path = Path(path)
        if role not in ROLES:
            raise StoreError.coded("store.bad_role", roles=list(ROLES))
        if not party_name.strip():
            raise StoreError.coded("store.party_empty")
        if path.exists() and any(path.iterdir()):
            raise StoreError.coded("store.folder_not_empty", path=str(path))
        workspace_id = str(uuid.uuid4())
        raw_key = None if passphrase else keys.create_key(workspace_id)
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
        db = Database(str(path / f"{workspace_id}{SUFFIX}"), raw_key, passphrase)
        db.run(migrations.migrate, up_to)
        meta = {"workspace_id": workspace_id, "party_name": party_name.strip(), "role": role,
                "created_at": now_iso(), "key_mode": "passphrase" if passphrase else "keyring"}
        db.transaction(lambda c: c.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                                               meta.items()))
        return cls(path, db, workspace_id)

    @classmethod
    def open(cls, path: str | Path, passphrase: str | None = None, migrate: bool = True) -> "Workspace":
        path = Path(path)
        db_file = find_database(path)
        workspace_id = db_file.name[: -len(SUFFIX)]
        raw_key = None if passphrase else keys.load_key(workspace_id)
        db = Database(str(db_file), raw_key, passphrase)
        try:
            if migrate:
                db.run(migrations.migrate)
            stored = db.query("SELECT value FROM meta WHERE key = 'workspace_id'")
        except BaseException:
            db.close()
            raise
        if not stored or stored[0][0] != workspace_id:
            db.close()
            raise WorkspaceLocked.coded("store.replaced")
        return cls(path, db, workspace_id)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- facts -------------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        return self.db.run(meta_in, key, default)

    def set_meta_in(self, conn, key: str, value: str) -> None:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    @property
    def party_name(self) -> str:
        return self.meta("party_name", "")

    @property
    def role(self) -> str:
        return self.meta("role", "")

    @property
    def info(self) -> dict:
        return {"uuid": self.id, "party_name": self.party_name, "role": self.role,
                "schema_version": self.db.run(migrations.current_version),
                "key_mode": self.meta("key_mode"), "created_at": self.meta("created_at"),
                "path": str(self.path)}

    def integrity(self) -> dict:
        """SQLite's and SQLCipher's own integrity checks (every page's HMAC)."""
        def check(conn):
            sqlite_rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            cipher_rows = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
            return {"integrity_check": sqlite_rows == ["ok"], "integrity_errors": sqlite_rows[:5],
                    "cipher_integrity_check": not cipher_rows, "cipher_errors": cipher_rows[:5]}
        return self.db.run(check)


_PIPELINE_FACTS = {
    "datasets": "SELECT 1 FROM datasets",
    "peers": "SELECT 1 FROM peers",
    "alignments": "SELECT 1 FROM alignments a JOIN jobs j ON j.id = a.job_id "
                  "AND j.type = 'alignment' AND j.state = 'finished'",
    "models": "SELECT 1 FROM models WHERE kind = 'federated'",
    "scores": "SELECT 1 FROM scores",
    "plans": "SELECT 1 FROM plans",
    "finalised": "SELECT 1 FROM plans WHERE state = 'finalised'",
    "evaluations": "SELECT 1 FROM campaign_evaluations",
    "theirs_waiting": "SELECT 1 FROM jobs WHERE proposer = 'remote' AND state = 'proposed'",
}


def pipeline_facts(conn) -> dict:
    """Which pipeline results exist (one query of EXISTS tests, no row or blob read), plus the
    types of our proposals awaiting the partner: the sidebar asks this every few seconds."""
    row = conn.execute("SELECT " + ", ".join(f"EXISTS({sql})" for sql in _PIPELINE_FACTS.values())
                       ).fetchone()
    facts = {key: bool(value) for key, value in zip(_PIPELINE_FACTS, row)}
    facts["ours_waiting"] = {t for (t,) in conn.execute(
        "SELECT DISTINCT type FROM jobs WHERE proposer = 'local' AND state = 'proposed'")}
    return facts
