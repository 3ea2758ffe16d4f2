"""Users (administrators only): who may sign in to this workspace, with which role."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QWidget

from app.errors import UserFacingError
from app.ui.kit.labels import USER_ROLES, label
from app.ui.pages.base import Page
from app.ui.pages.user_dialogs import AddUserDialog, ResetPasswordDialog
from app.ui.kit.tables import read_only_table, select_where, selected_item, set_row
from app.ui.kit.widgets import button, button_row
from app.workflows import users
from app.workflows.session import Session, User


class UsersPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.users: list[User] = []
        self.dialog = None  # the open dialog, if any (tests drive it through this)
        self.table = read_only_table(4)
        self.table.setWordWrap(True)  # Qt's default: the columns share the width
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = button(kind="primary")
        self.toggle_button = button()
        self.reset_button = button()
        self.add_button.clicked.connect(self.open_add_dialog)
        self.toggle_button.clicked.connect(self.toggle_disabled)
        self.reset_button.clicked.connect(self.open_reset_dialog)
        self._layout()
        self.retranslate()
        self.refresh()

    def _layout(self) -> None:
        actions = button_row(self.add_button, self.toggle_button, self.reset_button, None)
        self.frame(actions, self.message, fill=self.table)

    def retranslate(self) -> None:
        self.set_titles(self.tr("Users"), self.tr(
            "Administrators, analysts and branch managers of this workspace. Every change is "
            "recorded in the audit chain."))
        self.table.setHorizontalHeaderLabels(
            [self.tr("User name"), self.tr("Role"), self.tr("Branch"), self.tr("Status")])
        self.add_button.setText(self.tr("Add user…"))
        self.reset_button.setText(self.tr("Reset password…"))
        self._fill()

    # -- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.users = self.attempt(users.list_users, self.session, default=[])
        self._fill()

    def _fill(self) -> None:
        selected = self.selected_user()
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            status = self.tr("Disabled") if user.disabled else self.tr("Active")
            set_row(self.table, row, (user.name, label(USER_ROLES, user.role),
                                      user.branch or "—", status))
            if selected is not None and user.name == selected.name:
                self.table.selectRow(row)
        self._update_buttons()

    def selected_user(self) -> User | None:
        return selected_item(self.table, self.users)

    def select_user(self, name: str) -> None:
        select_where(self.table, self.users, lambda user: user.name == name)

    def _update_buttons(self) -> None:
        user = self.selected_user()
        self.toggle_button.setEnabled(user is not None)
        self.reset_button.setEnabled(user is not None)
        self.toggle_button.setText(self.tr("Enable") if user and user.disabled
                                   else self.tr("Disable"))

    # -- actions ------------------------------------------------------------------------------
    def open_add_dialog(self) -> None:
        self.dialog = AddUserDialog(self.session, self)
        self.dialog.accepted.connect(self._user_added)
        self.dialog.open()

    def _user_added(self) -> None:
        name = self.dialog.added.name
        self.refresh()
        self.select_user(name)
        self.message.show_text(self.tr("User %1 was added.").replace("%1", name), "success")

    def toggle_disabled(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        try:
            users.set_disabled(self.session, user.name, not user.disabled)
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        text = (self.tr("User %1 can sign in again.") if user.disabled
                else self.tr("User %1 is disabled and can no longer sign in."))
        self.refresh()
        self.message.show_text(text.replace("%1", user.name), "success")

    def open_reset_dialog(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        self.dialog = ResetPasswordDialog(self.session, user.name, self)
        self.dialog.accepted.connect(
            lambda: self.message.show_text(
                self.tr("The password of %1 was reset.").replace("%1", user.name), "success"))
        self.dialog.open()
