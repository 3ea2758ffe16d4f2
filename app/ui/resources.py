"""Where bundled resources (translations, fonts) live, from a checkout or a frozen bundle."""

from __future__ import annotations

from pathlib import Path

from app.resources import resource_dir


def i18n_dir() -> Path:
    return resource_dir() / "i18n"


def fonts_dir() -> Path:
    return resource_dir() / "fonts"
