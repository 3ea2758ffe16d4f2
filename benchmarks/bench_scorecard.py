"""SS-LR (federated scorecard): 100,000 rows x (10 + 10) WOE features, 10 epochs, in memory.

Prints the wall time beside a lower bound built from counts x unit costs: the run counts what
both parties' Paillier helpers did (encryptions, decryptions, re-randomisations, multiplications
mod n^2, exponentiations by bin values, folds) and the triples it used; separate
micro-measurements in the same process, right before and right after the run (the lower of the
two: on a shared machine a foreign load inflates either), price one of each (encryption,
decryption and re-randomisation through the executor's workers, as the run does them; a
multiplication and the short exponentiations on one core, divided by the workers where the run
does them on workers; a triple from the OT path, ``TripleGen`` pairs in-process as the run makes
them). The bound leaves out everything that is not a primitive (messages, numpy
ring arithmetic, Python bookkeeping), so wall / bound says how close the protocol runs to its
primitives (target <= 1.5). The triple
rate is also shown as correlated-OT throughput (128 per triple); benchmarks/bench_ot.py sets
the IKNP throughput beside libOTe's published figure. Both parties run in one process, so every
count is the sum of the two parties' work. Quick mode: 5,000 rows, 2 epochs, 1024-bit keys.
A reduced run at the full key size, for finding where the time goes in minutes rather than half an
hour: ``python -m benchmarks.bench_scorecard --rows 20000 --epochs 2 [--profile FILE]``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import secrets
import time

import gmpy2
import numpy as np
from gmpy2 import mpz

from app.crypto import paillier
from app.crypto.mpc import TripleGen, run_pair
from app.executor import LocalExecutor
from app.protocols.scorecard import Bank, LRParams, Partner, run_in_memory
from app.protocols.scorecard.cross import X_BITS, gradient_slot_bits
from app.protocols.scorecard.shares import triples_per_epoch

OTS_PER_TRIPLE = 128      # Gilboa: 2 cross products x 64 correlated OTs (app/crypto/mpc/triples.py)
ON_WORKERS = {"combine", "histogram", "table", "power"}   # done on the executor's workers


def _data(rows: int, rng):
    levels = np.array([-1.2, -0.6, -0.2, 0.1, 0.4, 0.9, 1.5])
    xa, xb = levels[rng.integers(0, 7, (rows, 10))], levels[rng.integers(0, 7, (rows, 10))]
    z = 0.5 * xa.sum(1) + 0.4 * xb.sum(1) - 1.0
    return (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(int), xa, xb


def _per_item(fn, count: int) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) / count


def unit_costs(ex, key_bits: int, n_rows: int) -> dict[str, float]:
    """Seconds per primitive, measured now on a fresh key of the run's size."""
    pub, priv = paillier.generate_keypair(key_bits)
    n, nsq, count = pub.n, mpz(pub.n) ** 2, 2000 if key_bits <= 1024 else 1000
    plains = [secrets.randbelow(n) for _ in range(count)]
    paillier.encrypt_batch(ex, pub, plains[:64], priv=priv)            # per-key tables, as in a run
    cost = {"encrypt": _per_item(lambda: paillier.encrypt_batch(ex, pub, plains, priv=priv), count)}
    cts = paillier.encrypt_batch(ex, pub, plains, priv=priv)
    cost["decrypt"] = _per_item(lambda: paillier.decrypt_batch(ex, priv, cts), count)
    paillier.rerandomise_batch(ex, pub, paillier.CipherArray(n, cts.items[:64]))
    cost["rerandomise"] = _per_item(lambda: paillier.rerandomise_batch(ex, pub, cts), count)
    items = cts.items

    def mults():
        acc = items[0]
        for ct in items:
            acc = acc * ct % nsq
    cost["multiply"] = _per_item(mults, count)
    for name, bits in (("pow_bin", X_BITS), ("pow_ring", 64), ("pow_fold", gradient_slot_bits(n_rows))):
        e = [mpz(secrets.randbits(bits) | (1 << (bits - 1))) for _ in range(200)]
        cost[name] = _per_item(lambda: [gmpy2.powmod(c, x, nsq) for c, x in zip(items, e)], 200)
    n_triples = 65536
    t0 = time.perf_counter()
    run_pair(TripleGen(0, n_triples), TripleGen(1, n_triples))
    cost["triple"] = (time.perf_counter() - t0) / n_triples
    return cost


