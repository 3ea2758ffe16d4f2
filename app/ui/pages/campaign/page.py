"""Campaign: did the campaign work? Outcomes in, uplift with intervals and breakdowns out.

Analysts (``campaign.evaluate``) import bind files for a finalised plan, evaluate it over an
attribution window and export the result (PDF, XLSX). Branch managers
(``campaign.evaluate.branch``) see and evaluate their own branch's customers only — the workflow
enforces it (``app.workflows.campaign``); this page only leaves out what they cannot use.
Importing and evaluating run in a TaskRunner; charts are QtCharts (campaign/charts.py).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QInputDialog,
                               QSpinBox, QTabWidget, QWidget)

from app.ui.pages.base import Page

from app.ui.pages.campaign.charts import (HeadlineCards, chart_view, curve_chart, uplift_chart)
from app.ui.pages.campaign.export import write_pdf
from app.ui.pages.campaign.import_dialog import OutcomeImportDialog
from app.ui.kit.labels import CHANNELS, label
from app.ui.kit.progress import TaskProgress
from app.ui.kit.widgets import button, button_row, plain_label
from app.workflows import campaign
from app.workflows.peering import status as peer_status
from app.workflows.peering import peers
from app.workflows.campaign.tables import write_xlsx
from app.workflows.session import Session

log = logging.getLogger(__name__)


def evaluate_in_background(task, session: Session, plan_id: str, days: int) -> dict:
    task.progress(0, 1)
    report = campaign.evaluate_plan(session, plan_id, window_days=days)
    task.progress(1, 1)
    return report


def share_in_background(task, session: Session, peer: str, evaluation_id: str):
    """Propose the aggregate report to the partner; it is sent once the partner approves."""
    link = peer_status.link_for(session) or peer_status.PeerLink(session)
    return campaign.share_with_partner(session, link.service, peer, evaluation_id, wait=300)


def import_in_background(task, session: Session, plan_id: str, choice: dict) -> dict:
    return campaign.import_outcomes(session, plan_id, choice["path"], choice["id_column"],
                                    choice["bound_at_column"], choice["channel_column"],
                                    choice["id_type"], choice["delimiter"], task=task)


class CampaignPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.analyst = session.can("campaign.evaluate")
        self.report: dict | None = None
        self.plans: list[dict] = []
        self.plan_label, self.window_label = plain_label(), plain_label()
        self.plan = QComboBox()
        self.plan.setMinimumWidth(240)
        self.plan.currentIndexChanged.connect(lambda _i: self.show_latest())
        self.window = QSpinBox()
        self.window.setRange(1, 366)
        self.window.setValue(30)
        self.import_button = button()
        self.import_button.clicked.connect(self.choose_outcomes)
        self.import_button.setVisible(self.analyst)
        self.evaluate_button = button(kind="primary")
        self.evaluate_button.clicked.connect(self.start_evaluation)
        self.pdf_button, self.xlsx_button = button(), button()
        self.share_button = button()
        self.share_button.clicked.connect(self.share)
        self.share_button.setVisible(self.analyst)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.progress = TaskProgress()
        self.summary = plain_label(object_name="Hint", wrap=True)
        self.cards = HeadlineCards()
        self.tabs = QTabWidget()
        self.views = {key: chart_view() for key in ("channel", "branch", "decile", "curve")}
        for view in self.views.values():
            self.tabs.addTab(view, "")
        self._layout()
        self.reload_plans()
        self.retranslate()

    def _layout(self) -> None:
        controls = button_row(self.plan_label, self.plan, self.window_label, self.window, None,
                              self.import_button, self.evaluate_button)
        summary = QHBoxLayout()
        summary.addWidget(self.summary, 1)
        summary.addWidget(self.pdf_button)
        summary.addWidget(self.xlsx_button)
        summary.addWidget(self.share_button)
        self.frame(controls, self.progress, self.message, self.cards, summary, fill=self.tabs)

    def retranslate(self) -> None:
        if self.analyst:
            self.set_titles(self.tr("Campaign"), self.tr(
                "Import who bound after the campaign, then compare the invited customers with the "
                "control group: uplift with 95% intervals, by channel, branch and score decile."))
        else:
            self.set_titles(self.tr("Campaign"), self.tr(
                "Results for your branch %1 only: its invited customers compared with its "
                "control group.").replace("%1", self.session.user.branch or ""))
        self.plan_label.setText(self.tr("Plan"))
        self.window_label.setText(self.tr("Window (days)"))
        self.import_button.setText(self.tr("Import outcomes…"))
        self.evaluate_button.setText(self.tr("Evaluate"))
        self.pdf_button.setText(self.tr("Export PDF…"))
        self.xlsx_button.setText(self.tr("Export XLSX…"))
        self.share_button.setText(self.tr("Share with partner…"))
        for i, text in enumerate((self.tr("By channel"), self.tr("By branch"),
                                  self.tr("By plan decile"), self.tr("Uplift curve"))):
            self.tabs.setTabText(i, text)
        if self.plan.count() == 0:
            self.plan.setPlaceholderText(self.tr("No finalised plan"))
        self.show_report(self.report)

    # -- plans and stored evaluations ----------------------------------------------------------
    def reload_plans(self) -> None:
        try:
            self.plans = campaign.finalised_plans(self.session)
        except Exception as exc:
            self.message.show_error(exc)
            self.plans = []
        self.plan.blockSignals(True)
        self.plan.clear()
        for p in self.plans:
            self.plan.addItem(f"{p['campaign_id']} · v{p['version']} · {(p['finalised_at'] or '')[:10]}",
                              p["id"])
        self.plan.blockSignals(False)
        self.show_latest()

    def plan_id(self) -> str | None:
        return self.plan.currentData()

    def show_latest(self) -> None:
        """The newest stored evaluation of the selected plan (own branch's for managers)."""
        self.report = None
        plan_id = self.plan_id()
        if plan_id:
            try:
                versions = campaign.list_evaluations(self.session, plan_id)
                if versions:
                    self.report = campaign.load_evaluation(self.session, versions[-1]["id"])
            except Exception as exc:
                self.message.show_error(exc)
        self.show_report(self.report)

    # -- work ------------------------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        has_plan = self.plan_id() is not None
        for b in (self.import_button, self.evaluate_button):
            b.setEnabled(has_plan and not busy)
        for b in (self.pdf_button, self.xlsx_button, self.share_button):
            b.setEnabled(self.report is not None and not busy)
        self.plan.setEnabled(not busy)

    def _run(self, fn, *args, done) -> None:
        self.message.clear_message()
        self._busy(True)
        self.progress.attach(self.start_task(fn, self.session, *args, done=done))

    def task_ended(self, text: str, kind: str) -> None:
        super().task_ended(text, kind)
        self._busy(False)

    def share(self, peer: str | None = None) -> None:
        """Aggregates only (cells under 10 customers suppressed), through a job the partner approves."""
        if self.report is None:
            return
        if peer is None:
            names = [p["name"] for p in peers.list_peers(self.session)]
            if not names:
                self.message.show_text(self.tr("No partner is pinned yet (see Peers)."), "error")
                return
            peer = names[0]
            if len(names) > 1:
                peer, ok = QInputDialog.getItem(self, self.tr("Share with partner"),
                                                self.tr("Partner"), names, 0, False)
                if not ok:
                    return
        self._run(share_in_background, peer, self.report["evaluation"]["id"], done=self._shared)

    def _shared(self, job) -> None:
        self._busy(False)
        if job.state == "finished":
            self.message.show_text(self.tr("The aggregate report was sent to %1.").replace(
                "%1", job.peer), "success")
        else:
            self.message.show_text(self.tr("Proposed to %1; it is sent once they approve.").replace(
                "%1", job.peer), "info")

    def choose_outcomes(self) -> None:
        plan = next((p for p in self.plans if p["id"] == self.plan_id()), None)
        if plan is None:
            return
        self.dialog = OutcomeImportDialog(plan["id_type"], self)
        if self.dialog.exec() == QDialog.Accepted:
            self.start_import(self.dialog.choice())

    def start_import(self, choice: dict) -> None:
        self._run(import_in_background, self.plan_id(), choice, done=self._imported)

    def _imported(self, counts: dict) -> None:
        self._busy(False)
        text = (self.tr("%1 rows read: %2 matched plan customers (%3 treated, %4 control), %5 "
                        "matched nobody in the plan, %6 rejected. Evaluate to see the result.")
                .replace("%1", f"{counts['rows_read']:,}").replace("%2", f"{counts['matched']:,}")
                .replace("%3", f"{counts['matched_treated']:,}")
                .replace("%4", f"{counts['matched_control']:,}")
                .replace("%5", f"{counts['unmatched']:,}").replace("%6", f"{counts['rejected']:,}"))
        self.message.show_text(text, "warning" if counts["rejected"] else "success")

    def start_evaluation(self) -> None:
        if self.plan_id():
            self._run(evaluate_in_background, self.plan_id(), self.window.value(),
                      done=self._evaluated)

    def _evaluated(self, report: dict) -> None:
        self.report = report
        self._busy(False)
        self.show_report(report)

    # -- display -------------------------------------------------------------------------------
    def show_report(self, report: dict | None) -> None:
        self.cards.show_report(report)
        self._busy(self.busy())
        if report is None:
            if not self.plan_id():
                self.summary.setText(self.tr("No finalised plan yet: create and finalise a plan on "
                                             "the Segments page, then evaluate it here."))
            elif self.analyst:
                self.summary.setText(self.tr("No evaluation yet: import outcomes and press "
                                             "Evaluate."))
            else:
                self.summary.setText(self.tr("No evaluation yet: press Evaluate once the analyst "
                                             "has imported the campaign's outcomes."))
            for view in self.views.values():
                view.setChart(uplift_chart("", {}, ""))
            return
        p = report["parameters"]
        basis = self.tr("first reach-list export") if p["window_basis"] == "first_export" \
            else self.tr("plan finalisation")
        self.summary.setText(
            self.tr("Evaluation v%1 · window %2 days from the %3 (%4 to %5, %6) · %7 bind events "
                    "in the window")
            .replace("%1", str(report["evaluation"]["version"])).replace("%2", str(p["window_days"]))
            .replace("%3", basis).replace("%4", p["window_start"][:10])
            .replace("%5", p["window_end"][:10])
            .replace("%6", self.tr("complete") if p["window_complete"] else self.tr("still open"))
            .replace("%7", f"{report.get('outcomes', {}).get('in_window', 0):,}"))
        y = self.tr("uplift (pp)")
        by = report.get("by", {})
        channels = {label(CHANNELS, k): v for k, v in by.get("channel", {}).items()}
        self.views["channel"].setChart(uplift_chart(self.tr("Uplift by channel"), channels, y))
        self.views["branch"].setChart(uplift_chart(self.tr("Uplift by branch"), by.get("branch", {}), y))
        self.views["decile"].setChart(uplift_chart(self.tr("Uplift by plan score decile (1 = highest)"),
                                                   by.get("decile", {}), y))
        self.views["curve"].setChart(curve_chart(
            self.tr("Uplift curve"), report, self.tr("share targeted (top scores first)"),
            self.tr("incremental binds per 100 customers"), self.tr("random targeting")))

    # -- export ----------------------------------------------------------------------------------
    def _target(self, caption: str, pattern: str, suffix: str) -> str | None:
        campaign_id = self.report["parameters"]["campaign_id"]
        path, _ = QFileDialog.getSaveFileName(self, caption, f"{campaign_id}_evaluation{suffix}", pattern)
        if path and not path.lower().endswith(suffix):
            path += suffix
        return path or None

    def export_pdf(self, path: str | None = None) -> None:
        path = path or self._target(self.tr("Export PDF"), self.tr("PDF (*.pdf)"), ".pdf")
        if not path or self.report is None:
            return
        try:
            images = []
            for view in self.views.values():
                if not view.isVisible():   # a hidden tab has no layout size: give it a page-wide one
                    view.resize(900, 380)
                images.append(view.grab().toImage())
            title = self.tr("Campaign evaluation: %1").replace("%1", self.report["parameters"]["campaign_id"])
            write_pdf(self.report, path, title, images)
            self.message.show_text(self.tr("Saved %1.").replace("%1", path), "success")
        except Exception as exc:
            log.exception("PDF export failed")
            self.message.show_error(exc)

    def export_xlsx(self, path: str | None = None) -> None:
        path = path or self._target(self.tr("Export XLSX"), self.tr("Excel workbook (*.xlsx)"), ".xlsx")
        if not path or self.report is None:
            return
        try:
            write_xlsx(self.report, path)
            self.message.show_text(self.tr("Saved %1.").replace("%1", path), "success")
        except Exception as exc:
            log.exception("XLSX export failed")
            self.message.show_error(exc)
