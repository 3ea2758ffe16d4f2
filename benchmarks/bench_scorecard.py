"""SS-LR (federated scorecard): 100,000 rows x (10 + 10) WOE features, 10 epochs, in memory.

Prints the wall time and a lower bound from primitive costs measured in the same run: the
operations both parties' Paillier helpers counted (encryptions, decryptions, re-randomisations,
table exponentiations, ciphertext multiplications) times their measured seconds per operation,
plus triples x the measured seconds per triple. Quick mode: 5,000 rows, 2 epochs, 1024-bit keys.
"""

from __future__ import annotations

import time

import numpy as np

from app.crypto.mpc import TripleGen, run_pair
from app.executor import LocalExecutor
from app.protocols.scorecard import Bank, LRParams, Partner, run_in_memory
from app.protocols.scorecard.shares import triples_per_epoch


def _data(rows: int, rng):
    levels = np.array([-1.2, -0.6, -0.2, 0.1, 0.4, 0.9, 1.5])
    xa, xb = levels[rng.integers(0, 7, (rows, 10))], levels[rng.integers(0, 7, (rows, 10))]
    z = 0.5 * xa.sum(1) + 0.4 * xb.sum(1) - 1.0
    return (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(int), xa, xb


def run(quick: bool = False) -> list[dict]:
    rows, epochs = (5000, 2) if quick else (100_000, 10)
    params = LRParams(epochs=epochs, batch_size=8192, key_bits=1024 if quick else 2048)
    y, xa, xb = _data(rows, np.random.default_rng(0))
    with LocalExecutor() as ex:
        bank, partner = Bank(params, xa, y, ex), Partner(params, xb, ex)
        t0 = time.perf_counter()
        result = run_in_memory(bank, partner)
        wall = time.perf_counter() - t0
        n_triples = epochs * triples_per_epoch(params, rows)
        t0 = time.perf_counter()
        run_pair(TripleGen(0, 65536), TripleGen(1, 65536))
        per_triple = (time.perf_counter() - t0) / 65536
    bound = n_triples * per_triple
    for side in (bank.side, partner.side):
        for counted in (side.key, side.peer_key):
            for op, count in counted.ops.items():
                bound += counted.seconds[op]   # measured in-run seconds of each primitive batch
    return [
        {"figure": "wall time", "value": wall, "unit": "s", "note": f"{rows} rows, {epochs} epochs"},
        {"figure": "lower bound (primitives)", "value": bound, "unit": "s"},
        {"figure": "wall / bound", "value": wall / bound, "reference": 1.5, "ratio": wall / bound / 1.5},
        {"figure": "seconds per triple", "value": per_triple, "unit": "s"},
        {"figure": "final loss", "value": result.losses[-1]},
    ]
