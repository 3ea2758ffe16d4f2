"""SecureBoost between two processes over loopback TLS, each pinned to its own core: two machines.

Why: in a real deployment each party has its own CPUs and waits while the other computes. The
label party uses that wait to draw the next tree's Paillier obfuscators (they do not depend on the
data; app.workflows.training.train._reply_while_precomputing). This benchmark runs the same training
twice — with the link runner's drive loop (precomputing) and with a plain loop (not) — each party
in its own process with one crypto worker on its own core, and prints both wall times.

Data: UCI bank-full, bank 8 features + partner 8, 2048-bit, depth 5, 32 bins, a fixed number of
trees (no early stopping, first tree with the partner) so both runs do identical work.
"""

from __future__ import annotations

import os
import time

from benchmarks.two_parties import on_link, run_parties

TREES_QUICK, TREES_FULL = 3, 8


def _params(n_trees: int):
    from app.protocols.secureboost.params import TrainParams
    return TrainParams(n_trees=n_trees, max_depth=5, learning_rate=0.3, n_bins=32, min_leaf_size=1,
                       valid_fraction=0.2, early_stopping_rounds=0, first_tree_label_only=False,
                       key_bits=2048)


def _party(role: str, core: int, n_trees: int, precompute: bool, link: tuple, out) -> None:
    """One party: pinned to ``core`` with one crypto worker."""
    os.environ["LIANMO_CRYPTO_WORKERS"] = "1"
    os.sched_setaffinity(0, {core})
    from app.executor import LocalExecutor
    from app.protocols.secureboost.binning import fit_binning
    from app.protocols.secureboost.feature_party import FeatureParty
    from app.protocols.secureboost.label_party import LabelParty
    from app.workflows.training.link import recv_sb
    from benchmarks.bench_secureboost import CATEGORICAL, _load

    y, own, partner = _load()
    params = _params(n_trees)

    def train(channel) -> dict:
        t0 = time.perf_counter()
        if role == "label":
            binning = fit_binning(own, categorical=CATEGORICAL, n_bins=params.n_bins)
            label = LabelParty(params, y, binning.transform(own), binning, executor=ex)
            plain = None if precompute else (lambda _label, ch: recv_sb(ch))
            model = train_over_link(label, channel, reply=plain)
            return {"wall": time.perf_counter() - t0, "trees": len(model.trees),
                    "kernel": {k: round(v, 2) for k, v in label.crypto.seconds.items()}}
        binning = fit_binning(partner, categorical=CATEGORICAL, n_bins=params.n_bins)
        train_over_link(FeatureParty(params, binning.transform(partner), binning, executor=ex),
                        channel)
        return {"wall": time.perf_counter() - t0}

    with LocalExecutor(1) as ex:
        on_link(role, link, train, out)


def train_over_link(party, channel, reply=None):
    """Inside a party process: the label party drives the training over ``channel`` (its model is
    returned); the feature party answers until the label party finishes (None)."""
    from app.protocols.secureboost import messages as sbm
    from app.protocols.secureboost.label_party import LabelParty
    from app.workflows.training import train as training
    from app.workflows.training.link import recv_sb, send_sb
    if isinstance(party, LabelParty):
        return training._drive(party, channel, reply=reply)
    while True:
        msg = sbm.decode(recv_sb(channel), party.ACCEPTS)  # decoded once, as the workflow does
        send_sb(channel, party.handle_message(msg))
        if msg.type == "finish":
            return None


def two_machines(n_trees: int, precompute: bool) -> dict[str, dict]:
    return run_parties(_party, {"label": (0, n_trees, precompute), "feature": (1, n_trees, precompute)})


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
