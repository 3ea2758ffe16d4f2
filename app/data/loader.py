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

from app.executor import state_task
from app.data import columns as C
from app.data import parallel
from app.data.ids import IdError, canonicalizer
from app.data.profile import PURPOSE, Profile
from app.data.tabular import CsvTable, open_table
from app.errors import ValidationError
from app.messages import Term

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
    names: np.ndarray | None = None                   # int32 codes into ``name_table``, -1 none
    name_table: list[str] = field(default_factory=list)
    last_contact: np.ndarray | None = None            # int32 days since 1970-01-01, -1 never

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
                       self.ignored_columns, pick(self.names), self.name_table,
                       pick(self.last_contact))


def _index(table, label: str, column: str, role: str) -> int:
    try:
        return table.header.index(C.norm(column))
    except ValueError:
        raise ValidationError.coded("import.column_missing", file=label, role=Term(role),
                                    column=column) from None


class _Sink:
    """Per-block accumulation (identifiers, typed columns, rejected positions, problems).

    The single-process reader and each parse worker run the same code; a worker's sink is
    exported as arrays and absorbed, in file order, by the caller's sink.
    """

    def __init__(self, label: str, id_name: str, id_index: int, id_type: str,
                 convs: dict[str, tuple[str, int, str]]):
        self.id_name, self.id_index, self.canon = id_name, id_index, canonicalizer(id_type)
        self.conv = {k: (name, index, C.CONVERTERS[kind]()) for k, (name, index, kind) in convs.items()}
        self.problems = Problems(label)
        self.ids: list[np.ndarray] = []
        self.rows: list[np.ndarray] = []
        self.bad: list[int] = []
        self.n = 0

    def _identifiers(self, raw: list[str], base: int, block_rows) -> list[str]:
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
                self.bad.append(base + i)
                self.problems.add(block_rows[i], self.id_name, exc.reason)
        return out

    def add(self, block) -> None:
        base, block_rows = self.n, np.asarray(block.rows, dtype=np.int64)
        ids = self._identifiers(block.columns[self.id_index], base, block_rows)
        self.ids.append(np.array(ids, dtype=f"S{max(1, max(map(len, ids), default=1))}"))
        for name, index, conv in self.conv.values():
            for i in conv.add(block.columns[index]):
                self.bad.append(base + i)
                self.problems.add(block_rows[i], name, conv.bad)
        self.rows.append(block_rows)
        self.n += len(ids)

    def export(self, end_row: int) -> dict:
        return {"n": self.n, "end_row": end_row, "bad": np.array(self.bad, dtype=np.int64),
                "ids": np.concatenate(self.ids) if self.ids else np.empty(0, "S1"),
                "rows": np.concatenate(self.rows) if self.rows else np.empty(0, np.int64),
                "listed": [(p.row, p.column, p.reason) for p in self.problems.listed],
                "by_reason": dict(self.problems.by_reason),
                "columns": {k: conv.export() for k, (_, _, conv) in self.conv.items()}}

    def absorb(self, part: dict, row_offset: int) -> None:
        """Append a worker's export; its rows count from 0, so they are shifted by ``row_offset``."""
        self.bad.extend((part["bad"] + self.n).tolist())
        self.ids.append(part["ids"])
        self.rows.append(part["rows"] + row_offset)
        for row, column, reason in part["listed"]:
            if len(self.problems.listed) < MAX_LISTED:
                self.problems.listed.append(Problem(self.problems.file, row + row_offset, column, reason))
        self.problems.by_reason.update(part["by_reason"])
        for k, state in part["columns"].items():
            self.conv[k][2].absorb(state)
        self.n += part["n"]


@state_task
def parse_share(state, path: str, encoding: str, delimiter: str, header: list[str],
                header_bytes: int, units, sink_args, indices) -> dict | None:
    """One worker's share of a file (runs in a worker process); rows relative to its start.
    None after a structural error (the caller re-reads in one process for the exact message)."""
    try:
        table = CsvTable.attached(path, encoding, delimiter, header, header_bytes)
        sink = _Sink(*sink_args)
        for block in table.unit_blocks(units, indices):
            sink.add(block)
            state.report(sink.n)
            if state.stopped():
                return None
    except ValidationError:
        return None
    return sink.export(table.end_row)


