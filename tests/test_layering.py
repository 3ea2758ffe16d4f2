"""The layers of ``app/`` and who may import whom; the same table is in docs/architecture.md.

Two checks: the import graph read with ``ast`` (module-level and function-level imports alike)
follows ``ALLOWED``, and PySide6 stays inside app/ui (a fresh interpreter imports every other
module and must not find Qt loaded). The probe walks with iter_modules and skips app.ui itself,
because pkgutil.walk_packages imports every package just to recurse into it.
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

# A module's layer is its first name below ``app``; the CLI's entry points join ``commands``.
ALIASES = {"cli": "commands", "__main__": "commands"}

# Leaves every layer may import: the package root (only ``__version__``), the error hierarchy and
# the resource paths. They import no other Lianmo module.
SHARED = {"app", "errors", "resources"}

# layer -> the other layers it may import (besides SHARED). A layer absent here is an error.
ALLOWED: dict[str, set[str]] = {
    "ui": {"workflows"},
    "commands": {"workflows", "selfcheck"},
    "selfcheck": {"crypto", "store", "executor"},  # proves the installation: touches what it checks
    "workflows": {"protocols", "net", "store", "data", "evaluation", "crypto", "schema",
                  "executor"},
    "protocols": {"crypto", "schema", "executor"},
    "evaluation": set(),
    "net": {"schema"},
    "store": set(),
    "data": {"executor"},     # parse workers run on the job's executor
    "crypto": {"executor", "schema"},  # kernels run on the executor they are handed; the MPC
                                       # primitives (crypto/mpc) declare their own messages
    "executor": set(),        # local pool today, a cluster later: below every user of it
    "schema": set(),
    "app": set(), "errors": set(), "resources": set(),
}

# Named modules of a higher layer that a layer may still import, lazily: starting the GUI, the call
# sheet PDF (Qt renders it) and the Qt parts of the installation self-check.
ENTRY_POINTS: dict[str, set[str]] = {
    "commands": {"app.ui.main", "app.ui.print_sheets"},
    "selfcheck": {"app.ui.selfcheck_qt", "app.ui.resources"},
}



@functools.cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "app"
    return ALIASES.get(name, name)


def package(module: str) -> str:
    return module if modules()[module].name == "__init__.py" else module.rsplit(".", 1)[0]


def imports(module: str):
    """(line, imported module, imported names) for every import statement in ``module``."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package(module).split(".")[:len(package(module).split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            # ``from app.store import keys`` imports the module app.store.keys.
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules()]
            if submodules:
                for sub in submodules:
                    yield node.lineno, sub, ()
                rest = tuple(n for n in names if f"{target}.{n}" not in modules())
                if rest:
                    yield node.lineno, target, rest
            else:
                yield node.lineno, target, names


def lianmo_edges():
    for module in modules():
        for line, target, names in imports(module):
            if target == "app" or target.startswith("app."):
                yield module, line, target, names


def where(module: str, line: int) -> str:
    return f"{modules()[module].relative_to(ROOT)}:{line}"


def layer_violations(edges=None) -> list[str]:
    bad = []
    for module, line, target, _names in edges or lianmo_edges():
        source, dest = layer(module), layer(target)
        if source == dest or dest in SHARED:
            continue
        if source not in ALLOWED or dest not in ALLOWED:
            bad.append(f"{where(module, line)}: {module} -> {target} (layer missing from ALLOWED)")
        elif dest not in ALLOWED[source] and target not in ENTRY_POINTS.get(source, ()):
            bad.append(f"{where(module, line)}: {module} ({source}) -> {target} ({dest})")
    return bad


def private_violations(edges=None) -> list[str]:
    """An underscore name (module or attribute) belongs to its package; others use the public face."""
    bad = []
    for module, line, target, names in edges or lianmo_edges():
        if package(module) == (package(target) if target in modules() else target):
            continue
        private = [p for p in target.split(".") if p.startswith("_") and not p.startswith("__")]
        private += [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private:
            bad.append(f"{where(module, line)}: {module} imports {', '.join(private)} from {target}")
    return bad


def test_layers_follow_the_table():
    bad = layer_violations()
    assert not bad, "imports against the layer table:\n" + "\n".join(bad)


def test_no_private_names_across_packages():
    bad = private_violations()
    assert not bad, "private names imported from another package:\n" + "\n".join(bad)


def test_the_checks_see_violations():
    """The reader finds imports inside functions; the checks flag what the table forbids."""
    edges = {(m, t) for m, _line, t, _names in lianmo_edges()}
    assert ("app.cli", "app.ui.main") in edges  # imported inside main()
    forbidden = [("app.ui.pages.jobs", 1, "app.store.audit", ("ChainReport",)),
                 ("app.store.workspace", 2, "app.workflows.session", ("Session",)),
                 ("app.commands.plan", 3, "app.ui.window", ("MainWindow",))]
    assert len(layer_violations(forbidden)) == 3
    assert layer_violations([("app.commands.plan", 4, "app.ui.print_sheets", ())]) == []
    private = [("app.ui.pages.jobs", 5, "app.workflows.jobs", ("_row",)),
               ("app.ui.pages.jobs", 6, "app.commands._common", ())]
    assert len(private_violations(private)) == 2
    assert private_violations([("app.workflows.jobs", 7, "app.workflows.tasks", ("_x",))]) == []


PROBE = r"""
import importlib, json, pkgutil, sys
import app

def walk(package):
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
