"""Make Chinese render on machines without a CJK system font.

Fonts bundled in ``resources/fonts/`` are registered with Qt at start-up and appended to the
application font's family list, so Qt falls back to them for glyphs the system font lacks. Without
a bundled font we keep the system font (and whatever CJK font the system has).
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from app.ui.resources import fonts_dir

log = logging.getLogger(__name__)
FONT_SUFFIXES = (".ttf", ".ttc", ".otf")
_loaded: dict[str, list[str]] = {}  # font file -> families; Qt's font database is process-wide


def load_bundled_fonts() -> list[str]:
    """Register every bundled font file; returns the family names Qt now knows from them."""
    families: list[str] = []
    folder = fonts_dir()
    if not folder.is_dir():
        return families
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        if str(path) not in _loaded:
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                log.warning("could not load bundled font %s", path.name)
                continue
            _loaded[str(path)] = QFontDatabase.applicationFontFamilies(font_id)
        families += [f for f in _loaded[str(path)] if f not in families]
    return families


def install_fonts(app: QApplication) -> list[str]:
    """Keep the system UI font first and add bundled CJK families as fallbacks."""
    bundled = [f for f in load_bundled_fonts() if "mono" not in f.lower()]
    if bundled:
        font = QFont(app.font())
        # Resolve aliases such as "Sans Serif" first: Qt skips alias names in a family list.
        base = [QFontInfo(font).family()]
        font.setFamilies(base + [f for f in bundled if f not in base])
        app.setFont(font)
    return bundled
