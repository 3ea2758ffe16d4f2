"""A database saved by the first schema version opens and migrates to the current one."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.store import migrations
from app.store.workspace import Workspace
from app.workflows.audit_trail import verify_chain
from app.workflows.session import login

FIXTURE = Path(__file__).parent / "fixtures" / "workspace_v1"
PASSPHRASE = "fixture-passphrase-v1"


def test_v1_file_migrates_and_keeps_its_data(tmp_path):
    target = tmp_path / "ws"
    shutil.copytree(FIXTURE, target)
    before = Workspace.open(target, passphrase=PASSPHRASE, migrate=False)
    assert before.info["schema_version"] == 1
    before.close()
    with Workspace.open(target, passphrase=PASSPHRASE) as ws:
        assert ws.info["schema_version"] == migrations.available()[-1][0]
        assert ws.party_name == "Fixture Bank"
        session = login(ws, "admin", "fixture-admin-pw")
        assert verify_chain(session).ok
        assert ws.integrity()["cipher_integrity_check"]


def test_migration_numbers_are_contiguous():
    numbers = [n for n, _, _ in migrations.available()]
    assert numbers == list(range(1, len(numbers) + 1))
