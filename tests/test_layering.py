"""PySide6 lives in app/ui/ only: importing everything else must not pull it in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib, json, pkgutil, sys
import app
names, failures = [], {}
for info in pkgutil.walk_packages(app.__path__, "app."):
    if info.name == "app.ui" or info.name.startswith("app.ui.") or info.name == "app.__main__":
        continue
    names.append(info.name)
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failures[info.name] = f"{type(exc).__name__}: {exc}"
print(json.dumps({"names": names, "failures": failures,
                  "qt": sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))}))
"""


def test_no_pyside6_outside_ui():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "app.workflows.wizard" in result["names"] and "app.store.workspace" in result["names"]
    assert result["failures"] == {}
    assert result["qt"] == []
