"""The signed-in main area: a header, the sidebar of product steps and the current page.

The sidebar lists the steps of ``app.ui.pages.PAGES`` that the signed-in role may use
(``app.workflows.wizard.step_states``); steps not built yet are shown disabled with a tooltip.
Pages are created the first time they are shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget,
                               QVBoxLayout, QWidget)

from app.ui.labels import USER_ROLES, PARTY_ROLES_SHORT, label
from app.ui.pages import PAGES, PageEntry
from app.ui.password_dialog import ChangePasswordDialog
from app.ui.widgets import Retranslatable, button, plain_label
from app.workflows.session import Session
from app.workflows.wizard import first_enabled, step_states

KEY_ROLE = Qt.UserRole


class Shell(Retranslatable, QWidget):
    sign_out_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        # Read once: retranslating must not need the database (it may be closing).
        self.party_name = session.workspace.party_name
        self.party_role = session.workspace.role
        entries = {p.key: p for p in PAGES}
        self.states = step_states([p.step() for p in PAGES], session.user.role)
        self.entries: list[PageEntry] = [entries[s.key] for s in self.states]
        self.pages: dict[str, QWidget] = {}
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("Sidebar")
        self.sidebar.setFixedWidth(210)
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
        self._layout()
        self.retranslate()
        start = first_enabled(self.states)
        if start is not None:
            self.select(start)

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

    def retranslate(self) -> None:
        for row, entry in enumerate(self.entries):
            item = self.sidebar.item(row)
            item.setText(entry.display_title)
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
            self.pages[key] = entry.factory(self.session, self)
            self.stack.addWidget(self.pages[key])
        self.stack.setCurrentWidget(self.pages[key])
