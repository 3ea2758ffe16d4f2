"""The cluster executor on a real Dask LocalCluster started here: addresses it accepts, state kept
per worker and released on close, only marked tasks run, results identical to the local pool."""

from __future__ import annotations

import os

import numpy as np
import pytest
from distributed import Client, LocalCluster

from app.crypto import histogram, paillier, ristretto
from app.errors import LocalProtocolError, UserFacingError
from app.executor import LocalExecutor
from app.executor.dask import DaskExecutor, check_scheduler_address, cluster_security

# No dashboard, and the scheduler's own HTTP endpoint on a free port: two clusters at once (as in
# the TLS tests) would otherwise both ask for 8787 and Dask warns on every start.
NO_HTTP_PORT = {"dashboard": False, "dashboard_address": ":0"}


@pytest.fixture(scope="module")
def cluster():
    import dask
    from app.executor.dask import worker_settings
    with dask.config.set(worker_settings()), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=None, scheduler_kwargs=NO_HTTP_PORT) as c:
        yield c


@pytest.fixture(scope="module")
def ex(cluster):
    with DaskExecutor(cluster.scheduler_address) as executor:
        yield executor


@pytest.fixture(scope="module")
def keys():
    return paillier.generate_keypair(2048)


def test_only_tls_or_loopback_tcp_addresses_are_accepted():
    assert check_scheduler_address("tls://dask.bank.internal:8786") == "tls://dask.bank.internal:8786"
    assert check_scheduler_address(" tcp://127.0.0.1:8786 ") == "tcp://127.0.0.1:8786"
    with pytest.raises(UserFacingError, match="must be reached over TLS"):
        check_scheduler_address("tcp://10.1.2.3:8786")
    with pytest.raises(UserFacingError, match="must be reached over TLS"):
        check_scheduler_address("ws://127.0.0.1:8786")
    for bad in ("", "10.1.2.3:8786", "tls://host", "tls://host:99999"):
        with pytest.raises(UserFacingError, match="not a Dask scheduler address"):
            check_scheduler_address(bad)
    with pytest.raises(UserFacingError, match="over TLS"):
        DaskExecutor("tcp://192.168.1.9:8786")  # refused before any connection is tried


def test_a_tls_scheduler_needs_the_partys_certificates(monkeypatch):
    import dask
    with dask.config.set({"distributed.comm.tls.ca-file": None,
                          "distributed.comm.tls.client.cert": None}):
        with pytest.raises(UserFacingError, match="CA certificate, client certificate and key"):
            cluster_security("tls://dask.bank.internal:8786")
    assert cluster_security("tcp://127.0.0.1:8786") is None


def test_unmarked_tasks_are_refused_here_and_on_the_worker(ex, cluster):
    with pytest.raises(LocalProtocolError, match="not a worker task"):
        ex.submit(os.getpid)
    with pytest.raises(LocalProtocolError, match="not a worker task"):
        ex.run_each("os:system", [("true",)])
    from app.executor import dask as cluster_executor
    with Client(cluster.scheduler_address, set_as_default=False) as client:  # bypass the executor
        actor = cluster_executor._bound(client.submit(cluster_executor._Compute, "t", actor=True,
                                                      pure=False), client)
        with pytest.raises(LocalProtocolError, match="not a worker task"):
            actor.run("os:system", ("true",)).result()


def test_worker_state_is_per_worker_and_released_on_close(cluster, keys):
    pub, _ = keys
    cts = paillier.encrypt_batch(LocalExecutor(1), pub, list(range(8)))
    bins = np.zeros((8, 1), dtype=np.uint8)
    with DaskExecutor(cluster.scheduler_address) as ex:
        assert ex.describe() == {"kind": "dask", "workers": 2, "where": cluster.scheduler_address}
        load = (ex.token, pub.n, paillier.ct_width(pub), 0, 8, 0, paillier.cts_to_bytes(pub, cts),
                bins.tobytes(), 1)
        assert ex.run_each(histogram.task_load, [load]) == [8]           # worker 0 only
        ask = (ex.token, "level", 0, np.arange(8, dtype=np.int64).tobytes(),
               np.array([8]).tobytes(), 1)
        assert ex.run_each(histogram.task_level, [ask])[0] == 7          # 7 multiplications
        with pytest.raises(LocalProtocolError, match="shard for this tree is gone"):
            ex.run_each(histogram.task_level, [ask, ask])               # worker 1 has none
        assert sum(_held(cluster, ex.token)) > 0                         # the shard, the key
        token = ex.token
    assert sum(_held(cluster, token)) == 0


def _held(cluster, token: str) -> list[int]:
    """How many stores the executor ``token`` keeps on each worker (its actors' state)."""
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        found = client.run(lambda dask_worker: [a.held() for a in dask_worker.state.actors.values()
                                                if getattr(a, "token", None) == token])
    return [sum(v) for v in found.values()]


def test_kernels_give_the_same_results_as_the_local_pool(ex, keys):
    pub, priv = keys
    plains = [i * 7919 for i in range(300)]
    cts = paillier.encrypt_batch(ex, pub, plains, priv=priv)
    with LocalExecutor(2) as local:
        assert paillier.decrypt_batch(local, priv, cts) == plains
        again = paillier.rerandomise_batch(ex, pub, cts)
        assert again.items != cts.items
        assert paillier.decrypt_batch(ex, priv, again) == plains
        groups = [cts[i:i + 3] for i in range(0, 300, 3)]
        assert paillier.fold_batch(ex, pub, groups, 20).items == \
            paillier.fold_batch(local, pub, groups, 20).items
    scalar = ristretto.SecretScalar().raw()
    items = [str(i).encode() for i in range(50)]
    assert ex.submit(ristretto.hash_and_blind, b"t", scalar, items).result(timeout=60) == \
        ristretto.hash_and_blind(b"t", scalar, items)


