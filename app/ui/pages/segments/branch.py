"""A branch manager's review: their own branch's list only, masked, with remove / approve / reject.

``plans.branch_list`` decides what is shown (own branch, treated customers, pseudonymous
reference, masked customer number, a masked name only where the data dictionary allows it for
the role, decile, channel, last contact and bank-side reasons; control customers only as a
count), so this panel cannot show more than the workflow hands it; the name column appears only
when the workflow sent names. A reason is required to remove a customer or reject the list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from app.errors import UserFacingError
from app.ui.pages.segments.common import RowsModel, code_label, count, table_view
from app.ui.print_sheets import write_call_sheet_pdf
from app.ui.kit.tasks import TaskRunner
from app.ui.kit.widgets import MessageArea, Retranslatable, button, plain_label
from app.workflows import plans
from app.workflows.plans import day_text
from app.workflows.session import Session


def branch_list_in_background(_task, session: Session, plan_id: str):
    return plans.branch_list(session, plan_id)


class BranchReview(Retranslatable, QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.plans: list[dict] = []
        self.listing = None            # plans.BranchList of the selected plan
        self.runner: TaskRunner | None = None
        self.plan_model = RowsModel(lambda: [self.tr("Campaign"), self.tr("Version"),
                                             self.tr("Status")], self)
        self.plan_view = table_view(self.plan_model, select_rows=True)
        self.plan_view.setMaximumHeight(170)
        self.plan_view.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.summary = plain_label(wrap=True)
        self.pitch = plain_label(object_name="Hint", wrap=True)
        self.rows = RowsModel(self._row_header, self)
        self.row_view = table_view(self.rows, select_rows=True, fit_contents=True)
        self.reason = QLineEdit()
        self.remove_button = button()
        self.approve_button = button(kind="primary")
        self.reject_button = button()
        self.sheet_button = button()
        self.remove_button.clicked.connect(self.remove_selected)
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.sheet_button.clicked.connect(self.choose_sheet_folder)
        self.reason.textChanged.connect(self._update_buttons)
        self.row_view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.message = MessageArea()
        self.flow = plain_label(object_name="Hint", wrap=True)
        self._layout()
        self.retranslate()

    def _layout(self) -> None:
        actions = QHBoxLayout()
        actions.addWidget(self.reason, 1)
        for b in (self.remove_button, self.reject_button, self.approve_button, self.sheet_button):
            actions.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plan_view)
        layout.addWidget(self.summary)
        layout.addWidget(self.pitch)
        layout.addWidget(self.flow)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.row_view, 1)

    def retranslate(self) -> None:
        self.reason.setPlaceholderText(self.tr("Reason (required to remove a customer or to "
                                               "reject the list)"))
        self.remove_button.setText(self.tr("Remove customer"))
        self.approve_button.setText(self.tr("Approve list"))
        self.reject_button.setText(self.tr("Reject list"))
        self.sheet_button.setText(self.tr("Export call sheet…"))
        self.flow.setText(self.tr("1. Check each customer; select one and give a reason to remove "
                                  "them. 2. Approve the list, or reject it with a reason: one "
                                  "decision per plan version. 3. Once the analyst finalises the "
                                  "plan, export the call sheet."))
        self.plan_model.retranslate()
        self.rows.retranslate()
        self._fill_plans()
        self._fill_list()

    # -- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        keep = (self.selected_plan() or {}).get("id")
        try:
            self.plans = list(reversed(plans.list_plans(self.session)))
        except UserFacingError as exc:
            self.plans = []
            self.message.show_error(exc)
        self._fill_plans()
        for row, plan in enumerate(self.plans):
            if plan["id"] == keep:
                self.plan_view.selectRow(row)

    def _named(self) -> bool:
        return self.listing is not None and any(r.get("name") is not None
                                                for r in self.listing.rows)

    def _row_header(self) -> list[str]:
        return [self.tr("No."), self.tr("Customer reference"), self.tr("Customer no. (masked)"),
                *([self.tr("Name (masked)")] if self._named() else []), self.tr("Channel"),
                self.tr("Decile"), self.tr("Last contact"), self.tr("Reasons"), self.tr("Status")]

    def _fill_plans(self) -> None:
        self.plan_model.set_rows([[p["campaign_id"], f"v{p['version']}", code_label(p["state"])]
                                  for p in self.plans])

    def selected_plan(self) -> dict | None:
        rows = self.plan_view.selectionModel().selectedRows()
        return self.plans[rows[0].row()] if rows and rows[0].row() < len(self.plans) else None

    def _selected(self) -> None:
        self.listing = None
        self._fill_list()
        self.reload()

    def reload(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            return
        self.runner = TaskRunner(branch_list_in_background, self.session, plan["id"], parent=self)
        self.runner.finished.connect(self._show_list)
        self.runner.failed.connect(lambda text: self.message.show_text(text, "error"))
        self.runner.start()

    def _show_list(self, listing) -> None:
        plan = self.selected_plan()
        if plan is not None and listing.plan_id == plan["id"]:
            self.listing = listing
            self._fill_list()

    def _fill_list(self) -> None:
        b = self.listing
        self._update_buttons()
        if b is None:
            self.summary.setText("")
            self.pitch.setText("")
            self.rows.set_rows([])
            return
        decision = (b.decision or {}).get("decision", "pending")
        self.summary.setText(
            self.tr("Branch %1, %2 v%3: %4 to contact, %5 removed, %6 in the control group (not "
                    "listed). Your decision: %7.")
            .replace("%1", b.branch).replace("%2", b.campaign_id).replace("%3", str(b.version))
            .replace("%4", count(b.counts["to_contact"])).replace("%5", count(b.counts["removed"]))
            .replace("%6", count(b.counts["control"])).replace("%7", code_label(decision)))
        self.pitch.setText(self.tr("Pitch: %1").replace("%1", b.pitch_script or "—"))
        named = self._named()
        self.rows.set_rows([[i, r["reference"], r["masked_id"], *([r["name"]] if named else []),
                             code_label(r["channel"]), r["decile"],
                             day_text(r["last_contact"]) or self.tr("never"),
                             "; ".join(code_label(x) for x in r["reasons"]),
                             code_label(r["status"])]
                            for i, r in enumerate(b.rows, 1)])

    def selected_row(self) -> dict | None:
        rows = self.row_view.selectionModel().selectedRows()
        if self.listing is None or not rows or rows[0].row() >= len(self.listing.rows):
            return None
        return self.listing.rows[rows[0].row()]

    def _update_buttons(self) -> None:
        b = self.listing
        open_ = b is not None and b.state == "review" and b.decision is None
        reason = bool(self.reason.text().strip())
        row = self.selected_row()
        self.remove_button.setEnabled(open_ and reason and row is not None
                                      and row["status"] == "contact")
        self.approve_button.setEnabled(open_)
        self.reject_button.setEnabled(open_ and reason)
        self.sheet_button.setEnabled(b is not None and b.state == "finalised")

    # -- actions -----------------------------------------------------------------------------
    def remove_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.listing is None:
            return
        try:
            plans.remove_customer(self.session, self.listing.plan_id, row["reference"],
                                  self.reason.text())
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        self.reason.clear()
        self.message.show_text(self.tr("Customer %1 was removed from your branch's list.")
                               .replace("%1", row["reference"]), "success")
        self.reload()

    def decide(self, approve: bool) -> None:
        if self.listing is None:
            return
        try:
            plans.decide_branch(self.session, self.listing.plan_id, approve, self.reason.text())
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        self.reason.clear()
        self.message.show_text(self.tr("You approved your branch's list.") if approve
                               else self.tr("You rejected your branch's list."), "success")
        self.reload()

    def choose_sheet_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export call sheet to"))
        if folder:
            self.export_sheet(folder)

    def export_sheet(self, folder: str | Path) -> list[dict] | None:
        if self.listing is None:
            return None
        try:
            files = plans.export_branch_call_sheet(self.session, self.listing.plan_id, folder,
                                                   pdf_writer=write_call_sheet_pdf)
        except UserFacingError as exc:
            self.message.show_error(exc)
            return None
        self.message.show_text(self.tr("%1 files written to %2.").replace("%1", str(len(files)))
                               .replace("%2", str(folder)), "success")
        return files
