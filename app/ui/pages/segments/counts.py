"""Live counts for the rules being edited: the funnel and treated/control by channel, branch, decile.

Renders the dict of ``plans.live_counts``; the page recomputes it in the background after every
edit and calls ``show_counts`` with the newest result only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.pages.segments.common import RowsModel, code_label, count, table_view
from app.ui.kit.widgets import Retranslatable, plain_label


def _arm_rows(table: dict, names: list[str], label=lambda k: k) -> list[list[str]]:
    return [[label(k), table.get(k, {}).get("treated", 0), table.get(k, {}).get("control", 0)]
            for k in names]


class LiveCounts(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.result: dict | None = None
        self.state = "empty"   # empty | updating | shown | invalid
        self.headline = plain_label(object_name="CountsHeadline", wrap=True)
        self.status = plain_label(object_name="Hint", wrap=True)
        self.funnel = RowsModel(lambda: [self.tr("Step"), self.tr("Customers")], self)
        arms = lambda first: (lambda: [first(), self.tr("Treated"), self.tr("Control")])  # noqa: E731
        self.by_channel = RowsModel(arms(lambda: self.tr("Channel")), self)
        self.by_branch = RowsModel(arms(lambda: self.tr("Branch")), self)
        self.by_decile = RowsModel(arms(lambda: self.tr("Decile")), self)
        self.tabs = QTabWidget()
        self.views = [table_view(m, stretch_first=True)
                      for m in (self.funnel, self.by_channel, self.by_branch, self.by_decile)]
        for view in self.views:
            self.tabs.addTab(view, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def retranslate(self) -> None:
        for i, text in enumerate((self.tr("Funnel"), self.tr("By channel"), self.tr("By branch"),
                                  self.tr("By decile"))):
            self.tabs.setTabText(i, text)
        for model in (self.funnel, self.by_channel, self.by_branch, self.by_decile):
            model.retranslate()
        self._render()

    # -- states ------------------------------------------------------------------------------
    def updating(self) -> None:
        self.state = "updating"
        self.status.setText(self.tr("Updating the counts…"))

    def invalid(self, sentence: str) -> None:
        """The rules cannot be evaluated: say why, keep the last counts visible but marked stale."""
        self.state = "invalid"
        self.status.setText(self.tr("Counts not updated: %1").replace("%1", sentence))

    def show_counts(self, result: dict) -> None:
        self.result = result
        self.state = "shown"
        self._render()

    def clear(self) -> None:
        self.result = None
        self.state = "empty"
        self._render()

    def _render(self) -> None:
        result = self.result
        if self.state == "shown":
            self.status.setText(self.tr("Counts for the rules as they are now."))
        elif self.state == "empty":
            self.status.setText(self.tr("Choose a score source to see live counts."))
        if result is None:
            self.headline.setText("")
            for model in (self.funnel, self.by_channel, self.by_branch, self.by_decile):
                model.set_rows([])
            return
        funnel = result["funnel"]
        self.headline.setText(
            self.tr("%1 treated and %2 in the control group, out of %3 eligible (%4 scored). "
                    "%5 moved to the app by branch capacity.")
            .replace("%1", count(result["treated"])).replace("%2", count(result["control"]))
            .replace("%3", count(funnel["eligible"])).replace("%4", count(funnel["scored"]))
            .replace("%5", count(result.get("overflowed_to_app", 0))))
        rows = [[self.tr("Scored"), funnel["scored"]]]
        rows += [[self.tr("Excluded: %1").replace("%1", code_label(step)), n]
                 for step, n in funnel["excluded"].items()]
        rows += [[self.tr("Eligible"), funnel["eligible"]],
                 [self.tr("Selected"), funnel.get("selected", 0)],
                 [self.tr("Dropped for branch capacity"), funnel.get("dropped_capacity", 0)],
                 [self.tr("In the plan"), funnel.get("members", 0)]]
        self.funnel.set_rows(rows)
        self.by_channel.set_rows(_arm_rows(result["by_channel"], ["app", "branch"], code_label))
        self.by_branch.set_rows(_arm_rows(result["by_branch"], sorted(result["by_branch"])))
        self.by_decile.set_rows(_arm_rows(result["by_decile"], [str(d) for d in range(1, 11)]))
