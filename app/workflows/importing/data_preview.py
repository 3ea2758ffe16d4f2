"""What the import page shows before anything is validated: the first rows, masked, and a guess.

The preview reads only the head of the file (at most ``SAMPLE_BYTES``), so choosing a 4M-row file
does not stall the window; the full encoding check (mixed encodings, strict decoding of every
line) happens when the import validates the whole file. Identifiers and names are C3 data and
never shown in clear: the identifier column is masked with :func:`app.data.ids.mask`, and so is any
other cell that reads as a mobile or resident ID number (a column the person has not mapped yet);
the customer-name column (the profile's, or one whose header says it is a name) with
:func:`app.data.ids.mask_name`.

``guess_profile`` proposes a mapping from the header and the sample; the person confirms or
changes it, and the result is an ordinary import profile (docs/data-import.md).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from dataclasses import dataclass

from app.data.encoding import ENCODINGS, open_binary
from app.data.ids import BAD_CHECK_DIGIT, IdError, canonicalize, mask, mask_name
from app.data.profile import CONTACT_FLAGS, FORMAT, Profile
from app.data.tabular import MAX_FIELD, XlsxTable, clean_name
from app.errors import ValidationError
from app.store import datasets as dataset_store

PREVIEW_ROWS = 20
SAMPLE_BYTES = 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
UNREADABLE = "****"
_UTF16_32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}([-/]?)\d{2}\1\d{2}")
_MISSING = {"", "na", "n/a", "null", "nan", "none", "#n/a"}


@dataclass(frozen=True)
class Preview:
    """The head of a customer file. ``encoding`` is the codec the sample was read with
    (``xlsx`` for workbooks); ``detected`` says whether it was sniffed (``auto``)."""

    file: str
    header: list[str]
    rows: list[list[str]]
    encoding: str
    detected: bool


def sniff_encoding(sample: bytes, label: str = "file") -> str:
    """The narrowest accepted codec that reads ``sample``: utf-8-sig, utf-8, gbk or gb18030.

    Same rules as ``auto`` in app/data/encoding.py, except that GBK is named when the sample is
    GBK, because that is what people call their exports; the import reads it as GB18030 (which
    contains GBK), with the same result.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if any(sample.startswith(bom) for bom in _UTF16_32):
        raise ValidationError.coded("import.utf16", file=label)
    for codec in ("utf-8", "gbk"):
        try:
            sample.decode(codec)
            return codec
        except UnicodeDecodeError:
            pass
    return "gb18030"


def _head(path: str) -> tuple[bytes, bool]:
    """Up to SAMPLE_BYTES from the start, cut after the last complete line; and whether cut."""
    with open_binary(path) as fh:
        data = fh.read(SAMPLE_BYTES + 1)
    if len(data) <= SAMPLE_BYTES:
        return data, False
    cut = data.rfind(b"\n", 0, SAMPLE_BYTES) + 1
    return (data[:cut] if cut else data[:SAMPLE_BYTES]), True


def read_preview(path: str, encoding: str = "auto", delimiter: str = ",",
                 limit: int = PREVIEW_ROWS) -> Preview:
    """Header and first ``limit`` records of a CSV (optionally .gz) or XLSX file."""
    label = os.path.basename(path)
    if not os.path.isfile(path):
        raise ValidationError.coded("import.no_such_file", file=label)
    if path.lower().endswith(".xls"):
        raise ValidationError.coded("import.xls_unsupported", file=label)
    if path.lower().endswith(".xlsx"):
        return _xlsx_preview(path, label, limit)
    if encoding not in ENCODINGS:
        raise ValidationError.coded("import.unknown_encoding", encoding=encoding,
                                    choices=list(ENCODINGS))
    if len(delimiter) != 1 or delimiter in "\"\r\n":
        raise ValidationError.coded("import.delimiter_invalid")
    sample, _cut = _head(path)
    codec = sniff_encoding(sample, label) if encoding == "auto" else encoding
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError as exc:
        line = sample.count(b"\n", 0, exc.start) + 1
        raise ValidationError.coded("import.bad_encoding_line", file=label, line=line,
                                    codec=codec.upper()) from None
    records = _records(text.lstrip("\ufeff"), delimiter, label, limit + 1)
    if not records or not any(records[0]):
        raise ValidationError.coded("import.file_empty", file=label)
    header = [clean_name(n) for n in records[0]]
    return Preview(label, header, [_fit(r, len(header)) for r in records[1:]], codec,
                   encoding == "auto")


