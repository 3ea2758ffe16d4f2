"""Permissions hold in the workflow layer, whatever the UI shows."""

from __future__ import annotations

import pytest

from app.crypto import passwords
from app.errors import AuthenticationFailed, PermissionDenied, UserFacingError
from app.workflows import audit_trail, users
from app.workflows.session import login
from app.workflows.workspace_admin import destroy_workspace


@pytest.fixture
def staff(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="SZ001")
    return admin_session.workspace


def test_branch_manager_cannot_run_analyst_or_admin_actions(staff, tmp_path):
    bob = login(staff, "bob", "branch-pass")
    assert bob.user.branch == "SZ001"
    with pytest.raises(PermissionDenied):
        users.add_user(bob, "eve", "administrator", "whatever-pass")
    with pytest.raises(PermissionDenied):
        audit_trail.export_chain(bob, tmp_path / "a.jsonl")
    with pytest.raises(PermissionDenied):
        bob.require("data.import")
    with pytest.raises(PermissionDenied):
        destroy_workspace(bob, tmp_path / "a.jsonl", "Demo Bank")
    assert not (tmp_path / "a.jsonl").exists()


def test_analyst_cannot_manage_users(staff):
    ana = login(staff, "ana", "analyst-pass")
    ana.require("data.import")
    with pytest.raises(PermissionDenied):
        users.list_users(ana)


def test_wrong_password_and_unknown_user_look_the_same(staff):
    with pytest.raises(AuthenticationFailed) as a:
        login(staff, "ana", "nope-nope")
    with pytest.raises(AuthenticationFailed) as b:
        login(staff, "nobody", "nope-nope")
    assert str(a.value) == str(b.value)


def test_disabled_user_cannot_log_in_and_lockout(staff, admin_session):
    users.set_disabled(admin_session, "ana", True)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        login(staff, "ana", "analyst-pass")
    for _ in range(10):
        with pytest.raises(AuthenticationFailed):
            login(staff, "bob", "bad-password")
    with pytest.raises(AuthenticationFailed, match="locked"):
        login(staff, "bob", "branch-pass")
    users.reset_password(admin_session, "bob", "new-branch-pass")
    assert login(staff, "bob", "new-branch-pass").user.role == "branch_manager"


def test_last_admin_cannot_be_disabled(admin_session):
    users.add_user(admin_session, "root2", "administrator", "admin2-pass")
    users.set_disabled(admin_session, "root2", True)
    with pytest.raises(UserFacingError):
        users.set_disabled(admin_session, "admin", True)


def test_user_validation(admin_session):
    with pytest.raises(UserFacingError, match="branch code"):
        users.add_user(admin_session, "x", "branch_manager", "password1")
    with pytest.raises(UserFacingError, match="at least"):
        users.add_user(admin_session, "x", "analyst", "short")
    with pytest.raises(UserFacingError, match="already exists"):
        users.add_user(admin_session, "admin", "analyst", "password1")


def test_passwords_are_salted_scrypt_with_production_cost():
    s1, h1, p = passwords.hash_password("same password", {"n": 2 ** 15, "r": 8, "p": 1, "dklen": 32})
    s2, h2, _ = passwords.hash_password("same password")
    assert s1 != s2 and h1 != h2
    assert '"n": 32768' in p
    assert passwords.check_password("same password", s1, h1, p)
    assert not passwords.check_password("other password", s1, h1, p)
