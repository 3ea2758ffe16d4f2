"""The "Report" tab: the validation report of ``import_dataset`` rendered as tables.

The report dict (app/data/validation.py) names files, rows, columns and reasons, never values;
this view adds nothing to it. Column min/max are C2 data: the tab exists only for roles that
may import (analysts).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (QHBoxLayout, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from app import messages
from app.ui.errors import language
from app.ui.pages.data.mapping import FEATURE_TYPE_LABELS, ID_TYPE_LABELS, dl
from app.ui.kit.tables import read_only_table
from app.ui.kit.widgets import Retranslatable, plain_label

REASONS = {
    "id_missing": QT_TRANSLATE_NOOP("DataReasons", "identifier missing"),
    "id_excel_mangled": QT_TRANSLATE_NOOP("DataReasons",
                                          "identifier mangled by a spreadsheet (e.g. 1.38E+10)"),
    "id_bad_format": QT_TRANSLATE_NOOP("DataReasons", "identifier not valid for its type"),
    "id_bad_check_digit": QT_TRANSLATE_NOOP("DataReasons", "ID card check digit wrong"),
    "duplicate_conflict": QT_TRANSLATE_NOOP("DataReasons",
                                            "same customer twice with different values"),
    "bad_number": QT_TRANSLATE_NOOP("DataReasons", "not a number"),
    "bad_date": QT_TRANSLATE_NOOP("DataReasons", "not a date"),
    "bad_datetime": QT_TRANSLATE_NOOP("DataReasons", "not a date and time"),
    "bad_flag": QT_TRANSLATE_NOOP("DataReasons", "not a yes/no value"),
    "bad_label": QT_TRANSLATE_NOOP("DataReasons", "label not 0/1"),
    "bad_branch": QT_TRANSLATE_NOOP("DataReasons", "not a valid branch code"),
    "bad_category": QT_TRANSLATE_NOOP("DataReasons", "category text too long or invalid"),
    "bad_text": QT_TRANSLATE_NOOP("DataReasons", "text not valid"),
    "bad_value": QT_TRANSLATE_NOOP("DataReasons", "value not valid"),
    "missing_granted_at": QT_TRANSLATE_NOOP("DataReasons", "consent without a grant time"),
    "expires_before_granted": QT_TRANSLATE_NOOP("DataReasons",
                                                "consent expires before it was granted"),
}
ROLES = {
    "identifier": QT_TRANSLATE_NOOP("DataLabels", "Identifier"),
    "feature": QT_TRANSLATE_NOOP("DataLabels", "Feature"),
    "label": QT_TRANSLATE_NOOP("DataLabels", "Label"),
    "branch": QT_TRANSLATE_NOOP("DataLabels", "Branch"),
    "contact": QT_TRANSLATE_NOOP("DataLabels", "Contact flag"),
    "name": QT_TRANSLATE_NOOP("DataLabels", "Customer name"),
    "last_contact": QT_TRANSLATE_NOOP("DataLabels", "Last contact date"),
}


def reason_text(code: str) -> str:
    return QCoreApplication.translate("DataReasons", REASONS[code]) if code in REASONS else code


def role_text(role: str) -> str:
    base = role.split(":", 1)[0]
    return dl(ROLES[base]) if base in ROLES else role


def type_text(kind: str) -> str:
    kind = kind.split(":", 1)[0]
    labels = {**ID_TYPE_LABELS, **FEATURE_TYPE_LABELS, "label": ROLES["label"],
              "branch": ROLES["branch"], "name": QT_TRANSLATE_NOOP("DataLabels", "Name (masked)"),
              "flag": QT_TRANSLATE_NOOP("DataLabels", "Yes/no")}
    return dl(labels[kind]) if kind in labels else kind


def number(value) -> str:
    """A count or a column's min/max for people: separators, never an exponent (6.196e+04)."""
    if value is None:
        return "—"
    return str(value) if isinstance(value, str) else messages.human(value)


def table(columns: int) -> QTableWidget:
    """A read-only table of the data pages, where several rows may be selected."""
    return read_only_table(columns, single=False)


def fill(t: QTableWidget, rows: list[list[str]], numeric: tuple[int, ...] = ()) -> None:
    t.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c in numeric:
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            t.setItem(r, c, item)