def bound_terms(counts: dict[str, int], cost: dict[str, float], workers: int) -> dict[str, float]:
    """Seconds per primitive family: count x unit cost (work on workers shared between them)."""
    price = {"encrypt": cost["encrypt"], "decrypt": cost["decrypt"],
             "rerandomise": cost["rerandomise"], "mask": cost["multiply"],
             "combine": cost["multiply"], "histogram": cost["multiply"],
             "table": cost["pow_bin"], "power": cost["pow_ring"], "constant": cost["pow_ring"],
             "fold": cost["pow_fold"], "triples": cost["triple"]}
    return {op: counts[op] * price[op] / (workers if op in ON_WORKERS else 1) for op in counts}


def run(quick: bool = False, rows: int | None = None, epochs: int | None = None,
        profile: str | None = None) -> list[dict]:
    default_rows, default_epochs = (5000, 2) if quick else (100_000, 10)
    rows, epochs = rows or default_rows, epochs or default_epochs
    params = LRParams(epochs=epochs, batch_size=8192, key_bits=1024 if quick else 2048)
    y, xa, xb = _data(rows, np.random.default_rng(0))
    load = os.getloadavg()[0]
    with LocalExecutor() as ex:
        bank, partner = Bank(params, xa, y, ex), Partner(params, xb, ex)
        before = unit_costs(ex, params.key_bits, params.batch_size)
        profiler = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        result = run_in_memory(bank, partner)
        wall = time.perf_counter() - t0
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        after = unit_costs(ex, params.key_bits, params.batch_size)
        cost = {op: min(before[op], after[op]) for op in before}
        workers = ex.size
    counts = {"triples": epochs * triples_per_epoch(params, rows)}
    in_run: dict[str, float] = {}      # the run's own seconds per family, for finding the gap
    for side in (bank.side, partner.side):
        for counted in (side.key, side.peer_key):
            for op, count in counted.ops.items():
                counts[op] = counts.get(op, 0) + count
            for op, seconds in counted.seconds.items():
                in_run[op] = in_run.get(op, 0.0) + seconds
    terms = bound_terms(counts, cost, workers)
    bound = sum(terms.values())
    per_triple = cost["triple"]
    out = [{"figure": "wall time", "value": wall, "unit": "s",
            "note": f"{rows} rows, 10 + 10 features, {epochs} epochs, {params.key_bits}-bit keys, "
                    f"{workers} workers; shared machine, load {load:.1f} at start"}]
    for op in sorted(terms, key=terms.get, reverse=True):
        unit = {"combine": "multiply", "histogram": "multiply", "mask": "multiply",
                "table": "pow_bin", "power": "pow_ring", "constant": "pow_ring",
                "fold": "pow_fold", "triples": "triple"}.get(op, op)
        out.append({"figure": f"bound: {op}", "value": terms[op], "unit": "s",
                    "note": f"{counts[op]} x {cost[unit] * 1e6:.2f} us ({unit})"
                            + (f" / {workers} workers" if op in ON_WORKERS else "")
                            + (f"; {in_run[op]:.3g} s in the run" if op in in_run else "")})
    out += [
        {"figure": "lower bound (counts x unit costs)", "value": bound, "unit": "s"},
        {"figure": "wall / bound", "value": wall / bound, "reference": 1.5,
         "ratio": wall / bound / 1.5, "note": "target <= 1.5"},
        {"figure": "Beaver triples by IKNP OT (both parties, one process)", "value": 1 / per_triple,
         "unit": "triples/s", "note": f"{counts['triples']} triples in the run"},
        {"figure": "correlated OTs inside them", "value": OTS_PER_TRIPLE / per_triple, "unit": "OT/s",
         "note": "128 per triple; beside libOTe's IKNP figure: python -m benchmarks ot"},
        {"figure": "final training loss", "value": result.losses[-1]},
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scorecard")
    parser.add_argument("--quick", action="store_true", help="1024-bit keys, 5,000 rows, 2 epochs")
    parser.add_argument("--rows", type=int, help="rows (default 100,000)")
    parser.add_argument("--epochs", type=int, help="epochs (default 10)")
    parser.add_argument("--profile", help="write the run's cProfile statistics (this process) here")
    args = parser.parse_args()
    for row in run(args.quick, args.rows, args.epochs, args.profile):
        print("  ".join(f"{row[k]:.4g}" if isinstance(row.get(k), float) else str(row.get(k, ""))
                        for k in ("figure", "value", "unit", "note")))


if __name__ == "__main__":
    main()
