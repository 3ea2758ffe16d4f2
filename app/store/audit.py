"""Tamper-evident audit chain: each entry's hash covers its content and the previous entry's hash.

Editing, deleting, inserting or reordering an entry breaks the chain at that entry, and
``verify_entries`` names the first bad one. Entries hold a digest of the parameters, never the
parameters themselves, so no customer data can end up here. Truncating the newest entries, or
restoring an old database file, is only detectable against a head the peer countersigned (see
the peer link); the local chain alone cannot see it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

FIELDS = ("seq", "ts", "actor", "action", "objects", "params_digest", "prev_hash", "hash")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def genesis_hash(workspace_id: str) -> str:
    return hashlib.sha256(f"lianmo-audit-v1:{workspace_id}".encode()).hexdigest()


def entry_hash(entry: dict) -> str:
    body = {k: entry[k] for k in FIELDS if k != "hash"}
    return digest(body)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    first_bad_seq: int | None = None
    reason: str = ""

    def sentence(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.count} entries."
        return f"Audit chain broken at entry {self.first_bad_seq}: {self.reason}."


def verify_entries(entries: Iterable[dict], genesis: str,
                   progress: Callable[[int], None] | None = None) -> ChainReport:
    """Walk the chain in stored order; stop at the first entry that does not fit."""
    prev, expected_seq, count = genesis, 1, 0
    for entry in entries:
        seq = entry.get("seq")
        if seq != expected_seq:
            return ChainReport(False, count, prev, seq, f"expected entry {expected_seq} here "
                               "(an entry was deleted, inserted or moved)")
        if entry.get("prev_hash") != prev:
            return ChainReport(False, count, prev, seq, "it does not follow the previous entry")
        if entry_hash(entry) != entry.get("hash"):
            return ChainReport(False, count, prev, seq, "its content was changed")
        prev, expected_seq, count = entry["hash"], expected_seq + 1, count + 1
        if progress is not None:
            progress(count)
    return ChainReport(True, count, prev)


def make_entry(seq: int, prev_hash: str, actor: str, action: str, objects: dict,
               params: dict) -> dict:
    entry = {
        "seq": seq,
        "ts": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "objects": canonical_json(objects),
        "params_digest": digest(params),
        "prev_hash": prev_hash,
    }
    entry["hash"] = entry_hash(entry)
    return entry


class AuditLog:
    """Appends to and reads the chain stored in a workspace database."""

    def __init__(self, db, workspace_id: str):
        self._db = db
        self.genesis = genesis_hash(workspace_id)

    def append(self, actor: str, action: str, objects: dict | None = None,
               params: dict | None = None) -> dict:
        return self._db.transaction(self.append_in, actor, action, objects or {}, params or {})

    def append_in(self, conn, actor: str, action: str, objects: dict, params: dict) -> dict:
        """Append inside the caller's transaction, so the action and its record commit together."""
        row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, self.genesis)
        entry = make_entry(seq, prev, actor, action, objects, params)
        conn.execute(f"INSERT INTO audit ({', '.join(FIELDS)}) VALUES ({', '.join('?' * 8)})",
                     tuple(entry[k] for k in FIELDS))
        return entry

    def entries(self, limit: int | None = None, offset: int = 0) -> list[dict]:
        sql = f"SELECT {', '.join(FIELDS)} FROM audit ORDER BY rowid"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [dict(zip(FIELDS, row)) for row in self._db.query(sql)]

    def head(self) -> tuple[int, str]:
        rows = self._db.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return (rows[0][0], rows[0][1]) if rows else (0, self.genesis)

    def verify(self, progress: Callable[[int], None] | None = None) -> ChainReport:
        return verify_entries(self.entries(), self.genesis, progress)
