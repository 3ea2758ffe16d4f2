"""The crypto executor: allow-listed tasks, worker errors, worker state, and workers that die
with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app import executor as E
from app.crypto import obfuscation, paillier, ristretto
from app.errors import LocalProtocolError

ROOT = Path(__file__).resolve().parents[1]


def test_only_marked_tasks_in_lianmo_modules_run():
    for name in ("os:system", "app.crypto.paillier:validate_public_key", "app.crypto.paillier:",
                 "app.store.db:anything", "app.crypto.paillier:task_decrypt.__globals__"):
        with pytest.raises(LocalProtocolError, match="not a worker task"):
            E.resolve_task(name)
    assert E.resolve_task("app.crypto.ristretto:reblind") == (ristretto.reblind, False)
    assert E.resolve_task("app.crypto.paillier:task_decrypt") == (paillier.task_decrypt, True)


def test_worker_errors_are_reported_and_the_workers_keep_serving(executor):
    scalar = ristretto.SecretScalar().raw()
    with pytest.raises(LocalProtocolError, match="worker process failed"):
        executor.run_each(paillier.task_fold, [((b"", [0]), 77, 1)] * executor.size)
    with pytest.raises(LocalProtocolError, match="worker process failed"):
        executor.submit(paillier.task_fold, (b"", [0]), 77, 1).result(timeout=60)
    with pytest.raises(LocalProtocolError, match="not a worker task"):
        executor.submit(os.getpid)
    points = ristretto.hash_and_blind(b"t", scalar, [b"1", b"2"])
    assert executor.submit(ristretto.reblind, scalar, points).result(timeout=60) == \
        ristretto.reblind(scalar, points)


def test_worker_state_belongs_to_its_executor():
    with E.LocalExecutor(1) as one, E.LocalExecutor(1) as other:
        assert obfuscation.base_for(one.local, 35) == obfuscation.base_for(one.local, 35)
        obfuscation.base_for(other.local, 35)
        assert one.local.store("obfuscation bases") is not other.local.store("obfuscation bases")
        one.broadcast(obfuscation.task_clear_tables)
        assert one.local.store("obfuscation bases") == {}
        assert list(other.local.store("obfuscation bases")) == [35]


PARENT = """
import sys, threading, time
from app.executor import LocalExecutor
from app.crypto import paillier
ex = LocalExecutor(2)
pids = ex.pids()
if sys.argv[1] == "busy":   # both workers inside a long task when the parent dies
    n = (1 << 1023) + 1155
    work = ((paillier.cts_to_bytes(paillier.PublicKey(n), paillier.CipherArray(n, [2, 3])), [2]),
            n, 1 << 24)
    threading.Thread(target=ex.run_each, args=(paillier.task_fold, [work, work]),
                     daemon=True).start()
    time.sleep(1)
print(" ".join(map(str, pids)), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("state", ["idle", "busy"])
def test_workers_die_with_a_killed_parent_quietly(state):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(PARENT), state], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [p for p in pids if _alive(p)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "a worker outlived its parent"
    assert "Traceback" not in parent.stderr.read()  # workers share the parent's stderr
