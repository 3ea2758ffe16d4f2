"""Where bundled resources live (demo data, ID test vectors, translations, fonts).

``resources/`` sits beside the ``app`` package in a checkout, and inside the PyInstaller bundle
when frozen. Plain Python, so workflows and the CLI can use it as well as the UI.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
