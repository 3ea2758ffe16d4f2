"""Training: a SecureBoost model on an alignment, proposed to the peer, run with live progress.

The analyst picks a finished alignment and the parameters (``training_form``), may ask how long
it will take (``estimate_training`` measures this machine's Paillier costs, a second or two, in
the background), proposes the job (the peer approves it in its Jobs inbox) and runs it with
progress per tree, ETA and Cancel. The bank then sees validation quality (``training_results``);
the partner sees its own feature usage and the sentence saying why it gets no metrics. Runs the
peer started are followed from the jobs table, which each running job updates per tree.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QProgressBar,
                               QScrollArea, QSpinBox, QWidget)

from app.errors import PermissionDenied, UserFacingError
from app.ui.errors import sentence
from app.ui.pages.base import Page
from app.ui.pages.job_panels import ProposedJob
from app.ui.pages.training.form import TrainingForm
from app.ui.pages.training.models import ModelPicker
from app.ui.pages.training.results import TrainingResults
from app.ui.kit.progress import TaskProgress
from app.ui.kit.widgets import add_to, button, button_row, card, plain_label
from app.workflows import alignment, executors, jobs, training
from app.workflows.importing import data_import
from app.workflows.peering import status as peer_status
from app.workflows.peering.status import PeerLink
from app.workflows.session import Session

WAIT_SECONDS = 300.0
SETUP_WIDTH = 480   # the set-up column; the results take the rest
SECTION = "font-weight: 600; font-size: 11pt;"
TRAINING_SENTENCES = (  # fixed refusals of the training workflow, translated through "Errors"
    QT_TRANSLATE_NOOP("Errors", "Metrics are computed from labels and are not available to the "
                                "feature party."),
)


def estimate_in_background(_task, session, alignment_id, params, partner_features) -> dict:
    return training.estimate_training(session, alignment_id, params, partner_features)


def propose_in_background(_task, service, peer, params: dict, wait: float) -> jobs.Job:
    return service.propose("training", peer, params, wait=wait)


def use_bank_only_in_background(_task, session, model_id: str) -> dict:
    return training.use_label_only(session, model_id)
def score_in_background(task, service, model_id: str, wait: float) -> jobs.Job:
    return training.score_model(service, model_id, task, wait)


def resume_scoring_in_background(task, service, job_id: str, wait: float) -> jobs.Job:
    return service.run_or_resume(job_id, task, wait=wait)


class TrainingPage(ProposedJob, Page):
    REFRESH_MS = 1000

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.is_label = session.workspace.role == "label"
        self.link = peer_status.link_for(session) or PeerLink(session)
        self.wait_seconds = WAIT_SECONDS
        self.alignments: list[dict] = []
        self.features: dict[str, int] = {}     # dataset -> own feature count
        self.job: jobs.Job | None = None       # the training job proposed from this page
        self.shown_model: str | None = None
        self.alignment = QComboBox()
        self.alignment.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.alignment.setMinimumContentsLength(24)
        self.alignment.currentIndexChanged.connect(self._alignment_changed)
        self.model_name = QLineEdit()
        self.model_name.setMaxLength(training.MAX_NAME)
        self.own_features = plain_label()
        self.partner_features = QSpinBox()
        self.partner_features.setRange(1, 10_000)
        self.form = TrainingForm()
        self.estimate_text = plain_label(object_name="Hint", wrap=True)
        self.status = plain_label(wrap=True)
        self.estimate_button = button()
        self.propose_button = button(kind="primary")
        self.run_button = button(kind="primary")
        self.estimate_button.clicked.connect(self.estimate)
        self.propose_button.clicked.connect(self.propose)
        self.run_button.clicked.connect(self.run)
        self.tree = plain_label()
        self.executor_line = plain_label(object_name="Hint")   # where the crypto work runs
        self.progress = TaskProgress()
        self.peer_run = plain_label(object_name="Hint")
        self.peer_bar = QProgressBar()
        self.results = TrainingResults()
        self.results.use_bank_only.connect(self.use_bank_only)
        self.picker = ModelPicker(session)
        self.picker.chosen.connect(self._show_model)
        self.picker.refused.connect(self.message.show_error)
        self.picker.chosen.connect(lambda _m: self._update_buttons())
        self.trees_done = 0                    # finished trees of the run shown (kept on cancel)
        # Scoring (the bank's analyst): the chosen model scores every eligible customer with the
        # partner, so the Segments page has a population to plan from.
        self.may_score = self.is_label and session.can("train.run")
        self.score_job: jobs.Job | None = None
        self.score_runner = None
        self.score_button = button(kind="primary")
        self.score_button.clicked.connect(self.score)
        self.score_text = plain_label(object_name="Hint", wrap=True)
        self.score_progress = TaskProgress()
        self._layout()
        self.retranslate()
        self.refresh()

    def _layout(self) -> None:
        setup, box = card()
        self.setup_title = plain_label()
        self.setup_title.setStyleSheet(SECTION)
        facts = QFormLayout()
        self.fact_labels = [plain_label() for _ in range(4)]
        facts.addRow(self.fact_labels[0])   # the alignment's line (peer, data, size, time)
        facts.addRow(self.alignment)        # takes the column's whole width
        for label, field in zip(self.fact_labels[1:], (self.model_name, self.own_features,
                                                       self.partner_features)):
            facts.addRow(label, field)
        actions = button_row(self.estimate_button, None, self.propose_button, self.run_button)
        for item in (self.setup_title, facts, self.form, self.estimate_text, actions, self.status,
                     self.tree, self.executor_line, self.progress):
            add_to(box, item)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(setup)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(SETUP_WIDTH)
        right, rbox = card()
        rbox.addWidget(self.picker)
        score_row = QHBoxLayout()
        score_row.addWidget(self.score_button, 0, Qt.AlignTop)
        score_row.addWidget(self.score_text, 1)
        rbox.addLayout(score_row)
        rbox.addWidget(self.score_progress)
        for widget in (self.score_button, self.score_text):
            widget.setVisible(self.may_score)
        peer_row = QHBoxLayout()
        peer_row.addWidget(self.peer_run, 1)
        peer_row.addWidget(self.peer_bar, 1)
        rbox.addLayout(peer_row)
        rbox.addWidget(self.results, 1)
        self.results.heading.setStyleSheet(SECTION)
        for value in self.results.auc_values:
            value.setStyleSheet("font-size: 16pt; font-weight: 600;")
        columns = QHBoxLayout()
        columns.addWidget(scroll, 0)
        columns.addWidget(right, 1)
        self.frame(self.message, fill=columns)
        self.peer_run.hide()
        self.peer_bar.hide()
        self.tree.hide()
        self.executor_line.hide()

    def retranslate(self) -> None:
        self.set_titles(self.tr("Training"), self.tr(
            "Train a marketing model on the customers both parties share. The bank's labels and "
            "the partner's features never leave their owners: the partner works on encrypted "
            "gradients, and only the bank sees how good the model is."))
        self.setup_title.setText(self.tr("Set up"))
        for label, text in zip(self.fact_labels, (self.tr("Alignment"), self.tr("Model name"),
                                                  self.tr("Our features"),
                                                  self.tr("Partner's features"))):
            label.setText(text)
        self.partner_features.setToolTip(self.tr(
            "Only used for the time estimate; the partner's count is not known before the job."))
        self.estimate_button.setText(self.tr("Estimate duration"))
        self.propose_button.setText(self.tr("Propose"))
        self.run_button.setText(self.tr("Run"))
        self.score_button.setText(self.tr("Score customers"))
        self.score_text.setText(self.tr(
            "Scores every eligible customer with the chosen model and the partner's features "
            "(the partner approves the job); the Segments page plans campaigns from the scores."))
        self._fill_alignments()
        self._show_job()

    # -- reading (refresh() on show; while shown, _tick follows the jobs) ----------------------
    def refresh(self) -> None:
        try:
            self.alignments = alignment.alignments(self.session)
            self.features = {d["dataset"]: sum(c["role"] == "feature" for c in d["columns"])
                             for d in data_import.summary(self.session)}
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        self._fill_alignments()
        self.picker.reload()

    def _fill_alignments(self) -> None:
        current = self.alignment.currentData()
        self.alignment.blockSignals(True)
        self.alignment.clear()
        for a in self.alignments:
            text = (self.tr("%1 · %2 · %3 shared · %4").replace("%1", a["peer"])
                    .replace("%2", a["dataset"]).replace("%3", f"{a['size']:,}")
                    .replace("%4", peer_status.local_time(a["created_at"])[:16]))
            self.alignment.addItem(text, a["id"])
        index = self.alignment.findData(current)
        self.alignment.setCurrentIndex(index if index >= 0 else 0)
        self.alignment.blockSignals(False)
        if index < 0:
            self._alignment_changed()
        self._update_buttons()

    def chosen(self) -> dict | None:
        return next((a for a in self.alignments if a["id"] == self.alignment.currentData()), None)

    def _alignment_changed(self) -> None:
        chosen = self.chosen()
        own = self.features.get(chosen["dataset"], 0) if chosen else 0
        self.own_features.setText(str(own) if chosen else "—")
        self.partner_features.setValue(max(own, 1))
        self.estimate_text.setText("" if chosen else self.tr(
            "Align with the peer first: training needs a finished alignment."))
        self.model_name.setPlaceholderText(training.default_name(chosen["dataset"])
                                           if chosen else "")
        self._update_buttons()

    def _tick(self) -> None:
        if not self.isVisible():
            return
        if self.job is not None and self.job.state == "proposed":
            self._reload_job()
        self._follow_peer_run()

    def _follow_peer_run(self) -> None:
        """Progress of a training the peer runs against us (read from our jobs table)."""
        running = []
        if not self.busy():   # our own run shows its progress itself: nothing to read
            try:
                found = jobs.list_jobs(self.session, ("running",))
            except UserFacingError:
                return
            running = [j for j in found if j.type == "training"]
        if running:
            job = running[0]
            self.peer_run.setText(self.tr("Training with %1: tree %2 of %3")
                                  .replace("%1", job.peer).replace("%2", str(job.progress_done))
                                  .replace("%3", str(job.params.get("n_trees", "?"))))
            self.peer_bar.setRange(0, max(int(job.params.get("n_trees", 1)), 1))
            self.peer_bar.setValue(job.progress_done)
        elif self.peer_run.isVisible():
            self.picker.reload()  # the peer's run just ended
        self.peer_run.setVisible(bool(running))
        self.peer_bar.setVisible(bool(running))

    def _show_model(self, model_id: str) -> None:
        """The results of the model chosen in the picker (the main one until the analyst picks)."""
        latest = next((m for m in self.picker.models if m["id"] == model_id), None)
        if latest is None or latest["id"] == self.shown_model:
            return
        self.shown_model = latest["id"]
        try:
            self.results.show_report(training.model_report(self.session, latest["id"]))
        except PermissionDenied as exc:  # the feature party: no labels, so no metrics
            usage = {}
            try:
                usage = (jobs.get(self.session, latest["job_id"]).result or {}).get(
                    "feature_usage", {})
            except UserFacingError:
                pass
            self.results.show_usage(usage, sentence(exc))
        except UserFacingError as exc:
            self.message.show_error(exc)

    # -- actions (Run, _start and the status line: job_panels.ProposedJob) ---------------------
    def _update_buttons(self) -> None:
        ready = self.chosen() is not None and not self.busy()
        self.estimate_button.setEnabled(ready)
        self.propose_button.setEnabled(ready)
        self._enable_run()
        self.score_button.setEnabled(self.may_score and self.picker.current() is not None
                                     and not self.busy())

    def failed_hint(self) -> str:
        return self.tr("failed; Run resumes from the last finished tree")

    def cancelled_text(self) -> str:
        if self.trees_done == 0:
            return self.tr("Training cancelled before the first tree finished, so there is "
                           "nothing to keep. Run asks %1 to approve starting again.")
        return (self.tr("Training cancelled. The %2 finished trees are kept; Run asks %1 to "
                        "approve resuming from tree %3.")
                .replace("%2", str(self.trees_done)).replace("%3", str(self.trees_done + 1)))

    def task_ended(self, text: str, kind: str) -> None:
        if self.score_runner is not None and self.score_runner is self.runner:
            self.score_runner = None
            self.message.show_text(self.tr(
                "Scoring cancelled; no scores were stored. Score customers runs it again.")
                if kind == "warning" else text, kind if kind == "warning" else "error")
            self._reload_score_job()
            self._update_buttons()
            return
        super().task_ended(text, kind)
        if self.stopped_by_user:  # the sentence says how many trees were kept
            self.tree.hide()
        self._update_buttons()

    # -- scoring -------------------------------------------------------------------------------
    def score(self) -> None:
        """Score the chosen model's customers with the partner: propose, and once approved run
        (a scoring job of this model that stopped or waits for approval is taken up again)."""
        model = self.picker.current()
        if model is None or self.busy() or not self.may_score:
            return
        self._reload_score_job()
        job = self.score_job if (self.score_job is not None
                                 and self.score_job.params.get("model") == model) else None
        self.message.show_text(self.tr("Scoring proposed to the partner; waiting for its users "
                                       "to approve it in their Jobs inbox…"), "info")
        if job is not None and job.state in ("approved", *jobs.RESUMABLE):
            self._start(resume_scoring_in_background, self.link.service, job.id,
                        self.wait_seconds)
        else:
            self._start(score_in_background, self.link.service, model, self.wait_seconds)
        self.score_runner = self.runner
        self.score_progress.attach(self.runner)
        self.runner.finished.connect(self._scored)

    def _reload_score_job(self) -> None:
        if self.score_job is None:
            return
        try:
            self.score_job = jobs.get(self.session, self.score_job.id)
        except UserFacingError:
            pass

    def _scored(self, job: jobs.Job) -> None:
        self.score_runner = None
        self.score_job = job
        if job.state != "finished":
            self.message.show_text(self.tr(
                "The partner has not approved the scoring job yet; it waits in its Jobs inbox. "
                "Press Score customers again once it is approved."), "info")
            return
        result = job.result or {}
        self.message.show_text(self.tr(
            "Scored %1 customers: %2 with the partner's features, %3 from the bank's data "
            "alone (not shared with the partner). The Segments page can plan from these scores.")
            .replace("%1", f"{result.get('scored', 0):,}")
            .replace("%2", f"{result.get('federated', 0):,}")
            .replace("%3", f"{result.get('label_only', 0):,}"), "success")
        self.offer_next("training")
        self.picker.reload(select=job.params.get("model"))

    def _params(self):
        try:
            return self.form.params()
        except UserFacingError as exc:
            self.message.show_error(exc)
            return None

    def estimate(self) -> None:
        params, chosen = self._params(), self.chosen()
        if params is None or chosen is None or self.busy():
            return
        self.estimate_text.setText(self.tr("Measuring this machine's encryption speed…"))
        self._start(estimate_in_background, self.session, chosen["id"], params,
                    self.partner_features.value())
        self.runner.finished.connect(self._estimated)

    def _estimated(self, est: dict) -> None:
        scheme = self.form.scheme.itemText(max(0, self.form.scheme.findData(est["scheme"])))
        self.estimate_text.setText(self.tr(
            "About %1 on this machine for %2 customers, %3 bank features, %4 partner "
            "features and %5 trees with %6 encryption (most of the time goes to encryption).")
            .replace("%1", self._duration(est["seconds"])).replace("%2", f"{est['rows']:,}")
            .replace("%3", str(est["label_features"])).replace("%4", str(est["partner_features"]))
            .replace("%5", str(est["trees"])).replace("%6", scheme))
        self._update_buttons()

    def _duration(self, seconds: float) -> str:
        seconds = int(round(seconds))
        if seconds < 60:
            return self.tr("%1 s").replace("%1", str(max(seconds, 1)))
        if seconds < 3600:
            return self.tr("%1 min").replace("%1", str(round(seconds / 60)))
        hours, rest = divmod(seconds, 3600)
        return self.tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", str(rest // 60))

    def propose(self) -> None:
        params, chosen = self._params(), self.chosen()
        if params is None or chosen is None or self.busy():
            return
        try:
            body = training.job_params(chosen["id"], params,
                                       self.model_name.text().strip() or None,
                                       card=self.form.card_fields())
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        self.message.show_text(self.tr("Proposal sent to %1; waiting for its users to decide in "
                                       "their Jobs inbox…").replace("%1", chosen["peer"]), "info")
        self._start(propose_in_background, self.link.service, chosen["peer"], body,
                    self.wait_seconds)
        self.runner.finished.connect(self._proposed)

    def _running(self) -> None:
        self.runner.progress.connect(self._on_progress)
        self.trees_done = (self.job.progress_done if self.job is not None else 0) or 0
        self.tree.setText(self.tr("Agreeing the customers and generating keys…"))
        self.tree.show()
        self._show_executor(executors.summary(self.session.workspace))

    def _show_executor(self, ran: dict) -> None:
        """One line: which executor runs the crypto work, and its workers when known."""
        if ran.get("kind") == "dask":
            text = (self.tr("Crypto work: Dask cluster at %1, %2 workers")
                    .replace("%2", str(ran["workers"])) if ran.get("workers")
                    else self.tr("Crypto work: Dask cluster at %1"))
            text = text.replace("%1", str(ran.get("where", "")))
        else:
            text = self.tr("Crypto work: %1 worker processes on this computer").replace(
                "%1", str(ran.get("workers", "")))
        self.executor_line.setText(text)
        self.executor_line.show()

    def _start(self, fn, *args) -> None:
        super()._start(fn, *args)
        self.runner.finished.connect(lambda _r: self._update_buttons())

    def _on_progress(self, done: int, total: int, _message: str, _eta) -> None:
        self.trees_done = done
        self.tree.setText(self.tr("Tree %1 of %2 done").replace("%1", str(done))
                          .replace("%2", str(total)))

    def decision_text(self, state: str) -> tuple[str, str]:
        texts = {"approved": (self.tr("%1 approved the training. Run it when you are ready."),
                              "success"),
                 "rejected": (self.tr("%1 rejected the training."), "warning")}
        return texts.get(state, (self.tr("The training job is %2."), "info"))

    def _ran(self, job: jobs.Job) -> None:
        self.job = job
        result = job.result or {}
        if result.get("executor"):
            self._show_executor(result["executor"])
        self.tree.setText(self.tr("Finished: %1 trees on %2 customers.")
                          .replace("%1", str(result.get("trees", 0)))
                          .replace("%2", f"{result.get('rows_used', 0):,}"))
        self.message.show_text(self.tr(
            "Training finished and the model is stored. Next: Score customers, so the Segments "
            "page can plan from it.") if self.may_score
            else self.tr("Training finished and the model is stored."), "success")
        self.offer_next("training")
        self._show_job()
        self.model_name.clear()
        self.picker.reload(select=job.id)  # the model just trained

    def use_bank_only(self, model_id: str) -> None:
        """The joint model is worse: score everyone with the bank-only model and plan from it."""
        if self.busy() or not model_id:
            return
        self._start(use_bank_only_in_background, self.session, model_id)
        self.runner.finished.connect(self._used_bank_only)

    def _used_bank_only(self, used: dict) -> None:
        self.message.show_text(self.tr("Plans now start from %1, on bank features only: %2 "
                                       "eligible customers scored.")
                               .replace("%1", used["name"]).replace("%2", f"{used['scored']:,}"),
                               "success")
        self.picker.reload()
