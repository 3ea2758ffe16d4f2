"""Paillier primitives and the SecureBoost kernels, measured in one run (compare ratios, not times).

Per-op primitives run on one core; batch figures use the process pool. The lower bound follows
docs performance.md: one tree = N obfuscations + 3 * N * F ciphertext additions, over all cores.
The OU rows state the key owner's encryption of SecureBoost's packed (g, h, count) values: the
path that computes g^m mod n and h^r by CRT, the CRT path for both, and the bound those
multiplications cost at the modular-multiplication speed measured in the same run.
"""

from __future__ import annotations

import secrets
import statistics
import sys
import time

import gmpy2
import numpy as np
from gmpy2 import mpz

from app.crypto import histogram, obfuscation, ou, paillier
from app.executor import LocalExecutor
from app.crypto.packing import GHPacker
from app.protocols.secureboost.he import make_packer

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
        return _run(ex, quick) + _ou_rows(ex, quick)


def _best_per_item(fn, items: list, repeat: int = 3) -> float:
    """Fastest of ``repeat`` runs of fn(items), per item, in this process's CPU time: other
    processes on a shared machine take turns on the core without being counted (their cache
    traffic still is), and they only ever slow a run."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn(items)
        best = min(best, (time.process_time() - t0) / len(items))
    return best


def _ou_rows(ex, quick: bool) -> list[dict]:
    """OU encryption at the key owner, one core (CPU time): g^m and h^r alone, the path computing g^m mod n
    (old) and the CRT path (``ou.encrypt_owner``), each against its multiplication count."""
    bits, n_rows = 2048, 31_647  # bank-full's training rows: SecureBoost's packing for that job
    pub, priv = ou.generate_keypair(bits)
    n, p2, q = mpz(pub.n), mpz(priv.p) ** 2, mpz(priv.q)
    packer = make_packer(n_rows, 24)
    rng = np.random.default_rng(0)
    count = 1000 if quick else 4000
    plains = packer.pack(rng.uniform(-1, 1, count), rng.uniform(0, 0.25, count))
    state = ex.local
    h_s = obfuscation.base_for(state, pub.n, "ou")
    exp_bits = obfuscation.encryption_exponent_bits(bits)
    obf = obfuscation.get_obfuscator(state, pub.n, h_s, exp_bits, priv.p, priv.q, "ou")
    m_bits = ou._table_bits(plains)
    layout = ou.g_layout(plains)
    g_table = ou._g_table(state, pub.n, pub.g, m_bits)
    owner = ou._owner_tables(state, obf, pub.n, pub.g, layout)
    width = ou.ct_width(pub)
    # the earlier path: g^m from a table mod n times a CRT draw from h tables built one after the
    # other (not in lockstep), one multiplication mod n
    obf_old = obfuscation.Obfuscator(pub.n, h_s, exp_bits, priv.p, priv.q, "ou")
    window = obf_old.tp.window
    obf_old.tp = obfuscation.FixedBaseTable(h_s, obf_old.p2, exp_bits, window)
    obf_old.tq = obfuscation.FixedBaseTable(h_s, obf_old.q2, exp_bits, window)

    def old(items):
        b"".join((g_table.power_short(m) * obf_old.draw() % n).to_bytes(width, "big") for m in items)

    def new(items):
        ou.encrypt_owner(items, owner, obf, width)

    new(plains[:50]), old(plains[:50])
    t_gm = _best_per_item(lambda ms: [g_table.power_short(m) for m in ms], plains)
    t_hr = _best_per_item(lambda ms: [obf_old.draw() for _ in ms], plains)
    t_old, t_new = [], []
    for _ in range(3):  # interleaved: drift on a shared machine hits both paths alike
        t_old.append(_best_per_item(old, plains, 1))
        t_new.append(_best_per_item(new, plains, 1))
    t_old, t_new = min(t_old), min(t_new)
    obf.precompute(count, count)
    t_new_ahead = _best_per_item(new, plains, 1)  # every h^r drawn ahead (while waiting)

    def mulmod(modulus):
        operands = [mpz(secrets.randbelow(int(modulus))) for _ in range(64)] * 300

        def chain(xs):
            acc = xs[0]
            for x in xs:
                acc = acc * x % modulus
        return _best_per_item(chain, operands)

    t_n, t_p2, t_q = mulmod(n), mulmod(p2), mulmod(q)
    h_digits = obf.tp.n_rows
    g_digits_old = statistics.mean(sum(1 for i in range(0, m_bits, 12) if m >> i & 4095)
                                   for m in plains)
    g_digits_new = len(layout[1]) - 1  # the first digit's entry is looked up, not multiplied
    recombine = t_q + t_p2  # (xq - xp) * inv mod q, then one p^2-by-q product
    bound_old = g_digits_old * t_n + h_digits * (t_p2 + t_q) + recombine + t_n
    bound_new = (g_digits_new + h_digits) * (t_p2 + t_q) + recombine
    us = 1e6
    return [
        _row("OU mulmod n / p^2 / q (2048-bit n)", t_n * us, "us/op", None, None,
             f"p^2: {t_p2 * us:.2f} us, q: {t_q * us:.2f} us"),
        _row(f"OU g^m, packed (g,h,count) ~{max(plains).bit_length()} bits, table mod n", t_gm * us,
             "us/op", g_digits_old * t_n * us, t_gm / (g_digits_old * t_n),
             f"ratio = time / ({g_digits_old:.1f} mulmod n)"),
        _row(f"OU h^r by CRT (tables one after the other), |r|={exp_bits}", t_hr * us, "us/op",
             (h_digits * (t_p2 + t_q) + recombine) * us,
             t_hr / (h_digits * (t_p2 + t_q) + recombine), f"ratio = time / ({h_digits} CRT mulmods)"),
        _row("OU encrypt at the key owner, old path (g^m mod n)", t_old * us, "us/ct", bound_old * us,
             t_old / bound_old, "one core; ratio = time / multiplication bound"),
        _row("OU encrypt at the key owner, CRT path", t_new * us, "us/ct", bound_new * us,
             t_new / bound_new, f"one core; {g_digits_new}+{h_digits} CRT mulmods; "
             f"speed-up over old {t_old / t_new:.2f}x"),
        _row("  same with h^r drawn ahead (while waiting)", t_new_ahead * us, "us/ct",
             (g_digits_new * (t_p2 + t_q) + 2 * (t_p2 + t_q)) * us, None, "one core"),
    ]


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
