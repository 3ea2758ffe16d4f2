"""The Qt task bridge on its own: outcomes, sentences, progress delivered on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from app.errors import UserFacingError
from app.ui.kit.progress import TaskProgress, format_eta
from app.ui.kit.tasks import TaskRunner


def run(qtbot, runner, signal):
    with qtbot.waitSignal(signal, timeout=5000) as blocker:
        runner.start()
    qtbot.waitUntil(lambda: not runner.running, timeout=5000)
    return blocker.args


def test_finished_with_progress_on_gui_thread(qtbot):
    seen = []

    def work(task, n):
        for i in range(1, n + 1):
            task.progress(i, n, "step")
        return threading.current_thread().name

    runner = TaskRunner(work, 5)
    runner.progress.connect(
        lambda done, total, msg, eta: seen.append((done, total, QThread.currentThread())))
    worker_name, = run(qtbot, runner, runner.finished)
    assert worker_name != threading.current_thread().name  # it really ran elsewhere
    assert seen and seen[-1][:2] == (5, 5)  # the last report is never throttled away
    assert all(thread is QApplication.instance().thread() for _d, _t, thread in seen)
    assert runner.state == "finished"


def test_failures_become_sentences(qtbot):
    def refuse(task):
        raise UserFacingError("The file has no header row.")

    runner = TaskRunner(refuse)
    sentence, = run(qtbot, runner, runner.failed)
    assert sentence == "The file has no header row." and runner.state == "failed"

    def crash(task):
        raise KeyError("customer 4711")  # internal detail: must not reach the screen

    runner = TaskRunner(crash)
    sentence, = run(qtbot, runner, runner.failed)
    assert "4711" not in sentence and "log" in sentence
    assert isinstance(runner.error, KeyError)


def test_cancel_before_first_report(qtbot):
    def work(task):
        task.progress(1, 10)
        return "should not finish"

    runner = TaskRunner(work)
    strip = TaskProgress()
    qtbot.addWidget(strip)
    strip.attach(runner)
    runner.cancel()
    run(qtbot, runner, runner.cancelled)
    assert runner.state == "cancelled" and strip.status.text() == "Cancelled"
    assert strip.bar.value() == 0 and not strip.bar.isEnabled()   # reset and grey
    strip.attach(TaskRunner(work))                                  # the next run: live again
    assert strip.bar.isEnabled()


def test_eta_text():
    assert format_eta(None) == "estimating time left…"
    assert format_eta(0.2) == "about 1 s left"
    assert format_eta(125) == "about 2 min 5 s left"
    assert format_eta(7300) == "about 2 h 1 min left"
