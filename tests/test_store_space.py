"""A full disk reads as a full disk: refused up front when foreseeable, named when it happens, and
the workspace can still be checked. The full disk is injected into a real SQLCipher connection:
a write fails with SQLITE_FULL after SQLite rolled the transaction back, as SQLite does."""

from __future__ import annotations

import os

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from app.cli import main
from app.data.generator import generate
from app.store import database, space
from app.workflows import users
from app.workflows.importing import data_import
from app.workflows.session import login

WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}


class Disk:
    full = False
    fail_commit = False  # a COMMIT that fails and leaves the transaction open


class FullDiskConnection:
    def __init__(self, conn, disk: Disk):
        self._conn, self._disk = conn, disk

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def _check(self, sql: str) -> None:
        verb = sql.lstrip().split(None, 1)[0].upper()
        if self._disk.full and verb in WRITES:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")  # what SQLite does by itself on SQLITE_FULL
            raise sqlcipher.OperationalError("database or disk is full")
        if self._disk.fail_commit and verb == "COMMIT":
            raise sqlcipher.OperationalError("database or disk is full")

    def execute(self, sql, params=()):
        self._check(sql)
        return self._conn.execute(sql, params)

    def executemany(self, sql, rows):
        self._check(sql)
        return self._conn.executemany(sql, rows)


@pytest.fixture
def disk(monkeypatch):
    state = Disk()
    real = database.open_connection
    monkeypatch.setattr(database, "open_connection",
                        lambda *args: FullDiskConnection(real(*args), state))
    return state


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return generate(600, 5, str(tmp_path_factory.mktemp("demo")))


@pytest.fixture
def ana(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    return login(admin_session.workspace, "ana", "analyst-pass")


def import_bank(session, demo):
    return data_import.import_dataset(session, demo["bank"], demo["bank_consent"],
                                      demo["bank_profile"])


def datasets(session):
    return session.workspace.db.query("SELECT name FROM datasets")


def test_a_full_disk_during_import_is_named_not_masked(disk, ana, demo):
    disk.full = True
    with pytest.raises(space.DiskFull, match="disk holding the workspace is full") as err:
        import_bank(ana, demo)
    assert "database or disk is full" in str(err.value.__cause__)
    disk.full = False
    assert datasets(ana) == []  # all or nothing
    assert import_bank(ana, demo)["version"] == 1
    assert ana.workspace.audit.verify().ok


def test_a_failed_commit_is_rolled_back_and_named(disk, ana, demo):
    disk.fail_commit = True
    with pytest.raises(space.DiskFull):
        import_bank(ana, demo)
    disk.fail_commit = False
    assert not ana.workspace.db.run(lambda conn: conn.in_transaction)
    assert import_bank(ana, demo)["version"] == 1  # no transaction left open


def test_info_and_verify_run_on_a_full_disk(disk, admin_session, monkeypatch, capsys):
    monkeypatch.setenv("LIANMO_PASSWORD", "correct horse")
    monkeypatch.setenv("LIANMO_NEW_PASSWORD", "analyst-password")
    ws = str(admin_session.workspace.path)
    disk.full = True
    assert main(["workspace", "info", "--workspace", ws]) == 0
    assert '"party_name": "Demo Bank"' in capsys.readouterr().out
    assert main(["workspace", "verify", "--workspace", ws]) == 0
    assert "cipher_integrity_check: ok" in capsys.readouterr().out
    assert main(["users", "add", "--workspace", ws, "ana", "--role", "analyst"]) == 2
    err = capsys.readouterr().err
    assert "disk holding the workspace is full" in err and "rollback" not in err


def test_import_is_refused_up_front_when_space_is_short(ana, demo, monkeypatch):
    need = (os.path.getsize(demo["bank"]) + os.path.getsize(demo["bank_consent"])) \
        * space.WRITE_FACTOR + space.MARGIN
    usage = space.shutil.disk_usage(ana.workspace.path)
    monkeypatch.setattr(space.shutil, "disk_usage", lambda _: usage._replace(free=need - 1))
    with pytest.raises(space.DiskFull, match=f"needs about {need / 1024 ** 2:,.0f} MB free"):
        import_bank(ana, demo)
    assert datasets(ana) == []
    monkeypatch.setattr(space.shutil, "disk_usage", lambda _: usage._replace(free=need))
    assert import_bank(ana, demo)["version"] == 1


def test_a_large_write_folds_and_truncates_the_log(ana, demo, monkeypatch):
    wal = f"{ana.workspace.db.path}-wal"
    import_bank(ana, demo)
    assert os.path.getsize(wal) > 0  # below the threshold the log stays until closing
    monkeypatch.setattr(space, "CHECKPOINT_BYTES", 0)
    import_bank(ana, demo)
    assert os.path.getsize(wal) == 0


def test_gzip_files_count_with_their_content_size(tmp_path):
    import gzip
    path = tmp_path / "d.csv.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"0" * 1_000_000)
    assert space.file_size(path) == 1_000_000
