"""The rule editor: every field of the plan rules JSON (docs/plans.md §2) as a form.

``rules()`` returns the JSON the workflow validates (``plans.parse_rules``); the editor only
shapes input (ranges, choices, typed condition values), the workflow decides what is valid.
Every edit emits ``changed`` so the page can recompute the live counts.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from app.ui.pages.segments.common import code_label
from app.ui.pages.segments.conditions import ConditionTable, RowError
from app.ui.kit.widgets import Retranslatable, plain_label
from app.workflows.plans.rules import CHANNELS, MODES, NON_RESPONDING, OVERFLOW

UNLIMITED = -1
MODE_RANGES = {"top_n": (0, 1e9, 0, 1, 1000), "top_percent": (0, 100, 1, 1, 20),
               "threshold": (0, 1, 4, 0.01, 0.2)}   # min, max, decimals, step, default


class RuleError(ValueError):
    """The form cannot be turned into rules; the message is already translated."""


def _combo(codes) -> QComboBox:
    combo = QComboBox()
    for code in codes:
        combo.addItem(code_label(code), code)
    return combo


class RuleEditor(Retranslatable, QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.branches: tuple[str, ...] = ()
        self._loading = False
        self.campaign = QLineEdit("CAMPAIGN-1")
        self.template = QLineEdit("template_v1")
        self.pitch = QLineEdit()
        self.mode = _combo(MODES)
        self.mode.setCurrentIndex(MODES.index("top_percent"))
        self.value = QDoubleSpinBox()
        self.per_decile = QCheckBox()
        self.deciles = [QCheckBox(str(d)) for d in range(1, 11)]
        self.already_bound = QCheckBox()
        self.already_bound.setChecked(True)
        self.within_days = QSpinBox(maximum=3650)
        self.custom = ConditionTable()
        self.channel_rules = ConditionTable(with_channel=True)
        self.default_channel = _combo(CHANNELS)
        self.weekly = QSpinBox(minimum=UNLIMITED, maximum=1_000_000)
        self.weekly.setValue(UNLIMITED)
        self.weeks = QSpinBox(minimum=1, maximum=52)
        self.overflow = _combo(OVERFLOW)
        self.branch_caps = QLineEdit()
        self.fraction = QDoubleSpinBox(minimum=0.5, maximum=90, decimals=1, singleStep=0.5)
        self.fraction.setValue(10)
        self.fraction.setSuffix(" %")
        self.seed = QLineEdit(str(secrets.randbelow(10 ** 9)))
        self.seed.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{1,18}")))
        self.no_control = QCheckBox()
        self.no_control_reason = QLineEdit()
        self.non_responding = _combo(NON_RESPONDING)
        self.sheet_columns: dict[str, QCheckBox] = {}
        self.sheet_row = QHBoxLayout()
        self.groups = {k: QGroupBox() for k in ("campaign", "selection", "exclusions", "channels",
                                                "control", "review")}
        self.labels: dict[str, object] = {}
        for spin in (self.value, self.within_days, self.weekly, self.weeks, self.fraction):
            spin.setMinimumHeight(30)   # as tall as the styled line edits beside them
        self._layout()
        self._apply_mode(initial=True)
        for box in self.deciles:
            box.setChecked(True)
        self._connect()
        self.retranslate()
        self._sync_control()

    # -- layout ------------------------------------------------------------------------------
    def _form(self, key: str, rows: list[tuple[str, object]]) -> QFormLayout:
        form = QFormLayout(self.groups[key])
        for name, widget in rows:
            label = plain_label()
            self.labels[name] = label
            form.addRow(label, widget)   # a widget or a layout
        return form

    def _layout(self) -> None:
        deciles = QHBoxLayout()
        deciles.setSpacing(4)
        for box in self.deciles:
            deciles.addWidget(box)
        deciles.addStretch(1)
        self._form("campaign", [("campaign", self.campaign), ("template", self.template),
                                ("pitch", self.pitch)])
        self._form("selection", [("mode", self.mode), ("value", self.value),
                                 ("per_decile", self.per_decile), ("deciles", deciles)])
        self._form("exclusions", [("already_bound", self.already_bound),
                                  ("within_days", self.within_days), ("custom", self.custom)])
        self._form("channels", [("channel_rules", self.channel_rules),
                                ("default_channel", self.default_channel),
                                ("weekly", self.weekly), ("branch_caps", self.branch_caps),
                                ("weeks", self.weeks), ("overflow", self.overflow)])
        self._form("control", [("fraction", self.fraction), ("seed", self.seed),
                               ("no_control", self.no_control),
                               ("no_control_reason", self.no_control_reason)])
        self._form("review", [("non_responding", self.non_responding),
                              ("sheet_columns", self.sheet_row)])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        for group in self.groups.values():
            layout.addWidget(group)
        layout.addStretch(1)

    def _connect(self) -> None:
        emit = self._edited
        for edit in (self.campaign, self.template, self.pitch, self.seed, self.no_control_reason,
                     self.branch_caps):
            edit.textChanged.connect(emit)
        for combo in (self.default_channel, self.overflow, self.non_responding):
            combo.currentIndexChanged.connect(emit)
        for spin in (self.value, self.within_days, self.weekly, self.weeks, self.fraction):
            spin.valueChanged.connect(emit)
        for box in (self.per_decile, self.already_bound, *self.deciles):
            box.toggled.connect(emit)
        self.custom.changed.connect(emit)
        self.channel_rules.changed.connect(emit)
        self.mode.currentIndexChanged.connect(lambda _i: self._apply_mode())
        self.no_control.toggled.connect(lambda _c: (self._sync_control(), emit()))

    def retranslate(self) -> None:
        titles = {"campaign": self.tr("Campaign"), "selection": self.tr("Selection"),
                  "exclusions": self.tr("Exclusions"), "channels": self.tr("Channels and capacity"),
                  "control": self.tr("Control group"), "review": self.tr("Branch review")}
        for key, title in titles.items():
            self.groups[key].setTitle(title)
        texts = {
            "campaign": self.tr("Campaign ID"), "template": self.tr("App template ID"),
            "pitch": self.tr("Pitch script"), "mode": self.tr("Select"),
            "value": self.tr("Value"), "per_decile": self.tr("Per decile"),
            "deciles": self.tr("Deciles"), "already_bound": self.tr("Already bound"),
            "within_days": self.tr("Contacted within"), "custom": self.tr("Custom rules"),
            "channel_rules": self.tr("Channel rules"), "default_channel": self.tr("Otherwise"),
            "weekly": self.tr("Weekly capacity"), "branch_caps": self.tr("Per branch"),
            "weeks": self.tr("Weeks"), "overflow": self.tr("Over capacity"),
            "fraction": self.tr("Held out"), "seed": self.tr("Random seed"),
            "no_control": self.tr("No control"), "no_control_reason": self.tr("Reason"),
            "non_responding": self.tr("Silent branches"),
            "sheet_columns": self.tr("Call sheet columns")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.per_decile.setText(self.tr("apply the selection inside each decile"))
        self.already_bound.setText(self.tr("exclude customers already bound"))
        self.within_days.setSpecialValueText(self.tr("off"))
        self.within_days.setSuffix(self.tr(" days"))
        self.weekly.setSpecialValueText(self.tr("unlimited"))
        self.weekly.setSuffix(self.tr(" per branch"))
        self.branch_caps.setPlaceholderText(self.tr("e.g. BR001=40, BR002=0"))
        self.pitch.setPlaceholderText(self.tr("One sentence the branch reads to the customer"))
        self.no_control.setText(self.tr("contact everyone selected (needs a reason)"))
        self.no_control_reason.setPlaceholderText(self.tr("Why this plan has no control group"))
        for combo in (self.mode, self.default_channel, self.overflow, self.non_responding):
            for i in range(combo.count()):
                combo.setItemText(i, code_label(combo.itemData(i)))

    # -- behaviour ---------------------------------------------------------------------------
    def _edited(self, *_args) -> None:
        if not self._loading:
            self.changed.emit()

    def _apply_mode(self, initial: bool = False) -> None:
        low, high, decimals, step, default = MODE_RANGES[self.mode.currentData()]
        self.value.blockSignals(True)
        self.value.setDecimals(decimals)
        self.value.setRange(low, high)
        self.value.setSingleStep(step)
        self.value.setValue(default)
        self.value.setSuffix(" %" if self.mode.currentData() == "top_percent" else "")
        self.value.blockSignals(False)
        if not initial:
            self._edited()

    def _sync_control(self) -> None:
        off = self.no_control.isChecked()
        self.fraction.setEnabled(not off)
        self.seed.setEnabled(not off)
        self.no_control_reason.setEnabled(off)

    def set_population(self, kinds: dict[str, str], branches: tuple[str, ...],
                       custom: list[str]) -> None:
        """Columns and branches of the chosen score source (clears column-bound rows)."""
        self._loading = True
        self.branches = branches
        self.custom.set_columns(kinds)
        self.channel_rules.set_columns(kinds)
        for box in self.sheet_columns.values():
            self.sheet_row.removeWidget(box)
            box.deleteLater()
        self.sheet_columns = {name: QCheckBox(name) for name in custom}
        for box in self.sheet_columns.values():
            self.sheet_row.addWidget(box)
            box.toggled.connect(self._edited)
        self._loading = False

    # -- rules JSON --------------------------------------------------------------------------
    def _branch_caps(self) -> dict[str, int]:
        caps = {}
        for part in filter(None, (p.strip() for p in self.branch_caps.text().replace("，", ",")
                                  .split(","))):
            name, _, number = part.partition("=")
            if not name.strip() or not number.strip().isdigit():
                raise RuleError(self.tr("Per-branch capacity: write BRANCH=NUMBER, separated by "
                                        "commas."))
            caps[name.strip()] = int(number.strip())
        return caps

    def _condition_rows(self, table: ConditionTable, what: str) -> list[dict]:
        try:
            return table.conditions()
        except RowError as exc:
            expected = {"flag": self.tr("true or false"), "number": self.tr("a number"),
                        "category": self.tr("text")}[exc.kind]
            raise RuleError(self.tr("%1, row %2: the value must be %3 (a list separated by "
                                    "commas for 'in').").replace("%1", what)
                            .replace("%2", str(exc.row)).replace("%3", expected)) from None

    def rules(self) -> dict:
        """The rules JSON of the form; RuleError (translated) when a field cannot be read."""
        weekly = self.weekly.value()
        no_control = self.no_control.isChecked()
        if no_control:
            control = {"fraction": 0, "allow_no_control": True,
                       "reason": self.no_control_reason.text().strip()}
            if not control["reason"]:
                raise RuleError(self.tr("A plan without a control group needs a reason."))
        else:
            control = {"fraction": round(self.fraction.value() / 100, 4),
                       "seed": int(self.seed.text() or 0)}
        mode = self.mode.currentData()
        value = self.value.value()
        return {
            "format": "lianmo-plan-rules", "version": 1,
            "campaign_id": self.campaign.text().strip(),
            "template_id": self.template.text().strip(),
            "pitch_script": self.pitch.text().strip(),
            "selection": {"mode": mode, "value": int(value) if mode == "top_n" else value,
                          "per_decile": self.per_decile.isChecked(),
                          "deciles": [d for d, box in enumerate(self.deciles, 1) if box.isChecked()]},
            "exclusions": {"already_bound": self.already_bound.isChecked(),
                           "contacted_within_days": self.within_days.value(),
                           "custom": self._condition_rows(self.custom, self.tr("Custom rules"))},
            "channels": {"rules": self._condition_rows(self.channel_rules,
                                                       self.tr("Channel rules")),
                         "default": self.default_channel.currentData(),
                         "branch_weekly_capacity": None if weekly == UNLIMITED else weekly,
                         "branch_capacity": self._branch_caps(),
                         "weeks": self.weeks.value(), "overflow": self.overflow.currentData()},
            "control": control,
            "review": {"non_responding_branches": self.non_responding.currentData()},
            "call_sheet": {"columns": [n for n, box in self.sheet_columns.items()
                                       if box.isChecked()]},
        }

    def set_rules(self, rules: dict) -> bool:
        """Fill the form from stored rules (to revise a plan); False if something was simplified."""
        self._loading = True
        try:
            self.campaign.setText(rules["campaign_id"])
            self.template.setText(rules["template_id"])
            self.pitch.setText(rules.get("pitch_script", ""))
            sel, exc = rules["selection"], rules["exclusions"]
            self.mode.setCurrentIndex(MODES.index(sel["mode"]))
            self.value.setValue(sel["value"])
            self.per_decile.setChecked(sel["per_decile"])
            for d, box in enumerate(self.deciles, 1):
                box.setChecked(d in sel["deciles"])
            self.already_bound.setChecked(exc["already_bound"])
            self.within_days.setValue(exc["contacted_within_days"])
            self.custom.set_conditions(exc["custom"])
            ch, ctl = rules["channels"], rules["control"]
            whole = self.channel_rules.set_conditions(ch["rules"])
            self.default_channel.setCurrentIndex(CHANNELS.index(ch["default"]))
            weekly = ch["branch_weekly_capacity"]
            self.weekly.setValue(UNLIMITED if weekly is None else weekly)
            self.branch_caps.setText(", ".join(f"{k}={v}" for k, v in ch["branch_capacity"].items()))
            self.weeks.setValue(ch["weeks"])
            self.overflow.setCurrentIndex(OVERFLOW.index(ch["overflow"]))
            self.no_control.setChecked(ctl["fraction"] == 0)
            self.no_control_reason.setText(ctl.get("reason", ""))
            if ctl["fraction"] > 0:
                self.fraction.setValue(ctl["fraction"] * 100)
                self.seed.setText(str(ctl["seed"]))
            self.non_responding.setCurrentIndex(
                NON_RESPONDING.index(rules["review"]["non_responding_branches"]))
            for name, box in self.sheet_columns.items():
                box.setChecked(name in rules["call_sheet"]["columns"])
        finally:
            self._loading = False
        self._sync_control()
        self.changed.emit()
        return whole
