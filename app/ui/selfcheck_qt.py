"""The Qt lines of ``--self-check`` (PySide6 lives only in ``app/ui``; ``app/selfcheck`` calls these).

A platform plugin that fails to load makes Qt abort the whole process, so the plugin file is loaded
by hand first and a failure becomes one FAIL line naming the missing library.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _choose_platform() -> str:
    """The platform plugin Qt will use; headless Linux gets ``offscreen`` instead of a Qt abort."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if not chosen and sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = chosen = "offscreen"
    return chosen or {"win32": "windows", "darwin": "cocoa"}.get(sys.platform, "xcb")


def _preflight_plugin(name: str) -> None:
    """Load the plugin file first: Qt itself aborts the process when a platform plugin fails."""
    from PySide6.QtCore import QLibraryInfo, QPluginLoader
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    candidates = [folder / f"libq{name}.so", folder / f"q{name}.dll", folder / f"libq{name}.dylib"]
    found = [p for p in candidates if p.is_file()]
    if not found:
        if not folder.is_dir() or not any(folder.iterdir()):
            raise RuntimeError(f"no Qt platform plugins in {folder}")
        return  # an alias Qt resolves itself (e.g. wayland-egl)
    loader = QPluginLoader(str(found[0]))
    if not loader.load():
        raise RuntimeError(f"platform plugin '{name}' cannot load: {loader.errorString()}")


def check_qt() -> str:
    name = _choose_platform()
    _preflight_plugin(name)
    from PySide6.QtWidgets import QApplication  # the GUI needs widgets, not just QtGui
    app = QApplication.instance() or QApplication(sys.argv[:1])
    return f"Qt platform plugin '{app.platformName()}' loaded"


def check_qtcharts() -> str:
    check_qt()
    from PySide6 import QtCharts  # direct import, so the bundler sees it
    chart = QtCharts.QChart()
    chart.addSeries(QtCharts.QLineSeries())
    return "QtCharts present"


def check_cjk_font() -> str:
    check_qt()
    from PySide6.QtGui import QFontDatabase
    from app.ui.fonts import load_bundled_fonts
    bundled = load_bundled_fonts()
    cjk = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if getattr(sys, "frozen", False) and not bundled:
        raise RuntimeError("the bundled CJK font is missing from the bundle")
    if not cjk:
        raise RuntimeError("no font can render Simplified Chinese")
    source = [f for f in cjk if f in bundled]
    return f"CJK font available ({source[0]}, bundled)" if source else f"CJK font available ({cjk[0]}, system)"
