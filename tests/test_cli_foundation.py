"""The headless commands behave as documented, including their errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.cli import main


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("LIANMO_PASSWORD", "admin-password")
    monkeypatch.setenv("LIANMO_NEW_PASSWORD", "analyst-password")
    return monkeypatch


def _init(tmp_path, name="ws"):
    return main(["workspace", "init", "--path", str(tmp_path / name), "--party-name", "Bank",
                 "--role", "label", "--admin", "root"])


def test_init_info_verify_users_audit(tmp_path, env, capsys):
    ws = str(tmp_path / "ws")
    assert _init(tmp_path) == 0
    assert main(["workspace", "info", "--workspace", ws]) == 0
    assert '"party_name": "Bank"' in capsys.readouterr().out
    assert main(["users", "add", "--workspace", ws, "ana", "--role", "analyst"]) == 0
    assert main(["users", "list", "--workspace", ws]) == 0
    assert "ana\tanalyst" in capsys.readouterr().out
    assert main(["workspace", "verify", "--workspace", ws]) == 0
    out = capsys.readouterr().out
    assert "cipher_integrity_check: ok" in out and "Audit chain intact" in out
    assert main(["audit", "export", "--workspace", ws, "--out", str(tmp_path / "a.jsonl")]) == 0
    assert main(["audit", "verify", str(tmp_path / "a.jsonl")]) == 0


def test_errors_are_sentences_and_exit_non_zero(tmp_path, env, capsys):
    assert _init(tmp_path) == 0
    env.setenv("LIANMO_PASSWORD", "wrong-password")
    assert main(["workspace", "info", "--workspace", str(tmp_path / "ws")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Wrong user name or password.") and "Traceback" not in err
    assert main(["workspace", "info", "--workspace", str(tmp_path / "missing")]) == 2
    assert "No workspace folder" in capsys.readouterr().err
    env.setenv("LIANMO_PASSWORD", "admin-password")
    assert main(["users", "add", "--workspace", str(tmp_path / "ws"), "bob",
                 "--role", "branch_manager"]) == 2
    assert "branch code" in capsys.readouterr().err


def test_analyst_cannot_add_users_through_cli(tmp_path, env, capsys):
    ws = str(tmp_path / "ws")
    _init(tmp_path)
    main(["users", "add", "--workspace", ws, "ana", "--role", "analyst"])
    env.setenv("LIANMO_PASSWORD", "analyst-password")
    assert main(["users", "add", "--workspace", ws, "--user", "ana", "eve", "--role", "analyst"]) == 2
    assert "may not do this" in capsys.readouterr().err


def test_destroy_exports_then_shreds(tmp_path, env, memory_keyring, capsys):
    ws = tmp_path / "ws"
    _init(tmp_path)
    assert memory_keyring.entries
    assert main(["workspace", "destroy", "--workspace", str(ws), "--audit-out",
                 str(tmp_path / "final.jsonl"), "--confirm", "Wrong"]) == 2
    assert ws.exists()
    assert main(["workspace", "destroy", "--workspace", str(ws), "--audit-out",
                 str(tmp_path / "final.jsonl"), "--confirm", "Bank"]) == 0
    assert not ws.exists() and memory_keyring.entries == {}
    assert main(["audit", "verify", str(tmp_path / "final.jsonl")]) == 0
    assert "workspace.destroy" in (tmp_path / "final.jsonl").read_text()


def test_passphrase_mode_through_subprocess(tmp_path):
    """A real process with no keyring at all: passphrase mode works, no passphrase is refused."""
    env = {"PATH": "/usr/bin:/bin", "LIANMO_PASSWORD": "admin-password", "WS_PASS": "a passphrase",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    base = [sys.executable, "-m", "app", "workspace"]
    ws = str(tmp_path / "p")
    ok = subprocess.run(base + ["init", "--path", ws, "--party-name", "P", "--role", "feature",
                                "--passphrase-env", "WS_PASS"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    info = subprocess.run(base + ["info", "--path", ws, "--passphrase-env", "WS_PASS"], env=env,
                          capture_output=True, text=True)
    assert info.returncode == 0 and '"role": "feature"' in info.stdout
    refused = subprocess.run(base + ["init", "--path", str(tmp_path / "q"), "--party-name", "Q",
                                     "--role", "label"], env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "No OS keyring" in refused.stderr
    assert not (tmp_path / "q").exists()
