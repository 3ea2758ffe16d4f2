"""No clipped text at 1280×800: every start-up view and every page each role opens, in Chinese
and English, rendered in a real offscreen window over a real SQLCipher workspace with a scored
population (the scenes ``app.ui.screenshots`` photographs). Fails on a label without word wrap
narrower than its text, a button narrower than its caption, a drop-down entry wider than the
drop-down or its list, a column heading wider than its column, a page or view showing a horizontal scroll bar, or a window that cannot be
1280 px wide; progress strips are filled with long texts first."""

from __future__ import annotations

import pytest
from app.ui.fit import SCREEN, clipped, cut_entries, cut_headers, sideways, too_wide
from app.ui.kit.progress import TaskProgress
from app.ui.screenshots import demo_workspace, scenes


@pytest.fixture(params=["zh_CN", "en"])
def language(request):
    return request.param


def fill_progress(widget) -> None:
    """A visible progress strip at its widest: a large count and a long ETA."""
    for strip in widget.findChildren(TaskProgress):
        if strip.isVisibleTo(widget):
            strip._on_progress(20_000, 20_000, "", 7300.0)


# What the Training page's drop-downs list once there is an alignment and a model (the demo's
# names; a peer's or a model's own name can still be longer than a column)
ALIGNMENTS = [{"id": "a1", "peer": "platform", "dataset": "bank_customers", "size": 20_000,
               "created_at": "2026-12-02T14:11:05+00:00"}]
MODELS = [{"id": "m1", "job_id": "m1", "kind": "federated", "name": "Pilot model",
           "created_at": "2026-12-02T14:30:00+00:00", "auc": 0.8123, "scored": True,
           "main": True, "main_marked": True}]


def fill_training(window) -> None:
    """The Training page's alignment and model drop-downs with entries like the demo's."""
    page = window.shell.pages["training"]
    page.alignments = ALIGNMENTS
    page._fill_alignments()
    page.picker.blockSignals(True)   # no report to show for a model that is not stored
    page.picker.models = MODELS
    page.picker._fill(None)
    page.picker.blockSignals(False)


def test_every_view_fits_1280_by_800(tmp_path, language, qapp):
    app = qapp
    demo_workspace(tmp_path)
    seen, problems = [], []
    for name, widget in scenes(app, language, tmp_path):
        seen.append(name)
        fill_progress(widget)
        if name == "analyst_training":
            fill_training(widget)
        app.processEvents()
        wide = too_wide(widget) if name != "add_user" else None
        if widget.width() > SCREEN[0] or wide:
            problems.append(f"{name}: {wide or widget.width()}")
        problems += [f"{name}: {line}" for line in clipped(widget) + sideways(widget)
                     + cut_entries(widget) + cut_headers(widget)]
    assert {"open", "create", "login", "analyst_training", "analyst_training_scorecard",
            "analyst_segments",
            "branch_manager_segments", "administrator_users", "add_user"} <= set(seen)
    assert problems == [], "\n".join(problems)


def test_the_checks_see_cut_entries_and_sideways_scrolling(qtbot):
    """The checks themselves: a drop-down narrower than an entry and a list wider than its
    view are reported, and no longer once the widgets make room."""
    from PySide6.QtWidgets import QComboBox, QListWidget, QVBoxLayout, QWidget
    root = QWidget()
    qtbot.addWidget(root)
    combo, view = QComboBox(), QListWidget()
    combo.addItems(["short", "Okamoto-Uchiyama (OU), several times faster"])
    combo.setFixedWidth(120)
    view.addItem("a line far wider than the list it sits in, so the list scrolls sideways")
    view.setFixedWidth(120)
    layout = QVBoxLayout(root)
    layout.addWidget(combo)
    layout.addWidget(view)
    root.show()
    qtbot.waitExposed(root)
    assert [line for line in cut_entries(root) if "Okamoto" in line]
    assert sideways(root)
    combo.setMinimumWidth(0)
    combo.setMaximumWidth(16777215)
    combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
    view.setWordWrap(True)
    view.item(0).setText("a short line")
    root.adjustSize()
    qtbot.wait(10)
    assert cut_entries(root) == [] and sideways(root) == []


def test_the_check_sees_a_column_narrower_than_its_heading(qtbot):
    """A stretched column squeezed below its heading is reported; sized to its contents it is not."""
    from PySide6.QtWidgets import QHeaderView, QTableWidget
    table = QTableWidget(3, 3)
    qtbot.addWidget(table)
    table.setHorizontalHeaderLabels(["Decile", "Customers", "Mean score"])
    table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
    table.setFixedWidth(160)
    table.show()
    qtbot.waitExposed(table)
    assert {line.split("'")[1] for line in cut_headers(table)} >= {"Customers", "Mean score"}
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.setFixedWidth(400)
    qtbot.wait(10)
    assert cut_headers(table) == []
