"""PySide6 lives in app/ui/ only: importing everything else must not pull it in.

pkgutil.walk_packages would import every package to recurse into it (app.ui.pages included),
so the probe walks with iter_modules and skips app.ui itself.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib, json, pkgutil, sys
import app

def walk(package):
    # pkgutil.walk_packages would import app.ui.* packages just to recurse into them.
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name == "app.ui" or info.name == "app.__main__":
            continue
        yield info.name
        if info.ispkg:
            yield from walk(importlib.import_module(info.name))

names, failures = [], {}
for name in walk(app):
    names.append(name)
    try:
        importlib.import_module(name)
    except Exception as exc:
        failures[name] = f"{type(exc).__name__}: {exc}"
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(json.dumps({"names": names, "failures": failures, "qt": qt}))
"""

@functools.cache
def probe() -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_pyside6_outside_ui():
    result = probe()
    assert "app.workflows.wizard" in result["names"] and "app.store.workspace" in result["names"]
    assert not any(name.startswith("app.ui") for name in result["names"])
    assert result["qt"] == []


def test_every_non_ui_module_imports():
    """A module that cannot be imported would also escape the check above."""
    assert probe()["failures"] == {}
