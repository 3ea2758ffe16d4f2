"""Render every screen offscreen to PNG files, in Chinese and English (docs/screenshots/).

    make screenshots      # = QT_QPA_PLATFORM=offscreen python -m app.ui.screenshots docs/screenshots

One throw-away passphrase workspace in a temporary folder (no keyring, no real workspace, not the
user's settings) holds a demo-like scene: an administrator, an analyst, a branch manager and a
synthetic scored population, so Segments shows a score distribution and live counts. The window
is 1280×800, the smallest screen the layout promises; ``scenes`` is shared with the layout test
(tests/test_ui_fit.py), so what is photographed is what is checked for clipped text.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QScrollArea

from app.ui.fit import SCREEN
from app.ui.main import application, create_main_window
from app.ui.settings import AppSettings
from app.workflows import plans, users
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login
from app.workflows.workspace_admin import init_workspace

PASSPHRASE = "screenshot passphrase"
PEOPLE = (("admin", "correct horse"), ("li.wei", "analyst-pass"), ("zhang.min", "manager-pass"))
MODEL = "demo-model"


def demo_workspace(folder: Path) -> Path:
    path = folder / "ws"
    session = init_workspace(path, "示例银行 Demo Bank", "label", "admin", "correct horse",
                             passphrase=PASSPHRASE)
    users.add_user(session, "li.wei", "analyst", "analyst-pass")
    users.add_user(session, "zhang.min", "branch_manager", "manager-pass", "BR001")
    analyst = login(session.workspace, "li.wei", "analyst-pass")
    plans.store_population(analyst, MODEL, synthetic_population(20_000, seed=7, n_branches=12))
    session.workspace.close()
    return path


def settle(app: QApplication) -> None:
    QThreadPool.globalInstance().waitForDone(10000)
    for _ in range(5):
        app.processEvents()


def scenes(app: QApplication, language: str, work: Path) -> Iterator[tuple[str, object]]:
    """Yields (name, widget) with the widget on screen: start-up views, then every page each
    person may open (Training once more with a scorecard's advanced settings), then the add-user
    dialog."""
    settings = AppSettings.at(work / f"settings-{language}.ini")
    settings.set_language(language)
    settings.add_recent_workspace(work / "ws")
    window = create_main_window(app, settings)
    window.resize(*SCREEN)
    window.show()
    settle(app)
    yield "open", window
    window.startup.page.create_button.click()
    settle(app)
    yield "create", window
    window.startup.back()
    window.startup.page.path.setText(str(work / "ws"))
    window.startup.next()  # keyring has no key: the passphrase field appears with the sentence
    settle(app)
    yield "locked", window
    window.startup.page.passphrase.setText(PASSPHRASE)
    window.startup.next()
    window.startup.page.user.setText("admin")
    window.startup.page.password.setText("wrong password")
    window.startup.next()
    settle(app)
    yield "login", window
    for user, password in PEOPLE:
        window.state.sign_out()
        session = window.state.sign_in(user, password)
        window.show_shell(session)
        for key in window.shell.enabled_keys():
            window.shell.select(key)
            settle(app)
            yield f"{session.user.role}_{key}", window
            if key == "training":   # the scorecard's own settings, under Advanced
                form = window.shell.pages[key].form
                form.model_type.setCurrentIndex(form.model_type.findData("scorecard"))
                form.toggle.setChecked(True)
                settle(app)
                scroll = next(a for a in window.shell.pages[key].findChildren(QScrollArea)
                              if a.isAncestorOf(form))
                scroll.ensureWidgetVisible(form.lr_patience)   # the regression's settings too
                settle(app)
                yield f"{session.user.role}_{key}_scorecard", window
                form.model_type.setCurrentIndex(form.model_type.findData("secureboost"))
                form.toggle.setChecked(False)
        if user == "admin":
            page = window.shell.select("users")
            page.add_button.click()
            page.dialog.role.setCurrentIndex(page.dialog.role.findData("branch_manager"))
            settle(app)
            yield "add_user", page.dialog
            page.dialog.reject()
    window.close()


def render(out_dir: Path, language: str, work: Path) -> list[Path]:
    app = application([])
    shots = []
    for name, widget in scenes(app, language, work):
        out = out_dir / f"{name}_{language}.png"
        widget.grab().save(str(out))
        shots.append(out)
    return shots


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out_dir = Path(argv[0] if argv else tempfile.gettempdir())
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo_workspace(work)
        for language in ("zh_CN", "en"):
            for shot in render(out_dir, language, work):
                print(shot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
