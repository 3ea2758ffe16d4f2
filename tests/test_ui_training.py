"""The Training page between two real workspaces over loopback TLS with 2048-bit Paillier: the bank
analyst estimates, proposes (the platform approves in its inbox) and runs a 2-tree model through
the page, then sees validation AUC, ROC, lift and importance; the platform's page shows only its
own feature usage and the sentence saying metrics are the bank's."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from app.errors import PermissionDenied
from app.ui.errors import sentence
from app.ui.pages.training import TrainingPage
from app.workflows import alignment, jobs, training
from app.workflows.importing import data_import
from linked import approve_when_it_arrives, gui_and_partner, shown_pages

WAIT_MS = 60000  # generous: the machine is shared; waitUntil returns as soon as it holds


def wait_state(session, job_id: str, state: str):
    for _ in range(600):
        job = jobs.get(session, job_id)
        if job.state == state:
            return job
        time.sleep(0.05)
    return job


@pytest.fixture
def aligned(tmp_path):
    """Bank analyst (GUI link) and platform analyst (own listener), paired, data imported and
    aligned through the alignment workflow."""
    with gui_and_partner(tmp_path) as (bank, platform, gui_link):
        approver = approve_when_it_arrives(platform, "alignment")
        job = alignment.propose_alignment(bank, gui_link.service, "platform", None, "mobile",
                                          wait=30)
        approver.join()
        gui_link.service.run(job.id)
        wait_state(platform, job.id, "finished")
        yield bank, platform


@pytest.fixture
def make_page(qtbot):
    with shown_pages(qtbot, TrainingPage, wait_seconds=30, size=(1280, 800)) as make:
        yield make


def test_defaults_and_the_advanced_section(aligned, make_page):
    bank, _ = aligned
    page = make_page(bank)
    params = page.form.params()
    assert (params.n_trees, params.max_depth, params.learning_rate, params.n_bins,
            params.key_bits) == (30, 5, 0.3, 32, 2048)
    assert params.first_tree_label_only and params.min_leaf_size == 20
    assert not page.form.advanced.isVisible()
    page.form.toggle.click()
    assert page.form.advanced.isVisible()
    page.form.key_bits.setCurrentIndex(page.form.key_bits.findData(3072))
    assert page.form.params().key_bits == 3072
    assert params.scheme == "paillier" and page.form.scheme.isVisible()
    page.form.scheme.setCurrentIndex(page.form.scheme.findData("ou"))
    assert page.form.params().scheme == "ou" and "OU" in page.form.scheme.currentText()
    assert page.alignment.count() == 1
    own = next(sum(c["role"] == "feature" for c in d["columns"])
               for d in data_import.summary(bank) if d["dataset"] == page.chosen()["dataset"])
    assert page.own_features.text() == str(own) and page.partner_features.value() == own
    assert not page.run_button.isEnabled()


def test_train_through_the_page_metrics_only_at_the_bank(aligned, make_page, qtbot):
    bank, platform = aligned
    page = make_page(bank)
    page.form.n_trees.setValue(2)
    page.form.max_depth.setValue(3)
    page.form.seed.setValue(0)   # the form proposes a fresh seed; this test wants one known model

    qtbot.mouseClick(page.estimate_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy(), timeout=WAIT_MS)
    rows = page.chosen()["size"]
    assert f"{rows:,}" in page.estimate_text.text()
    assert "2 trees with Paillier encryption" in page.estimate_text.text()  # the approved scheme

    assert page.model_name.placeholderText().startswith(page.chosen()["dataset"] + " ")
    page.model_name.setText("Pilot model")
    approver = approve_when_it_arrives(platform, "training")
    qtbot.mouseClick(page.propose_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.job is not None, timeout=WAIT_MS)
    approver.join()
    assert page.job.state == "approved" and page.job.params["n_trees"] == 2
    assert page.job.params["name"] == "Pilot model"
    assert page.job.params["max_depth"] == 3

    seen: list[str] = []
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    page.runner.progress.connect(lambda *_: seen.append(page.tree.text()))
    qtbot.waitUntil(lambda: page.results.metrics.isVisible(), timeout=WAIT_MS)
    done = jobs.get(bank, page.job.id)
    assert done.state == "finished"
    assert page.tr("Tree %1 of %2 done").replace("%1", "2").replace("%2", "2") in seen
    shown = float(page.results.auc_values[0].text())
    assert shown == pytest.approx(done.result["auc_federated"], abs=5.01e-4)  # shown to 3 decimals
    assert 0.5 < shown <= 1.0
    assert float(page.results.auc_values[1].text()) == pytest.approx(
        done.result["auc_label_only"], abs=5.01e-4)
    assert page.results.lift.rowCount() == 10
    names = [page.results.importance.item(r, 0).text()
             for r in range(page.results.importance.rowCount())]
    assert names and all(n.startswith("Partner feature #") or n in data_import.load_eligible(
        bank, page.chosen()["dataset"]).feature_names for n in names)
    assert len(page.results.chart.series()) == 3  # federated, bank-only, chance
    # the only model is the main one; the picker names it and the analyst may rename it
    assert page.picker.current() == done.id
    assert page.picker.combo.currentText().startswith("★ Pilot model · ")
    page.picker.rename("Pilot, first run")
    assert page.picker.combo.currentText().startswith("★ Pilot, first run · ")

    # The platform: its own feature usage, the sentence, never metrics.
    theirs_job = wait_state(platform, done.id, "finished")
    theirs = make_page(platform)
    assert theirs.picker.combo.currentText().startswith("★ Pilot model · ")  # the proposed name
    assert not theirs.results.metrics.isVisible()
    assert theirs.results.usage_table.isVisible()
    usage = theirs_job.result["feature_usage"]
    listed = {theirs.results.usage_table.item(r, 0).text():
              int(theirs.results.usage_table.item(r, 1).text())
              for r in range(theirs.results.usage_table.rowCount())}
    assert listed == usage and sum(usage.values()) >= 1
    with pytest.raises(PermissionDenied) as refused:
        training.model_report(platform, done.id)
    assert theirs.results.note.text() == sentence(refused.value)
