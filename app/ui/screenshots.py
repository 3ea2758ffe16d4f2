"""Render the main screens offscreen to PNG files, in Chinese and English (a visual check).

    QT_QPA_PLATFORM=offscreen python -m app.ui.screenshots /tmp

Uses a throw-away passphrase workspace in a temporary folder, so it needs no keyring and touches
neither real workspaces nor the user's settings.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from app.ui.main import application, create_main_window
from app.ui.settings import AppSettings
from app.workflows import users
from app.workflows.workspace_admin import init_workspace

PASSPHRASE = "screenshot passphrase"


def demo_workspace(folder: Path) -> Path:
    path = folder / "ws"
    session = init_workspace(path, "示例银行 Demo Bank", "label", "admin", "correct horse",
                             passphrase=PASSPHRASE)
    users.add_user(session, "li.wei", "analyst", "analyst-pass")
    users.add_user(session, "zhang.min", "branch_manager", "manager-pass", "SZ-001")
    session.workspace.close()
    return path


def grab(app: QApplication, window, out: Path) -> Path:
    for _ in range(3):
        app.processEvents()
    window.grab().save(str(out))
    return out


def render(out_dir: Path, language: str, work: Path) -> list[Path]:
    app = application([])
    settings = AppSettings.at(work / f"settings-{language}.ini")
    settings.set_language(language)
    settings.add_recent_workspace(work / "ws")
    window = create_main_window(app, settings)
    window.resize(1180, 760)
    window.show()
    shots = [grab(app, window, out_dir / f"lianmo_open_{language}.png")]
    window.startup.page.create_button.click()
    shots.append(grab(app, window, out_dir / f"lianmo_create_{language}.png"))
    window.startup.back()
    page = window.startup.page
    page.path.setText(str(work / "ws"))
    window.startup.next()  # keyring has no key: the passphrase field appears with the sentence
    shots.append(grab(app, window, out_dir / f"lianmo_locked_{language}.png"))
    page.passphrase.setText(PASSPHRASE)
    window.startup.next()
    window.startup.page.user.setText("admin")
    window.startup.page.password.setText("wrong password")
    window.startup.next()
    shots.append(grab(app, window, out_dir / f"lianmo_login_{language}.png"))
    window.startup.page.password.setText("correct horse")
    window.startup.next()
    users_page = window.shell.select("users")
    shots.append(grab(app, window, out_dir / f"lianmo_users_{language}.png"))
    users_page.add_button.click()
    users_page.dialog.role.setCurrentIndex(users_page.dialog.role.findData("branch_manager"))
    shots.append(grab(app, users_page.dialog, out_dir / f"lianmo_add_user_{language}.png"))
    users_page.dialog.reject()
    audit = window.shell.select("audit")
    audit.start_verify()
    QThreadPool.globalInstance().waitForDone(10000)
    shots.append(grab(app, window, out_dir / f"lianmo_audit_{language}.png"))
    window.close()
    return shots


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out_dir = Path(argv[0] if argv else tempfile.gettempdir())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo_workspace(work)
        for language in ("zh_CN", "en"):
            for shot in render(out_dir, language, work):
                print(shot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