def _records(text: str, delimiter: str, label: str, limit: int) -> list[list[str]]:
    csv.field_size_limit(MAX_FIELD)
    out: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if record:
                out.append(record)
            if len(out) >= limit:
                break
    except csv.Error:
        raise ValidationError.coded("import.preview_unreadable", file=label) from None
    return out


def _fit(record: list[str], width: int) -> list[str]:
    """Ragged rows are shown padded or cut; validation reports them properly."""
    return (record + [""] * width)[:width]


def _xlsx_preview(path: str, label: str, limit: int) -> Preview:
    table = XlsxTable(path, block_rows=limit)
    blocks = table.blocks(list(range(len(table.header))))
    try:
        block = next(blocks, None)
    finally:
        blocks.close()  # closes the workbook
    rows = [] if block is None else [[block.columns[j][i] for j in range(len(table.header))]
                                     for i in range(len(block.rows))]
    return Preview(label, table.header, rows, "xlsx", False)


# -- masking ----------------------------------------------------------------------------------

def mask_cell(id_type: str, raw: str) -> str:
    """The display form of one identifier cell; anything that does not parse is all stars."""
    try:
        return mask(id_type, canonicalize(id_type, raw))
    except (IdError, ValueError):
        return UNREADABLE


def _looks_like_id(raw: str) -> str | None:
    for id_type in ("mobile", "id_card"):
        try:
            return mask(id_type, canonicalize(id_type, raw))
        except IdError as exc:
            if exc.reason == BAD_CHECK_DIGIT:  # shaped like an ID number: never shown
                return UNREADABLE
    return None


def masked_rows(preview: Preview, id_column: str | None, id_type: str,
                name_column: str | None = None) -> list[list[str]]:
    """Preview rows safe to show: the identifier column masked per ``id_type``, the name column
    (``name_column``, else a header that names one) masked as a name, and any other cell that
    reads as a mobile or ID-card number masked too."""
    index = preview.header.index(id_column) if id_column in preview.header else -1
    name_column = name_column or _exact(preview.header, _NAME_HINTS)
    named = preview.header.index(name_column) if name_column in preview.header else -1
    out = []
    for row in preview.rows:
        cells = []
        for j, raw in enumerate(row):
            if j == index:
                cells.append(mask_cell(id_type, raw) if raw.strip() else "")
            elif j == named:
                cells.append(mask_name(raw))
            else:
                cells.append(_looks_like_id(raw) or raw if raw.strip() else raw)
        out.append(cells)
    return out


# -- a file refused as a whole ------------------------------------------------------------------

MAX_SHOWN = 40   # characters of one cell in a refused row's excerpt


def file_problem(exc: ValidationError, paths: list[str], profile: Profile | None) -> dict | None:
    """A refusal of a whole file (a ragged row, a line in the wrong encoding) as a report entry.

    The entry names the file and row, gives the error's code and parameters (the page says them
    in the reader's language) and the row's content masked as the preview masks it, so the person
    sees which line to fix without identifiers being shown. None for errors without a row.
    """
    params = getattr(exc, "params", {}) or {}
    row = params.get("row", params.get("line"))
    if exc.code is None or not isinstance(row, int) or "file" not in params:
        return None
    path = next((p for p in paths if os.path.basename(p) == params["file"]), None)
    cells: list[str] = []
    if path is not None and not path.lower().endswith((".xlsx", ".xls")):
        cells = _masked_line(path, row, profile)
    return {"file": params["file"], "row": row, "column": str(params.get("column", "")),
            "code": exc.code, "params": dict(params), "cells": cells}


def _masked_line(path: str, row: int, profile: Profile | None) -> list[str]:
    """Row ``row`` (the header is row 1) of a delimited file, masked; [] when it cannot be read."""
    delimiter = profile.delimiter if profile else ","
    encoding = profile.encoding if profile and profile.encoding in ENCODINGS else "auto"
    try:
        codec = sniff_encoding(_head(path)[0]) if encoding == "auto" else encoding
        csv.field_size_limit(MAX_FIELD)
        with open_binary(path) as raw:
            text = io.TextIOWrapper(raw, encoding=codec, errors="replace", newline="")
            reader = csv.reader(text, delimiter=delimiter)
            header = [clean_name(n) for n in next(reader, [])]
            record = None
            for number, record in enumerate(reader, start=2):
                if number == row:
                    break
            else:
                return []
    except (OSError, ValidationError, csv.Error, LookupError, EOFError):
        return []
    id_column = profile.id_column if profile else None
    preview = Preview(os.path.basename(path), header, [record], codec, False)
    cells = masked_rows(preview, id_column, profile.id_type if profile else "mobile",
                        profile.customer_name if profile else None)[0]
    return [c if len(c) <= MAX_SHOWN else c[:MAX_SHOWN] + "…" for c in cells]


