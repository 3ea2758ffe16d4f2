"""The analyst's plans: list with status, branch review per branch, finalise, export reach lists.

Loading a plan, finalising and exporting run in a ``TaskRunner`` (a plan of a million members is
seconds of decryption and sorting). Exports are all-or-nothing in the workflow (files recorded
and audited in one transaction), so they show progress but offer no Cancel half-way.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout, QWidget

from app.ui.pages.audit_model import local_time
from app.ui.pages.segments.common import RowsModel, code_label, count, table_view
from app.ui.print_sheets import write_call_sheet_pdf
from app.ui.kit.progress import TaskProgress
from app.ui.kit.tasks import TaskRunner
from app.ui.kit.widgets import MessageArea, Retranslatable, button, button_row, plain_label
from app.workflows import plans
from app.workflows.session import Session


def overview_in_background(_task, session: Session, plan_id: str) -> dict:
    """``plan_overview`` plus the rules, from one load of the plan."""
    plan = plans.load_plan(session, plan_id)
    overview = plans.plan_summary(plan)
    overview.update(plan=plan.id, funnel=plan.funnel, rules=plan.rules.to_json(),
                    branch_decisions={b: plan.decisions.get(b, {}).get("decision", "pending")
                                      for b in plan.member_branches()})
    return overview


def finalise_in_background(_task, session: Session, plan_id: str) -> str:
    return plans.finalise_plan(session, plan_id).id


def export_in_background(task, session: Session, plan_id: str, out_dir: str,
                         sheets_expected: int) -> list[dict]:
    """Every reach list; progress counts the PDF call sheets as they are painted."""
    total = max(1, sheets_expected) + 1
    written = [0]

    def pdf_writer(path, sheet):
        write_call_sheet_pdf(path, sheet)
        written[0] += 1
        task.progress(min(written[0], total - 1), total, "")

    task.progress(0, total, "")
    files = plans.export_reach_lists(session, plan_id, out_dir, pdf_writer=pdf_writer)
    task.progress(total, total, "")
    return files


class PlansPanel(Retranslatable, QWidget):
    edit_rules = Signal(dict, str)          # rules JSON, model id

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.plans: list[dict] = []
        self.overview: dict | None = None
        self.runner: TaskRunner | None = None
        self.dialog = None
        self.plan_model = RowsModel(self._plan_headers, self)
        self.plan_view = table_view(self.plan_model, select_rows=True)
        self.plan_view.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.branch_model = RowsModel(self._branch_headers, self)
        self.branch_view = table_view(self.branch_model)
        self.summary = plain_label(wrap=True)
        self.refresh_button = button()
        self.edit_button = button()
        self.finalise_button = button(kind="primary")
        self.export_button = button()
        self.refresh_button.clicked.connect(self.refresh)
        self.edit_button.clicked.connect(self._edit)
        self.finalise_button.clicked.connect(self.confirm_finalise)
        self.export_button.clicked.connect(self.choose_export)
        self.progress = TaskProgress()
        self.message = MessageArea()
        actions = button_row(self.refresh_button, self.edit_button, self.finalise_button,
                             self.export_button, None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.plan_view, 2)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(self.branch_view, 3)
        self.retranslate()
        self._update_buttons()

    def _plan_headers(self) -> list[str]:
        return [self.tr("Campaign"), self.tr("Model"), self.tr("Version"), self.tr("Status"),
                self.tr("Created by"), self.tr("Created at")]

    def _branch_headers(self) -> list[str]:
        return [self.tr("Branch"), self.tr("Treated"), self.tr("Control"), self.tr("Review")]

    def retranslate(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.edit_button.setText(self.tr("Edit rules of this plan"))
        self.finalise_button.setText(self.tr("Finalise…"))
        self.export_button.setText(self.tr("Export reach lists…"))
        self.plan_model.retranslate()
        self.branch_model.retranslate()
        self._fill_plans()
        self._fill_overview()

    # -- data --------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        keep = select or (self.selected_plan() or {}).get("id")
        self.plans = list(reversed(plans.list_plans(self.session)))   # newest first
        self._fill_plans()
        for row, plan in enumerate(self.plans):
            if plan["id"] == keep:
                self.plan_view.selectRow(row)

    def _fill_plans(self) -> None:
        self.plan_model.set_rows([[p["campaign_id"], p["model_id"], f"v{p['version']}",
                                   code_label(p["state"]), p["created_by"], local_time(p["created_at"])]
                                  for p in self.plans])

    def selected_plan(self) -> dict | None:
        rows = self.plan_view.selectionModel().selectedRows()
        return self.plans[rows[0].row()] if rows and rows[0].row() < len(self.plans) else None

    def _selected(self) -> None:
        self.overview = None
        self._fill_overview()
        plan = self.selected_plan()
        if plan is not None:
            self._run(overview_in_background, plan["id"], done=self._show_overview)

    def _show_overview(self, overview: dict) -> None:
        plan = self.selected_plan()
        if plan is not None and overview["plan"] == plan["id"]:
            self.overview = overview
            self._fill_overview()

    def _fill_overview(self) -> None:
        o = self.overview
        self._update_buttons()
        if o is None:
            self.summary.setText("")
            self.branch_model.set_rows([])
            return
        decisions = o["branch_decisions"]
        tally = {k: sum(1 for v in decisions.values() if v == k)
                 for k in ("approved", "rejected", "pending")}
        self.summary.setText(
            self.tr("%1 v%2, %3: %4 treated, %5 control. Branches: %6 approved, %7 rejected, "
                    "%8 pending.")
            .replace("%1", o["campaign_id"]).replace("%2", str(o["version"]))
            .replace("%3", code_label(o["state"])).replace("%4", count(o["treated"]))
            .replace("%5", count(o["control"])).replace("%6", str(tally["approved"]))
            .replace("%7", str(tally["rejected"])).replace("%8", str(tally["pending"])))
        branches = sorted(set(o["by_branch"]) | set(decisions))
        self.branch_model.set_rows([[b, o["by_branch"].get(b, {}).get("treated", 0),
                                     o["by_branch"].get(b, {}).get("control", 0),
                                     code_label(decisions.get(b, "—"))] for b in branches])

    def _update_buttons(self) -> None:
        o, busy = self.overview, self.runner is not None and self.runner.running
        self.edit_button.setEnabled(o is not None and not busy)
        self.finalise_button.setEnabled(o is not None and o["state"] == "review" and not busy)
        self.export_button.setEnabled(o is not None and o["state"] == "finalised" and not busy
                                      and self.session.can("plan.export"))

    # -- actions -----------------------------------------------------------------------------
    def _run(self, fn, *args, done, show_progress: bool = False) -> TaskRunner:
        runner = TaskRunner(fn, self.session, *args, parent=self)
        runner.finished.connect(done)
        runner.failed.connect(lambda text: self.message.show_text(text, "error"))
        runner.finished.connect(lambda _r: self._update_buttons())
        runner.failed.connect(lambda _t: self._update_buttons())
        self.runner = runner
        if show_progress:
            self.progress.attach(runner)
            self.progress.cancel_button.hide()
        runner.start()
        self._update_buttons()
        return runner

    def _edit(self) -> None:
        if self.overview is not None:
            self.edit_rules.emit(self.overview["rules"], self.selected_plan()["model_id"])

    def confirm_finalise(self) -> None:
        box = QMessageBox(QMessageBox.Question, self.tr("Finalise plan"),
                          self.tr("Finalise this plan? Branch lists are frozen; branches that did "
                                  "not answer follow the plan's rule. This cannot be undone."),
                          QMessageBox.Ok | QMessageBox.Cancel, self)
        box.setTextFormat(Qt.PlainText)
        box.accepted.connect(self.finalise)
        self.dialog = box
        box.open()

    def finalise(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            return
        self.message.clear_message()
        self._run(finalise_in_background, plan["id"], done=self._finalised)

    def _finalised(self, plan_id: str) -> None:
        self.refresh(select=plan_id)
        self.message.show_text(self.tr("The plan is finalised; its reach lists can be exported."),
                               "success")

    def choose_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export reach lists to"))
        if folder:
            self.export_to(folder)

    def export_to(self, folder: str | Path) -> TaskRunner | None:
        plan = self.selected_plan()
        if plan is None or self.overview is None:
            return None
        self.message.clear_message()
        return self._run(export_in_background, plan["id"], str(folder),
                         len(self.overview["branch_decisions"]),
                         done=lambda files: self._exported(files, folder), show_progress=True)

    def _exported(self, files: list[dict], folder) -> None:
        rows = sum(f["rows"] for f in files if f["kind"] == "app_csv")
        self.message.show_text(
            self.tr("%1 files written to %2 (%3 app recommendations). Control customers are "
                    "never exported.").replace("%1", str(len(files)))
            .replace("%2", str(folder)).replace("%3", count(rows)), "success")
