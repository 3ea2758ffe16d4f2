"""The start-up screen: maps the wizard's views to widgets and runs Back / Next.

Where "next" leads is decided by ``app.workflows.wizard.startup_wizard``; this class only shows
the view it names, runs the view's action and puts any refusal in the view's message area.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.ui.settings import AppSettings
from app.ui.startup.create_page import CreatePage
from app.ui.startup.login_page import LoginPage
from app.ui.startup.open_page import OpenPage
from app.ui.kit.widgets import Retranslatable, button, button_row, card, plain_label
from app.workflows.app_state import AppState
from app.workflows.wizard import CREATE, LOGIN, OPEN, startup_wizard


class StartupView(Retranslatable, QWidget):
    signed_in = Signal(object)  # the Session

    def __init__(self, state: AppState, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Startup")
        self.state = state
        self.flow = startup_wizard(on_leave_login=state.close_workspace)
        self.pages = {OPEN: OpenPage(state, settings), CREATE: CreatePage(state, settings),
                      LOGIN: LoginPage(state)}
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.pages[OPEN].create_requested.connect(lambda: self._forward({"action": "create"}))
        self.pages[OPEN].activated.connect(self.next)
        self.pages[LOGIN].password.returnPressed.connect(self.next)
        self.back_button = button()
        self.next_button = button(kind="primary")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.next_button.setDefault(True)
        self._layout()
        self.retranslate()
        self.restart()

    def _layout(self) -> None:
        frame, inner = card()
        frame.setFixedWidth(620)
        inner.addWidget(self.stack)
        buttons = button_row(self.back_button, None, self.next_button)
        inner.addLayout(buttons)
        brand = plain_label("联模 Lianmo", object_name="Brand")
        self.tagline = plain_label(object_name="Hint")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 32, 24, 24)
        outer.addStretch(1)
        outer.addWidget(brand, 0, Qt.AlignHCenter)
        outer.addWidget(self.tagline, 0, Qt.AlignHCenter)
        outer.addSpacing(12)
        outer.addWidget(frame, 0, Qt.AlignHCenter)
        outer.addStretch(2)

    def retranslate(self) -> None:
        self.tagline.setText(self.tr("Joint marketing models without raw data leaving its owner"))
        self.back_button.setText(self.tr("Back"))
        self._sync_buttons()

    # -- navigation ---------------------------------------------------------------------------
    @property
    def view(self) -> str:
        return self.flow.current.view

    @property
    def page(self):
        return self.pages[self.view]

    def restart(self, at_login: bool = False) -> None:
        """Back to "open"; or to "sign in" on the still-open workspace (after signing out)."""
        self.flow.start()
        if at_login and self.state.workspace is not None:
            self.flow.resolve_next({"action": "open"})
        self._show()

    def next(self) -> None:
        page = self.page
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            data = page.accept()
        except Exception as exc:  # the sentence goes to the view, any traceback to the log
            page.message.show_error(exc)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        if self.flow.is_last():
            self.signed_in.emit(self.state.session)
        else:
            self._forward(data)

    def back(self) -> None:
        if self.flow.can_go_back():
            self.flow.go_back()
            self._show()

    def _forward(self, data: dict) -> None:
        self.flow.resolve_next(data)
        self._show()

    def _show(self) -> None:
        self.stack.setCurrentWidget(self.page)
        self.page.enter(self.flow.current.data)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.back_button.setVisible(self.flow.can_go_back())
        self.next_button.setText(self.page.next_text())
