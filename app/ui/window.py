"""The main window: the start-up screen until someone signs in, then the shell; menus on top."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget

from app import __version__
from app.ui.i18n import LANGUAGES, Translations
from app.ui.password_dialog import ChangePasswordDialog
from app.ui.pages.peers import start_peer_link, stop_peer_link
from app.ui.settings import AppSettings
from app.ui.shell import Shell
from app.ui.startup.view import StartupView
from app.ui.kit.tasks import TaskRunner
from app.ui.kit.widgets import Retranslatable
from app.workflows.app_state import AppState

TITLE = "联模 Lianmo"
TASK_GRACE_MS = 5000  # how long closing waits for cancelled background work to stop


class MainWindow(Retranslatable, QMainWindow):
    def __init__(self, state: AppState, settings: AppSettings, translations: Translations):
        super().__init__()
        self.state, self.settings, self.translations = state, settings, translations
        self.setWindowTitle(TITLE)
        self.resize(1180, 760)
        self.startup = StartupView(state, settings)
        self.startup.signed_in.connect(self.show_shell)
        self.shell: Shell | None = None
        self.demo: dict | None = None   # the demo's credentials per party, when started with them
        self.demo_party: str | None = None
        self.password_dialog: ChangePasswordDialog | None = None  # a forced change after a reset
        self.stack = QStackedWidget()
        self.stack.addWidget(self.startup)
        self.setCentralWidget(self.stack)
        self._build_menus()
        self.retranslate()
        self._sync_actions()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.workspace_menu = bar.addMenu("")
        self.sign_out_action = QAction(self, triggered=self.sign_out)
        self.close_action = QAction(self, triggered=self.close_workspace)
        self.quit_action = QAction(self, triggered=self.close)
        self.switch_demo_action = QAction(self, triggered=self.switch_demo_party)
        self.switch_demo_action.setVisible(False)
        for action in (self.sign_out_action, self.close_action, self.switch_demo_action):
            self.workspace_menu.addAction(action)
        self.workspace_menu.addSeparator()
        self.workspace_menu.addAction(self.quit_action)
        self.language_menu = bar.addMenu("")
        self.language_actions = QActionGroup(self)
        for code, name in LANGUAGES:
            action = QAction(name, self, checkable=True)
            action.setData(code)
            action.setChecked(code == self.translations.language)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            self.language_actions.addAction(action)
            self.language_menu.addAction(action)
        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self, triggered=self.show_about)
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        self.workspace_menu.setTitle(self.tr("&Workspace"))
        self.sign_out_action.setText(self.tr("Sign out"))
        self.close_action.setText(self.tr("Close workspace"))
        self.quit_action.setText(self.tr("Quit"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("About Lianmo"))
        self.switch_demo_action.setText(
            self.tr("Switch to the bank's demo workspace") if self.demo_party == "platform"
            else self.tr("Switch to the platform's demo workspace"))

    def set_language(self, code: str) -> None:
        """Switch now (every widget retranslates) and remember it for the next start."""
        applied = self.translations.apply(code)
        self.settings.set_language(applied)
        for action in self.language_actions.actions():
            action.setChecked(action.data() == applied)

    # -- the demo (make run after make demo) ----------------------------------------------------
    def open_demo(self, access: dict, party: str = "bank") -> None:
        """Sign in to ``party``'s demo workspace; a refusal stays on the start-up screen."""
        self.demo = access
        self.close_workspace()
        try:
            session = self.state.open_demo(access[party])
        except Exception as exc:  # the sentence goes to the open view, any traceback to the log
            self.startup.restart()
            self.startup.page.message.show_error(exc)
            return
        self.demo_party = party
        self.switch_demo_action.setVisible(True)
        self.retranslate()
        self.show_shell(session)

    def switch_demo_party(self) -> None:
        if self.demo is not None:
            self.open_demo(self.demo, "bank" if self.demo_party == "platform" else "platform")

    # -- session lifecycle --------------------------------------------------------------------
    def show_shell(self, session) -> None:
        """The main area; a password an administrator reset is replaced first (or signs out)."""
        self._drop_shell()
        if session.user.must_change_password:
            self.password_dialog = ChangePasswordDialog(session, self, forced=True)
            self.password_dialog.accepted.connect(lambda: self.show_shell(session))
            self.password_dialog.rejected.connect(self.sign_out)
            self.password_dialog.open()
            return
        start_peer_link(session, self.settings)  # before the shell: its first page may be Peers
        self.shell = Shell(session)
        self.shell.sign_out_requested.connect(self.sign_out)
        self.stack.addWidget(self.shell)
        self.stack.setCurrentWidget(self.shell)
        self._sync_actions()

    def sign_out(self) -> None:
        self._drop_shell()
        self.state.sign_out()
        self.startup.restart(at_login=True)
        self.stack.setCurrentWidget(self.startup)
        self._sync_actions()

    def close_workspace(self) -> None:
        self._drop_shell()
        self.state.sign_out()
        self.state.close_workspace()
        self.startup.restart()
        self.stack.setCurrentWidget(self.startup)
        self._sync_actions()

    def _drop_shell(self) -> None:
        """Stop the shell's background work before its pages (and their runners) go away."""
        if self.shell is None:
            return
        self.shell.guide_timer.stop()
        stop_peer_link(self.shell.session)
        for runner in self.shell.findChildren(TaskRunner):
            runner.cancel()
        QThreadPool.globalInstance().waitForDone(TASK_GRACE_MS)
        self.stack.removeWidget(self.shell)
        self.shell.deleteLater()
        self.shell = None

    def _sync_actions(self) -> None:
        self.sign_out_action.setEnabled(self.shell is not None)
        self.close_action.setEnabled(self.state.workspace is not None)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.state.session is not None:
            self.state.sign_out()
        self._drop_shell()
        self.state.close_workspace()
        super().closeEvent(event)

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About Lianmo"))
        box.setTextFormat(Qt.PlainText)
        box.setText(self.tr("Lianmo %1: joint marketing models between a bank and a platform, "
                            "without raw customer data leaving its owner.")
                    .replace("%1", __version__))
        box.open()
