"""The Training page between two real workspaces over loopback TLS with 2048-bit Paillier: the bank
analyst estimates, proposes (the platform approves in its inbox) and runs a 2-tree model through
the page, then sees validation AUC, ROC, lift and importance; the platform's page shows only its
own feature usage and the sentence saying metrics are the bank's. Then Score customers (the
scoring job, as the CLI's ``score``) leads on to Segments, and a cancelled run says once what
was kept."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from app.errors import PermissionDenied
from app.ui.errors import sentence
from app.ui.pages.training import TrainingPage
from app.workflows import alignment, guide, jobs, training
from app.workflows.plans.sources import list_score_sources
from app.workflows.importing import data_import
from app.workflows.peering import status as peer_status
from linked import approve_when_it_arrives, gui_and_partner, shown_pages

WAIT_MS = 60000  # generous: the machine is shared; waitUntil returns as soon as it holds


def guide_states(session) -> dict[str, tuple]:
    return {s.key: (s.state, s.needs) for s in guide.pipeline(session)}


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


def propose_approved(qtbot, page, platform) -> None:
    """Press Propose on the page; the platform approves the training job when it arrives."""
    approver = approve_when_it_arrives(platform, "training")
    qtbot.mouseClick(page.propose_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.job is not None and not page.busy(), timeout=WAIT_MS)
    approver.join()


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


def test_scorecard_settings_reach_the_proposed_job_on_both_sides(aligned, make_page, qtbot):
    """The scorecard's advanced settings, entered on the page, are what both parties approve."""
    bank, platform = aligned
    page = make_page(bank)
    form = page.form
    form.model_type.setCurrentIndex(form.model_type.findData("scorecard"))
    form.toggle.click()
    assert form.lr_epochs.isVisible() and not form.n_trees.isVisible()
    form.fine_bins.setValue(15)
    form.min_bin_share.setValue(0.08)
    form.base_score.setValue(500)
    form.lr_epochs.setValue(4)
    form.lr_batch_size.setValue(2048)
    form.lr_learning_rate.setValue(0.25)
    form.lr_patience.setValue(3)
    propose_approved(qtbot, page, platform)
    wanted = {"model_type": "scorecard", "fine_bins": 15, "min_bin_share": 0.08,
              "base_score": 500.0, "lr_epochs": 4, "lr_batch_size": 2048,
              "lr_learning_rate": 0.25, "lr_patience": 3}
    for params in (page.job.params, jobs.get(platform, page.job.id).params):
        assert {key: params[key] for key in wanted} == wanted


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
    propose_approved(qtbot, page, platform)
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


def train_through_workflow(bank, platform, n_trees: int = 2) -> jobs.Job:
    """A federated model trained with the window's link, approved in the platform's inbox."""
    service = peer_status.link_for(bank).service
    chosen = alignment.alignments(bank)[0]
    approver = approve_when_it_arrives(platform, "training")
    params = training.TrainParams(n_trees=n_trees, max_depth=3, key_bits=2048, seed=0)
    job = service.propose("training", "platform", training.job_params(chosen["id"], params),
                          wait=30)
    approver.join()
    done = service.run(job.id)
    wait_state(platform, job.id, "finished")
    return done


def test_score_customers_from_the_page_then_next_segments(aligned, make_page, qtbot):
    bank, platform = aligned
    model = train_through_workflow(bank, platform)
    assert guide_states(bank)["training"] == ("ready", "scoring")   # trained, not scored
    page = make_page(bank)
    assert page.picker.current() == model.id and page.score_button.isEnabled()
    approver = approve_when_it_arrives(platform, "scoring")
    qtbot.mouseClick(page.score_button, Qt.LeftButton)
    assert not page.score_button.isEnabled() and page.score_progress.isVisible()
    qtbot.waitUntil(lambda: not page.busy(), timeout=WAIT_MS)
    approver.join()
    scored = [j for j in jobs.list_jobs(bank, ("finished",)) if j.type == "scoring"]
    assert len(scored) == 1 and scored[0].params == {"model": model.id}
    assert page.message.kind == "success"
    assert f"{scored[0].result['scored']:,}" in page.message.text()
    assert [s["model_id"] for s in list_score_sources(bank)] == [model.id]
    assert guide_states(bank)["training"] == ("done", None)
    assert page.next_button.isVisible() and page.next_key == "segments"
    assert page.picker.combo.currentText().endswith(page.tr("scored"))
    assert page.score_progress.bar.value() == page.score_progress.bar.maximum()
    theirs = make_page(platform)      # the partner scores nothing of its own: no button
    assert not theirs.score_button.isVisible()


def test_cancelling_training_says_what_was_kept_and_greys_the_bar(aligned, make_page, qtbot):
    bank, platform = aligned
    page = make_page(bank)
    page.form.n_trees.setValue(3)
    page.form.max_depth.setValue(2)
    propose_approved(qtbot, page, platform)
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    # Cancel once the first tree is reported; the run stops at the next tree boundary.
    page.runner.progress.connect(lambda done, *_: done >= 1 and page.progress.cancel())
    qtbot.waitUntil(lambda: not page.busy(), timeout=WAIT_MS)
    assert page.runner.state == "cancelled"
    job = wait_state(bank, page.job.id, "failed")
    kept = job.progress_done
    assert 1 <= kept < 3 and page.trees_done == kept
    said = (f"Training cancelled. The {kept} finished trees are kept; Run asks platform to "
            f"approve resuming from tree {kept + 1}.")
    assert page.message.text() == said and page.message.kind == "warning"
    assert page.status.text() == "Current job with platform: cancelled"    # not "failed; …"
    assert page.failed_hint() not in page.status.text()
    bar = page.progress.bar
    assert bar.value() == 0 and not bar.isEnabled() and not page.progress.cancel_button.isVisible()
    assert page.tree.isHidden() and page.run_button.isEnabled()           # Run resumes
