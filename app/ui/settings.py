"""The few things the GUI remembers between runs: the language and recent workspace folders.

Only those. No user names, passwords, passphrases, party data or customer data ever go into
QSettings, which is a plain file (or registry key) outside the encrypted workspace.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app.workflows.app_state import MAX_RECENT, remember_recent

LANGUAGE_KEY = "ui/language"
RECENT_KEY = "workspaces/recent"


class AppSettings:
    def __init__(self, qsettings: QSettings | None = None):
        self._s = qsettings or QSettings(QSettings.IniFormat, QSettings.UserScope, "Lianmo",
                                         "Lianmo")

    @classmethod
    def at(cls, path: str | Path) -> "AppSettings":
        """Settings in a given INI file (tests, portable installs)."""
        return cls(QSettings(str(path), QSettings.IniFormat))

    def language(self, default: str) -> str:
        return str(self._s.value(LANGUAGE_KEY, default))

    def set_language(self, code: str) -> None:
        self._s.setValue(LANGUAGE_KEY, code)
        self._s.sync()

    def recent_workspaces(self) -> list[str]:
        value = self._s.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a lone string for one-item lists
            value = [value]
        return [str(v) for v in value or []][:MAX_RECENT]

    def add_recent_workspace(self, path: str | Path) -> None:
        self._s.setValue(RECENT_KEY, remember_recent(self.recent_workspaces(), path))
        self._s.sync()
