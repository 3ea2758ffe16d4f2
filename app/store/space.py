"""Disk space as a condition of its own: refused before a large write, named when it runs out.

A full disk must read as "the disk is full", never as a secondary SQLite complaint: SQLite rolls a
transaction back by itself when a write fails with SQLITE_FULL, so a second ROLLBACK would fail and
hide the cause (see ``database.rollback``). Large imports check the free space first, against the
dataset's size times ``WRITE_FACTOR``: the pages go to the write-ahead log, then into the database
file while the log still exists, and each page carries SQLCipher's IV and HMAC. After a commit that
grew the log past ``CHECKPOINT_BYTES`` the log is folded in and truncated, so it does not keep
occupying the disk until the workspace is closed.
"""

from __future__ import annotations

import logging
import os
import shutil
import struct

from sqlcipher3 import dbapi2 as sqlcipher

from app.errors import StoreError

log = logging.getLogger(__name__)

WRITE_FACTOR = 3
MARGIN = 32 * 1024 * 1024         # indexes, audit entries, the journal's own pages
CHECKPOINT_BYTES = 64 * 1024 * 1024


class DiskFull(StoreError):
    """The disk holding the workspace has no room for a change; nothing of it was kept."""


def is_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL (it also reports ENOSPC from a write this way)."""
    return isinstance(exc, sqlcipher.OperationalError) and "database or disk is full" in str(exc)


def explained(exc: BaseException) -> BaseException:
    """A full-disk error as :class:`DiskFull` (its cause kept); any other error unchanged."""
    if not is_full(exc):
        return exc
    full = DiskFull.coded("store.disk_full")
    full.__cause__ = exc
    return full


def _mb(n: int) -> int:
    return round(n / 1024 ** 2)


def file_size(path: str | os.PathLike) -> int:
    """Bytes of a file's content (a gzip file's own record of it, modulo 4 GiB, for ``.gz``)."""
    size = os.path.getsize(path)
    if str(path).lower().endswith(".gz") and size >= 18:
        with open(path, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            return max(size, struct.unpack("<I", fh.read(4))[0])
    return size


def require_room(folder: str | os.PathLike, need: int, code: str) -> None:
    """Refuse a change up front when the disk holding ``folder`` has less than ``need`` bytes;
    ``code`` is the catalogue sentence naming the change (``{need}`` and ``{free}`` in MB)."""
    free = shutil.disk_usage(folder).free
    if free < need:
        raise DiskFull.coded(code, need=_mb(need), free=_mb(free))


def require_room_for_import(workspace_folder: str | os.PathLike, *files: str) -> None:
    """The free-space check before importing ``files`` (data and consent)."""
    size = sum(file_size(f) for f in files)
    require_room(workspace_folder, size * WRITE_FACTOR + MARGIN, "store.no_room_to_import")


def skippable_when_full(skip: bool, fn, *args):
    """``fn(*args)``, a write that, when ``skip``, may be left out on a full disk (a sign-in record
    for a command that only reads: checking a full workspace must stay possible)."""
    try:
        return fn(*args)
    except DiskFull:
        if not skip:
            raise
        log.warning("the disk is full: a record was left out")
        return None


def fold_log(conn, db_path: str) -> None:
    """After a commit: fold a write-ahead log grown past ``CHECKPOINT_BYTES`` into the database
    and truncate it. Best effort: the commit already happened, a failure here only keeps the log."""
    try:
        if os.path.getsize(f"{db_path}-wal") <= CHECKPOINT_BYTES:
            return
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except OSError:
        return  # no log file (yet)
    except Exception as exc:  # noqa: BLE001 - the data is safe in the log either way
        log.warning("write-ahead log not folded in: %s", explained(exc))


__all__ = ["CHECKPOINT_BYTES", "DiskFull", "WRITE_FACTOR", "explained", "fold_log", "is_full",
           "require_room", "require_room_for_import", "skippable_when_full"]
