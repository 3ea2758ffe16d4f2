"""Store-backed import: all-or-nothing, consent re-checked at use, no clear ids outside the store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.data.generator import generate
from app.errors import PermissionDenied, UserCancelled, ValidationError
from app.workflows import users
from app.workflows.importing import data_import
from app.workflows.session import login
from app.workflows.tasks import Task


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return generate(1500, 3, str(tmp_path_factory.mktemp("demo")))


@pytest.fixture
def ana(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR01")
    return login(admin_session.workspace, "ana", "analyst-pass")


def _tables(session):
    return session.workspace.db.query("SELECT name, version, rows FROM datasets")


def test_import_stores_only_consented_rows(ana, demo):
    dry = data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"],
                                     commit=False)
    assert _tables(ana) == [] and "version" not in dry
    report = data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    assert report["version"] == 1 and report["rows_read"] == 1500
    assert _tables(ana) == [("bank_customers", 1, report["eligible"])]
    data = data_import.load_eligible(ana, "bank_customers")
    assert len(data.ids) == report["eligible"] == dry["eligible"] and data.features.shape[1] == 8
    assert data.label.dtype == np.int8 and len(data.branches) == 20
    assert set(data.contact) == {"app_active_30d", "branch_visit_recent", "already_bound", "opted_out"}
    summary = data_import.summary(ana)
    assert summary[0]["eligible_now"] == report["eligible"]
    assert {c["sensitivity"] for c in summary[0]["columns"] if c["role"] == "identifier"} == {"C3"}
    actions = [e["action"] for e in ana.workspace.audit.entries()]
    assert "data.import" in actions


def test_later_revocation_excludes_from_every_later_step(ana, demo, tmp_path):
    data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    before = data_import.load_eligible(ana, "bank_customers")
    victims = [i.decode() for i in before.ids[:5]]
    path = tmp_path / "revoke.csv"
    path.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n" + "".join(
        f"{v},joint-marketing-model,2020-01-01 00:00:00,,2026-01-01 00:00:00\n" for v in victims))
    data_import.import_consent(ana, "bank_customers", str(path))
    after = data_import.load_eligible(ana, "bank_customers")
    assert len(after.ids) == len(before.ids) - 5
    assert not np.isin(np.array(victims, dtype="S11"), after.ids).any()
    # before the revocation (2025-06-14, after every demo grant) they were eligible: nothing deleted
    back = data_import.load_eligible(ana, "bank_customers", at=1.75e9)
    assert np.isin(np.array(victims, dtype="S11"), back.ids).all()


def test_reimport_replaces_in_one_step(ana, demo):
    data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    r2 = data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    assert r2["version"] == 2 and len(_tables(ana)) == 1


def test_cancel_and_failure_leave_the_workspace_unchanged(ana, demo, monkeypatch):
    data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    count = ana.workspace.db.query("SELECT count(*) FROM arrays")[0][0]
    head = ana.workspace.audit.head()
    task = Task()
    original = data_import._write_dataset

    def write_then_cancel(conn, *args):
        version = original(conn, *args)  # everything written inside the transaction ...
        task.cancel()                    # ... then the user cancels
        return version
    monkeypatch.setattr(data_import, "_write_dataset", write_then_cancel)
    with pytest.raises(UserCancelled):
        data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"], task)
    assert _tables(ana)[0][1] == 1
    assert ana.workspace.db.query("SELECT count(*) FROM arrays")[0][0] == count
    assert ana.workspace.db.query("SELECT count(*) FROM consent_batches")[0][0] == 1
    assert ana.workspace.audit.head() == head


def test_structural_error_writes_nothing(ana, demo, tmp_path):
    bad = tmp_path / "bad.csv"
    text = Path(demo["bank"]).read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join(text[:50] + [text[50] + ",extra"] + text[51:]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="row 51"):
        data_import.import_dataset(ana, str(bad), demo["bank_consent"], demo["bank_profile"])
    assert _tables(ana) == []


def test_permissions(admin_session, ana, demo):
    bob = login(admin_session.workspace, "bob", "branch-pass")
    with pytest.raises(PermissionDenied):
        data_import.import_dataset(bob, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    with pytest.raises(PermissionDenied):
        data_import.load_eligible(bob, "bank_customers")
    with pytest.raises(PermissionDenied):
        data_import.import_dataset(admin_session, demo["bank"], demo["bank_consent"], demo["bank_profile"])


def test_no_clear_identifier_on_disk(ana, demo):
    data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    some = data_import.load_eligible(ana, "bank_customers").ids[:20]
    ana.workspace.db.run(lambda c: c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall())
    blobs = b"".join(p.read_bytes() for p in Path(ana.workspace.path).rglob("*") if p.is_file())
    assert len(blobs) > 100_000
    assert not any(i in blobs for i in some)
    assert b"customer_mobile" not in blobs  # even column names are encrypted


def _rewrite_consent(src: str, dst: Path, change) -> str:
    lines = Path(src).read_text(encoding="utf-8").splitlines()
    out = [lines[0]] + [",".join(change(line.split(","))) for line in lines[1:]]
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")
    return str(dst)


def test_a_reimport_whose_consent_file_grants_nothing_new_asks_first(ana, demo, tmp_path):
    from app.workflows.importing.import_guard import ImportWarnings
    data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
    other = _rewrite_consent(demo["bank_consent"], tmp_path / "other.csv",
                             lambda f: [f[0], "newsletter", *f[2:]])
    with pytest.raises(ImportWarnings, match="grants nothing for the joint marketing purpose"):
        data_import.import_dataset(ana, demo["bank"], other, demo["bank_profile"])
    assert _tables(ana)[0][1] == 1                      # nothing was committed
    backwards = _rewrite_consent(demo["bank_consent"], tmp_path / "backwards.csv",
                                 lambda f: [f[0], f[1], f[3], f[2], *f[4:]])
    with pytest.raises(ImportWarnings, match="none was accepted"):
        data_import.import_dataset(ana, demo["bank"], backwards, demo["bank_profile"])
    dry = data_import.import_dataset(ana, demo["bank"], other, demo["bank_profile"], commit=False)
    assert dry["warnings"] and "version" not in dry   # the preview shows them too
    done = data_import.import_dataset(ana, demo["bank"], other, demo["bank_profile"],
                                      accept_warnings=True)
    assert done["version"] == 2 and done["warnings"]


def test_several_import_warnings_read_as_prose_in_both_languages():
    from app.workflows.importing.import_guard import ImportWarnings
    warned = ImportWarnings([("import.consent_dates_reversed", {"file": "c.csv"}),
                             ("import.consent_nothing_new", {"file": "c.csv"})])
    assert "date format. c.csv makes no customer eligible" in str(warned)
    assert "日期格式。c.csv 没有让任何客户" in warned.text("zh_CN")


def test_a_second_import_of_the_same_dataset_is_refused_while_one_runs(ana, demo):
    from app.errors import UserFacingError
    from app.workflows.importing.import_guard import only_import
    with only_import(ana.workspace.path, "bank_customers"):
        with pytest.raises(UserFacingError, match="being imported right now"):
            data_import.import_dataset(ana, demo["bank"], demo["bank_consent"], demo["bank_profile"])
        other = data_import.import_dataset(ana, demo["bank"], demo["bank_consent"],
                                           demo["bank_profile"], commit=False)   # reading is fine
        assert other["eligible"] > 0
    assert data_import.import_dataset(ana, demo["bank"], demo["bank_consent"],
                                      demo["bank_profile"])["version"] == 1   # lock released
    lock = list(Path(ana.workspace.path).glob(".import-*.lock"))
    assert lock == []


def test_a_lock_left_by_a_process_that_is_gone_does_not_block_imports(ana, demo):
    import hashlib
    import socket
    name = hashlib.sha256(b"bank_customers").hexdigest()[:16]
    (Path(ana.workspace.path) / f".import-{name}.lock").write_text(f"999999999@{socket.gethostname()}")
    assert data_import.import_dataset(ana, demo["bank"], demo["bank_consent"],
                                      demo["bank_profile"])["version"] == 1
