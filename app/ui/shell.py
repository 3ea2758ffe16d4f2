"""The signed-in main area: a header, the sidebar of product steps and the current page.

The sidebar lists the steps of ``app.ui.pages.PAGES`` that the signed-in role and party may use
(``app.workflows.wizard.step_states``); steps not built yet are shown disabled with a tooltip.
The pipeline's steps are numbered and carry their state from ``app.workflows.guide`` (done,
ready, waiting for an earlier step, waiting for the partner), re-read every few seconds and
whenever another step is chosen. Pages are created the first time they are shown; a page's
"Next: …" button (``Page.go_to``) selects that step here.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QTextLayout
from PySide6.QtWidgets import (QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget,
                               QVBoxLayout, QWidget)

from app.ui.kit.labels import USER_ROLES, PARTY_ROLES_SHORT, label
from app.ui.kit.style import SIDEBAR_MARK, SIDEBAR_PAD
from app.ui.pages import PAGES, PageEntry
from app.ui.password_dialog import ChangePasswordDialog
from app.ui.kit.widgets import Retranslatable, button, plain_label
from app.errors import UserFacingError
from app.workflows import guide
from app.workflows.session import Session
from app.workflows.wizard import first_enabled, step_states

KEY_ROLE = Qt.UserRole
GUIDE_MS = 4000  # how often the sidebar re-reads the steps' states
STATE_TEXTS = {
    guide.DONE: QT_TRANSLATE_NOOP("Shell", "✓ done"),
    guide.READY: QT_TRANSLATE_NOOP("Shell", "● ready"),
    guide.WAITING: QT_TRANSLATE_NOOP("Shell", "… waiting for an earlier step"),
    guide.PARTNER: QT_TRANSLATE_NOOP("Shell", "⇄ waiting for the partner"),
    guide.ATTENTION: QT_TRANSLATE_NOOP("Shell", "! proposals to decide"),
}


SIDEBAR_WIDTH = 210
STATE_INDENT = "    "   # a step's state, under its title


class Shell(Retranslatable, QWidget):
    sign_out_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        # Read once: retranslating must not need the database (it may be closing).
        self.party_name = session.workspace.party_name
        self.party_role = session.workspace.role
        entries = {p.key: p for p in PAGES}
        self.states = step_states([p.step() for p in PAGES], session.user.role, self.party_role)
        self.guide: dict[str, guide.StepStatus] = {}
        self.entries: list[PageEntry] = [entries[s.key] for s in self.states]
        self.pages: dict[str, QWidget] = {}
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("Sidebar")
        self.sidebar.setFixedWidth(SIDEBAR_WIDTH)
        self.sidebar.setFocusPolicy(Qt.NoFocus)
        for state in self.states:
            item = QListWidgetItem(self.sidebar)
            item.setData(KEY_ROLE, state.key)
            if not state.enabled:
                item.setFlags(item.flags() & ~(Qt.ItemIsEnabled | Qt.ItemIsSelectable))
        self.sidebar.currentItemChanged.connect(self._item_chosen)
        self.stack = QStackedWidget()
        self.empty = plain_label(object_name="PageSubtitle", wrap=True)
        self.empty.setAlignment(Qt.AlignCenter)
        self.stack.addWidget(self.empty)
        self.party = plain_label(object_name="Brand")
        self.user = plain_label(object_name="Hint")
        self.sign_out_button = button()
        self.sign_out_button.clicked.connect(self.sign_out_requested.emit)
        self.password_button = button()
        self.password_button.clicked.connect(self.change_password)
        self.guide_timer = QTimer(self, interval=GUIDE_MS)
        self.guide_timer.timeout.connect(self.refresh_guide)
        self._layout()
        self.retranslate()           # the titles, shown even if the states cannot be read
        start = first_enabled(self.states)
        if start is not None:
            self.select(start)       # choosing a step reads the states (``_item_chosen``)
        else:
            self.refresh_guide()
        self.guide_timer.start()

    def _layout(self) -> None:
        header = QWidget()
        header.setObjectName("HeaderBar")
        header.setAttribute(Qt.WA_StyledBackground, True)
        bar = QHBoxLayout(header)
        bar.setContentsMargins(20, 10, 20, 10)
        bar.addWidget(plain_label("联模 Lianmo", object_name="Brand"))
        bar.addSpacing(18)
        bar.addWidget(self.party)
        bar.addStretch(1)
        bar.addWidget(self.user)
        bar.addWidget(self.password_button)
        bar.addWidget(self.sign_out_button)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.sidebar)
        body.addWidget(self.stack, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(header)
        outer.addLayout(body, 1)

    def refresh_guide(self) -> None:
        """Re-read where each step stands; the sidebar is rewritten only when a state changed
        (a refusal leaves the last states shown)."""
        try:
            current = {s.key: s for s in guide.pipeline(self.session)}
        except UserFacingError:
            return
        if current != self.guide:
            self.guide = current
            self.retranslate()

    def state_text(self, key: str) -> str:
        status = self.guide.get(key)
        if status is None or status.state not in STATE_TEXTS:
            return ""
        text = self.tr(STATE_TEXTS[status.state])
        if status.needs == "scoring":   # trained: scoring the customers is what is left
            text = (self.tr("● score customers next") if status.state == guide.READY
                    else self.tr("⇄ partner to approve scoring"))
        elif status.state == guide.WAITING and status.needs:
            needs = next((e for e in PAGES if e.key == status.needs), None)
            if needs is not None:
                text = self.tr("… after %1").replace("%1", needs.display_title)
        return text

    def retranslate(self) -> None:
        number = 0
        for row, entry in enumerate(self.entries):
            item = self.sidebar.item(row)
            title = entry.display_title
            if entry.key in guide.STEPS:
                number += 1
                title = f"{number}. {title}"
            state = self.state_text(entry.key)
            item.setText(f"{title}\n{self._state_lines(state)}" if state else title)
            if not self.states[row].enabled:
                item.setToolTip(self.tr("not available in this version"))
        user = self.session.user
        self.party.setText(f"{self.party_name} · {label(PARTY_ROLES_SHORT, self.party_role)}")
        who = f"{user.name} · {label(USER_ROLES, user.role)}"
        self.user.setText(who + (f" · {user.branch}" if user.branch else ""))
        self.sign_out_button.setText(self.tr("Sign out"))
        self.password_button.setText(self.tr("Change my password"))
        self.empty.setText(self.tr("None of the steps open to your role is available in this "
                                   "version yet."))

    def _state_lines(self, state: str) -> str:
        """The state under a step's title, broken into lines that fit the sidebar: a state's
        length depends on the language and on the step it waits for, and a cut state (or a
        sideways scroll bar) hides what to do next."""
        self.sidebar.ensurePolished()   # the style sheet's font size, even before first shown
        font = self.sidebar.font()
        room = (self.sidebar.width() - 2 * SIDEBAR_PAD   # borderless: no frame
                - SIDEBAR_MARK - QFontMetrics(font).horizontalAdvance(STATE_INDENT) - 2)
        layout = QTextLayout(state, font)
        layout.beginLayout()
        lines = []
        while (line := layout.createLine()).isValid():
            line.setLineWidth(room)
            lines.append(state[line.textStart():line.textStart() + line.textLength()].strip())
        layout.endLayout()
        return "\n".join(STATE_INDENT + text for text in lines)

    def change_password(self) -> None:
        self.password_dialog = ChangePasswordDialog(self.session, self)
        self.password_dialog.open()

    # -- pages --------------------------------------------------------------------------------
    def enabled_keys(self) -> list[str]:
        return [s.key for s in self.states if s.enabled]

    def visible_keys(self) -> list[str]:
        return [s.key for s in self.states]

    def item(self, key: str) -> QListWidgetItem:
        return self.sidebar.item(self.visible_keys().index(key))

    def select(self, key: str) -> QWidget:
        if key not in self.enabled_keys():
            raise KeyError(f"step {key!r} is not available to this user")
        self.sidebar.setCurrentItem(self.item(key))
        return self.pages[key]

    def current_key(self) -> str | None:
        item = self.sidebar.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def _item_chosen(self, item: QListWidgetItem | None, _previous) -> None:
        if item is None:
            return
        key = item.data(KEY_ROLE)
        if key not in self.pages:
            entry = next(e for e in self.entries if e.key == key)
            page = self.pages[key] = entry.factory(self.session, self)
            go_to = getattr(page, "go_to", None)
            if go_to is not None:
                go_to.connect(self._go_to)
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(self.pages[key])
        self.refresh_guide()

    def _go_to(self, key: str) -> None:
        if key in self.enabled_keys():
            self.select(key)
