"""Test-wide set-up: offscreen Qt and an in-memory OS keyring (no desktop keyring in CI)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Error messages follow the locale; tests read them in English whatever the machine's language.
if any(os.environ.get(n, "").lower().startswith("zh") for n in ("LC_ALL", "LC_MESSAGES", "LANG")):
    os.environ["LC_ALL"] = "C.UTF-8"

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from app.crypto import passwords  # noqa: E402

# Tests create many users; the production cost (2**15) is kept by the unit test of passwords.py.
passwords.DEFAULT_PARAMS = {"n": 2 ** 10, "r": 8, "p": 1, "dklen": 32}


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process only."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def admin_session(tmp_path):
    """A fresh label-party workspace with administrator 'admin' (password 'correct horse')."""
    from app.workflows.workspace_admin import init_workspace
    session = init_workspace(tmp_path / "ws", "Demo Bank", "label", "admin", "correct horse")
    yield session
    session.workspace.close()


@pytest.fixture
def ana_and_bob(admin_session):
    """``admin_session``'s workspace with analyst 'ana' (password 'analyst-pass') and branch
    manager 'bob' of BR000 (password 'branch-pass'); ana's session."""
    from app.workflows import users
    from app.workflows.session import login
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR000")
    return login(admin_session.workspace, "ana", "analyst-pass")


@pytest.fixture(scope="session")
def executor():
    """One crypto executor for the test session (workers start on first use)."""
    from app.executor import LocalExecutor
    with LocalExecutor() as ex:
        yield ex


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A test that opens a main window switches the application to Chinese (the default); later
    tests that build a page on its own expect English source text, so each test ends in English."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is not None:
        from app.ui.i18n import Translations
        Translations(app).apply("en")


@pytest.fixture
def slow_worker_zero(monkeypatch):
    """``slow(ex, seconds)``: every part sent to ex's worker 0 reports back ``seconds`` late, as
    if a foreign process held its core (so the other workers take its queued shards)."""
    import threading
    from concurrent.futures import Future

    def late(future, seconds):
        out = Future()

        def settle(done):
            error = done.exception()
            threading.Timer(seconds, lambda: out.set_exception(error) if error is not None
                            else out.set_result(done.result())).start()
        future.add_done_callback(settle)
        return out

    def slow(ex, seconds: float = 0.3) -> None:
        real = ex.submit_to
        monkeypatch.setattr(ex, "submit_to", lambda worker, task, *args: late(
            real(worker, task, *args), seconds) if worker == 0 else real(worker, task, *args))
    return slow