class _Reader:
    """Opens the file, resolves the profile's columns, and fills a :class:`_Sink` from it."""

    def __init__(self, path: str, id_column: str, id_type: str, specs: dict[str, tuple[str, str]],
                 encoding: str, delimiter: str, task=None, executor=None):
        self.label = os.path.basename(path)
        self.table = open_table(path, encoding, delimiter)
        self.id_index = _index(self.table, self.label, id_column, "identifier")
        self.id_name = self.table.header[self.id_index]
        convs = {}
        for key, (col, kind) in specs.items():
            role = {"f": "feature", "c": "contact flag"}.get(key.split(":")[0], key.replace("_", " "))
            index = _index(self.table, self.label, col, role)
            convs[key] = (self.table.header[index], index, kind)
        self.sink_args = (self.label, self.id_name, self.id_index, id_type, convs)
        used = {self.id_index} | {i for _, i, _ in convs.values()}
        self.ignored = [n for i, n in enumerate(self.table.header) if i not in used and n]
        self.indices = [self.id_index] + [i for _, i, _ in convs.values()]
        self.task, self.executor = task, executor

    def _single(self) -> _Sink:
        sink = _Sink(*self.sink_args)
        for block in self.table.blocks(self.indices):
            sink.add(block)
            if self.task is not None:
                self.task.check_cancelled()
                self.task.progress(sink.n, 0, f"Read {sink.n:,} rows of {self.label}")
        return sink

    def _parallel(self) -> _Sink | None:
        if self.executor is None:
            return None
        runs = parallel.plan(self.table, min(parallel.WORKERS, self.executor.size))
        if runs is None:
            return None
        t = self.table
        jobs = [(t.path, t.encoding, t.delimiter, t.header, t._header_bytes, run, self.sink_args,
                 self.indices) for run in runs]
        parts = parallel.run(self.executor, parse_share, jobs, self.task, self.label)
        if parts is None:
            return None  # a worker met a structural error: the single-process read reports it
        sink, row = _Sink(*self.sink_args), 2
        while parts:
            part = parts.pop(0)
            sink.absorb(part, row)
            row += part["end_row"]
        return sink

    def read(self):
        sink = self._parallel() or self._single()
        self.conv, self.problems = sink.conv, sink.problems
        if not sink.n:
            raise ValidationError.coded("import.no_data_rows", file=self.label)
        row_numbers = np.concatenate(sink.rows)
        bad = sink.bad
        values = {}
        for key, (name, _, conv) in self.conv.items():
            values[key] = conv.finish()
            conv.parts = []  # the blocks are in values[key] now: do not hold them twice
            if isinstance(conv, C.Categorical):
                for i in conv.invalid_rows(values[key]).tolist():
                    bad.append(i)
                    self.problems.add(row_numbers[i], name, conv.bad)
                values[key][values[key] < 0] = -1
        id_arr = np.concatenate(sink.ids)
        sink.ids.clear()
        rejected = np.zeros(len(id_arr), dtype=bool)
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


def load_dataset(path: str, profile: Profile, task=None, executor=None) -> Dataset:
    """Read and validate a customer file (CSV, CSV.GZ or XLSX) according to ``profile``; a large
    CSV is parsed on ``executor``'s workers when one is given."""
    specs: dict[str, tuple[str, str]] = {f"f:{f.column}": (f.column, f.type) for f in profile.features}
    if profile.label:
        specs["label"] = (profile.label, "label")
    if profile.branch:
        specs["branch"] = (profile.branch, "branch")
    for flag, col in profile.contact.items():
        specs[f"c:{flag}"] = (col, "flag")
    if profile.customer_name:
        specs["customer_name"] = (profile.customer_name, "name")
    if profile.last_contact:
        specs["last_contact"] = (profile.last_contact, "day")
    reader = _Reader(path, profile.id_column, profile.id_type, specs, profile.encoding,
                     profile.delimiter, task, executor)
    ids, rows, values, rejected = reader.read()
    conflict, redundant = _duplicates(ids, ids != b"", list(values.values()))
    for i in np.flatnonzero(conflict).tolist():
        reader.problems.add(rows[i], reader.id_name, DUPLICATE_CONFLICT)
    rejected |= conflict
    keep = ~rejected & ~redundant
    cats = {k[2:]: reader.conv[k][2].categories for k in values
            if k.startswith("f:") and isinstance(reader.conv[k][2], C.Categorical)}
    branch_conv, name_conv = reader.conv.get("branch"), reader.conv.get("customer_name")
    every = bool(keep.all())
    features = {}
    for k in [k for k in values if k.startswith("f:")]:  # one column copied at a time, if any
        features[k[2:]] = values.pop(k) if every else values.pop(k)[keep]
    return Dataset(
        file=reader.label, encoding=reader.table.encoding, profile=profile, ids=ids[keep],
        rows=rows[keep], features=features,
        categories=cats, label=values["label"][keep] if "label" in values else None,
        branch=values["branch"][keep] if "branch" in values else None,
        branches=branch_conv[2].categories if branch_conv else [],
        contact={k[2:]: v[keep] for k, v in values.items() if k.startswith("c:")},
        rows_read=len(ids), rejected_rows=int(rejected.sum()),
        duplicates_dropped=int(redundant.sum()), problems=reader.problems,
        ignored_columns=reader.ignored,
        names=values["customer_name"][keep] if name_conv else None,
        name_table=name_conv[2].categories if name_conv else [],
        last_contact=values["last_contact"][keep] if "last_contact" in values else None)


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


def load_consent(path: str, profile: Profile, task=None, executor=None) -> ConsentEvents:
    """Read a consent file; the identifier type is the dataset's, columns per ``profile.consent``."""
    m = profile.consent
    kinds = {"purpose": "text", "granted_at": "datetime", "expires_at": "datetime",
             "revoked_at": "datetime"}
    specs = {k: (m[k], kind) for k, kind in kinds.items()}
    reader = _Reader(path, m["customer_id"], profile.id_type, specs, "auto", ",", task, executor)
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
