"""The Audit page: filtering, background verification with cancel, tampering, export."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt

import threading

import pytest

from app.ui.shell import Shell
from app.workflows import audit_trail

EXTRA_ENTRIES = 3000


@pytest.fixture
def long_chain(admin_session):
    ws = admin_session.workspace

    def fill(conn):
        for i in range(EXTRA_ENTRIES):
            ws.audit.append_in(conn, "admin", "test.entry", {"n": i}, {"i": i})
    ws.db.transaction(fill)
    return admin_session


def audit_page(qtbot, session):
    shell = Shell(session)
    qtbot.addWidget(shell)
    shell.show()
    yield shell.select("audit")  # the shell (the page's parent) lives until the test ends
    shell.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


@pytest.fixture
def page(qtbot, long_chain):
    yield from audit_page(qtbot, long_chain)


@pytest.fixture
def short_page(qtbot, admin_session):
    admin_session.audit("test.short", {"user": "bob"}, {})
    yield from audit_page(qtbot, admin_session)


def run_verify(qtbot, page):
    with qtbot.waitSignal(page.verify_button.clicked, timeout=1000):
        page.verify_button.click()
    qtbot.waitUntil(lambda: not page.runner.running, timeout=20000)


def test_table_and_filter(qtbot, short_page):
    page = short_page
    assert page.model.rowCount() == 2
    assert page.model.data(page.model.index(1, 4)) == "user: bob"
    page.filter.setText("workspace.create")  # applied after a short pause while typing
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.data(page.model.index(0, 3)) == "Workspace created"   # the code: tooltip
    assert page.model.data(page.model.index(0, 3), Qt.ToolTipRole) == "workspace.create"
    assert page.count.text() == "1 entries"


def test_verify_succeeds_on_intact_chain(qtbot, page):
    run_verify(qtbot, page)
    assert page.runner.state == "finished"
    assert page.message.kind == "success"
    assert f"all {EXTRA_ENTRIES + 1:,} entries verified" in page.message.text()
    assert page.progress.bar.value() == page.progress.bar.maximum() == EXTRA_ENTRIES + 1
    assert page.verify_button.isEnabled()


def test_verify_reports_tampering(qtbot, page, long_chain):
    long_chain.workspace.db.execute("UPDATE audit SET action = 'edited' WHERE seq = 1500")
    run_verify(qtbot, page)
    assert page.message.kind == "error"
    assert page.message.text() == "Audit chain broken at entry 1500: its content was changed."


def test_cancel_mid_way(qtbot, page, monkeypatch):
    """Hold the worker at its first progress report, press Cancel, then let it go on."""
    reached, release = threading.Event(), threading.Event()
    real_verify = audit_trail.verify_chain

    def held_verify(session, task):
        report = task.progress

        def progress(done, total, message=""):
            if not reached.is_set():
                reached.set()
                release.wait(10)
            report(done, total, message)
        task.progress = progress
        return real_verify(session, task)

    monkeypatch.setattr(audit_trail, "verify_chain", held_verify)
    page.verify_button.click()
    assert page.progress.isVisible() and page.progress.cancel_button.isVisible()
    qtbot.waitUntil(reached.is_set, timeout=10000)
    assert page.runner.running
    page.progress.cancel_button.click()
    assert page.progress.status.text() == "Cancelling…"
    release.set()
    qtbot.waitUntil(lambda: not page.runner.running, timeout=10000)
    assert page.runner.state == "cancelled"
    assert page.progress.status.text() == "Cancelled"
    assert not page.progress.cancel_button.isVisible()
    assert page.message.kind == "warning"
    assert "cancelled" in page.message.text() and "intact" not in page.message.text()
    assert page.progress.bar.value() < EXTRA_ENTRIES + 1
    assert page.verify_button.isEnabled()


def test_export_is_verifiable(short_page, tmp_path):
    out = short_page.export_to(tmp_path / "audit.jsonl")
    assert out is not None and short_page.message.kind == "success"
    report = audit_trail.verify_export(out)
    assert report.ok and report.count == 2


def test_actions_and_objects_are_shown_by_display_name_in_both_languages(qtbot, qapp,
                                                                         admin_session):
    """Not ``users.add`` and ``role: analyst``: the Chinese window says 添加用户 and 用户: ana."""
    from app.ui.i18n import Translations
    from app.workflows.users import add_user
    add_user(admin_session, "ana", "analyst", "analyst password 1")
    translations = Translations(qapp)
    try:
        translations.apply("zh_CN")
        for page in audit_page(qtbot, admin_session):
            model = page.model
            shown = {model.data(model.index(r, 3)): model.data(model.index(r, 4))
                     for r in range(model.rowCount())}
            assert "创建工作区" in shown and "添加用户" in shown, shown
            assert shown["添加用户"] == "用户: ana"
            assert not any("." in action for action in shown)   # no raw action code left
            translations.apply("en")
            page.model.retranslate()
            assert {model.data(model.index(r, 3)) for r in range(model.rowCount())} \
                >= {"Workspace created", "User added"}
    finally:
        translations.apply("en")
