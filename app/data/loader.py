"""Turn a customer file plus its profile into typed numpy columns and a list of rejected cells.

Row-level problems (an invalid identifier, an unparseable number, two rows for one customer that
disagree) reject the row and are listed with file, row, column and reason, never the value.
Exact duplicate rows are kept once. Structural problems raise from :mod:`app.data.tabular`.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from app.data import columns as C
from app.data.ids import IdError, canonicalizer
from app.data.profile import PURPOSE, Profile
from app.data.tabular import open_table
from app.errors import ValidationError

MAX_LISTED = 10_000  # problems listed individually; all are counted
DUPLICATE_CONFLICT = "duplicate_conflict"


@dataclass
class Problem:
    file: str
    row: int
    column: str
    reason: str


@dataclass
class Problems:
    file: str
    listed: list[Problem] = field(default_factory=list)
    by_reason: Counter = field(default_factory=Counter)

    def add(self, row: int, column: str, reason: str) -> None:
        self.by_reason[reason] += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(Problem(self.file, int(row), column, reason))


@dataclass
class Dataset:
    """Accepted rows only; every array is aligned with ``ids`` (canonical, bytes)."""

    file: str
    encoding: str
    profile: Profile
    ids: np.ndarray
    rows: np.ndarray                                  # spreadsheet row numbers
    features: dict[str, np.ndarray]
    categories: dict[str, list[str]]                  # code tables of categorical features
    label: np.ndarray | None
    branch: np.ndarray | None
    branches: list[str]
    contact: dict[str, np.ndarray]
    rows_read: int
    rejected_rows: int
    duplicates_dropped: int
    problems: Problems
    ignored_columns: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def matrix(self) -> np.ndarray:
        """Features as one float64 matrix (rows x features); category code -1 becomes NaN."""
        out = np.empty((len(self.ids), len(self.features)), dtype=np.float64)
        for j, arr in enumerate(self.features.values()):
            out[:, j] = arr
            if arr.dtype.kind == "i":
                out[arr < 0, j] = np.nan
        return out

    def subset(self, keep: np.ndarray) -> "Dataset":
        """The same dataset restricted to rows where ``keep`` is true (e.g. the eligible ones)."""
        pick = (lambda a: a[keep] if a is not None else None)
        return Dataset(self.file, self.encoding, self.profile, self.ids[keep], self.rows[keep],
                       {k: v[keep] for k, v in self.features.items()}, self.categories,
                       pick(self.label), pick(self.branch), self.branches,
                       {k: v[keep] for k, v in self.contact.items()}, self.rows_read,
                       self.rejected_rows, self.duplicates_dropped, self.problems,
                       self.ignored_columns)


def _index(table, label: str, column: str, role: str) -> int:
    try:
        return table.header.index(C.norm(column))
    except ValueError:
        raise ValidationError(f"{label}: the {role} column {column!r} is not in the header.") from None


class _Reader:
    """Shared block loop: identifiers, typed columns, problems, row numbers."""

    def __init__(self, path: str, id_column: str, id_type: str, specs: dict[str, tuple[str, str]],
                 encoding: str, delimiter: str, task=None):
        self.label = os.path.basename(path)
        self.table = open_table(path, encoding, delimiter)
        self.id_index = _index(self.table, self.label, id_column, "identifier")
        self.id_name, self.canon = self.table.header[self.id_index], canonicalizer(id_type)
        self.conv = {}
        for key, (col, kind) in specs.items():
            role = {"f": "feature", "c": "contact flag"}.get(key.split(":")[0], key.replace("_", " "))
            index = _index(self.table, self.label, col, role)
            self.conv[key] = (self.table.header[index], index, C.CONVERTERS[kind]())
        used = {self.id_index} | {i for _, i, _ in self.conv.values()}
        self.ignored = [n for i, n in enumerate(self.table.header) if i not in used and n]
        self.problems = Problems(self.label)
        self.task = task

    def _identifiers(self, raw: list[str], base: int, block_rows, bad: list[int]) -> list[str]:
        try:
            return list(map(self.canon, raw))  # fast: no invalid identifier in this block
        except IdError:
            pass
        out = []
        for i, value in enumerate(raw):
            try:
                out.append(self.canon(value))
            except IdError as exc:
                out.append("")
                bad.append(base + i)
                self.problems.add(block_rows[i], self.id_name, exc.reason)
        return out

    def read(self):
        ids: list[str] = []
        rows: list[np.ndarray] = []
        bad: list[int] = []
        indices = [self.id_index] + [i for _, i, _ in self.conv.values()]
        for block in self.table.blocks(indices):
            base, block_rows = len(ids), np.asarray(block.rows, dtype=np.int64)
            ids.extend(self._identifiers(block.columns[self.id_index], base, block_rows, bad))
            for name, index, conv in self.conv.values():
                for i in conv.add(block.columns[index]):
                    bad.append(base + i)
                    self.problems.add(block_rows[i], name, conv.bad)
            rows.append(block_rows)
            if self.task is not None:
                self.task.check_cancelled()
                self.task.progress(len(ids), 0, f"Read {len(ids):,} rows of {self.label}")
        if not ids:
            raise ValidationError(f"{self.label}: the file has a header but no data rows.")
        row_numbers = np.concatenate(rows)
        values = {}
        for key, (name, _, conv) in self.conv.items():
            values[key] = conv.finish()
            if isinstance(conv, C.Categorical):
                for i in conv.invalid_rows(values[key]).tolist():
                    bad.append(i)
                    self.problems.add(row_numbers[i], name, conv.bad)
                values[key][values[key] < 0] = -1
        width = max(1, max(map(len, ids)))
        id_arr = np.array(ids, dtype=f"S{width}")
        rejected = np.zeros(len(ids), dtype=bool)
        rejected[bad] = True
        return id_arr, row_numbers, values, rejected


def _duplicates(ids: np.ndarray, id_ok: np.ndarray, values: list[np.ndarray]):
    """(conflicting, redundant) masks: conflicting groups are all rejected, exact copies dropped."""
    n = len(ids)
    conflict, redundant = np.zeros(n, bool), np.zeros(n, bool)
    cand = np.flatnonzero(id_ok)
    order = cand[np.argsort(ids[cand], kind="stable")]
    s = ids[order]
    if len(s) < 2:
        return conflict, redundant
    same = s[1:] == s[:-1]
    if not same.any():
        return conflict, redundant
    in_dup = np.zeros(len(s), bool)
    in_dup[1:] |= same
    in_dup[:-1] |= same
    start = np.ones(len(s), bool)
    start[1:] = ~same
    first = np.maximum.accumulate(np.where(start, np.arange(len(s)), 0))
    rows, firsts = order[in_dup], order[first[in_dup]]
    differs = np.zeros(len(rows), bool)
    for v in values:
        a, b = v[rows].astype(np.float64), v[firsts].astype(np.float64)
        differs |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
    group = first[in_dup]
    group_conflict = np.zeros(len(s), bool)
    np.logical_or.at(group_conflict, group, differs)
    conflict[rows] = group_conflict[group]
    redundant[rows] = ~conflict[rows] & (rows != firsts)
    return conflict, redundant


def load_dataset(path: str, profile: Profile, task=None) -> Dataset:
    """Read and validate a customer file (CSV, CSV.GZ or XLSX) according to ``profile``."""
    specs: dict[str, tuple[str, str]] = {f"f:{f.column}": (f.column, f.type) for f in profile.features}
    if profile.label:
        specs["label"] = (profile.label, "label")
    if profile.branch:
        specs["branch"] = (profile.branch, "branch")
    for flag, col in profile.contact.items():
        specs[f"c:{flag}"] = (col, "flag")
    reader = _Reader(path, profile.id_column, profile.id_type, specs, profile.encoding,
                     profile.delimiter, task)
    ids, rows, values, rejected = reader.read()
    conflict, redundant = _duplicates(ids, ids != b"", list(values.values()))
    for i in np.flatnonzero(conflict).tolist():
        reader.problems.add(rows[i], reader.id_name, DUPLICATE_CONFLICT)
    rejected |= conflict
    keep = ~rejected & ~redundant
    cats = {k[2:]: reader.conv[k][2].categories for k in values
            if k.startswith("f:") and isinstance(reader.conv[k][2], C.Categorical)}
    branch_conv = reader.conv.get("branch")
    return Dataset(
        file=reader.label, encoding=reader.table.encoding, profile=profile, ids=ids[keep],
        rows=rows[keep], features={k[2:]: v[keep] for k, v in values.items() if k.startswith("f:")},
        categories=cats, label=values["label"][keep] if "label" in values else None,
        branch=values["branch"][keep] if "branch" in values else None,
        branches=branch_conv[2].categories if branch_conv else [],
        contact={k[2:]: v[keep] for k, v in values.items() if k.startswith("c:")},
        rows_read=len(ids), rejected_rows=int(rejected.sum()),
        duplicates_dropped=int(redundant.sum()), problems=reader.problems,
        ignored_columns=reader.ignored)


@dataclass
class ConsentEvents:
    """Consent rows for the joint-marketing purpose; times are float64 epoch seconds (NaN = none)."""

    file: str
    ids: np.ndarray
    rows: np.ndarray
    granted_at: np.ndarray
    expires_at: np.ndarray
    revoked_at: np.ndarray
    rows_read: int
    rejected_rows: int
    other_purpose: int
    problems: Problems


def load_consent(path: str, profile: Profile, task=None) -> ConsentEvents:
    """Read a consent file; the identifier type is the dataset's, columns per ``profile.consent``."""
    m = profile.consent
    kinds = {"purpose": "text", "granted_at": "datetime", "expires_at": "datetime",
             "revoked_at": "datetime"}
    specs = {k: (m[k], kind) for k, kind in kinds.items()}
    reader = _Reader(path, m["customer_id"], profile.id_type, specs, "auto", ",", task)
    ids, rows, values, rejected = reader.read()
    granted = values["granted_at"]
    no_grant = np.isnan(granted) & ~rejected
    expires, revoked = values["expires_at"], values["revoked_at"]
    backwards = (expires < granted) & ~rejected
    for mask, key, reason in ((no_grant, "granted_at", "missing_granted_at"),
                              (backwards, "expires_at", "expires_before_granted")):
        for i in np.flatnonzero(mask).tolist():
            reader.problems.add(rows[i], reader.conv[key][0], reason)
        rejected |= mask
    purpose = np.array([p == PURPOSE for p in values["purpose"]], dtype=bool)
    keep = ~rejected & purpose
    return ConsentEvents(reader.label, ids[keep], rows[keep], granted[keep], expires[keep],
                         revoked[keep], len(ids), int(rejected.sum()),
                         int((~rejected & ~purpose).sum()), reader.problems)
