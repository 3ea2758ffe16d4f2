"""The other party's desktop app in its own process, for tests/test_gui_two_parties.py.

Opens a real MainWindow (offscreen) on a passphrase workspace and does what its users would do
there, one command per stdin line, answering each with one JSON line on stdout prefixed "@@ ":

    signin USER PASSWORD          open the workspace and sign in; answers where it listens
    fingerprint                   the fingerprint the Peers page shows
    pin NAME ADDRESS FINGERPRINT  Peers page: Add peer…, then wait for the certificate fetch
    approve JOB_TYPE              Jobs page: wait for that proposal, select it, Approve
    signout | quit

Holds no tests; the workspace, its users and its listen address are prepared by the test.
Usage: python tests/gui_party.py WORKSPACE PASSPHRASE_ENV SETTINGS_INI
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.ui.main import create_main_window  # noqa: E402
from app.ui.settings import AppSettings  # noqa: E402
from app.workflows.peering import status as peer_status  # noqa: E402

TIMEOUT = 120  # seconds a command may wait for the other party (the machine is shared)


def pump(condition, timeout: float = TIMEOUT):
    """Keep the window's event loop turning until ``condition()`` is true (or fail)."""
    deadline = time.monotonic() + timeout
    while True:
        QCoreApplication.processEvents()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("gave up waiting")
        time.sleep(0.02)


class Party:
    def __init__(self, workspace: str, passphrase: str, settings: str):
        self.app = QApplication.instance() or QApplication(["gui_party"])
        self.workspace, self.passphrase = workspace, passphrase
        self.window = create_main_window(self.app, AppSettings.at(settings))
        self.window.resize(1280, 800)
        self.window.show()

    def signin(self, user: str, password: str) -> dict:
        startup = self.window.startup
        if self.window.state.workspace is None:
            startup.page.path.setText(self.workspace)
            startup.next_button.click()            # not in the keyring: it asks for the passphrase
            startup.page.passphrase.setText(self.passphrase)
            startup.next_button.click()
        startup.page.user.setText(user)
        startup.page.password.setText(password)
        startup.next_button.click()
        if self.window.shell is None:
            return {"ok": False, "said": startup.page.message.text()}
        session = self.window.shell.session
        link = peer_status.link_for(session)
        return {"ok": True, "address": link.address, "error": str(link.error or ""),
                "keys": self.window.shell.enabled_keys()}

    def fingerprint(self) -> dict:
        page = self.window.shell.select("peers")
        return {"ok": True, "fingerprint": page.me["fingerprint"], "code": page.me["short_code"]}

    def pin(self, name: str, address: str, fingerprint: str) -> dict:
        page = self.window.shell.select("peers")
        page.add_button.click()
        dialog = page.dialog
        dialog.name.setText(name)
        dialog.address.setText(address)
        dialog.fingerprint.setText(fingerprint)
        dialog.submit()
        pump(lambda: not page.busy() and page.message.text()
             and "Fetching" not in page.message.text())
        return {"ok": page.message.kind == "success", "said": page.message.text(),
                "fingerprint": page.me["fingerprint"]}

    def approve(self, job_type: str) -> dict:
        page = self.window.shell.select("jobs")

        def waiting():
            page.refresh()
            return next((j for j in page.jobs["pending"] if j.type == job_type
                         and j.proposer == "remote" and j.local_decision is None), None)
        job = pump(waiting)
        row = page.jobs["pending"].index(job)
        page.pending.selectRow(row)
        assert page.selected_job().id == job.id
        page.approve_button.click()
        return {"ok": page.message.kind == "success", "said": page.message.text(),
                "job": job.id}

    def signout(self) -> dict:
        self.window.sign_out()
        return {"ok": self.window.shell is None}


def main() -> int:
    workspace, passphrase_env, settings = sys.argv[1:4]
    party = Party(workspace, os.environ[passphrase_env], settings)
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in sys.stdin:
            lines.put(line)
        lines.put("")
    threading.Thread(target=read, daemon=True).start()
    print("@@ " + json.dumps({"ok": True, "ready": True}), flush=True)
    while True:
        line = pump(lambda: _next(lines), timeout=3600).strip()
        if not line or line == "quit":
            break
        command, *args = line.split()
        try:
            answer = getattr(party, command)(*args)
        except Exception as exc:  # the test reads the failure; the app keeps running
            answer = {"ok": False, "said": f"{type(exc).__name__}: {exc}",
                      "trace": traceback.format_exc()}
        print("@@ " + json.dumps(answer), flush=True)
    party.window.close()
    return 0


def _next(lines: queue.Queue) -> str | None:
    try:
        line = lines.get_nowait()
    except queue.Empty:
        return None
    return line or "quit"


if __name__ == "__main__":
    sys.exit(main())
