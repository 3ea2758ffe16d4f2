"""Oblivious transfer and Beaver triples (app/crypto/mpc): what the secret-shared scorecard pays.

Both parties run in this one process on one core, through the in-memory pair driver, so every
figure is the *sum* of the two parties' work (over a link, each party does about half, in
parallel). Figures: 128 Chou–Orlandi base OTs; IKNP correlated-OT throughput; Beaver triples per
second (128 correlated OTs each, Gilboa) with the bytes they put on the wire; and, measured in
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

from app.crypto.mpc import TripleGen, run_pair
from app.crypto.mpc.ot import KAPPA, BaseReceiver, BaseSender, OTReceiver, OTSender, random_bits

LIBOTE_IKNP_OTS_PER_S = 2**24 / 0.6   # libOTe README, Performance table (AES hash), 2016
AES_BLOCKS_PER_COT = 9
SCORECARD_TRIPLES = 2 * 100_000 * 10  # ~2 triples per row per epoch, 100k rows, 10 epochs


def base_ot_seconds() -> float:
    started = time.perf_counter()
    sender, receiver = BaseSender(KAPPA), BaseReceiver(random_bits(KAPPA))
    sender.keys(receiver.respond(sender.point))
    return time.perf_counter() - started


def cot_seconds(n: int) -> float:
    choices = random_bits(n)
    delta = np.frombuffer(os.urandom(8 * n), dtype=np.uint64)
    sender, receiver = OTSender(n, delta=delta), OTReceiver(choices, correlated=True)
    started = time.perf_counter()
    run_pair(receiver, sender)
    return time.perf_counter() - started


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


def triples(n: int) -> tuple[float, int]:
    p0, p1 = TripleGen(0, n), TripleGen(1, n)
    started = time.perf_counter()
    transcript = run_pair(p0, p1)
    seconds = time.perf_counter() - started
    return seconds, transcript.bytes_0to1 + transcript.bytes_1to0


def run(quick: bool) -> list[dict]:
    n_ots = 1 << (16 if quick else 19)
    n_triples = 8192 if quick else 65536
    load = os.getloadavg()[0]
    base = min(base_ot_seconds() for _ in range(3))
    cot = min(cot_seconds(n_ots) for _ in range(2))
    aes = aes_seconds(AES_BLOCKS_PER_COT * n_ots)
    cot_rate = n_ots / cot
    t_seconds, t_bytes = triples(n_triples)
    t_rate = n_triples / t_seconds
    triple_bound = 128 * n_triples * aes / n_ots
    return [
        {"figure": f"{KAPPA} base OTs (Chou–Orlandi, Ristretto255), both parties", "value":
         base * 1e3, "unit": "ms", "reference": None, "ratio": None,
         "note": "once per triple generation; libsodium scalar multiplications"},
        {"figure": f"IKNP correlated OT, {n_ots} OTs, both parties on one core", "value": cot_rate,
         "unit": "OT/s", "reference": LIBOTE_IKNP_OTS_PER_S,
         "ratio": cot_rate / LIBOTE_IKNP_OTS_PER_S,
         "note": "includes the 128 base OTs; reference: libOTe README Performance table, "
                 "2^24 IKNP OTs in 0.6 s (AES hash, one thread per party, Xeon E5-2699 v3)"},
        {"figure": "AES bound for the same OTs (9 fixed-key blocks each)", "value": n_ots / aes,
         "unit": "OT/s", "reference": cot_rate, "ratio": cot_rate / (n_ots / aes),
         "note": f"raw AES-128-ECB, {AES_BLOCKS_PER_COT * n_ots} blocks, same run; ratio = "
                 "measured / bound"},
        {"figure": f"Beaver triples by Gilboa on IKNP, {n_triples} triples", "value": t_rate,
         "unit": "triples/s", "reference": n_triples / triple_bound,
         "ratio": t_rate / (n_triples / triple_bound),
         "note": "128 correlated OTs a triple; reference = the AES bound for them"},
        {"figure": "wire bytes per triple (both directions)", "value": t_bytes / n_triples,
         "unit": "B", "reference": None, "ratio": None,
         "note": "u matrices 2 x 64 x 16 B + corrections 2 x 344 B"},
        {"figure": "scorecard triples (2 per row per epoch, 100k rows, 10 epochs)", "value":
         SCORECARD_TRIPLES / t_rate, "unit": "s", "reference": None, "ratio": None,
         "note": f"at the measured rate; {SCORECARD_TRIPLES * t_bytes / n_triples / 2**30:.1f} GiB "
                 f"on the wire; machine load {load:.1f}"},
    ]
