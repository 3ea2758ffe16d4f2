"""Packed row ciphertexts from per-(feature, bin, slot) tables: the scorecard's forward cross term.

The column holder has, per feature j, bin k and slot t, a ciphertext ``table[j][k][t]``
(the peer's encrypted weight share, shifted to slot t, raised to the bin's value). Row r of a
batch goes to slot ``r % slots`` of packed ciphertext ``r // slots``, which is the product over
features of ``table[j][code[r, j]][r % slots]``. Features are grouped while their joint bins stay
few (a group's joint cell is built once and reused by every row that has it), so a row costs one
multiplication mod n^2 per group. It runs on the executor's workers in chunks of whole packed
ciphertexts, results in order and bit-identical (a product mod n^2 does not depend on how the
chunks or groups were cut). ``powers`` makes the tables themselves (short exponentiations of the
peer's ciphertexts by bin values) on the workers as well.
"""

from __future__ import annotations

from typing import Sequence

import gmpy2
import numpy as np
from gmpy2 import mpz

from app.crypto.paillier import from_trusted_blob, to_blob
from app.errors import LocalProtocolError
from app.executor import Executor, split_evenly, task

MIN_CTS_PER_TASK = 16   # below this, per worker, a round trip costs more than the products
MIN_POWERS_PER_TASK = 32  # short exponentiations (~0.2 ms each at 2048 bits) per worker task


