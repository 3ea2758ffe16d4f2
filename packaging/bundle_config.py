"""What goes into the frozen bundle: shared by the Linux spec and the Windows spec.

One place for data files, hidden imports, metadata and excludes, so the two platforms can never
drift apart. Everything here is plain Python (no PyInstaller objects) except ``collected()``, which
the specs call while PyInstaller is running.

Why each item exists:
- ``app.commands.*`` are discovered at run time with ``pkgutil`` and crypto tasks are resolved by
  name in pool workers, so static analysis cannot see them: every ``app`` submodule is a hidden import.
- ``gmpy2``: phe imports it inside ``try/except ImportError`` and silently falls back to pure Python
  (~8x slower). We force it in and copy its metadata; the frozen ``--self-check`` fails without it.
- ``keyring``: its built-in backends are registered through its own entry points (package
  metadata). Without the metadata every machine would silently fall back to passphrase mode.
- ``rbcl`` rewrites its own functions at import time from their source (``barriers`` calls
  ``inspect.getsource``), so it is collected as ``.py`` files, not only as bytecode in the archive.
- ``dask`` / ``distributed`` (the cluster executor, app/executor/dask.py, imported only when a
  workspace chooses it): their YAML defaults are read from package data at import time, their
  versions through package metadata, and the comm backends (tcp, tls) are imported by name, so data
  files, metadata and ``distributed.comm`` submodules are collected explicitly. On connecting, Dask
  compares the versions of the packages that serialise its messages (msgpack, cloudpickle, tornado)
  with the scheduler's and workers', read from their metadata: without it the frozen client warns of
  a mismatch on every connection and could not name a real one.
- Qt: only the modules the app imports are kept; every other PySide6 module is excluded, and Qt
  plugins and translations the app cannot use are filtered out after analysis (``keep_entry``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "lianmo"

# Qt modules the app (or the self-check) imports. QtCharts is checked by --self-check.
KEEP_QT = ("QtCore", "QtGui", "QtWidgets", "QtCharts")

# Test-only or build-only packages in the developer venv that must never ride along.
EXCLUDE_PYTHON = (
    "tkinter", "_tkinter", "test", "lib2to3", "idlelib", "pydoc_data",
    "scipy", "statsmodels", "xgboost", "pandas", "matplotlib", "IPython",
    "pytest", "_pytest", "pytestqt", "hypothesis", "PyInstaller", "setuptools", "pip",
)

METADATA = ("gmpy2", "keyring", "dask", "distributed",
            "msgpack", "cloudpickle", "tornado")  # versions Dask compares with a cluster's
# Packages whose non-Python files (YAML defaults, schemas) must ride along.
PACKAGE_DATA = ("dask", "distributed")

# Packages that must be on disk as source (see rbcl above).
MODULE_COLLECTION_MODE = {"rbcl": "py"}

# Qt plugin folders worth shipping: window systems (X11, Wayland, Windows), images, themes, input
# methods (ibus/compose for Chinese input), GL on X11. Not TLS/network/eglfs/sensors/multimedia.
KEEP_PLUGIN_DIRS = ("platforms", "imageformats", "iconengines", "platformthemes", "styles",
                    "platforminputcontexts", "xcbglintegrations", "wayland-shell-integration",
                    "wayland-decoration-client", "wayland-graphics-integration-client")
# Single plugins that would drag in QtQuick/QML (virtual keyboard) or QtPdf (PDF images).
DROP_PLUGINS = ("libqtvirtualkeyboardplugin", "qtvirtualkeyboardplugin", "libqpdf", "qpdf")
# Platform plugins: X11/Wayland desktops, Windows, headless self-checks. Not eglfs/vnc/linuxfb.
KEEP_PLATFORMS = ("xcb", "wayland", "wayland-egl", "offscreen", "minimal", "windows")
# Qt's own translations: only the languages the app offers.
KEEP_QT_LANGS = ("zh_CN", "en")


def version() -> str:
    """``app.__version__``; refuses to build when pyproject.toml says something else."""
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    declared = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    if not found or not declared or found.group(1) != declared.group(1):
        raise SystemExit(f"version mismatch: app.__version__={found and found.group(1)} "
                         f"pyproject={declared and declared.group(1)}")
    return found.group(1)


def data_files() -> list[tuple[str, str]]:
    """(source, folder inside the bundle), every file listed explicitly.

    ``resources/`` lands at the bundle root (``sys._MEIPASS/resources``, see app/ui/resources.py);
    the SQL migrations land where ``importlib.resources.files("app.store")`` looks for them.
    """
    res = ROOT / "resources"
    groups = [
        (sorted((res / "i18n").glob("*.qm")), "resources/i18n"),
        (sorted((res / "fonts").glob("*")), "resources/fonts"),
        (sorted((res / "demo").glob("*")), "resources/demo"),
        (sorted((res / "dask").glob("*.yaml")), "resources/dask"),
        ([res / "id_vectors_v1.json"], "resources"),
        (sorted((ROOT / "app" / "store" / "migrations").glob("*.sql")), "app/store/migrations"),
    ]
    out = []
    for files, dest in groups:
        if not files:
            raise SystemExit(f"no files for {dest}: is the checkout complete?")
        out += [(str(f), dest) for f in files if f.is_file()]
    return out


def pyside_modules() -> list[str]:
    """Every binding module the installed PySide6 ships (``QtFoo`` from ``QtFoo.abi3.so``/``.pyd``)."""
    import PySide6
    folder = Path(PySide6.__file__).parent
    names = {p.name.split(".")[0] for p in folder.iterdir()
             if p.name.startswith("Qt") and p.suffix in (".so", ".pyd")}
    return sorted(names | {"QtAsyncio"})


def excludes() -> list[str]:
    qt = [f"PySide6.{m}" for m in pyside_modules() if m not in KEEP_QT]
    return qt + list(EXCLUDE_PYTHON)


def keep_entry(dest: str) -> bool:
    """False for Qt plugins, translations and QML the app cannot use (filters Analysis output)."""
    path = dest.replace("\\", "/")
    # Linux wheels keep Qt under PySide6/Qt/, Windows wheels directly under PySide6/.
    if re.match(r"PySide6/(Qt/)?qml/", path):
        return False
    plugins = re.search(r"^PySide6/(?:Qt/)?plugins/([^/]+)/([^/]+)$", path)
    if plugins:
        folder, name = plugins.groups()
        if folder not in KEEP_PLUGIN_DIRS or name.split(".")[0] in DROP_PLUGINS:
            return False
        if folder == "platforms":
            stem = re.sub(r"^(lib)?q", "", name.split(".")[0])
            return stem in KEEP_PLATFORMS
        return True
    translation = re.search(r"^PySide6/(?:Qt/)?translations/([a-z_]+?)_([a-zA-Z_]+)\.qm$", path)
    if translation:
        return translation.group(2) in KEEP_QT_LANGS
    return True


def collected() -> tuple[list, list, list]:
    """(datas, binaries, hiddenimports) from PyInstaller's helpers; call only inside a spec."""
    from PyInstaller.utils.hooks import (collect_data_files, collect_dynamic_libs,
                                         collect_submodules, copy_metadata)

    sys.path.insert(0, str(ROOT))
    datas = data_files()
    for dist in METADATA:
        datas += copy_metadata(dist)
    hidden = collect_submodules("app") + ["gmpy2", "phe.util", "PySide6.QtCharts"]
    hidden += collect_submodules("keyring.backends")
    for package in PACKAGE_DATA:
        datas += collect_data_files(package, excludes=["**/tests/**", "**/static/**"])
    hidden += ["distributed", "distributed.security"] + collect_submodules("distributed.comm")
    return datas, collect_dynamic_libs("gmpy2"), hidden


