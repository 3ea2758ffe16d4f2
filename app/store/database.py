"""The one thread that owns a workspace's SQLCipher connection.

SQLite connections must not be shared across threads, and the GUI, the peer listener and background
jobs all need the store; so a single owner thread runs every statement and callers get results back
(Electrum's ``sql_db`` model). Keeping all access here also keeps the key handling in one place.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable

from sqlcipher3 import dbapi2 as sqlcipher

from app.errors import LocalProtocolError, StoreError, WorkspaceLocked
from app.store import space

log = logging.getLogger(__name__)

_STOP = object()


def _key_pragma(raw_key: bytes | None, passphrase: str | None) -> str:
    """Build ``PRAGMA key``: a raw 256-bit key skips the KDF; a passphrase goes through SQLCipher's."""
    if raw_key is not None:
        if len(raw_key) != 32:
            raise LocalProtocolError("The workspace key has the wrong length.")
        return f"PRAGMA key = \"x'{raw_key.hex()}'\""
    if not passphrase:
        raise WorkspaceLocked.coded("store.no_key")
    escaped = passphrase.replace("'", "''")
    return f"PRAGMA key = '{escaped}'"


def open_connection(path: str, raw_key: bytes | None, passphrase: str | None):
    """Open and key a connection; a wrong or missing key becomes a one-sentence WorkspaceLocked."""
    conn = sqlcipher.connect(path, isolation_level=None, check_same_thread=True)
    try:
        conn.execute(_key_pragma(raw_key, passphrase))
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute("PRAGMA temp_store = MEMORY")  # no plaintext temp files, ever
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
    except sqlcipher.DatabaseError as exc:
        conn.close()
        raise WorkspaceLocked.coded("store.wrong_key") from exc
    return conn


def cipher_version() -> str | None:
    """The linked SQLCipher's version (None for plain SQLite, which lacks the pragma)."""
    conn = sqlcipher.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


class Database:
    """Runs callables against the connection on its owner thread."""

    def __init__(self, path: str, raw_key: bytes | None = None, passphrase: str | None = None):
        self.path = path
        self._jobs: queue.Queue = queue.Queue()
        ready: Future = Future()
        self._thread = threading.Thread(target=self._loop, args=(raw_key, passphrase, ready),
                                        name="lianmo-db", daemon=True)
        self._thread.start()
        ready.result()  # re-raises WorkspaceLocked from the owner thread

    def _loop(self, raw_key, passphrase, ready: Future) -> None:
        try:
            conn = open_connection(self.path, raw_key, passphrase)
        except BaseException as exc:  # hand the failure to the constructor
            ready.set_exception(exc)
            return
        ready.set_result(None)
        while True:
            item = self._jobs.get()
            if item is _STOP:
                break
            fn, args, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(conn, *args))
            except BaseException as exc:
                future.set_exception(space.explained(exc))
        conn.close()

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(conn, *args)`` on the owner thread and return its result."""
        if threading.current_thread() is self._thread:
            raise LocalProtocolError("Nested database call on the owner thread (a bug).")
        if not self._thread.is_alive():
            raise StoreError.coded("store.closed")
        future: Future = Future()
        self._jobs.put((fn, args, future))
        return future.result()

    def transaction(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn`` inside one IMMEDIATE transaction: everything commits, or nothing does."""
        return self.run(_in_transaction, fn, args, self.path)

    def query(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        return self.run(lambda conn: conn.execute(sql, params).fetchall())

    def execute(self, sql: str, params: tuple | dict = ()) -> None:
        self.transaction(lambda conn: conn.execute(sql, params))

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join()


def _in_transaction(conn, fn, args, path):
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    space.fold_log(conn, path)
    return result


def rollback(conn) -> None:
    """Undo what is still open, after an error. Never replaces that error: SQLite has already
    rolled back by itself after some failures (a full disk), and a second ROLLBACK would fail with
    "no transaction is active", hiding the cause."""
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlcipher.Error as exc:
        log.warning("rollback after an error failed too: %s", exc)
