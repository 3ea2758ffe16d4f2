"""``--self-check`` from source: passes on this machine, and fails loudly on the silent failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import selfcheck

ROOT = Path(__file__).resolve().parents[1]


def test_self_check_passes_from_source():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "app", "--self-check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    for name, _ in selfcheck.CHECKS:
        assert any(line.startswith(f"[ok]   {name}: ") for line in lines), (name, proc.stdout)
    assert lines[-1] == "self-check passed"


def test_phe_without_gmpy2_fails_the_self_check(monkeypatch, capsys):
    from phe import util
    monkeypatch.setattr(util, "HAVE_GMP", False)
    monkeypatch.setattr(selfcheck, "CHECKS", [c for c in selfcheck.CHECKS if c[0] in ("gmpy2", "sqlcipher")])
    assert selfcheck.run_self_check() == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("[FAIL] gmpy2: phe runs without gmpy2")
    assert out[1].startswith("[ok]   sqlcipher: ")  # one failure does not stop the other checks
    assert out[-1] == "self-check FAILED (1)"


def test_keyring_without_backends_fails_instead_of_falling_back(monkeypatch, capsys):
    import importlib.metadata
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: [])
    monkeypatch.setattr(selfcheck, "CHECKS", [c for c in selfcheck.CHECKS if c[0] == "keyring"])
    assert selfcheck.run_self_check() == 1
    assert "[FAIL] keyring: keyring has no backends registered" in capsys.readouterr().out


def test_missing_migrations_fail_the_resources_check(monkeypatch, capsys):
    from app.store import migrations
    monkeypatch.setattr(migrations, "available", lambda: [])
    monkeypatch.setattr(selfcheck, "CHECKS", [c for c in selfcheck.CHECKS if c[0] == "resources"])
    assert selfcheck.run_self_check() == 1
    assert "[FAIL] resources: no schema migrations shipped" in capsys.readouterr().out