# -- guessing a mapping -----------------------------------------------------------------------

_ID_HINTS = (("id_card", ("id_card", "idcard", "id_no", "身份证")),
             ("mobile", ("mobile", "phone", "tel", "手机", "电话")),
             ("opaque", ("customer_id", "user_id", "cust_id", "客户号", "用户号")))
_LABEL_HINTS = ("bound_quick_pay", "label", "target", "outcome", "y")
_BRANCH_HINTS = ("branch_code", "branch", "网点", "支行")
# Matched whole only: a name must never become a feature, and "branch_name" is not a person's.
_NAME_HINTS = ("customer_name", "cust_name", "name", "full_name", "姓名", "客户姓名", "客户名称",
               "户名")
_LAST_CONTACT_HINTS = ("last_contact_date", "last_contact", "last_contacted", "最近联系日期",
                       "最近联系")


def guess_column_type(values: list[str]) -> str:
    """numeric, date or categorical from sample values (missing markers ignored)."""
    present = [v.strip() for v in values if v.strip().lower() not in _MISSING]
    if not present:
        return "numeric"
    if all(_DATE.fullmatch(v) for v in present):
        return "date"
    if all(_NUMBER.fullmatch(v) for v in present):
        return "numeric"
    return "categorical"


def _find(header: list[str], hints) -> str | None:
    lowered = {h.lower(): h for h in header}
    for hint in hints:
        if hint in lowered:
            return lowered[hint]
    for hint in hints:
        if len(hint) > 2:
            match = next((h for h in header if hint in h.lower()), None)
            if match:
                return match
    return None


def _exact(header: list[str], hints) -> str | None:
    lowered = {h.lower(): h for h in header}
    return next((lowered[h] for h in hints if h in lowered), None)


def guess_profile(preview: Preview, side: str, dataset: str) -> dict:
    """A profile document for ``preview``'s columns; the person reviews it before use."""
    id_column, id_type = None, "mobile"
    for kind, hints in _ID_HINTS:
        id_column = _find(preview.header, hints)
        if id_column:
            id_type = kind
            break
    if id_column is None and preview.header:
        id_column = preview.header[0]
    taken = {id_column}
    doc = {"format": FORMAT, "version": 1, "dataset": dataset, "side": side,
           "encoding": "auto" if preview.detected or preview.encoding == "xlsx" else preview.encoding,
           "delimiter": ",", "identifier": {"column": id_column, "type": id_type}}
    if side == "bank":
        label = _find([h for h in preview.header if h not in taken], _LABEL_HINTS)
        branch = _find([h for h in preview.header if h not in taken | {label}], _BRANCH_HINTS)
        contact = {f: f for f in CONTACT_FLAGS if f in preview.header}
        for key, col in (("label", label), ("branch", branch)):
            if col:
                doc[key] = {"column": col}
                taken.add(col)
        if contact:
            doc["contact"] = contact
            taken |= set(contact.values())
    for key, hints in (("customer_name", _NAME_HINTS), ("last_contact", _LAST_CONTACT_HINTS)):
        col = _exact([h for h in preview.header if h not in taken], hints)
        if col:    # the bank maps it; a partner's is not imported, never a feature
            taken.add(col)
            if side == "bank":
                doc[key] = {"column": col}
    doc["features"] = [{"column": name, "type": guess_column_type([r[j] for r in preview.rows])}
                       for j, name in enumerate(preview.header) if name and name not in taken]
    return doc


def profile_columns(profile: Profile) -> list[str]:
    """Every column a profile names, in profile order (for a mapping shown before a file)."""
    names = [profile.id_column] + [f.column for f in profile.features]
    names += [c for c in (profile.label, profile.branch) if c] + list(profile.contact.values())
    names += [c for c in (profile.customer_name, profile.last_contact) if c]
    return list(dict.fromkeys(names))


def missing_columns(profile: Profile, header: list[str]) -> list[str]:
    """Columns the profile names that the file does not have (the import would refuse it)."""
    have = set(header)
    return [c for c in profile_columns(profile) if c not in have]


# -- the overview -----------------------------------------------------------------------------

def consent_batches(session) -> dict[str, dict]:
    """Per dataset: number of consent files imported, their rows and the latest import time."""
    session.require("data.view")
    return session.workspace.db.run(dataset_store.consent_summary)
