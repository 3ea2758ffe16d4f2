"""Imported datasets: one row per dataset, its column dictionary, its rows as numpy arrays
(``data/<name>/<part>``) and every consent file imported for it (``consent/<name>/<batch>``),
0002_data.sql. A re-import replaces the rows and bumps the version while consent batches only
accumulate, because eligibility is computed from all of them at each use and an older consent file
must never be lost; identifiers are byte strings kept as uint8 matrices (the array store takes
numbers only), and the two helpers for that serve every repository that keeps identifiers.
"""

from __future__ import annotations

import json

import numpy as np

from app.store.arrays import array_exists, delete_array, load_array, save_array

PARTS = ("ids", "features", "label", "branch", "contact", "name", "last_contact")
FIELDS = ("name", "side", "id_type", "canon_version", "version", "rows", "profile",
          "imported_at", "imported_by", "source_file")


def ids_to_matrix(ids: np.ndarray) -> np.ndarray:
    """Bytes identifiers as an (n, width) uint8 matrix: the array store takes numbers only."""
    width = max(1, ids.dtype.itemsize)
    return np.frombuffer(ids.astype(f"S{width}").tobytes(), np.uint8).reshape(len(ids), width)


def matrix_to_ids(matrix: np.ndarray) -> np.ndarray:
    return np.frombuffer(np.ascontiguousarray(matrix).tobytes(), f"S{matrix.shape[1]}")


# -- datasets ---------------------------------------------------------------------------------
def _record(row: tuple) -> dict:
    out = dict(zip(FIELDS, row))
    out["profile"] = json.loads(out["profile"])
    return out


def get_dataset(conn, name: str) -> dict | None:
    row = conn.execute(f"SELECT {', '.join(FIELDS)} FROM datasets WHERE name = ?",
                       (name,)).fetchone()
    return None if row is None else _record(row)


def list_datasets(conn) -> list[dict]:
    """Every dataset, by name."""
    return [_record(r) for r in conn.execute(
        f"SELECT {', '.join(FIELDS)} FROM datasets ORDER BY name").fetchall()]


def latest_bank_dataset(conn, id_type: str | None) -> tuple[str, int] | None:
    """(name, version) of the bank dataset with this identifier type imported last."""
    row = conn.execute("SELECT name, version FROM datasets WHERE side = 'bank' AND id_type = ? "
                       "ORDER BY imported_at DESC LIMIT 1", (id_type,)).fetchone()
    return None if row is None else (row[0], int(row[1]))


def dataset_columns(conn, name: str) -> list[dict]:
    """The column dictionary in file order; ``categories`` decoded (None when there are none)."""
    rows = conn.execute("SELECT name, role, type, sensitivity, categories FROM dataset_columns "
                        "WHERE dataset = ? ORDER BY position", (name,)).fetchall()
    return [{"name": n, "role": r, "type": t, "sensitivity": s,
             "categories": json.loads(c) if c else None} for n, r, t, s, c in rows]


def dataset_part(conn, name: str, part: str, optional: bool = False) -> np.ndarray | None:
    """One stored array of a dataset (see PARTS); None for a missing ``optional`` one."""
    key = f"data/{name}/{part}"
    if optional and not array_exists(conn, key):
        return None
    return load_array(conn, key)


def dataset_ids(conn, name: str) -> np.ndarray:
    return matrix_to_ids(load_array(conn, f"data/{name}/ids"))


def has_dataset_ids(conn, name: str) -> bool:
    return array_exists(conn, f"data/{name}/ids")


def replace_dataset(conn, record: dict, columns: list[dict], ids: np.ndarray,
                    parts: dict[str, np.ndarray]) -> int:
    """Store a (re-)import: the row, its column dictionary and arrays. Returns the new version."""
    name = record["name"]
    old = conn.execute("SELECT version FROM datasets WHERE name = ?", (name,)).fetchone()
    version = (old[0] + 1) if old else 1
    for part in PARTS:
        delete_array(conn, f"data/{name}/{part}")
    conn.execute("DELETE FROM datasets WHERE name = ?", (name,))
    conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (name, record["side"], record["id_type"], record["canon_version"], version,
                  record["rows"], json.dumps(record["profile"], ensure_ascii=False),
                  json.dumps(record["report"], ensure_ascii=False), record["source_file"],
                  record["source_sha256"], record["imported_at"], record["imported_by"]))
    for pos, col in enumerate(columns):
        cats = col["categories"]
        conn.execute("INSERT INTO dataset_columns VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (name, pos, col["column"], col["role"], col["type"], col["sensitivity"],
                      json.dumps(cats, ensure_ascii=False) if cats is not None else None))
    save_array(conn, f"data/{name}/ids", ids_to_matrix(ids))
    for part, values in parts.items():
        save_array(conn, f"data/{name}/{part}", values)
    return version


# -- consent batches --------------------------------------------------------------------------
def consent_batches(conn, dataset: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """(identifiers, times) of each stored batch in import order; times are the columns
    granted_at, expires_at, revoked_at."""
    batches = [b for (b,) in conn.execute(
        "SELECT batch FROM consent_batches WHERE dataset = ? ORDER BY batch", (dataset,))]
    return [(matrix_to_ids(load_array(conn, f"consent/{dataset}/{b}/ids")),
             load_array(conn, f"consent/{dataset}/{b}/times")) for b in batches]


def insert_consent_batch(conn, dataset: str, ids: np.ndarray, times: np.ndarray, source_file: str,
                         source_sha256: str, now: str, user: str) -> int:
    """Append one consent file as the dataset's next batch; returns its number."""
    row = conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM consent_batches WHERE dataset = ?",
                       (dataset,)).fetchone()
    batch = int(row[0])
    base = f"consent/{dataset}/{batch}"
    save_array(conn, f"{base}/ids", ids_to_matrix(ids))
    save_array(conn, f"{base}/times", times)
    conn.execute("INSERT INTO consent_batches VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (dataset, batch, len(ids), source_file, source_sha256, now, user))
    return batch


def consent_summary(conn) -> dict[str, dict]:
    """Per dataset: number of consent files imported, their rows and the latest import time."""
    rows = conn.execute("SELECT dataset, count(*), sum(rows), max(imported_at) "
                        "FROM consent_batches GROUP BY dataset").fetchall()
    return {d: {"batches": int(n), "rows": int(r or 0), "latest": latest}
            for d, n, r, latest in rows}
