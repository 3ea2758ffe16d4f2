"""Tampering with the audit chain is detected and named; exports verify offline."""

from __future__ import annotations

import json

import pytest

from app.store.audit import verify_entries
from app.workflows import audit_trail, users
from app.workflows.workspace_admin import verify_workspace


@pytest.fixture
def chain(admin_session):
    for i in range(5):
        admin_session.audit("test.step", {"n": i}, {"secret_param": f"v{i}"})
    return admin_session


def _raw(session, sql, params=()):
    session.workspace.db.execute(sql, params)


def test_intact_chain_verifies(chain):
    report = audit_trail.verify_chain(chain)
    assert report.ok and report.count == 6  # create + 5 steps


def test_params_are_only_digested(chain):
    rows = chain.workspace.db.query("SELECT * FROM audit")
    assert "secret_param" not in repr(rows) and "v3" not in repr(rows)


def test_edit_is_detected(chain):
    _raw(chain, "UPDATE audit SET actor = 'mallory' WHERE seq = 4")
    report = audit_trail.verify_chain(chain)
    assert not report.ok and report.first_bad_seq == 4 and "changed" in report.reason


def test_delete_is_detected(chain):
    _raw(chain, "DELETE FROM audit WHERE seq = 3")
    report = audit_trail.verify_chain(chain)
    assert not report.ok and report.first_bad_seq == 4


def test_reorder_is_detected(chain):
    """Swap the contents of entries 3 and 4 (each keeps its position number)."""
    cols = ("ts", "actor", "action", "objects", "params_digest", "prev_hash", "hash")
    entries = {e["seq"]: e for e in chain.workspace.audit.entries()}
    for seq, source in ((3, entries[4]), (4, entries[3])):
        _raw(chain, f"UPDATE audit SET {', '.join(c + ' = ?' for c in cols)} WHERE seq = ?",
             tuple(source[c] for c in cols) + (seq,))
    report = audit_trail.verify_chain(chain)
    assert not report.ok and report.first_bad_seq == 3


def test_insert_is_detected(chain):
    entries = chain.workspace.audit.entries()
    forged = dict(entries[2], seq=3, actor="mallory")
    entries.insert(3, forged)
    report = verify_entries(entries, chain.workspace.audit.genesis)
    assert not report.ok and report.first_bad_seq == 3


def test_verify_workspace_reports_broken_chain(chain):
    assert verify_workspace(chain)["ok"]
    _raw(chain, "UPDATE audit SET action = 'x' WHERE seq = 2")
    result = verify_workspace(chain)
    assert not result["ok"] and "entry 2" in result["audit_report"]


def test_export_verifies_offline_and_detects_tampering(chain, tmp_path):
    out = audit_trail.export_chain(chain, tmp_path / "audit.jsonl")
    assert audit_trail.verify_export(out).ok
    lines = out.read_text().splitlines()
    original = list(lines)
    entry = json.loads(lines[3])
    entry["action"] = "nothing.to.see"
    lines[3] = json.dumps(entry)
    (tmp_path / "edited.jsonl").write_text("\n".join(lines))
    report = audit_trail.verify_export(tmp_path / "edited.jsonl")
    assert not report.ok and report.first_bad_seq == 3
    (tmp_path / "cut.jsonl").write_text("\n".join(original[:-1]))
    report = audit_trail.verify_export(tmp_path / "cut.jsonl")
    assert not report.ok and "cut off" in report.reason


def test_state_changes_are_audited(chain):
    users.add_user(chain, "ana", "analyst", "analyst-pass")
    users.set_disabled(chain, "ana", True)
    actions = [e["action"] for e in chain.workspace.audit.entries()]
    assert actions[-2:] == ["users.add", "users.disable"]
