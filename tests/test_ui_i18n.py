"""Chinese (default) and English: runtime switching, complete catalogues, a font for Chinese."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtCore import QTranslator

from app.ui.fonts import install_fonts
from app.ui.i18n import DEFAULT_LANGUAGE
from app.ui.main import create_main_window
from app.ui.resources import fonts_dir, i18n_dir
from app.ui.settings import AppSettings
from app.ui.shell import Shell

ROOT = Path(__file__).resolve().parents[1]
TS = i18n_dir() / "lianmo_zh_CN.ts"


def messages(ts_path: Path) -> list[tuple[str, str, str | None, str | None]]:
    found = []
    for context in ET.parse(ts_path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            found.append((name, message.findtext("source"), translation.text,
                          translation.get("type")))
    return found


@pytest.fixture
def window(qtbot, qapp, tmp_path):
    settings = AppSettings.at(tmp_path / "settings.ini")
    w = create_main_window(qapp, settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.translations.apply("en")  # leave the shared QApplication in English for other tests
    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def test_chinese_is_the_default_and_switches_at_runtime(window, admin_session, tmp_path):
    assert DEFAULT_LANGUAGE == "zh_CN" and window.translations.language == "zh_CN"
    page = window.startup.page
    assert page.title.text() == "打开工作区"
    shell = Shell(admin_session)
    window.stack.addWidget(shell)
    assert shell.item("audit").text() == "审计"
    assert shell.item("peers").text() == "2. 合作方\n    ● 可开始"   # numbered, with its state
    english = next(a for a in window.language_actions.actions() if a.data() == "en")
    english.trigger()
    assert page.title.text() == "Open a workspace"
    assert window.startup.next_button.text() == "Open"
    assert shell.item("audit").text() == "Audit"
    assert window.language_menu.title() == "&Language"
    assert AppSettings.at(tmp_path / "settings.ini").language(DEFAULT_LANGUAGE) == "en"
    chinese = next(a for a in window.language_actions.actions() if a.data() == "zh_CN")
    chinese.trigger()
    assert page.title.text() == "打开工作区" and shell.item("audit").text() == "审计"


def test_error_sentences_are_translated(window, tmp_path):
    window.startup.page.path.setText(str(tmp_path / "ws"))
    from app.workflows.workspace_admin import init_workspace
    init_workspace(tmp_path / "ws", "Bank", "label", "admin", "correct horse").workspace.close()
    window.startup.next_button.click()
    login = window.startup.page
    login.user.setText("admin")
    login.password.setText("wrong password")
    window.startup.next_button.click()
    assert login.message.text() == "用户名或密码错误。"


def test_catalogue_is_complete_and_compiled():
    found = messages(TS)
    assert len(found) > 100
    unfinished = [src for _ctx, src, text, kind in found if kind is not None or not text]
    assert unfinished == []
    translator = QTranslator()
    assert translator.load("lianmo_zh_CN", str(i18n_dir()))
    stale = [(ctx, src) for ctx, src, text, _kind in found
             if translator.translate(ctx, src) != text]
    assert stale == []  # the .qm was compiled from this .ts


def test_catalogue_covers_every_ui_string(tmp_path):
    lupdate = ROOT / ".venv" / "bin" / "pyside6-lupdate"
    lupdate = str(lupdate) if lupdate.exists() else shutil.which("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    sources = sorted(str(p) for p in (ROOT / "app" / "ui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *sources, "-ts", str(fresh)], check=True, capture_output=True,
                   timeout=120)
    wanted = {(ctx, src) for ctx, src, _t, _k in messages(fresh)}
    have = {(ctx, src) for ctx, src, _t, _k in messages(TS)}
    assert wanted - have == set(), "run the lupdate/lrelease steps in docs/ui.md"


def test_bundled_font_has_chinese_glyphs(qapp):
    if not any(fonts_dir().glob("*.tt[cf]")):
        pytest.skip("no bundled font in resources/fonts")
    families = install_fonts(qapp)
    assert "WenQuanYi Micro Hei" in families
    assert "WenQuanYi Micro Hei" in qapp.font().families()
    metrics = QFontMetrics(QFont("WenQuanYi Micro Hei"))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "联模审计用户")
