"""Segments: turn scores into a campaign plan, review it branch by branch, export it.

Analysts (``plan.create``) pick a stored scored population, see its score distribution, edit the
rules with live counts, create or revise plans, follow the branch review, finalise and export.
Branch managers (``plan.review``) get only their own branch's review (``segments/branch.py``).

Live counts: every edit restarts a 300 ms timer; when it fires, the rules are read from the form
and ``plans.live_counts`` runs in a ``TaskRunner``. The previous run is cancelled: if it has not
started it exits at once, if it is computing its result is dropped. A new run starts only when
the previous one has ended, so fast typing never stacks up CPU work on a busy machine.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QScrollArea, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from app.errors import UserFacingError
from app.ui.errors import sentence
from app.ui.pages.base import Page
from app.ui.pages.segments.branch import BranchReview
from app.ui.pages.segments.chart import DistributionPanel
from app.ui.pages.segments.common import count
from app.ui.pages.segments.conditions import column_kinds
from app.ui.pages.segments.counts import LiveCounts
from app.ui.pages.segments.plans import PlansPanel
from app.ui.pages.segments.rules import RuleEditor, RuleError
from app.ui.kit.labels import model_text
from app.ui.kit.progress import TaskProgress
from app.ui.kit.tasks import TaskRunner
from app.ui.kit.widgets import button, button_row, plain_label
from app.workflows import plans
from app.workflows.peering.status import local_time
from app.workflows.plans import sources as plan_sources
from app.workflows.session import Session

DEBOUNCE_MS = 300


def load_source_in_background(task, session: Session, model_id: str) -> dict:
    """Load, sort and decile a population once; summarise its scores for the chart and table."""
    task.progress(0, 3, "")
    pop = plans.load_population(session.workspace, model_id)
    task.progress(1, 3, "")
    prepared = plans.prepare_population(session, pop)
    task.progress(2, 3, "")
    summary = {"model_id": model_id, "prepared": prepared,
               "histogram": plan_sources.score_histogram(pop.score),
               "deciles": plan_sources.decile_table(prepared)}
    task.progress(3, 3, "")
    return summary


def live_counts_in_background(task, session: Session, prepared, rules: dict) -> dict:
    task.check_cancelled()          # superseded before it started
    result = plans.live_counts(session, prepared, rules)
    task.check_cancelled()          # superseded while counting: drop the result
    return result


def plan_in_background(_task, session: Session, prepared, rules: dict, model_id: str,
                       plan_id: str | None) -> str:
    if plan_id is None:
        return plans.create_plan(session, prepared, rules, model_id).id
    return plans.revise_plan(session, plan_id, prepared, rules).id


class SegmentsPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.analyst = session.can("plan.create")
        layout = self.frame(spacing=10)
        if self.analyst:
            self._build_analyst(layout)
        else:
            self.review = BranchReview(session)
            layout.addWidget(self.message)
            layout.addWidget(self.review, 1)
        self.retranslate()
        if self.analyst:
            self.refresh_sources()
            self.plans_panel.refresh()
        else:
            self.review.refresh()

    # -- analyst layout ----------------------------------------------------------------------
    def _build_analyst(self, layout: QVBoxLayout) -> None:
        self.sources: list[dict] = []
        self.source: dict | None = None          # the loaded source summary
        self.pending_rules: dict | None = None   # rules to show once their source is loaded
        self.source_runner: TaskRunner | None = None
        self.count_runner: TaskRunner | None = None  # the page's own runner saves plans
        self.recount_waiting = False
        self.source_label = plain_label()
        self.source_combo = QComboBox()
        self.source_combo.setMinimumWidth(220)
        self.source_combo.currentIndexChanged.connect(self._source_chosen)
        self.source_info = plain_label(object_name="Hint")
        self.source_progress = TaskProgress()
        top = QHBoxLayout()
        top.addWidget(self.source_label)
        top.addWidget(self.source_combo)
        top.addWidget(self.source_info, 1)
        top.addWidget(self.source_progress)
        self.distribution = DistributionPanel()
        self.editor = RuleEditor()
        self.editor.changed.connect(self.schedule_recount)
        self.counts = LiveCounts()
        self.create_button = button(kind="primary")
        self.revise_button = button()
        self.create_button.clicked.connect(lambda: self.save_plan(revise=False))
        self.revise_button.clicked.connect(lambda: self.save_plan(revise=True))
        self.plans_panel = PlansPanel(self.session)
        self.plans_panel.edit_rules.connect(self.edit_plan_rules)
        self.plans_panel.plan_view.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.recount)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.distribution, "")
        self.tabs.addTab(self._rules_tab(), "")
        self.tabs.addTab(self.plans_panel, "")
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    def _rules_tab(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        scroll.setMinimumWidth(440)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.counts, 1)
        column.addLayout(button_row(None, self.revise_button, self.create_button))
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        return splitter

    def retranslate(self) -> None:
        if not self.analyst:
            self.set_titles(self.tr("Segments"), self.tr(
                "Your branch's part of each campaign plan. Customers appear as a reference and a "
                "masked number; the control group is only counted. Take customers off with a "
                "reason, then approve or reject the list."))
            return
        self.set_titles(self.tr("Segments"), self.tr(
            "Choose a scored population, set who is invited through which channel and who is "
            "held out as the control group; the counts follow every edit. Branch managers then "
            "review their branch's list before you finalise and export."))
        self.source_label.setText(self.tr("Scores of model"))
        for i, text in enumerate((self.tr("Score distribution"), self.tr("Rules and live counts"),
                                  self.tr("Plans"))):
            self.tabs.setTabText(i, text)
        self.create_button.setText(self.tr("Create plan"))
        self.revise_button.setText(self.tr("Save as new version of the selected plan"))
        self._show_source_info()
        self._update_buttons()

    # -- score sources -----------------------------------------------------------------------
    def refresh_sources(self) -> None:
        try:
            self.sources = plan_sources.list_score_sources(self.session)
        except UserFacingError as exc:
            self.sources = []
            self.message.show_error(exc)
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        for s in self.sources:
            self.source_combo.addItem(model_text(s, local_time(s["created_at"])[:16]),
                                      s["model_id"])
        self.source_combo.setCurrentIndex(-1)
        self.source_combo.blockSignals(False)
        if self.sources:  # start on the main model (docs/ui.md "Models"), else the newest
            main = next((i for i, s in enumerate(self.sources) if s["main"]), 0)
            self.source_combo.setCurrentIndex(main)
        self._show_source_info()

    def select_source(self, model_id: str) -> None:
        index = self.source_combo.findData(model_id)
        if index >= 0:
            self.source_combo.setCurrentIndex(index)

    def _source_chosen(self, index: int) -> None:
        if index < 0:
            return
        model_id = self.source_combo.itemData(index)
        if self.count_runner is not None:
            self.count_runner.cancel()         # counts of the previous source
        self.recount_waiting = False
        self.source = None
        self.distribution.clear()
        self.counts.clear()
        self._update_buttons()
        runner = TaskRunner(load_source_in_background, self.session, model_id, parent=self)
        runner.finished.connect(self._source_loaded)
        runner.failed.connect(lambda text: self.message.show_text(text, "error"))
        self.source_runner = runner
        self.source_progress.attach(runner)
        runner.start()

    def _source_loaded(self, summary: dict) -> None:
        if summary["model_id"] != self.source_combo.currentData():
            return                      # the user chose another source meanwhile
        self.source = summary
        pop = summary["prepared"].pop
        self.source_progress.hide()
        self.distribution.show_summary(summary["histogram"], summary["deciles"])
        self.editor.set_population(column_kinds(pop), pop.branches, sorted(pop.custom))
        if self.pending_rules is not None:
            rules, self.pending_rules = self.pending_rules, None
            self._load_rules(rules)
        self._show_source_info()
        self._update_buttons()
        self.recount()

    def _show_source_info(self) -> None:
        if not self.sources:
            self.source_info.setText(self.tr(
                "No scored population is stored yet: train a model on the Training page, then "
                "press Score customers there."))
            return
        s = next((s for s in self.sources if s["model_id"] == self.source_combo.currentData()),
                 None)
        if s is not None:
            self.source_info.setText(self.tr("%1 customers, %2 branches, scored %3")
                                     .replace("%1", count(s["n"])).replace("%2", str(s["branches"]))
                                     .replace("%3", s["created_at"][:10]))

    # -- live counts -------------------------------------------------------------------------
    def schedule_recount(self) -> None:
        if self.source is not None:
            self.counts.updating()
            self.timer.start()

    def recount(self) -> None:
        if self.source is None:
            return
        running = self.count_runner is not None and self.count_runner.running
        if running:
            self.count_runner.cancel()         # its result, if any, is for older rules
        try:
            rules = self.editor.rules()
        except RuleError as exc:
            self.recount_waiting = False
            self.counts.invalid(str(exc))
            return
        if running:
            self.recount_waiting = True        # start again when the running one ends
            return
        self.recount_waiting = False
        self.counts.updating()
        runner = TaskRunner(live_counts_in_background, self.session, self.source["prepared"],
                            rules, parent=self)
        runner.finished.connect(lambda result, r=runner: self._counted(r, result))
        runner.failed.connect(lambda text, r=runner: self._count_failed(r, text))
        runner.cancelled.connect(lambda _text, r=runner: self._count_ended(r))
        self.count_runner = runner
        runner.start()

    def _counted(self, runner: TaskRunner, result: dict) -> None:
        if not runner.task.cancelled:
            self.counts.show_counts(result)
        self._count_ended(runner)

    def _count_failed(self, runner: TaskRunner, text: str) -> None:
        if not runner.task.cancelled:
            self.counts.invalid(text)
        self._count_ended(runner)

    def _count_ended(self, runner: TaskRunner) -> None:
        runner.deleteLater()
        if runner is self.count_runner:
            self.count_runner = None
        if self.recount_waiting:
            self.recount()

    # -- plans -------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        busy = self.busy()
        selected = self.plans_panel.selected_plan()
        self.create_button.setEnabled(self.source is not None and not busy)
        self.revise_button.setEnabled(self.source is not None and not busy and selected is not None
                                      and selected["state"] == "review")

    def save_plan(self, revise: bool) -> TaskRunner | None:
        """Create a plan (or a new version of the selected one) from the rules in the form."""
        if self.source is None:
            return None
        try:
            rules = self.editor.rules()
        except RuleError as exc:
            self.message.show_text(str(exc), "error")
            return None
        selected = self.plans_panel.selected_plan() if revise else None
        if revise and selected is None:
            return None
        self.message.clear_message()
        runner = self.start_task(plan_in_background, self.session, self.source["prepared"], rules,
                                 self.source["model_id"], selected["id"] if selected else None,
                                 done=lambda plan_id: self._plan_saved(plan_id, revise))
        self._update_buttons()
        return runner

    def task_ended(self, text: str, kind: str) -> None:
        super().task_ended(text, kind)
        self._update_buttons()

    def _plan_saved(self, plan_id: str, revised: bool) -> None:
        self.plans_panel.refresh(select=plan_id)
        self._update_buttons()
        text = (self.tr("A new version of the plan was saved; branch decisions start over.")
                if revised else
                self.tr("The plan was created and is open for branch review."))
        self.message.show_text(text, "success")
        self.offer_next("segments")

    def edit_plan_rules(self, rules: dict, model_id: str) -> None:
        """Show a stored plan's rules in the editor (loading its score source first if needed)."""
        self.tabs.setCurrentIndex(1)
        if self.source is not None and self.source["model_id"] == model_id:
            self._load_rules(rules)
        elif self.source_combo.findData(model_id) >= 0:
            self.pending_rules = rules
            self.select_source(model_id)
        else:
            self.message.show_text(self.tr("The scores this plan was built from are no longer "
                                           "stored."), "error")

    def _load_rules(self, rules: dict) -> None:
        try:
            whole = self.editor.set_rules(rules)
        except (KeyError, ValueError) as exc:
            self.message.show_text(sentence(exc), "error")
            return
        if not whole:
            self.message.show_text(self.tr("A channel rule of this plan has several conditions; "
                                           "the editor keeps the first of each."), "warning")
