"""The start-up flow, the sidebar rules and AppState, all without Qt."""

from __future__ import annotations

import pytest

from app.errors import AuthenticationFailed, UserFacingError, WorkspaceLocked
from app.workflows.app_state import MAX_RECENT, AppState, remember_recent
from app.workflows.wizard import (CREATE, LOGIN, OPEN, Step, Wizard, first_enabled, startup_wizard,
                                  step_states)
from app.workflows.workspace_admin import init_workspace

STEPS = [Step("data", ("data.import", "data.view"), False),
         Step("peers", ("peers.manage", "jobs.propose"), False),
         Step("segments", ("plan.create", "plan.review"), False),
         Step("audit", "audit.read", True),
         Step("users", "users.manage", True)]


def test_open_then_login_and_back_closes():
    closed = []
    flow = startup_wizard(on_leave_login=closed.append)
    assert flow.start().view == OPEN and not flow.can_go_back()
    state = flow.resolve_next({"action": "open", "path": "/ws"})
    assert state.view == LOGIN and flow.is_last()
    with pytest.raises(ValueError):
        flow.resolve_next({})
    assert flow.go_back().view == OPEN
    assert closed == [{"action": "open", "path": "/ws"}]
    with pytest.raises(ValueError):
        flow.go_back()


def test_create_is_not_offered_again_by_back():
    flow = startup_wizard()
    flow.start()
    assert flow.resolve_next({"action": "create"}).view == CREATE
    assert flow.go_back().view == OPEN  # before creating, back is fine
    flow.resolve_next({"action": "create"})
    assert flow.resolve_next({"path": "/new"}).view == LOGIN
    assert [s.view for s in flow.stack] == [OPEN]
    assert flow.go_back().view == OPEN


def test_secrets_never_reach_the_back_stack():
    flow = startup_wizard()
    flow.start({"passphrase": "secret"})
    flow.resolve_next({"action": "open", "password": "pw", "passphrase": "pp", "path": "/ws"})
    snapshots = [flow.current.data] + [s.data for s in flow.stack]
    assert all(not ({"password", "passphrase"} & set(d)) for d in snapshots)
    assert flow.current.data["path"] == "/ws"


def test_navmap_errors_are_loud():
    with pytest.raises(ValueError):
        Wizard({"a": {}}, "b")
    flow = Wizard({"a": {"next": "nowhere"}}, "a")
    flow.start()
    with pytest.raises(ValueError):
        flow.resolve_next()


def test_steps_per_role():
    admin = {s.key: s.enabled for s in step_states(STEPS, "administrator")}
    analyst = {s.key: s.enabled for s in step_states(STEPS, "analyst")}
    manager = {s.key: s.enabled for s in step_states(STEPS, "branch_manager")}
    assert admin == {"data": False, "peers": False, "audit": True, "users": True}
    assert analyst == {"data": False, "peers": False, "segments": False, "audit": True}
    assert manager == {"segments": False}  # never sees consent & data, audit or users
    assert first_enabled(step_states(STEPS, "analyst")) == "audit"
    assert first_enabled(step_states(STEPS, "branch_manager")) is None


def test_app_state_keyring_and_sign_in(tmp_path):
    init_workspace(tmp_path / "ws", "Bank", "label", "admin", "correct horse").workspace.close()
    state = AppState()
    with pytest.raises(UserFacingError):
        state.sign_in("admin", "correct horse")
    state.open_workspace(tmp_path / "ws")
    with pytest.raises(AuthenticationFailed):
        state.sign_in("admin", "wrong")
    assert state.session is None
    session = state.sign_in(" admin ", "correct horse")
    assert session.user.role == "administrator"
    state.sign_out()
    assert state.session is None and state.workspace is not None
    actions = [e["action"] for e in state.workspace.audit.entries()]
    assert actions[-3:] == ["session.login_failed", "session.login", "session.logout"]
    state.close_workspace()
    assert state.workspace is None


def test_app_state_passphrase_workspace(tmp_path, memory_keyring):
    state = AppState()
    with pytest.raises(UserFacingError, match="12 characters"):
        state.create_workspace(tmp_path / "ws", "Bank", "feature", "root", "correct horse", "short")
    state.create_workspace(tmp_path / "ws", "Bank", "feature", "root", "correct horse",
                           "a long passphrase")
    assert state.suggested_user == "root" and state.session is None
    assert memory_keyring.entries == {}  # passphrase mode keeps nothing in the keyring
    state.close_workspace()
    with pytest.raises(WorkspaceLocked):
        state.open_workspace(tmp_path / "ws")
    with pytest.raises(WorkspaceLocked):
        state.open_workspace(tmp_path / "ws", "wrong passphrase!")
    state.open_workspace(tmp_path / "ws", "a long passphrase")
    assert state.workspace.role == "feature"
    state.close_workspace()


def test_recent_workspaces(tmp_path):
    recent: list[str] = []
    for i in range(MAX_RECENT + 3):
        recent = remember_recent(recent, tmp_path / f"w{i}")
    recent = remember_recent(recent, tmp_path / "w5")
    assert len(recent) == MAX_RECENT
    assert recent[0] == str((tmp_path / "w5").resolve())
    assert len(set(recent)) == len(recent)
