"""Read a campaign-outcomes file (CSV or XLSX) for the standalone evaluation.

Small on purpose: only the named columns are kept, as Python lists of strings, then turned into
numpy arrays by dictionary factorisation (faster than sorting strings). Rows are numbered as a
spreadsheet shows them: the header is row 1, the first customer row 2. Error messages name the
file, row and column but never the offending value (it may be customer data).
"""

from __future__ import annotations

import csv
import gc
import io
import math
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from app.errors import ValidationError

CHUNK_ROWS = 65536
BLANK_LABEL = "(blank)"  # breakdown label of an empty cell
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")  # gb18030 is a strict superset of GBK
TRUE_WORDS = frozenset({"1", "yes", "true", "是"})
FALSE_WORDS = frozenset({"0", "no", "false", "否"})


@dataclass
class Columns:
    """The wanted columns of one file: ``values[name]`` is a list of strings, one per data row."""

    name: str
    values: dict[str, list[str]]
    blank_rows: list[int]  # spreadsheet rows skipped because they were empty

    def row_of(self, index: int) -> int:
        """Spreadsheet row number of the index-th kept data row."""
        row = index + 2
        for blank in self.blank_rows:
            if blank <= row:
                row += 1
        return row


def read_columns(path: str | Path, columns: list[str], delimiter: str = ",") -> Columns:
    """The given columns of a CSV (UTF-8, UTF-8 with BOM or GBK) or XLSX file."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError.coded("outcomes.no_file", file=path.name)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        rows = csv.reader(io.StringIO(_decode(path), newline=""), delimiter=delimiter, strict=True)
    with _cyclic_gc_paused():
        return _collect(path.name, rows, list(dict.fromkeys(columns)))


@contextmanager
def _cyclic_gc_paused():
    """Pause the cycle collector while millions of strings pile up in a few lists.

    Every full collection walks those lists, and collections are triggered by the row lists the
    csv reader allocates, so reading 4M rows took 3x longer with it on. Nothing here makes cycles;
    reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError.coded("outcomes.unreadable", file=path.name,
                                    reason=exc.strerror or str(exc)) from exc
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError.coded("outcomes.bad_encoding", file=path.name)


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook  # only here: CSV-only runs do not pay for it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationError.coded("outcomes.bad_workbook", file=path.name) from exc
    try:
        width = None
        for row in book.worksheets[0].iter_rows(values_only=True):
            cells = [_cell_text(v) for v in row]
            while cells and not cells[-1].strip():  # Excel often reports trailing empty cells
                cells.pop()
            if width is None:
                width = len(cells)
            elif 0 < len(cells) < width:
                cells += [""] * (width - len(cells))
            yield cells
    finally:
        book.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _collect(name: str, rows, wanted: list[str]) -> Columns:
    """Keep the wanted columns; rows are checked and split a chunk at a time (C-level loops)."""
    rows = iter(rows)
    try:
        header = [h.strip() for h in next(rows, [])]
        if not any(header):
            raise ValidationError.coded("outcomes.no_header", file=name)
        missing = [c for c in wanted if c not in header]
        if missing:
            raise ValidationError.coded("outcomes.missing_columns", file=name, missing=missing,
                                        columns=[h for h in header if h])
        index = [header.index(c) for c in wanted]
        width = len(header)
        lists: list[list[str]] = [[] for _ in wanted]
        blank: list[int] = []
        first_row = 2
        while chunk := list(islice(rows, CHUNK_ROWS)):
            if set(map(len, chunk)) != {width} or not all(map(any, chunk)):  # odd or empty rows
                chunk = _drop_blank_rows(name, chunk, width, first_row, blank)
            first_row += CHUNK_ROWS
            for out, i in zip(lists, index):
                out.extend([row[i] for row in chunk])
    except csv.Error as exc:
        line = getattr(rows, "line_num", None)
        raise ValidationError.coded("outcomes.bad_csv", file=name, line=int(line or 1)) from exc
    return Columns(name, dict(zip(wanted, lists)), blank)


