"""Oblivious transfer and Beaver triples (app/crypto/mpc): what the secret-shared scorecard pays.

Both parties run in this one process, through the in-memory pair driver, so every figure is the
*sum* of the two parties' work (over a link, each party does about half, in parallel). Figures:
128 Chou–Orlandi base OTs; IKNP correlated-OT throughput without the base OTs (the extension
kernels only, one core); Beaver triples per second (128 correlated OTs each, Gilboa) in-process
and with the chunk kernels on a LocalExecutor of 2 workers, with the bytes they put on the
wire; and, measured in
the same run, the AES bound: the raw fixed-key AES-ECB time for the blocks the OTs must encrypt
(9 per correlated OT: PRG 2 + 1, hash 2 × 2 on the sender, 1 × 2 on the receiver). Beside the
throughput: the published IKNP figure of libOTe's README, "Performance" table (2^24 semi-honest
1-out-of-2 IKNP OTs in 0.6 s with the AES hash, one thread per party, Xeon E5-2699 v3, 2016).
"""

from __future__ import annotations

import os
import time

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.crypto.mpc import TRIPLE_CHUNK, TripleGen, run_pair
from app.crypto.mpc.ot import (KAPPA, BaseReceiver, BaseSender, ExtReceiver, ExtSender,
                               cot_receive, cot_send, random_bits)
from app.executor import LocalExecutor

LIBOTE_IKNP_OTS_PER_S = 2**24 / 0.6   # libOTe README, Performance table (AES hash), 2016
AES_BLOCKS_PER_COT = 9
SCORECARD_TRIPLES = 2 * 100_000 * 10  # ~2 triples per row per epoch, 100k rows, 10 epochs


def base_ot_seconds() -> float:
    started = time.perf_counter()
    sender, receiver = BaseSender(KAPPA), BaseReceiver(random_bits(KAPPA))
    sender.keys(receiver.respond(sender.point))
    return time.perf_counter() - started


def cot_seconds(n: int) -> float:
    """n correlated OTs, base OTs done beforehand: extend, transpose, hash, correct, both sides."""
    choices = random_bits(n)
    delta = np.frombuffer(os.urandom(8 * n), dtype=np.uint64)
    base_sender, base_receiver = BaseSender(KAPPA), BaseReceiver(random_bits(KAPPA))
    k0, k1 = base_sender.keys(base_receiver.respond(base_sender.point))
    receiver, sender = ExtReceiver(k0, k1), ExtSender(base_receiver.choices, base_receiver.keys)
    started = time.perf_counter()
    u, t = receiver.extend(choices, 0)
    q = sender.extend(u, n, 0)
    x0, y = cot_send(q, sender.s, delta, 0, 0)
    got = cot_receive(t, choices, y, 0, 0)
    seconds = time.perf_counter() - started
    assert np.array_equal(got, x0 + choices.astype(np.uint64) * delta)
    return seconds


def aes_seconds(blocks: int) -> float:
    """Fixed-key AES-128-ECB over ``blocks`` blocks in 8 MiB buffers: the primitive's floor."""
    buffer = os.urandom(min(blocks, 1 << 19) * 16)
    aes = Cipher(algorithms.AES(os.urandom(16)), modes.ECB()).encryptor()
    started = time.perf_counter()
    done = 0
    while done < blocks:
        take = min(blocks - done, len(buffer) // 16)
        aes.update(buffer[:take * 16])
        done += take
    return time.perf_counter() - started


def triples(n: int, executor=None) -> tuple[float, int, float]:
    """(wall seconds, wire bytes, this process's CPU seconds) for n triples, both parties."""
    p0, p1 = TripleGen(0, n, executor=executor), TripleGen(1, n, executor=executor)
    started, cpu = time.perf_counter(), time.process_time()
    transcript = run_pair(p0, p1)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, transcript.bytes_0to1 + transcript.bytes_1to0, cpu


def run(quick: bool) -> list[dict]:
    n_ots = 1 << (16 if quick else 19)
    n_triples = 8192 if quick else 65536
    load = os.getloadavg()[0]
    base = min(base_ot_seconds() for _ in range(3))
    cot = min(cot_seconds(n_ots) for _ in range(2))
    aes = aes_seconds(AES_BLOCKS_PER_COT * n_ots)
    cot_rate = n_ots / cot
    t_seconds, t_bytes, t_cpu = min(triples(n_triples) for _ in range(2))
    t_rate = n_triples / t_seconds
    with LocalExecutor(2) as ex:
        triples(TRIPLE_CHUNK + 8, ex)                   # start the workers (not timed)
        ex_rate = n_triples / min(triples(n_triples, ex)[0] for _ in range(2))
    triple_bound = 128 * n_triples * aes / n_ots
    return [
        {"figure": f"{KAPPA} base OTs (Chou–Orlandi, Ristretto255), both parties", "value":
         base * 1e3, "unit": "ms", "reference": None, "ratio": None,
         "note": "once per triple generation; libsodium scalar multiplications"},
        {"figure": f"IKNP correlated OT, {n_ots} OTs, both parties on one core", "value": cot_rate,
         "unit": "OT/s", "reference": LIBOTE_IKNP_OTS_PER_S,
         "ratio": cot_rate / LIBOTE_IKNP_OTS_PER_S,
         "note": "base OTs excluded (done before the clock); reference: libOTe README Performance "
                 "table, 2^24 IKNP OTs in 0.6 s (AES hash, one thread per party, Xeon E5-2699 v3)"},
        {"figure": "AES bound for the same OTs (9 fixed-key blocks each)", "value": n_ots / aes,
         "unit": "OT/s", "reference": cot_rate, "ratio": cot_rate / (n_ots / aes),
         "note": f"raw AES-128-ECB, {AES_BLOCKS_PER_COT * n_ots} blocks, same run; ratio = "
                 "measured / bound"},
        {"figure": f"Beaver triples by Gilboa on IKNP, {n_triples} triples", "value": t_rate,
         "unit": "triples/s", "reference": n_triples / triple_bound,
         "ratio": t_rate / (n_triples / triple_bound),
         "note": "in-process, one core; 128 correlated OTs a triple, base OTs and messages "
                 "included; reference = the AES bound for them"},
        {"figure": "the same, per CPU-second of this process", "value": n_triples / t_cpu,
         "unit": "triples/s", "reference": t_rate, "ratio": t_rate * t_cpu / n_triples,
         "note": "steadier than wall time on a loaded machine; reference = the wall-time rate"},
        {"figure": f"Beaver triples, {n_triples}, chunk kernels on LocalExecutor(2)", "value":
         ex_rate, "unit": "triples/s", "reference": t_rate, "ratio": ex_rate / t_rate,
         "note": f"reference = in-process; 2 workers on {os.cpu_count()} cores shared with the "
                 f"driver (and here with other load)"},
        {"figure": "wire bytes per triple (both directions)", "value": t_bytes / n_triples,
         "unit": "B", "reference": None, "ratio": None,
         "note": "u matrices 2 x 64 x 16 B + corrections 2 x 344 B"},
        {"figure": "scorecard triples (2 per row per epoch, 100k rows, 10 epochs)", "value":
         SCORECARD_TRIPLES / t_rate, "unit": "s", "reference": None, "ratio": None,
         "note": f"at the measured rate; {SCORECARD_TRIPLES * t_bytes / n_triples / 2**30:.1f} GiB "
                 f"on the wire; machine load {load:.1f} (figures are noisy under load)"},
    ]