def _ct_width(n) -> int:
    """Bytes of one Paillier ciphertext (mod n^2) in the workers' blobs."""
    return 2 * ((int(mpz(n).bit_length()) + 7) // 8)


def joint_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a (rows x features) code matrix, in lexicographic order, and each row's
    index among them. Up to 8 byte-sized columns are packed into one uint64 per row first (first
    column highest, so the order is the same): np.unique on rows sorts structured rows, several
    times slower, and feature_groups calls this once per trial group."""
    width = codes.shape[1]
    if codes.dtype != np.uint8 or not 1 <= width <= 8:
        keys, inverse = np.unique(codes, axis=0, return_inverse=True)
        return keys, inverse.reshape(-1)
    shifts = [np.uint64(8 * (width - 1 - j)) for j in range(width)]
    packed = np.zeros(len(codes), np.uint64)
    for j, shift in enumerate(shifts):
        packed |= codes[:, j].astype(np.uint64) << shift
    unique, inverse = np.unique(packed, return_inverse=True)
    keys = np.column_stack([(unique >> s) & np.uint64(0xFF) for s in shifts]).astype(np.uint8)
    return keys, inverse.reshape(-1)


def feature_groups(codes: np.ndarray, slots: int) -> list[list[int]]:
    """Greedy groups of consecutive features: a feature joins the group while the group's joint
    cells (x slots, one multiplication each) cost less than the per-row multiplication it saves."""
    groups: list[list[int]] = []
    for j in range(codes.shape[1]):
        if groups:
            trial = groups[-1] + [j]
            if len(joint_codes(codes[:, trial])[0]) * slots < len(codes):
                groups[-1] = trial
                continue
        groups.append([j])
    return groups


def combine_rows(tables: Sequence[mpz], bases: Sequence[int], codes: np.ndarray, slots: int,
                 nsq: mpz) -> tuple[list[mpz], int]:
    """Packed ciphertexts for ``codes``' rows (slot t of ciphertext i: row i·slots + t) and the
    number of multiplications mod n^2 spent. ``tables[bases[j] + k·slots + t]``: feature j, bin k,
    slot t."""
    n_rows = len(codes)
    if n_rows == 0:
        return [], 0
    joint, mults = [], 0
    for feats in feature_groups(codes, slots):
        keys, inverse = joint_codes(codes[:, feats])
        cells = []
        for key in keys.tolist():
            row = []
            for t in range(slots):
                acc = tables[bases[feats[0]] + key[0] * slots + t]
                for f, k in zip(feats[1:], key[1:]):
                    acc = acc * tables[bases[f] + k * slots + t] % nsq
                row.append(acc)
            cells.append(row)
        mults += len(keys) * slots * (len(feats) - 1)
        joint.append((cells, inverse.tolist()))
    packed = []
    for i in range(0, n_rows, slots):
        acc = None
        for t, r in enumerate(range(i, min(n_rows, i + slots))):
            for cells, inverse in joint:
                ct = cells[inverse[r]][t]
                acc = ct if acc is None else acc * ct % nsq
        packed.append(acc)
    mults += n_rows * len(joint) - len(packed)
    return packed, mults


@task
def task_combine_rows(codes: np.ndarray, tables: bytes, bases: tuple, slots: int, n: int) -> tuple:
    """One chunk of ``combine_rows`` on a worker: (blob of packed ciphertexts, multiplications)."""
    n = mpz(n)
    width = _ct_width(n)
    packed, mults = combine_rows(from_trusted_blob(tables, width), bases, codes, slots, n * n)
    return to_blob(packed, width), mults


def combine_batch(ex: Executor, n: int, tables: Sequence[mpz], bases: Sequence[int],
                  codes: np.ndarray, slots: int,
                  min_cts: int = MIN_CTS_PER_TASK) -> tuple[list[mpz], int]:
    """``combine_rows`` across the executor's workers, chunks of whole packed ciphertexts."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    if codes.ndim != 2 or slots < 1 or len(bases) != codes.shape[1]:
        raise LocalProtocolError("The row tables do not match the bin codes.")
    n_cts = -(-len(codes) // slots)
    width = _ct_width(n)
    # One chunk per worker: each chunk builds the joint cells its rows use, so more chunks would
    # repeat that work (and smaller chunks make smaller groups pay less).
    parts = ex.worker_parts(n_cts, min_parallel=min_cts)
    chunks = [codes[r.start * slots:r.stop * slots] for r in split_evenly(range(n_cts), parts)]
    results = ex.run_chunks(task_combine_rows, chunks or [codes],
                            (to_blob(tables, width), tuple(int(b) for b in bases), slots, int(n)))
    packed = [ct for blob, _ in results for ct in from_trusted_blob(blob, width)]
    return packed, sum(m for _, m in results)


@task
def task_powers(chunk: tuple[bytes, list[int], list[int]], n: int) -> bytes:
    """One chunk of ``powers`` on a worker: (distinct bases blob, base index and exponent per
    result) -> blob of ``base^exponent mod n^2``."""
    blob, which, exponents = chunk
    n = mpz(n)
    nsq, width = n * n, _ct_width(n)
    bases = from_trusted_blob(blob, width)
    return to_blob([gmpy2.powmod(bases[i], e, nsq) for i, e in zip(which, exponents)], width)


def powers(ex: Executor, n: int, bases: Sequence[mpz], which: Sequence[int],
           exponents: Sequence[int], min_parallel: int = MIN_POWERS_PER_TASK) -> list[mpz]:
    """``bases[which[i]] ^ exponents[i] mod n^2`` for every i, in order, across the workers.

    Why: the per-bin tables of the forward cross term are a thousand short exponentiations per
    batch and party; on the workers they no longer hold up this process (which would leave the
    workers idle meanwhile). Each chunk carries only the bases its results use."""
    width = _ct_width(n)
    chunks = []
    for part in split_evenly(range(len(which)), ex.parallel_parts(len(which), min_parallel)):
        used = sorted(set(which[i] for i in part))
        at = {b: k for k, b in enumerate(used)}
        chunks.append((to_blob([bases[b] for b in used], width), [at[which[i]] for i in part],
                       [int(exponents[i]) for i in part]))
    results = ex.run_chunks(task_powers, chunks, (int(n),))
    return [ct for blob in results for ct in from_trusted_blob(blob, width)]
