"""The Peers page over real loopback TLS: two workspaces, real listeners, pairing through the dialog
(fingerprint required, a wrong one shown as a mismatch with both fingerprints), checks, removal, and
the listener's lifecycle in the main window."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.net.identity import format_fingerprint, generate_identity, short_code
from app.ui.main import create_main_window
from app.ui.pages.peers import LISTEN_KEY, PeersPage, start_peer_link, stop_peer_link
from app.ui.settings import AppSettings
from app.workflows import audit_trail
from app.workflows.peering import status as peer_status
from app.workflows.peering import peers
from app.workflows.workspace_admin import init_workspace
from linked import add_analyst, make_admins, pin, shown_pages

WAIT_MS = 8000


@pytest.fixture
def pair(tmp_path):
    """Bank and Platform workspaces, each with its GUI link listening on 127.0.0.1:0."""
    admins = make_admins(tmp_path)
    links = [peer_status.start_link(a) for a in admins]
    yield admins, links
    for admin in admins:
        peer_status.stop_link(admin)
        admin.workspace.close()


@pytest.fixture
def make_page(qtbot):
    with shown_pages(qtbot, PeersPage) as make:
        yield make


def fingerprint(session):
    return peers.describe_identity(session.workspace)["fingerprint"]


def add_through_dialog(page, name, address, fp):
    page.add_button.click()
    dialog = page.dialog
    dialog.name.setText(name)
    dialog.address.setText(address)
    dialog.fingerprint.setText(fp)
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    return dialog


def column(page, col):
    return [page.table.item(r, col).text() for r in range(page.table.rowCount())]


def test_own_fingerprint_code_copy_and_listener(pair, make_page):
    (bank, _), (bank_link, _) = pair
    page = make_page(bank)
    me = peers.describe_identity(bank.workspace)
    assert page.identity.fingerprint.text().replace("\n", " ") == me["fingerprint"]
    assert page.identity.code.text() == me["short_code"]
    page.identity.copy_button.click()
    assert QGuiApplication.clipboard().text() == me["fingerprint"]
    assert bank_link.running and bank_link.address in page.identity.listening.text()
    assert page.add_button.isVisible() and page.remove_button.isVisible()


def test_add_peer_insists_on_fingerprint_then_fetches_certificate(pair, make_page, qtbot):
    (bank, platform), (_, platform_link) = pair
    page = make_page(bank)
    dialog = add_through_dialog(page, "platform", platform_link.address, "")
    assert dialog.isVisible() and "fingerprint" in dialog.message.text()
    assert peers.list_peers(bank) == []
    dialog.fingerprint.setText("12 34")
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    assert dialog.isVisible() and dialog.message.text().startswith("A fingerprint is 64")
    dialog.fingerprint.setText(fingerprint(platform))
    assert short_code(peers.identity(platform.workspace).fingerprint) in dialog.code.text()
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    assert not dialog.isVisible()
    assert column(page, 0) == ["platform"]
    qtbot.waitUntil(lambda: page.message.kind == "success", timeout=WAIT_MS)
    assert "matches the fingerprint" in page.message.text()
    assert not page.mismatch.isVisible()
    assert peer_status.certificate_known(bank) == {"platform"}
    assert column(page, 4) == ["Paired; certificate matches"]
    added = audit_trail.list_entries(bank, action="peer.add")
    assert len(added) == 1 and "platform" in added[0]["objects"]


def test_wrong_fingerprint_shows_mismatch_with_both_fingerprints(pair, make_page, qtbot):
    (bank, platform), (_, platform_link) = pair
    impostor = generate_identity("Someone else").fingerprint  # what a tampered channel gave us
    page = make_page(bank)
    add_through_dialog(page, "platform", platform_link.address, impostor.hex())
    qtbot.waitUntil(page.mismatch.isVisible, timeout=WAIT_MS)
    real = peers.identity(platform.workspace).fingerprint
    assert page.mismatch.alert.kind == "error" and "MISMATCH" in page.mismatch.alert.text()
    assert page.mismatch.pinned.text().replace("\n", " ") == format_fingerprint(impostor)
    assert page.mismatch.pinned_code.text() == short_code(impostor)
    assert page.mismatch.presented.text().replace("\n", " ") == format_fingerprint(real)
    assert page.mismatch.presented_code.text() == short_code(real)
    assert platform_link.address in page.mismatch.presented_heading.text()
    assert column(page, 4) == ["Fingerprint mismatch!"]
    assert peer_status.certificate_known(bank) == set()  # nothing from it was stored
    page.select_peer("platform")
    page.remove_button.click()
    page.dialog.button(QMessageBox.Yes).click()
    assert not page.mismatch.isVisible()


def test_check_shows_version_rtt_party_and_analysts_may_check(pair, make_page, qtbot):
    (bank, platform), (bank_link, platform_link) = pair
    pin((bank, platform), bank_link.address, platform_link.address)
    assert platform_link.learn("bank").kind == "ok"
    page = make_page(add_analyst(bank))
    assert not page.add_button.isVisible() and not page.remove_button.isVisible()
    assert column(page, 4) == ["Certificate not fetched yet"]
    page.select_peer("platform")
    page.check_button.click()
    assert not page.check_button.isEnabled()  # one network call at a time
    qtbot.waitUntil(lambda: page.message.kind == "success", timeout=WAIT_MS)
    text = page.message.text()
    assert "platform (Platform) answered: protocol version 1, round trip" in text
    status = column(page, 4)[0]
    assert status.startswith("Connected · ") and status.endswith(" ms")
    assert column(page, 2) == ["Platform"] and column(page, 5)[0] != "never"
    assert page.check_button.isEnabled()


def test_check_of_unreachable_peer_says_so(pair, make_page, qtbot):
    (bank, platform), _ = pair
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    peers.add_peer(bank, "gone", f"127.0.0.1:{port}", fingerprint(platform))
    page = make_page(bank)
    page.select_peer("gone")
    page.check_button.click()
    qtbot.waitUntil(lambda: page.message.kind == "warning", timeout=WAIT_MS)
    assert "could not be reached" in page.message.text()
    assert column(page, 4) == ["Not connected"]


def test_remove_asks_first_and_is_audited(pair, make_page):
    (bank, platform), (_, platform_link) = pair
    peers.add_peer(bank, "platform", platform_link.address, fingerprint(platform))
    page = make_page(bank)
    page.select_peer("platform")
    page.remove_button.click()
    page.dialog.button(QMessageBox.Cancel).click()
    assert column(page, 0) == ["platform"]
    page.remove_button.click()
    assert "platform" in page.dialog.text()
    page.dialog.button(QMessageBox.Yes).click()
    assert column(page, 0) == [] and peers.list_peers(bank) == []
    assert page.message.kind == "success"
    assert len(audit_trail.list_entries(bank, action="peer.remove")) == 1


def test_window_runs_the_listener_while_signed_in(qapp, tmp_path):
    init_workspace(tmp_path / "ws", "Bank", "label", "admin", "admin-password").workspace.close()
    settings = AppSettings.at(tmp_path / "settings.ini")
    settings.set_language("en")
    settings._s.setValue(LISTEN_KEY, "127.0.0.1:0")
    window = create_main_window(qapp, settings)
    window.state.open_workspace(tmp_path / "ws")
    session = window.state.sign_in("admin", "admin-password")
    window.show_shell(session)
    link = peer_status.link_for(session)
    assert link is not None and link.running
    page = window.shell.select("peers")
    assert link.address in page.identity.listening.text()
    port = link.service.port
    socket.create_connection(("127.0.0.1", port), timeout=2).close()  # it really listens
    window.sign_out()
    assert peer_status.link_for(session) is None and not link.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    settings._s.setValue(LISTEN_KEY, "not an address")
    session = window.state.sign_in("admin", "admin-password")
    window.show_shell(session)
    page = window.shell.select("peers")
    assert page.identity.listening.text().startswith(
        "Not listening: 'not an address' is not HOST:PORT.")
    window.close()
    assert peer_status.link_for(session) is None
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def test_an_administrator_sets_the_listening_address_and_the_next_link_uses_it(pair, make_page,
                                                                               tmp_path):
    (bank, _), _ = pair
    page = make_page(bank)
    assert page.listen_button.isVisible()
    page.save_listen_address("127.0.0.1:0")                 # a port the peer cannot pin
    assert peers.listen_address(bank.workspace) is None and page.message.text()  # refused, said
    with socket.socket() as s:                               # a free fixed port for this test
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    page.save_listen_address(f"127.0.0.1:{port}")
    assert peers.listen_address(bank.workspace) == f"127.0.0.1:{port}"
    assert f"{port}" in page.message.text() and page.message.kind == "success"
    stop_peer_link(bank)
    settings = AppSettings.at(tmp_path / "settings.ini")
    settings._s.setValue(LISTEN_KEY, "127.0.0.1:0")     # this machine's setting: the workspace's wins
    link = start_peer_link(bank, settings)               # what the window does at the next sign-in
    assert link.running and link.address.endswith(f":{port}")
