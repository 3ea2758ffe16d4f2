"""Two real workspaces, Bank (label party) and Platform (feature party), paired over loopback TLS.

The link, job and page tests share this set-up; each test file keeps thin pytest fixtures over
these helpers (imported as ``from linked import ...``: pytest puts tests/ on the path).
Administrators are "admin", analysts "ana"; listeners bind 127.0.0.1 on a free port.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEvent

from app.data.generator import generate
from app.workflows import jobs, users
from app.workflows.importing import data_import
from app.workflows.job_types import standard
from app.workflows.peering import link
from app.workflows.peering import status as peer_status
from app.workflows.peering import peers
from app.workflows.session import login
from app.workflows.workspace_admin import init_workspace

PARTIES = (("bank", "Bank", "label"), ("platform", "Platform", "feature"))

JOB_TYPES = standard()


def make_admins(root, passphrase: str | None = None) -> list:
    """New Bank and Platform workspaces under ``root``, signed in as their administrators."""
    return [init_workspace(root / folder, party, role, "admin", "admin-password", passphrase)
            for folder, party, role in PARTIES]


def add_analyst(admin):
    """Adds the analyst "ana" to the administrator's workspace and signs her in."""
    users.add_user(admin, "ana", "analyst", "analyst-pass")
    return login(admin.workspace, "ana", "analyst-pass")


def workspaces(root, passphrase: str | None = None) -> tuple[list, list]:
    """Both administrators and both analysts: ([bank_admin, platform_admin], [bank, platform])."""
    admins = make_admins(root, passphrase)
    return admins, [add_analyst(admin) for admin in admins]


def import_demo(sessions, paths: dict, partner_profile: str = "partner_profile") -> None:
    """The generated demo data (``app.data.generator.generate``) into Bank and Platform."""
    bank, platform = sessions
    data_import.import_dataset(bank, paths["bank"], paths["bank_consent"], paths["bank_profile"])
    data_import.import_dataset(platform, paths["partner"], paths["partner_consent"],
                               paths[partner_profile])


def pin(admins, bank_address: str, platform_address: str) -> None:
    """Each administrator pins the other party's listener address and fingerprint."""
    fps = [peers.describe_identity(a.workspace)["fingerprint"] for a in admins]
    peers.add_peer(admins[0], "platform", platform_address, fps[1])
    peers.add_peer(admins[1], "bank", bank_address, fps[0])


def serve_and_pair(admins, analysts, decision_timeout: float = 10, job_types=JOB_TYPES) -> list:
    """A started PeerService per analyst, pinned both ways, each knowing the other's certificate."""
    services = [link.PeerService(s, decision_timeout=decision_timeout, job_types=job_types)
                for s in analysts]
    ports = [s.start() for s in services]
    pin(admins, f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}")
    # Pairing: each side fetches the other's certificate once (needs the peer's listener).
    services[0].learn_certificate("platform")
    services[1].learn_certificate("bank")
    return services


def close(services, sessions) -> None:
    """Stops the listeners, then closes the workspaces."""
    for service in services:
        service.stop()
    for session in sessions:
        session.workspace.close()


@contextmanager
def linked_services(root, job_types=JOB_TYPES):
    """Analysts' PeerServices paired over loopback: yields (admins, analysts, services)."""
    admins, analysts = workspaces(root)
    services = serve_and_pair(admins, analysts, job_types=job_types)
    try:
        yield admins, analysts, services
    finally:
        close(services, admins)


@contextmanager
def gui_and_partner(root):
    """Bank analyst with the window's link (``peer_status``), Platform analyst with its own
    PeerService, paired, each with the generated demo data (1,500 rows) imported.
    Yields (bank, platform, gui_link)."""
    paths = generate(rows=1500, seed=3, out=str(root / "data"))
    admins, (bank, platform) = workspaces(root)
    import_demo((bank, platform), paths)
    gui_link = peer_status.start_link(bank)
    partner = link.PeerService(platform, decision_timeout=30)
    partner.start()
    pin(admins, gui_link.address, f"127.0.0.1:{partner.port}")
    gui_link.service.learn_certificate("platform")
    partner.learn_certificate("bank")
    try:
        yield bank, platform, gui_link
    finally:
        peer_status.stop_link(bank)
        close([partner], admins)


def approve_when_it_arrives(session, job_type: str) -> threading.Thread:
    """The partner's users deciding in their own inbox."""
    def approve():
        for _ in range(1200):
            waiting = [j for j in jobs.list_jobs(session, ("proposed",)) if j.type == job_type]
            if waiting:
                jobs.decide(session, waiting[0].id, approve=True, job_types=JOB_TYPES)
                return
            time.sleep(0.05)
    thread = threading.Thread(target=approve, daemon=True)
    thread.start()
    return thread


@contextmanager
def shown_pages(qtbot, page_class, wait_seconds: float | None = None, size=None):
    """Yields ``make(session)``: a shown ``page_class(session)``, given a shorter wait for the
    peer's decision and a window size when asked; on exit, timers stopped, pages deleted."""
    made = []

    def make(session):
        page = page_class(session)
        if wait_seconds is not None:
            page.wait_seconds = wait_seconds
        qtbot.addWidget(page)
        if size is not None:
            page.resize(*size)
        page.show()
        made.append(page)
        return page
    try:
        yield make
    finally:
        for page in made:
            page.timer.stop()
            page.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
