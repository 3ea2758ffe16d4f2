"""``make demo`` leaves workspaces people can open: workspaces.json holds each party's folder,
user, password and passphrase, and the app opens them through the same calls its start-up views
make (real passphrase SQLCipher workspaces, a real main window offscreen). The parties are made
by the demo's own ``create_party``/``demo_access``; the pipeline itself is tested elsewhere."""

from __future__ import annotations

import json
import stat

import pytest

from app import cli
from app.workflows.app_state import AppState
from app.workflows.rehearsal.access import read_access, write_access
from app.workflows.rehearsal.demo import demo_access
from app.workflows.rehearsal.link import close_parties, create_party


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-out")
    bank = create_party(out / "workspaces", "bank", "Demo Bank", "label")
    partner = create_party(out / "workspaces", "partner", "Demo Platform", "feature")
    try:
        access = demo_access(bank, partner)
    finally:
        close_parties(bank, partner)
    return write_access(out / "workspaces.json", access)


def test_the_file_holds_both_parties_and_says_the_values_are_for_the_demo(demo_file):
    assert stat.S_IMODE(demo_file.stat().st_mode) == 0o600
    doc = json.loads(demo_file.read_text(encoding="utf-8"))
    assert "Demo values only" in doc["note"]
    for party in ("bank", "platform"):
        assert set(doc[party]) == {"path", "user", "password", "passphrase_env", "passphrase"}
        assert doc[party]["user"] == "analyst" and len(doc[party]["passphrase"]) >= 12
    assert doc["bank"]["passphrase_env"] != doc["platform"]["passphrase_env"]


def test_both_workspaces_open_with_the_written_credentials(demo_file):
    access = read_access(demo_file)
    for party, role in (("bank", "label"), ("platform", "feature")):
        state = AppState()
        session = state.open_demo(access[party])
        try:
            assert session.user.name == "analyst" and session.workspace.role == role
        finally:
            state.close_workspace()


def test_the_window_opens_the_bank_and_switches_to_the_platform(demo_file, qtbot):
    from PySide6.QtWidgets import QApplication
    from app.ui.main import create_main_window
    window = create_main_window(QApplication.instance())
    qtbot.addWidget(window)
    window.open_demo(read_access(demo_file), "bank")
    assert window.shell is not None and window.shell.party_name == "Demo Bank"
    assert window.switch_demo_action.isVisible()
    window.switch_demo_party()
    assert window.shell.party_name == "Demo Platform" and window.demo_party == "platform"
    window.close()


def test_the_cli_reads_the_passphrase_from_the_named_variable(demo_file, monkeypatch, capsys):
    bank = read_access(demo_file)["bank"]
    monkeypatch.setenv(bank.passphrase_env, bank.passphrase)
    monkeypatch.setenv("LIANMO_PASSWORD", bank.password)
    assert cli.main(["models", "list", "--workspace", bank.path, "--passphrase-env",
                     bank.passphrase_env, "--user", bank.user]) == 0
    assert "No models yet." in capsys.readouterr().err


def test_a_broken_file_is_refused_before_the_window_starts(tmp_path, capsys):
    bad = tmp_path / "workspaces.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    assert cli.main(["gui", "--demo", str(bad)]) == 2
    assert "not a demo workspaces file" in capsys.readouterr().err
