"""Peers: our fingerprint to give out, the pinned peers, pairing, removing and checking them.

The link itself (listener, certificate fetch, check) is ``app.workflows.peering.status.PeerLink``;
this page renders it and runs its network calls in a ``TaskRunner`` so the window never waits on
a socket. A fingerprint mismatch gets its own red panel with both fingerprints: it is the one
outcome a person must not click away.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from app.errors import UserFacingError
from app.ui.errors import language, said
from app.ui.pages.base import Page
from app.ui.pages.peer_cards import IdentityCard, MismatchCard
from app.ui.pages.peer_dialogs import AddPeerDialog
from app.ui.kit.tables import read_only_table, select_where, selected_item, set_row
from app.ui.kit.widgets import button, button_row
from app.workflows.peering import status as peer_status
from app.workflows.peering import peers
from app.workflows.peering.status import PeerLink, PeerState
from app.workflows.session import Session

LISTEN_KEY = "peer/listen"
MISMATCH_COLOUR = "#8a1c1c"

# Fixed refusals of the peer workflows, translated through the "Errors" context.
PEER_SENTENCES = (
    QT_TRANSLATE_NOOP("Errors", "Peer names are 1-64 letters, digits, '.', '-' or '_'."),
    QT_TRANSLATE_NOOP("Errors", "That is this workspace's own fingerprint, not the peer's."),
    QT_TRANSLATE_NOOP("Errors", "A fingerprint is 64 hexadecimal digits (spaces or colons "
                                "allowed)."),
    QT_TRANSLATE_NOOP("Errors", "The peer answered the ping with something else."),
    QT_TRANSLATE_NOOP("Errors", "The peer closed the connection."),
)


# -- the listener's lifecycle, called by the main window ---------------------------------------
def start_peer_link(session: Session, settings) -> PeerLink:
    """Listen while this session is open: on the workspace's listen address (``workspace
    set-listen``), else QSettings ``peer/listen``, else a free port on 127.0.0.1."""
    qsettings = settings._s  # AppSettings keeps its QSettings private; only this key is read
    # the administrator's address stored in the workspace wins (the peer pinned it)
    listen = (peer_status.listen_address(session.workspace)
              or str(qsettings.value(LISTEN_KEY, peer_status.DEFAULT_LISTEN)))
    return peer_status.start_link(session, listen)


def stop_peer_link(session: Session) -> None:
    peer_status.stop_link(session)


def learn_in_background(_task, link: PeerLink, name: str) -> PeerState:
    return link.learn(name)


def check_in_background(_task, link: PeerLink, name: str) -> PeerState:
    return link.check(name)


class PeersPage(Page):
    REFRESH_MS = 3000  # re-read the table: "last seen" moves when the peer connects to us

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.can_manage = session.can("peers.manage")
        # The window's running link; a page made without one (tests) still pairs and checks.
        self.link = peer_status.link_for(session) or PeerLink(session)
        self.me = peers.describe_identity(session.workspace)
        self.peers: list[dict] = []
        self.known: set[str] = set()
        self.dialog = None  # the open dialog or confirmation (tests drive it through this)
        self.identity = IdentityCard(self.me, self.link)
        self.identity.copy_button.clicked.connect(self.copy_fingerprint)
        self.mismatch = MismatchCard()
        self.table = read_only_table(6)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = button(kind="primary")
        self.check_button = button()
        self.remove_button = button()
        self.listen_button = button()
        self.listen_button.clicked.connect(self.ask_listen_address)
        self.listen_button.setVisible(self.can_manage)
        self.add_button.clicked.connect(self.open_add_dialog)
        self.check_button.clicked.connect(self.check_selected)
        self.remove_button.clicked.connect(self.confirm_remove)
        self.add_button.setVisible(self.can_manage)
        self.remove_button.setVisible(self.can_manage)
        self._layout()
        self.retranslate()
        self.refresh()

    def _layout(self) -> None:
        actions = button_row(self.add_button, self.check_button, self.remove_button, None,
                             self.listen_button)
        self.frame(self.identity, self.mismatch, actions, self.message, fill=self.table)

    def retranslate(self) -> None:
        self.set_titles(self.tr("Peers"), self.tr(
            "The other party's computers this workspace trusts, each pinned by the fingerprint "
            "its administrator gave you. Give them ours the same way."))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Address"), self.tr("Party name"), self.tr("Code"),
             self.tr("Status"), self.tr("Last seen")])
        self.add_button.setText(self.tr("Add peer…"))
        self.check_button.setText(self.tr("Check"))
        self.remove_button.setText(self.tr("Remove…"))
        self.listen_button.setText(self.tr("Listening address…"))
        self._fill()

    # -- where we listen (administrators) ----------------------------------------------------
    def ask_listen_address(self) -> None:
        current = peers.listen_address(self.session.workspace) or ""
        text, ok = QInputDialog.getText(
            self, self.tr("Listening address"),
            self.tr("HOST:PORT where the partner reaches this workspace, with a fixed port (for "
                    "example 0.0.0.0:7800). The partner pins this address with our fingerprint."),
            text=current)
        if ok and text.strip():
            self.save_listen_address(text.strip())

    def save_listen_address(self, text: str) -> None:
        saved = self.attempt(peers.set_listen_address, self.session, text)
        if saved:
            self.message.show_text(self.tr("Saved: %1. The listener uses it from the next "
                                           "sign-in.").replace("%1", saved), "success")

    # -- data (on show and every REFRESH_MS while shown) -------------------------------------
    def refresh(self, force: bool = False) -> None:
        try:
            found = peers.list_peers(self.session)
            known = peer_status.certificate_known(self.session)
        except UserFacingError as exc:
            self.timer.stop()
            self.message.show_error(exc)
            return
        if force or found != self.peers or known != self.known:
            self.peers, self.known = found, known
            self._fill()

    def _fill(self) -> None:
        selected = self.selected_name()
        self.table.setRowCount(len(self.peers))
        for row, peer in enumerate(self.peers):
            state = self.link.state(peer["name"])
            status, tip = self._status(peer, state)
            cells = set_row(self.table, row, (
                peer["name"], peer["address"], peer["party_name"] or "—", peer["short_code"],
                status, peer_status.local_time(peer["last_seen"]) or self.tr("never")))
            cells[4].setToolTip(tip)
            if state is not None and state.kind == "mismatch":
                cells[4].setForeground(QBrush(QColor(MISMATCH_COLOUR)))
            if peer["name"] == selected:
                self.table.selectRow(row)
        self._update_buttons()

    def _status(self, peer: dict, state: PeerState | None) -> tuple[str, str]:
        if state is None:
            if peer["name"] in self.known:
                return self.tr("Paired; not checked yet"), ""
            return self.tr("Certificate not fetched yet"), ""
        when = peer_status.local_time(state.at)
        if state.kind == "ok" and state.rtt_ms is not None:
            return (self.tr("Connected · %1 ms").replace("%1", f"{state.rtt_ms:g}"),
                    self.tr("Checked at %1").replace("%1", when))
        if state.kind == "ok":
            return self.tr("Paired; certificate matches"), when
        if state.kind == "mismatch":
            return self.tr("Fingerprint mismatch!"), said(state.error, state.sentence)
        return self.tr("Not connected"), said(state.error, state.sentence)

    def selected_name(self) -> str | None:
        peer = selected_item(self.table, self.peers)
        return None if peer is None else peer["name"]

    def select_peer(self, name: str) -> None:
        select_where(self.table, self.peers, lambda peer: peer["name"] == name)

    def _update_buttons(self) -> None:
        chosen = self.selected_name() is not None
        busy = self.busy()
        self.check_button.setEnabled(chosen and not busy)
        self.remove_button.setEnabled(chosen and not busy)
        self.add_button.setEnabled(not busy)

    # -- our identity -------------------------------------------------------------------------
    def copy_fingerprint(self) -> None:
        QGuiApplication.clipboard().setText(self.me["fingerprint"])
        self.message.show_text(self.tr("Our fingerprint is on the clipboard. Read the code "
                                       "%1 to the peer to confirm it.")
                               .replace("%1", self.me["short_code"]), "info")

    # -- adding -------------------------------------------------------------------------------
    def open_add_dialog(self) -> None:
        self.dialog = AddPeerDialog(self.session, self)
        self.dialog.accepted.connect(self._peer_added)
        self.dialog.open()

    def _peer_added(self) -> None:
        name = self.dialog.added["name"]
        self.refresh()
        self.select_peer(name)
        self.message.show_text(self.tr("%1 is pinned. Fetching its certificate…")
                               .replace("%1", name), "info")
        self._run(learn_in_background, name)

    # -- checking -----------------------------------------------------------------------------
    def check_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        self.message.show_text(self.tr("Connecting to %1…").replace("%1", name), "info")
        self._run(check_in_background, name)

    def _run(self, fn, name: str) -> None:
        if self.busy():
            return
        pairing = fn is learn_in_background
        self.start_task(fn, self.link, name,
                        done=lambda state: self._show_outcome(name, state, pairing))
        self._update_buttons()

    def task_ended(self, text: str, kind: str) -> None:
        super().task_ended(text, kind)
        self._update_buttons()

    def _show_outcome(self, name: str, state: PeerState, pairing: bool) -> None:
        self.refresh(force=True)
        if state.kind == "mismatch":
            address = next((p["address"] for p in self.peers if p["name"] == name), "—")
            self.mismatch.show_mismatch(name, address, state.mismatch)
            self.message.clear_message()
        elif state.kind == "failed":
            text = (self.tr("%1 is pinned but could not be reached now: %2 Its certificate "
                            "will be fetched at the first connection.") if pairing
                    else self.tr("%1 could not be reached or refused the connection: %2"))
            self.message.show_text(text.replace("%1", name)
                                   .replace("%2", said(state.error, state.sentence)), "warning")
        elif pairing:
            self.mismatch.hide_for(name)
            self.message.show_text(self.tr("Fetched the certificate of %1: it matches the "
                                           "fingerprint you entered.").replace("%1", name),
                                   "success")
            self.offer_next("peers")
        else:
            self.mismatch.hide_for(name)
            self._show_check(name, state)

    def _show_check(self, name: str, state: PeerState) -> None:
        text = self.tr("%1 (%2) answered: protocol version %3, round trip %4 ms.")
        text = (text.replace("%1", name).replace("%2", state.party_name or "—")
                .replace("%3", str(state.protocol_version)).replace("%4", f"{state.rtt_ms:g}"))
        if state.warnings:
            text += "\n" + self.tr("Warning:") + " " + "\n".join(state.said_warnings(language()))
        self.message.show_text(text, "warning" if state.warnings else "success")

    # -- removing -----------------------------------------------------------------------------
    def confirm_remove(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        box = QMessageBox(QMessageBox.Warning, self.tr("Remove peer"), "",
                          QMessageBox.Yes | QMessageBox.Cancel, self)
        box.setTextFormat(Qt.PlainText)  # the name was typed by a person
        box.setText(self.tr("Remove %1? It can no longer connect to this workspace, and jobs "
                            "with it cannot start until it is paired again.").replace("%1", name))
        yes = box.button(QMessageBox.Yes)
        yes.setText(self.tr("Remove"))
        box.button(QMessageBox.Cancel).setText(self.tr("Cancel"))
        box.buttonClicked.connect(lambda clicked: self.remove(name) if clicked is yes else None)
        self.dialog = box
        box.open()

    def remove(self, name: str) -> None:
        peer = next((p for p in self.peers if p["name"] == name), None)
        try:
            peers.remove_peer(self.session, name)
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        if peer is not None:
            self.link.forget(name, peer["fingerprint_bytes"])
        self.mismatch.hide_for(name)
        self.refresh()
        self.message.show_text(self.tr("%1 was removed.").replace("%1", name), "success")