def _drop_blank_rows(name: str, chunk: list, width: int, first_row: int, blank: list[int]) -> list:
    kept = []
    for row_no, row in enumerate(chunk, first_row):
        if not any(cell.strip() for cell in row):
            blank.append(row_no)
        elif len(row) == width:
            kept.append(row)
        else:
            raise ValidationError.coded("outcomes.ragged_row", file=name, row=row_no,
                                        found=len(row), expected=width)
    return kept


def factorize(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """(codes, labels): labels are the stripped distinct values in first-seen order ("" included).

    Distinct raw strings are found with a C-level dict build, so the per-row work is one lookup.
    """
    labels: dict[str, int] = {}
    code_of = {raw: labels.setdefault(raw.strip(), len(labels)) for raw in dict.fromkeys(values)}
    codes = np.fromiter(map(code_of.__getitem__, values), dtype=np.int32, count=len(values))
    return codes, list(labels)


def parse_outcomes(cols: Columns, column: str) -> np.ndarray:
    """0/1 per row from 0/1, yes/no, y/n, true/false (any case) or 是/否; else a ValidationError."""
    codes, labels = factorize(cols.values[column])
    mapping = np.empty(len(labels), dtype=np.int8)
    for j, label in enumerate(labels):
        word = label.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            mapping[j] = 1 if word in TRUE_WORDS else 0
        else:
            bad = int(np.flatnonzero(codes == j)[0])
            raise ValidationError.coded("outcomes.bad_outcome", file=cols.name,
                                        row=int(cols.row_of(bad)), column=column)
    return mapping[codes]


def parse_scores(cols: Columns, column: str) -> np.ndarray:
    """Float per row; an empty cell is a missing score (NaN), anything non-numeric an error."""
    values = cols.values[column]
    try:  # fast path: every cell is a number
        out = np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    except ValueError:
        out = np.array([float(v) if v.strip() and _is_number(v) else math.nan for v in values])
    bad = [int(i) for i in np.flatnonzero(~np.isfinite(out)) if values[i].strip()]
    if bad:  # text, or "nan"/"inf" spelled out
        raise ValidationError.coded("outcomes.bad_score", file=cols.name,
                                    row=int(cols.row_of(bad[0])), column=column)
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass
class CampaignData:
    """Aligned per-customer arrays ready for ``evaluate_campaign``."""

    arm: np.ndarray
    outcome: np.ndarray
    by: dict[str, tuple[np.ndarray, list[str]]]
    score: np.ndarray | None


def load_campaign(path: str | Path, *, group_column: str, treatment: list[str], control: str,
                  outcome_column: str, by: list[str] = (), score_column: str | None = None,
                  delimiter: str = ",") -> CampaignData:
    """Read an outcomes file and map its group column to arms (rows of other groups: -1)."""
    wanted = [group_column, outcome_column, *by] + ([score_column] if score_column else [])
    cols = read_columns(path, wanted, delimiter)
    codes, labels = factorize(cols.values[group_column])
    arm = arms_from_groups(codes, labels, treatment, control, f"column {group_column} of {cols.name}")
    outcome = parse_outcomes(cols, outcome_column)
    breakdown = {c: _blank_labelled(factorize(cols.values[c])) for c in by}
    score = parse_scores(cols, score_column) if score_column else None
    return CampaignData(arm, outcome, breakdown, score)


def _blank_labelled(factorized: tuple[np.ndarray, list[str]]) -> tuple[np.ndarray, list[str]]:
    codes, labels = factorized
    return codes, [label if label else BLANK_LABEL for label in labels]


def arms_from_groups(codes: np.ndarray, labels: list[str], treatment: list[str], control: str,
                     where: str) -> np.ndarray:
    """1 for treatment labels, 0 for the control label, -1 for any other group."""
    treatment = [t.strip() for t in treatment]
    control = control.strip()
    if control in treatment:
        raise ValidationError.coded("outcomes.control_is_treatment")
    for value in (*treatment, control):
        if value not in labels:
            raise ValidationError.coded("outcomes.no_group_value", value=value, where=where)
    mapping = np.full(len(labels), -1, dtype=np.int8)
    mapping[[labels.index(t) for t in treatment]] = 1
    mapping[labels.index(control)] = 0
    return mapping[codes]