def test_sharded_histograms_match_the_single_process_kernel(ex, keys):
    pub, _ = keys
    rng = np.random.default_rng(3)
    n = 64
    cts = paillier.encrypt_batch(ex, pub, rng.integers(0, 1000, n).tolist())
    bins = rng.integers(0, 4, (n, 3)).astype(np.uint8)
    rows = np.sort(rng.choice(n, 40, replace=False))
    with histogram.HistogramSession(ex, pub, cts, bins, parallel=True) as shared, \
            histogram.HistogramSession(ex, pub, cts, bins, parallel=False) as alone:
        assert shared.parts == 2
        assert [h.items for h in shared.histogram(rows, 4)] == \
            [h.items for h in alone.histogram(rows, 4)]


def test_dask_workers_take_each_others_shards_with_identical_sums(ex, keys, monkeypatch,
                                                                 slow_worker_zero):
    pub, _ = keys
    rng = np.random.default_rng(4)
    n = 96
    cts = paillier.encrypt_batch(ex, pub, rng.integers(0, 1000, n).tolist())
    bins = rng.integers(0, 4, (n, 3)).astype(np.uint8)
    nodes = [np.sort(rng.choice(n, 50, replace=False)), np.arange(1, n, 3)]
    monkeypatch.setattr(histogram, "MIN_SHARD_ROWS", 4)
    slow_worker_zero(ex, 0.5)
    with histogram.HistogramSession(ex, pub, cts, bins, parallel=True) as shared, \
            histogram.HistogramSession(ex, pub, cts, bins, parallel=False) as alone:
        assert shared.shards == 8
        assert [[h.items for h in node] for node in shared.histograms(nodes, 4)] == \
            [[h.items for h in node] for node in alone.histograms(nodes, 4)]
    assert shared.carried > 0


def test_the_executor_is_set_in_the_workspace_audited_and_printed(tmp_path, capsys, monkeypatch):
    import json
    from app.cli import main
    from app.store.workspace import Workspace
    from app.workflows import executors
    from app.workflows.workspace_admin import init_workspace
    admin = init_workspace(tmp_path / "ws", "Bank", "label", "admin", "admin-password-1")
    with pytest.raises(UserFacingError, match="over TLS"):
        executors.set_executor(admin, "dask", "tcp://10.0.0.7:8786")
    with pytest.raises(UserFacingError, match="no certificate file"):
        executors.set_executor(admin, "dask", "tls://dask.bank.internal:8786",
                               (str(tmp_path / "ca.pem"), "c.pem", "k.pem"))
    assert executors.executor_setting(admin.workspace).kind == "local"
    admin.workspace.close()
    monkeypatch.setenv("LIANMO_PASSWORD", "admin-password-1")
    ws = ["--workspace", str(tmp_path / "ws")]
    assert main(["workspace", "set-executor", *ws, "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:8786"]) == 0
    capsys.readouterr()
    assert main(["workspace", "info", *ws]) == 0
    assert json.loads(capsys.readouterr().out)["executor"] == {
        "kind": "dask", "scheduler": "tcp://127.0.0.1:8786", "tls": None}
    with Workspace.open(tmp_path / "ws") as opened:
        assert "workspace.executor_set" in [e["action"] for e in opened.audit.entries()]


def _rehearse(tmp_path, name: str, *executor: str) -> dict:
    import json
    from app.cli import main
    from fixture_data import fate_small_rehearsal
    out = tmp_path / f"{name}.json"
    assert main(fate_small_rehearsal("--report", str(out), *executor)) == 0
    return json.loads(out.read_text())


def test_a_dask_cluster_trains_the_identical_model(cluster, tmp_path):
    """Same data and seed on the local pool and on the cluster: the same trees, to the last digit."""
    local = _rehearse(tmp_path, "local")
    remote = _rehearse(tmp_path, "dask", "--executor", "dask",
                       "--scheduler", cluster.scheduler_address)
    same = ("model_digest", "trees_built", "auc_federated", "ks_federated", "test_rows")
    assert local["model_digest"] and len(local["model_digest"]) == 64
    assert {k: remote[k] for k in same} == {k: local[k] for k in same}
    assert local["executor"]["kind"] == "local"
    assert remote["executor"] == {"kind": "dask", "workers": 2, "where": cluster.scheduler_address}


def test_progress_and_cancellation_reach_the_dask_workers(ex, tmp_path, monkeypatch):
    """A file parsed on the cluster: the workers' progress arrives, and a cancellation ends the
    workers' block (the actor hears the stop while it computes) and is raised here."""
    from app.data import parallel, tabular
    from app.data.loader import load_dataset
    from app.errors import UserCancelled
    from test_data_parallel import HEADER, profile, rows, same_dataset
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "".join(rows(1500)), encoding="utf-8")
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 2048)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)

    class Watch:
        def __init__(self, cancel: bool) -> None:
            self.cancel, self.seen = cancel, []

        def progress(self, done, *_):
            self.seen.append(done)

        def check_cancelled(self):
            if self.cancel:
                raise UserCancelled()

    watched = Watch(cancel=False)
    same_dataset(load_dataset(str(path), profile(), watched, ex),
                 load_dataset(str(path), profile()))                    # one process, no pool
    assert watched.seen and max(watched.seen) <= 1500                    # the workers' reports
    with pytest.raises(UserCancelled):
        load_dataset(str(path), profile(), Watch(cancel=True), ex)
