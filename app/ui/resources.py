"""Where bundled resources (translations, fonts) live, from a checkout or a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    """``resources/`` beside the ``app`` package, or inside the PyInstaller bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def i18n_dir() -> Path:
    return resource_dir() / "i18n"


def fonts_dir() -> Path:
    return resource_dir() / "fonts"
