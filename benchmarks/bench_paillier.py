"""Paillier primitives and the SecureBoost kernels, measured in one run (compare ratios, not times).

Per-op primitives run on one core; batch figures use the process pool. The lower bound follows
docs performance.md: one tree = N obfuscations + 3 * N * F ciphertext additions, over all cores.
"""

from __future__ import annotations

import secrets
import statistics
import sys
import time

import gmpy2
import numpy as np
from gmpy2 import mpz

from app.crypto import histogram, obfuscation, paillier
from app.executor import LocalExecutor
from app.crypto.packing import GHPacker

F, BINS = 8, 32


def _per_op(fn, count: int, repeat: int = 3) -> float:
    """Median seconds per call of fn() over `repeat` runs of `count` calls."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(count):
            fn()
        runs.append((time.perf_counter() - t0) / count)
    return statistics.median(runs)


def _timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def _row(figure, value, unit, reference=None, ratio=None, note=""):
    return {"figure": figure, "value": value, "unit": unit, "reference": reference,
            "ratio": ratio, "note": note}


def run(quick: bool) -> list[dict]:
    with LocalExecutor() as ex:
        return _run(ex, quick)


def _run(ex, quick: bool) -> list[dict]:
    pub, priv = paillier.generate_keypair(2048)
    n, nsq = mpz(pub.n), mpz(pub.nsquare)
    cores = ex.size
    rows: list[dict] = []

    # ---- primitives, one core
    t_phe = _per_op(lambda: pub.raw_encrypt(12345), 3 if quick else 8)
    r = mpz(secrets.randbelow(pub.n))
    t_rn = _per_op(lambda: gmpy2.powmod(r, n, nsq), 5 if quick else 20)
    h_s = obfuscation.base_for(ex.local, pub.n)
    exp_bits = obfuscation.encryption_exponent_bits(2048)
    rr_bits = obfuscation.rerandomisation_exponent_bits(2048)
    t_build, obf = _timed(lambda: obfuscation.Obfuscator(pub.n, h_s, exp_bits))
    t_obf = _per_op(obf.draw, 200 if quick else 1000)
    obf_crt = obfuscation.Obfuscator(pub.n, h_s, exp_bits, priv.p, priv.q)
    t_obf_crt = _per_op(obf_crt.draw, 200 if quick else 1000)
    a_rr = obfuscation.Obfuscator(pub.n, h_s, rr_bits)
    t_obf_rr = _per_op(a_rr.draw, 200 if quick else 1000)
    x = obf.draw()
    t_enc_known = _per_op(lambda: paillier.raw_encrypt(pub, 987654321, x), 2000)
    c1, c2 = obf.draw(), obf.draw()
    t_add = _per_op(lambda: c1 * c2 % nsq, 20000)
    cts_few = paillier.encrypt_batch(ex, pub, list(range(40)))
    t_dec = _per_op(lambda: paillier.task_decrypt(ex.local, paillier.cts_to_bytes(pub, cts_few[:1]),
                                                  int(priv.p), int(priv.q)),
                    20 if quick else 100)
    rows += [
        _row("phe encrypt (stock, gmpy2)", t_phe * 1e3, "ms/op"),
        _row("raw obfuscator r^n mod n^2", t_rn * 1e3, "ms/op"),
        _row(f"DJN obfuscator h_s^a, |a|={exp_bits}, table", t_obf * 1e3, "ms/op", t_rn * 1e3,
             t_rn / t_obf, "ratio = speed-up over r^n"),
        _row(f"  same via CRT (key owner), |a|={exp_bits}", t_obf_crt * 1e3, "ms/op", t_rn * 1e3,
             t_rn / t_obf_crt, "ratio = speed-up over r^n"),
        _row(f"  re-randomisation (hides from the key owner), |a|={rr_bits}", t_obf_rr * 1e3,
             "ms/op", t_rn * 1e3, t_rn / t_obf_rr, "ratio = speed-up over r^n"),
        _row("fixed-base table build (per process, per key)", t_build, "s"),
        _row("encryption once obfuscator known", t_enc_known * 1e6, "us/op"),
        _row("ciphertext add (mpz mulmod n^2)", t_add * 1e6, "us/op"),
        _row("decrypt, CRT", t_dec * 1e3, "ms/op"),
    ]

    # ---- batches on the executor's workers
    N = 10_000 if quick else 100_000
    rng = np.random.default_rng(0)
    packer = GHPacker(1_000_000, scale_bits=32, g_bound=1.0, h_bound=0.25)
    plains = packer.pack(rng.uniform(-1, 1, N), rng.uniform(0, 0.25, N))
    paillier.encrypt_batch(ex, pub, plains[:64], priv=priv)   # start workers, build their tables
    paillier.encrypt_batch(ex, pub, plains[:64])
    # re-measure the one-core primitives next to the batches: shared machines drift within a run
    t_obf_now = statistics.mean([t_obf_crt, _per_op(obf_crt.draw, 100)])
    t_enc_owner, cts = _timed(lambda: paillier.encrypt_batch(ex, pub, plains, priv=priv))
    t_enc_pub, _ = _timed(lambda: paillier.encrypt_batch(ex, pub, plains[: N // 5]))
    t_enc_pub *= 5
    bins = rng.integers(0, BINS, (N, F)).astype(np.uint8)
    t_ship, session = _timed(lambda: histogram.HistogramSession(ex, pub, cts, bins))
    all_rows = np.arange(N)
    t_hist, hist = _timed(lambda: session.histogram(all_rows, BINS))
    session.close()
    half = all_rows[rng.random(N) < 0.5]
    with histogram.HistogramSession(ex, pub, cts, bins) as s2:
        t_half, child = _timed(lambda: s2.histogram(half, BINS))
    t_sub, _ = _timed(lambda: histogram.subtract(pub, hist, child))
    t_add_now = statistics.mean([t_add, _per_op(lambda: c1 * c2 % nsq, 20000)])
    t_dec_batch, _ = _timed(lambda: paillier.decrypt_batch(ex, priv, paillier.concat(pub, [hist[0]] * 4)))
    t_dec_batch /= 4 * BINS

    # the lower bound implied by one-core primitives (performance.md), over all cores
    bound_enc = N * t_obf_now / cores        # key owner path: CRT obfuscator
    bound_enc_pub = N * t_obf / cores
    bound_hist = N * F * t_add_now / cores
    bound_tree = bound_enc + 3 * bound_hist
    tree = t_enc_owner + t_ship + 3 * t_hist
    rows += [
        _row(f"encrypt_batch N={N}, key owner (CRT), {cores} workers", N / t_enc_owner, "ct/s",
             N / bound_enc, t_enc_owner / bound_enc, "ratio = time / bound (N obf / cores)"),
        _row(f"encrypt_batch public key only, {cores} workers", N / t_enc_pub, "ct/s",
             N / bound_enc_pub, t_enc_pub / bound_enc_pub, "ratio = time / bound"),
        _row(f"ship cts+bins to workers, N={N}", t_ship, "s", note="once per tree"),
        _row(f"histogram root node N={N} x {F} x {BINS}", N * F / t_hist, "adds/s",
             N * F / bound_hist, t_hist / bound_hist, "ratio = time / (N*F adds / cores)"),
        _row(f"histogram half node, N/2 rows", t_half, "s", bound_hist / 2, t_half / (bound_hist / 2)),
        _row(f"sibling subtraction ({F}x{BINS} bins)", t_sub * 1e3, "ms"),
        _row("decrypt_batch per ct", t_dec_batch * 1e3, "ms/op"),
        _row(f"one tree N={N}, F={F} (enc + ship + 3 x root hist)", tree, "s", bound_tree,
             tree / bound_tree, "ratio = measured / primitive lower bound"),
    ]
    scale = 1_000_000 / N
    for feats in (F, 20):
        est = (t_enc_owner + t_ship) * scale + 3 * t_hist * scale * feats / F
        bound = (1_000_000 * t_obf_now + 3 * 1_000_000 * feats * t_add_now) / cores
        rows.append(_row(f"estimated seconds per tree at N=1M, F={feats}", est, "s", bound,
                         est / bound, "linear scaling of this run; default |a|, CRT encryption"))
    return rows


def _print(rows: list[dict]) -> None:
    for r in rows:
        ref = "" if r["reference"] is None else f"{r['reference']:.4g}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        print(f"{r['figure']:<58} {r['value']:>12.4g} {r['unit']:<7} ref {ref:>10} "
              f"ratio {ratio:>6}  {r['note']}")


if __name__ == "__main__":
    _print(run(quick="--full" not in sys.argv))
