"""Numbered schema migrations: ``migrations/NNNN_name.sql``, applied in order, each in one transaction.

A released file is never edited; a change is a new file. Tests open a database saved by the first
version and migrate it (``tests/fixtures/workspace_v1``).
"""

from __future__ import annotations

import re
from importlib import resources

from app.store.database import rollback

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def available() -> list[tuple[int, str, str]]:
    """All migrations shipped with the app as (number, file name, SQL), in order."""
    found = []
    for entry in resources.files("app.store").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migration numbers must be 1..N without gaps, found {numbers}")
    return found


def current_version(conn) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')))")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def migrate(conn, up_to: int | None = None) -> int:
    """Apply every pending migration (up to ``up_to``); returns the resulting version."""
    version = current_version(conn)
    for number, name, sql in available():
        if number <= version or (up_to is not None and number > up_to):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", (number, name))
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        version = number
    return version


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements: whole-line ``--`` comments are dropped first.

    Migration files must not contain semicolons inside string literals or trigger bodies.
    """
    code = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in code.split(";") if s.strip()]
