"""Numeric arrays stored as encrypted BLOB chunks, so millions of rows load straight into numpy.

Only plain numeric dtypes are accepted: an object array would need pickle, which we never use.
Call these inside ``Database.run``/``transaction`` (they take the connection).
"""

from __future__ import annotations

import json

import numpy as np

from app.errors import StoreError

CHUNK_BYTES = 8 * 1024 * 1024
_ALLOWED_KINDS = set("biuf")  # bool, signed, unsigned, float


def save_array(conn, name: str, array: np.ndarray) -> None:
    """Replace the array stored under ``name`` (row-chunked; C order)."""
    array = np.ascontiguousarray(array)
    if array.dtype.kind not in _ALLOWED_KINDS or array.ndim not in (1, 2):
        raise StoreError.coded("store.array_not_numeric", name=name)
    delete_array(conn, name)
    row_bytes = max(1, array.itemsize * (array.shape[1] if array.ndim == 2 else 1))
    rows_per_chunk = max(1, CHUNK_BYTES // row_bytes)
    dtype = array.dtype.str
    shape = json.dumps(list(array.shape))
    n_rows = array.shape[0]
    starts = range(0, n_rows, rows_per_chunk) if n_rows else [0]
    conn.executemany(
        "INSERT INTO arrays (name, chunk, dtype, shape, data) VALUES (?, ?, ?, ?, ?)",
        ((name, i, dtype, shape, array[start:start + rows_per_chunk].tobytes())
         for i, start in enumerate(starts)))


def load_array(conn, name: str) -> np.ndarray:
    """Chunks are copied straight into one preallocated array: no joined bytes, no second copy."""
    head = conn.execute("SELECT dtype, shape FROM arrays WHERE name = ? ORDER BY chunk LIMIT 1",
                        (name,)).fetchone()
    if head is None:
        raise StoreError.coded("store.no_array", name=name)
    dtype = np.dtype(head[0])
    if dtype.kind not in _ALLOWED_KINDS:
        raise StoreError.coded("store.array_type", name=name)
    out = np.empty(tuple(json.loads(head[1])), dtype=dtype)
    flat = out.reshape(-1).view(np.uint8)
    offset = 0
    for (data,) in conn.execute("SELECT data FROM arrays WHERE name = ? ORDER BY chunk", (name,)):
        end = offset + len(data)
        if end > flat.size:
            raise StoreError.coded("store.array_too_long", name=name)
        flat[offset:end] = np.frombuffer(data, dtype=np.uint8)
        offset = end
    if offset != flat.size:
        raise StoreError.coded("store.array_too_short", name=name)
    return out


def delete_array(conn, name: str) -> None:
    conn.execute("DELETE FROM arrays WHERE name = ?", (name,))


def array_exists(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM arrays WHERE name = ? LIMIT 1", (name,)).fetchone() is not None
