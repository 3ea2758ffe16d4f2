"""SecureBoost between two processes over loopback TLS, each pinned to its own core: two machines.

Why: in a real deployment each party has its own CPUs and waits while the other computes. The
label party uses that wait to draw the next tree's Paillier obfuscators (they do not depend on the
data; app.workflows.training._reply_while_precomputing). This benchmark runs the same training
twice — with the link runner's drive loop (precomputing) and with a plain loop (not) — each party
in its own process with one crypto worker on its own core, and prints both wall times.

Data: UCI bank-full, bank 8 features + partner 8, 2048-bit, depth 5, 32 bins, a fixed number of
trees (no early stopping, first tree with the partner) so both runs do identical work.
"""

from __future__ import annotations

import multiprocessing
import os
import time

TREES_QUICK, TREES_FULL = 3, 8


def _params(n_trees: int):
    from app.protocols.secureboost.params import TrainParams
    return TrainParams(n_trees=n_trees, max_depth=5, learning_rate=0.3, n_bins=32, min_leaf_size=1,
                       valid_fraction=0.2, early_stopping_rounds=0, first_tree_label_only=False,
                       key_bits=2048)


def _party(role: str, core: int, n_trees: int, precompute: bool, pems, peer_cert, ports, out) -> None:
    """One party: pinned to ``core`` with one crypto worker (set before the pool starts)."""
    os.environ["LIANMO_CRYPTO_WORKERS"] = "1"
    os.sched_setaffinity(0, {core})
    import threading

    from app.crypto import pool
    from app.net.identity import Identity, certificate_fingerprint
    from app.net.session import connect, serve
    from app.protocols.secureboost import messages as sbm
    from app.protocols.secureboost.binning import fit_binning
    from app.protocols.secureboost.feature_party import FeatureParty
    from app.protocols.secureboost.label_party import LabelParty
    from app.workflows import training
    from app.workflows.training_link import recv_sb, send_sb
    from benchmarks.bench_secureboost import CATEGORICAL, _load

    y, own, partner = _load()
    params = _params(n_trees)
    pool.get_pool().run_each("app.crypto.obfuscation:task_clear_tables", [()])  # worker started
    identity = Identity(*pems)

    def plain_drive(label, channel):
        gen = label.protocol()
        try:
            request = next(gen)
            while True:
                send_sb(channel, request)
                request = gen.send(recv_sb(channel))
        except StopIteration as done:
            return done.value

    def run(channel) -> None:
        try:
            t0 = time.perf_counter()
            if role == "label":
                binning = fit_binning(own, categorical=CATEGORICAL, n_bins=params.n_bins)
                label = LabelParty(params, y, binning.transform(own), binning)
                model = (training._drive if precompute else plain_drive)(label, channel)
                result = {"trees": len(model.trees),
                          "kernel": {k: round(v, 2) for k, v in label.crypto.seconds.items()}}
            else:
                binning = fit_binning(partner, categorical=CATEGORICAL, n_bins=params.n_bins)
                party = FeatureParty(params, binning.transform(partner), binning)
                while True:
                    data = recv_sb(channel)
                    send_sb(channel, party.handle(data))
                    if sbm.decode(data, training._FEATURE_IN).type == "finish":
                        break
                result = {}
            out.put({"role": role, "wall": time.perf_counter() - t0, "cpu": time.process_time(),
                     **result})
        except BaseException as exc:  # reported to the parent
            out.put({"role": role, "error": f"{type(exc).__name__}: {exc}"})

    if role == "feature":
        done = threading.Event()
        listener = serve("127.0.0.1", 0, identity, [peer_cert], lambda ch: (run(ch), done.set()),
                         party_name="feature")
        ports.put(listener.port)
        done.wait()
        listener.stop()
    else:
        port = ports.get(timeout=120)
        with connect("127.0.0.1", port, identity, certificate_fingerprint(peer_cert),
                     party_name="label", timeout=30) as channel:
            run(channel)
    pool.shutdown_pool()


def two_machines(n_trees: int, precompute: bool) -> dict[str, dict]:
    from app.net.identity import generate_identity
    ids = {role: generate_identity(role) for role in ("label", "feature")}
    ctx = multiprocessing.get_context("spawn")
    ports, out = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_party, args=(role, core, n_trees, precompute,
                                              (ids[role].cert_pem, ids[role].key_pem),
                                              ids[other].cert_pem, ports, out))
             for role, other, core in (("feature", "label", 1), ("label", "feature", 0))]
    for proc in procs:
        proc.start()
    reports = {}
    try:
        for _ in procs:
            report = out.get(timeout=3600)
            reports[report["role"]] = report
    finally:
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.terminate()
    errors = [r["error"] for r in reports.values() if "error" in r]
    if errors:
        raise RuntimeError("The two-process training failed: " + "; ".join(errors))
    return reports


def run(quick: bool) -> list[dict]:
    if len(os.sched_getaffinity(0)) < 2:
        return [{"figure": "secureboost two machines", "value": None, "unit": "s", "reference": None,
                 "ratio": None, "note": "needs two cores (one per party)"}]
    n_trees = TREES_QUICK if quick else TREES_FULL
    plain = two_machines(n_trees, precompute=False)
    ahead = two_machines(n_trees, precompute=True)
    w0, w1 = plain["label"]["wall"], ahead["label"]["wall"]
    return [
        {"figure": f"secureboost bank-full, two 1-core parties over TLS, {n_trees} trees, "
                   "no precompute", "value": round(w0, 2), "unit": "s", "reference": None,
         "ratio": None, "note": f"{w0 / n_trees:.2f} s per tree"},
        {"figure": "  same, label party precomputes obfuscators while waiting", "value": round(w1, 2),
         "unit": "s", "reference": round(w0, 2), "ratio": round(w1 / w0, 3),
         "note": f"{w1 / n_trees:.2f} s per tree; ratio = with / without precompute; label kernel "
                 f"{ahead['label']['kernel']}"},
    ]


if __name__ == "__main__":
    import sys
    for row in run(quick="--full" not in sys.argv):
        print(row)
