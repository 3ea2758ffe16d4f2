"""The encrypted workspace: unreadable without its key, no plaintext anywhere in the folder."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from app.errors import StoreError, WorkspaceLocked
from app.store import arrays, keys
from app.store.workspace import Workspace
from app.workflows.workspace_admin import init_workspace

CANARY = "CANARY-13800138000-联模"


def _db_file(path):
    return next(path.glob("*.lianmo"))


def test_database_unreadable_by_stdlib_sqlite(admin_session):
    path = _db_file(admin_session.workspace.path)
    admin_session.workspace.close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()


def test_wrong_key_gives_one_sentence(admin_session, memory_keyring):
    ws = admin_session.workspace
    ws.close()
    memory_keyring.set_password(keys.SERVICE, ws.id, "00" * 32)
    with pytest.raises(WorkspaceLocked) as info:
        Workspace.open(ws.path)
    assert "key is wrong or missing" in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_key_is_clear(admin_session, memory_keyring):
    ws = admin_session.workspace
    ws.close()
    memory_keyring.entries.clear()
    with pytest.raises(WorkspaceLocked, match="not in this machine's keyring"):
        Workspace.open(ws.path)


def test_passphrase_mode_round_trip_and_wrong_passphrase(tmp_path, memory_keyring):
    session = init_workspace(tmp_path / "p", "Partner", "feature", "root", "long enough pw",
                             passphrase="it's a 'quoted' passphrase")
    session.workspace.close()
    assert memory_keyring.entries == {}
    with Workspace.open(tmp_path / "p", passphrase="it's a 'quoted' passphrase") as ws:
        assert ws.party_name == "Partner"
    with pytest.raises(WorkspaceLocked):
        Workspace.open(tmp_path / "p", passphrase="wrong")
    with pytest.raises(WorkspaceLocked):
        Workspace.open(tmp_path / "p")  # keyring has nothing


def test_no_keyring_and_no_passphrase_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(keys, "keyring_available", lambda: False)
    with pytest.raises(StoreError, match="passphrase"):
        init_workspace(tmp_path / "x", "Bank", "label", "admin", "correct horse")
    assert not any((tmp_path / "x").glob("*")) if (tmp_path / "x").exists() else True


def test_canary_absent_from_every_file(admin_session):
    ws = admin_session.workspace
    ws.db.execute("INSERT INTO meta (key, value) VALUES ('canary', ?)", (CANARY,))
    ws.db.run(arrays.save_array, "canary_array", np.frombuffer(CANARY.encode() * 4, dtype=np.uint8))
    # Read while the WAL is still live, then after checkpointing and closing.
    for phase in ("live", "closed"):
        if phase == "closed":
            ws.close()
        files = [p for p in ws.path.rglob("*") if p.is_file()]
        assert files, "workspace folder is empty"
        for f in files:
            data = f.read_bytes()
            for needle in (CANARY.encode(), CANARY.encode("utf-16-le"), b"13800138000"):
                assert needle not in data, f"{needle!r} found in {f.name} ({phase})"


def test_workspace_folder_holds_one_database(admin_session):
    names = [p.name for p in admin_session.workspace.path.iterdir()]
    assert [n for n in names if n.endswith(".lianmo")] == [f"{admin_session.workspace.id}.lianmo"]
    assert all(n.startswith(admin_session.workspace.id) for n in names)


def test_arrays_round_trip_in_chunks(admin_session, monkeypatch):
    monkeypatch.setattr(arrays, "CHUNK_BYTES", 1000)
    data = np.random.default_rng(1).normal(size=(1234, 7))
    db = admin_session.workspace.db
    db.transaction(arrays.save_array, "m", data)
    assert db.query("SELECT count(*) FROM arrays WHERE name='m'")[0][0] > 10
    np.testing.assert_array_equal(db.run(arrays.load_array, "m"), data)
    with pytest.raises(StoreError):
        db.run(arrays.save_array, "o", np.array(["x"], dtype=object))


def test_transaction_rolls_back_on_error(admin_session):
    db = admin_session.workspace.db

    def failing(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')")
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError):
        db.transaction(failing)
    assert db.query("SELECT * FROM meta WHERE key = 'half'") == []


def test_integrity_checks_pass(admin_session):
    result = admin_session.workspace.integrity()
    assert result["integrity_check"] and result["cipher_integrity_check"]


def test_create_refuses_non_empty_folder(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("x")
    with pytest.raises(StoreError, match="not empty"):
        init_workspace(tmp_path / "busy", "Bank", "label", "admin", "correct horse")
