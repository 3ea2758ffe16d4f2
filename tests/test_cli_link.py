"""Two workspaces on one machine linked through the CLI: serve, identity, peer add/check/list."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

ENV = {**os.environ, "LIANMO_PASSWORD": "admin-password", "WS_PASS": "workspace passphrase",
       "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def lianmo(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "app", *args], env=ENV, capture_output=True,
                            text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def ws_args(path):
    return ["--workspace", str(path), "--passphrase-env", "WS_PASS"]


@pytest.fixture
def two_servers(tmp_path):
    servers, ports = [], []
    for name, role in (("bank", "label"), ("platform", "feature")):
        lianmo("workspace", "init", *ws_args(tmp_path / name), "--party-name", name.title(),
               "--role", role)
        proc = subprocess.Popen([sys.executable, "-m", "app", "serve", *ws_args(tmp_path / name),
                                 "--listen", "127.0.0.1:0"], env=ENV, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        ports.append(int(re.search(r":(\d+) as", line).group(1)))
        servers.append(proc)
    yield tmp_path, ports
    for proc in servers:
        proc.terminate()
        proc.wait(timeout=10)


def fingerprint(path):
    out = lianmo("identity", "show", *ws_args(path)).stdout
    return re.search(r"Fingerprint: (.+)", out).group(1)


def test_link_through_cli(two_servers):
    tmp_path, (bank_port, platform_port) = two_servers
    bank, platform = tmp_path / "bank", tmp_path / "platform"
    out = lianmo("peer", "add", *ws_args(bank), "--name", "platform", "--address",
                 f"127.0.0.1:{platform_port}", "--fingerprint", fingerprint(platform)).stdout
    assert "Fetched the peer's certificate" in out
    lianmo("peer", "add", *ws_args(platform), "--name", "bank", "--address",
           f"127.0.0.1:{bank_port}", "--fingerprint", fingerprint(bank))
    time.sleep(1.5)  # the running listeners pick up the newly learned certificates
    result = lianmo("peer", "check", *ws_args(bank), "--name", "platform")
    assert "Peer platform (Platform): protocol v1" in result.stdout
    listing = lianmo("peer", "list", *ws_args(bank)).stdout
    assert "Platform" in listing and "never" not in listing


def test_wrong_fingerprint_through_cli(two_servers):
    tmp_path, (_, platform_port) = two_servers
    bogus = "AB" * 32
    added = lianmo("peer", "add", *ws_args(tmp_path / "bank"), "--name", "platform", "--address",
                   f"127.0.0.1:{platform_port}", "--fingerprint", bogus, check=False)
    assert added.returncode == 1 and "WARNING" in added.stdout and "pinned fingerprint" in added.stdout
    result = lianmo("peer", "check", *ws_args(tmp_path / "bank"), "--name", "platform", check=False)
    assert result.returncode == 2 and "fingerprint" in result.stderr


def test_the_listen_address_is_set_once_in_the_workspace(tmp_path, capsys, monkeypatch):
    """A fixed address the peer can pin: stored in the workspace, audited, printed by info."""
    import json
    import pytest
    from app.cli import main
    from app.workflows.peering import peers
    from app.workflows.workspace_admin import init_workspace
    admin = init_workspace(tmp_path / "ws", "Bank", "label", "admin", "admin-password-1")
    with pytest.raises(Exception, match="HOST:PORT"):
        peers.set_listen_address(admin, "0.0.0.0:0")      # the peer pins a fixed port
    admin.workspace.close()
    monkeypatch.setenv("LIANMO_PASSWORD", "admin-password-1")
    ws = ["--workspace", str(tmp_path / "ws")]
    assert main(["workspace", "set-listen", *ws, "--address", "0.0.0.0:7800"]) == 0
    capsys.readouterr()
    assert main(["workspace", "info", *ws]) == 0
    assert json.loads(capsys.readouterr().out)["listen"] == "0.0.0.0:7800"
    from app.store.workspace import Workspace
    with Workspace.open(tmp_path / "ws") as opened:
        assert peers.listen_address(opened) == "0.0.0.0:7800"
        assert "peer.listen_set" in [e["action"] for e in opened.audit.entries()]