def filter_toc(toc) -> list:
    """Analysis TOC entries (dest, src, kind) minus the ones ``keep_entry`` drops."""
    return [entry for entry in toc if keep_entry(entry[0])]


_QT_LIB = re.compile(r"^PySide6/(?:Qt/lib/)?(?:lib)?Qt6[A-Za-z]+\.(?:so\.6|dll)$")


def prune_qt_libs(binaries) -> list:
    """Drop Qt libraries no kept binary links to (directly or through another Qt library).

    PyInstaller resolves the dependencies of every plugin before we filter plugins, so the libraries
    of dropped plugins (QtQuick for the virtual keyboard, QtPdf, ...) would otherwise stay behind.
    """
    from PyInstaller.depend.bindepend import get_imports

    qt = {Path(dest).name: (dest, src) for dest, src, _ in binaries if _QT_LIB.match(dest.replace("\\", "/"))}
    todo = [src for dest, src, _ in binaries if Path(dest).name not in qt]
    needed: set[str] = set()
    while todo:
        for name, _ in get_imports(todo.pop()):
            base = Path(name).name
            if base in qt and base not in needed:
                needed.add(base)
                todo.append(qt[base][1])
    return [entry for entry in binaries if Path(entry[0]).name not in qt or Path(entry[0]).name in needed]
