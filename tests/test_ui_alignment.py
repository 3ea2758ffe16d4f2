"""The Alignment page between two real workspaces over loopback TLS: the bank analyst proposes
through the page (the GUI's link), the platform approves in its inbox (a thread deciding as its
users would), Run executes the ECDH-PSI job with progress, and both parties' pages list the
finished alignment by sizes only."""

from __future__ import annotations

import re
import time

import pytest
from PySide6.QtCore import Qt

from app.ui.pages.alignment import AlignmentPage
from app.workflows import alignment, jobs
from app.workflows.importing import data_import
from linked import approve_when_it_arrives, gui_and_partner, shown_pages

WAIT_MS = 60000  # generous: the machine is shared; waitUntil returns as soon as it holds


@pytest.fixture
def linked(tmp_path):
    """Bank analyst (signed in to the GUI, with the window's link) and platform analyst (its own
    listener), paired, each with the generated demo data imported."""
    with gui_and_partner(tmp_path) as (bank, platform, _gui_link):
        yield bank, platform


@pytest.fixture
def make_page(qtbot):
    with shown_pages(qtbot, AlignmentPage, wait_seconds=30) as make:
        yield make


def cells(table, row):
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_propose_run_and_list_through_the_page(linked, make_page, qtbot):
    bank, platform = linked
    page = make_page(bank)
    assert page.peer.currentText() == "platform"
    assert page.id_type.currentData() == "mobile"
    assert page.dataset.currentText() == alignment.choose_dataset(bank.workspace, "mobile")[0]
    info = next(d for d in data_import.summary(bank) if d["dataset"] == page.dataset.currentText())
    assert f"{info['eligible_now']:,}" in page.eligible.text()
    assert not page.run_button.isEnabled() and page.table.rowCount() == 0

    approver = approve_when_it_arrives(platform, "alignment")
    qtbot.mouseClick(page.propose_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.job is not None, timeout=WAIT_MS)
    approver.join()
    assert page.job.state == "approved" and page.run_button.isEnabled()
    assert page.message.kind == "success"

    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    assert page.progress.isVisible()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=WAIT_MS)
    done = jobs.get(bank, page.job.id)
    assert done.state == "finished" and page.message.kind == "success"
    row = cells(page.table, 0)
    assert row[0] == "platform" and row[7] == done.id
    assert row[3:6] == [f"{done.result[k]:,}" for k in ("own_count", "peer_count", "size")]
    assert row[6] == f"{done.result['overlap_rate']:.1%}"
    assert page.progress.status.text() == page.progress.tr("Done")
    assert not page.run_button.isEnabled()  # a finished job is not run again

    # The platform's page lists the same alignment, by sizes only.
    for _ in range(600):
        if jobs.get(platform, done.id).state == "finished":
            break
        time.sleep(0.05)
    theirs = make_page(platform)
    assert theirs.table.rowCount() == 1
    their_row = cells(theirs.table, 0)
    assert their_row[0] == "bank" and their_row[5] == f"{done.result['size']:,}"
    assert their_row[7] == done.id
    mobile = re.compile(r"1\d{10}")
    for p in (page, theirs):
        shown = [t for r in range(p.table.rowCount()) for t in cells(p.table, r)]
        assert shown and not any(mobile.search(t) for t in shown)


def test_no_dataset_of_the_id_type_disables_propose(linked, make_page):
    bank, _ = linked
    page = make_page(bank)
    page.id_type.setCurrentIndex(page.id_type.findData("id_card"))
    assert page.dataset.count() == 0
    assert not page.propose_button.isEnabled()
    assert page.eligible.text() == page.tr("This workspace has no dataset with this ID type.")