class ReportView(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.report: dict | None = None
        self.problem: dict | None = None
        self.summary = plain_label(wrap=True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.columns = table(8)
        self.reasons = table(3)
        self.problems = table(4)
        self.columns_title = plain_label(object_name="Hint")
        self.reasons_title = plain_label(object_name="Hint")
        self.problems_title = plain_label(object_name="Hint", wrap=True)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.columns_title)
        top_layout.addWidget(self.columns, 1)
        bottom = QWidget()
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        for title, view, stretch in ((self.reasons_title, self.reasons, 2),
                                     (self.problems_title, self.problems, 3)):
            box = QVBoxLayout()
            box.addWidget(title)
            box.addWidget(view, 1)
            bottom_layout.addLayout(box, stretch)
        split = QSplitter(Qt.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setChildrenCollapsible(False)
        split.setSizes([360, 200])  # the column table matters most; rejections are often none
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.columns_title.setText(self.tr("Columns to import"))
        self.reasons_title.setText(self.tr("Rejected rows by reason"))
        self.problems_title.setText(self.tr("Rejected rows (file, row, column; values are never "
                                            "shown)"))
        self.columns.setHorizontalHeaderLabels(
            [self.tr("Column"), self.tr("Role"), self.tr("Type"), self.tr("Sensitivity"),
             self.tr("Missing"), self.tr("Distinct"), self.tr("Min"), self.tr("Max")])
        self.reasons.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason"),
                                                self.tr("Rows")])
        self.problems.setHorizontalHeaderLabels([self.tr("File"), self.tr("Row"),
                                                 self.tr("Column"), self.tr("Reason")])
        if self.problem is not None:
            self.show_problem(self.problem)
        else:
            self.show_report(self.report)

    def show_problem(self, problem: dict) -> None:
        """A file refused as a whole: what is wrong and how to fix it, the row, its masked content."""
        self.report, self.problem = None, problem
        text = messages.render(problem["code"], problem["params"], language())
        lines = [self.tr("Nothing was imported: the file was refused as a whole."), text]
        if problem["cells"]:
            lines.append(self.tr("Row %1 as read (identifiers masked): %2")
                         .replace("%1", str(problem["row"]))
                         .replace("%2", " | ".join(problem["cells"])))
        self.summary.setText("\n".join(lines))
        self.columns.setRowCount(0)
        self.reasons.setRowCount(0)
        fill(self.problems, [[problem["file"], str(problem["row"]), problem["column"], text]],
             numeric=(1,))

    def show_report(self, report: dict | None) -> None:
        self.report, self.problem = report, None
        if report is None:
            self.summary.setText(self.tr("Validate to see what the import would store."))
            for t in (self.columns, self.reasons, self.problems):
                t.setRowCount(0)
            return
        self.summary.setText(self._summary_text(report))
        fill(self.columns, [[c["name"], role_text(c["role"]), type_text(c["type"]),
                             c["sensitivity"], f"{c['missing_rate']:.1%}", number(c["distinct"]),
                             number(c["min"]), number(c["max"])] for c in report["columns"]],
             numeric=(4, 5, 6, 7))
        consent = report.get("consent", {})
        reasons = [[report["file"], reason_text(k), number(v)]
                   for k, v in report["rejected_by_reason"].items()]
        reasons += [[consent["file"], reason_text(k), number(v)]
                    for k, v in consent.get("rejected_by_reason", {}).items()]
        fill(self.reasons, reasons, numeric=(2,))
        problems = report["problems"] + consent.get("problems", [])
        fill(self.problems, [[p["file"], str(p["row"]), p["column"], reason_text(p["reason"])]
                             for p in problems], numeric=(1,))

    def _summary_text(self, r: dict) -> str:
        lines = [self.tr("%1 (%2), dataset %3: %4 rows read, %5 accepted, %6 rejected, %7 exact "
                         "duplicates dropped.")
                 .replace("%1", r["file"]).replace("%2", r["encoding"].upper())
                 .replace("%3", r["dataset"]).replace("%4", number(r["rows_read"]))
                 .replace("%5", number(r["rows_accepted"])).replace("%6", number(r["rows_rejected"]))
                 .replace("%7", number(r["duplicates_dropped"]))]
        if "eligible" in r:
            lines.append(self.tr("%1 customers have a valid consent now and will be stored; %2 "
                                 "have none and are not imported.")
                         .replace("%1", number(r["eligible"])).replace("%2", number(r["not_eligible"])))
        if "consent" in r:
            c = r["consent"]
            lines.append(self.tr("Consent file %1: %2 rows read, %3 rejected, %4 for other "
                                 "purposes (ignored).")
                         .replace("%1", c["file"]).replace("%2", number(c["rows_read"]))
                         .replace("%3", number(c["rows_rejected"]))
                         .replace("%4", number(c["other_purpose"])))
        if r["ignored_columns"]:
            lines.append(self.tr("Not imported (not in the mapping): %1.")
                         .replace("%1", ", ".join(r["ignored_columns"])))
        truncated = r.get("problems_truncated") or r.get("consent", {}).get("problems_truncated")
        if truncated:
            lines.append(self.tr("Only the first 10,000 rejected rows are listed; all are counted."))
        if "version" in r:
            lines.append(self.tr("Imported as version %1.").replace("%1", str(r["version"])))
        return "\n".join(lines)
