"""Read CSV and XLSX files as blocks of string *columns*, never as millions of per-row objects.

A 4M-row file must parse in seconds, so the common case (a block without quotes) is split with
two C-level ``str`` operations and sliced column-wise; blocks containing quotes or bare carriage
returns go through the ``csv`` module (exact RFC 4180 handling, strict mode). Structural problems
refuse the whole file with a :class:`ValidationError` naming file, row and column, because a
ragged or truncated file cannot be trusted row by row.

Row numbers are what a spreadsheet shows: the header is row 1, the first record row 2; a record
with a quoted line break is still one row. Blank lines are skipped but keep their row number.
Only the columns the import profile asks for are materialised (minimum necessary).
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from itertools import repeat

from app.data.encoding import LineLimit, LineTooLong, decode_block, iter_blocks, open_binary, resolve
from app.errors import ValidationError

BLOCK_SIZE = 8 * 1024 * 1024    # bytes read per block (read at construction time)
MAX_FIELD = 64 * 1024            # characters in one field
MAX_PENDING = 64 * 1024 * 1024   # an unclosed quote may not swallow more than this
MAX_XLSX_UNCOMPRESSED = 2 * 1024 ** 3
MAX_XLSX_RATIO = 200             # zip-bomb guard
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


@dataclass
class Block:
    rows: list[int] | range      # spreadsheet row number of each record
    columns: dict[int, list[str]]  # header index -> values of this block


def clean_name(name: str) -> str:
    """Column names compare after NFKC, zero-width removal and stripping (they are data, not SQL)."""
    return unicodedata.normalize("NFKC", name).translate(_ZERO_WIDTH).strip()


def _check_header(label: str, names: list[str]) -> list[str]:
    names = [clean_name(n) for n in names]
    if not any(names):
        raise ValidationError.coded("import.header_empty", file=label)
    seen: set[str] = set()
    for i, name in enumerate(names):
        if len(name) > 256 or "\x00" in name:
            raise ValidationError.coded("import.column_name_invalid", file=label, column=i + 1)
        if name and name in seen:
            raise ValidationError.coded("import.column_twice", file=label, name=name)
        seen.add(name)
    return names


def line_limit(fields: int, delimiter: str) -> LineLimit:
    """Bytes a row of ``fields`` values can take: a character is at most 4 bytes (UTF-8, GBK,
    GB18030), a value may be quoted (a quote inside doubled: 2 bytes), then a delimiter."""
    field = 4 * MAX_FIELD + 3
    one_byte = delimiter.encode() if len(delimiter.encode()) == 1 else None
    return LineLimit(field, fields * (field + 1) + 2, one_byte)


class CsvTable:
    """A delimited text file: ``header`` is read at construction; ``blocks(indices)`` streams."""

    def __init__(self, path: str, encoding: str = "auto", delimiter: str = ",",
                 block_size: int | None = None):
        if len(delimiter) != 1 or delimiter in "\"\r\n":
            raise ValidationError.coded("import.delimiter_invalid")
        self.path, self.label, self.delimiter = path, os.path.basename(path), delimiter
        self.block_size = block_size or BLOCK_SIZE
        with open_binary(path) as fh:
            first = fh.readline(MAX_FIELD * 4)
        # At most as many fields as delimiter bytes in the header line (a GBK character may hold
        # one): a bound for the encoding scan, made exact once the header is parsed.
        self.codec = resolve(path, encoding, self.label,
                             line_limit(first.count(delimiter.encode()) + 1, delimiter))
        if not first.strip(b"\r\n\xef\xbb\xbf \t"):
            raise ValidationError.coded("import.file_empty", file=self.label)
        if not first.endswith(b"\n") and len(first) >= MAX_FIELD * 4:
            raise ValidationError.coded("import.header_too_long", file=self.label)
        self._header_bytes = len(first)
        text = decode_block(first, self.codec, self.label, 0, None, delimiter).rstrip("\r\n")
        if "\x00" in text or '"' in text and text.count('"') % 2:
            raise ValidationError.coded("import.header_malformed", file=self.label)
        self.header = _check_header(self.label, next(csv.reader([text], delimiter=delimiter)))
        self.encoding = "utf-8" if self.codec == "utf-8-sig" else self.codec
        self.limit = line_limit(len(self.header), delimiter)

    @classmethod
    def attached(cls, path: str, encoding: str, delimiter: str, header: list[str],
                 header_bytes: int) -> "CsvTable":
        """A table whose header and encoding are already known (a parse worker: no re-detection)."""
        table = cls.__new__(cls)
        table.path, table.label, table.delimiter = path, os.path.basename(path), delimiter
        table.block_size, table.codec, table.encoding = BLOCK_SIZE, encoding, encoding
        table.header, table._header_bytes = header, header_bytes
        table.limit = line_limit(len(header), delimiter)
        return table

    def blocks(self, indices: list[int]):
        """Yield :class:`Block` objects holding only the columns at ``indices``."""
        row = 2
        pending = ""
        line_base = 1
        with open_binary(self.path) as fh:
            fh.read(self._header_bytes)
            reader = iter_blocks(fh, self.block_size, self.limit)
            while (data := self._next(reader, row)) is not None:
                text = pending + decode_block(data, self.encoding, self.label, line_base,
                                              self.header, self.delimiter)
                line_base += data.count(b"\n")
                if '"' in text and text.count('"') % 2:
                    if len(text) > MAX_PENDING:
                        raise ValidationError.coded("import.quote_unclosed", file=self.label, row=row)
                    pending = text  # block ends inside a quoted field: join with the next one
                    continue
                pending = ""
                block, row = self._parse(text, row, indices)
                if block.rows:
                    yield block
        if pending:
            raise ValidationError.coded("import.quote_unclosed", file=self.label, row=row)

    def units(self) -> list[tuple[int, int, int]] | None:
        """The byte ranges ``(start, end, line_base)`` that :meth:`blocks` parses one at a time.

        Same reads, same cuts at ``\\n`` and same joining of blocks that end inside a quoted
        field (odd number of quotes; 0x22 is never part of a multi-byte GBK/GB18030/UTF-8
        character), so parsing these ranges separately gives exactly the blocks of :meth:`blocks`.
        None when the file ends inside a quoted field (only :meth:`blocks` reports that error).
        """
        out: list[tuple[int, int, int]] = []
        start = pos = self._header_bytes
        quotes, line_base, unit_base = 0, 1, 1
        with open_binary(self.path) as fh:
            fh.read(self._header_bytes)
            try:
                for data in iter_blocks(fh, self.block_size, self.limit):
                    pos += len(data)
                    line_base += data.count(b"\n")
                    quotes += data.count(b'"')
                    if quotes % 2:
                        if pos - start > MAX_PENDING:
                            return None
                        continue
                    out.append((start, pos, unit_base))
                    start, quotes, unit_base = pos, 0, line_base
            except LineTooLong:
                return None  # only :meth:`blocks` reports it
        return None if pos != start else out

    def unit_blocks(self, units: list[tuple[int, int, int]], indices: list[int], row: int = 0):
        """Parse contiguous :meth:`units` (as a worker does); rows count from ``row``.

        After the generator is exhausted, ``self.end_row`` is the row number after the last one.
        """
        with open_binary(self.path) as fh:
            fh.seek(units[0][0])
            for start, end, line_base in units:
                data = fh.read(end - start)
                text = decode_block(data, self.encoding, self.label, line_base, self.header,
                                    self.delimiter)
                block, row = self._parse(text, row, indices)
                if block.rows:
                    yield block
        self.end_row = row

    def _next(self, reader, row: int) -> bytes | None:
        """The next block, or None at the end; a line beyond the limit is refused at ``row``
        (where it starts, unless it continues a quoted line break)."""
        try:
            return next(reader, None)
        except LineTooLong as exc:
            if exc.column is not None:
                self._fail("import.value_too_long", row, exc.column, limit=MAX_FIELD)
            raise ValidationError.coded("import.row_too_long", file=self.label, row=row,
                                        width=len(self.header), limit=MAX_FIELD) from None

    def _fail(self, code: str, row: int, index: int, **params):
        name = self.header[index] if index < len(self.header) else f"#{index + 1}"
        raise ValidationError.coded(code, file=self.label, row=row, column=name, **params)

    def _parse(self, text: str, row: int, indices: list[int]) -> tuple[Block, int]:
        if "\x00" in text:
            self._locate_nul(text, row)
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if '"' in text or "\r" in text:
            return self._parse_csv(text, row, indices)
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        width, d = len(self.header), self.delimiter
        counts = list(map(str.count, lines, repeat(d)))
        rows: list[int] | range = range(row, row + len(lines))
        if "" in lines:  # blank lines: skipped, numbering kept
            rows = [r for r, line in zip(rows, lines) if line]
            counts = [c for c, line in zip(counts, lines) if line]
            lines = [line for line in lines if line]
        if counts.count(width - 1) != len(counts):
            i = next(i for i, c in enumerate(counts) if c != width - 1)
            self._ragged(rows[i], counts[i] + 1)
        if lines and max(map(len, lines)) > MAX_FIELD:
            for r, line in zip(rows, lines):
                for j, field in enumerate(line.split(d)):
                    if len(field) > MAX_FIELD:
                        self._fail("import.value_too_long", r, j, limit=MAX_FIELD)
        flat = "\n".join(lines).replace("\n", d).split(d) if lines else []
        columns = {j: flat[j::width] for j in indices}
        return Block(rows, columns), row + text.count("\n") + (0 if text.endswith("\n") else 1)

    def _ragged(self, row: int, got: int):
        width = len(self.header)
        where = min(got, width - 1) if got < width else width
        self._fail("import.ragged_row", row, where, found=got, expected=width)

    def _locate_nul(self, text: str, row: int):
        # approximate for quoted line breaks, exact otherwise; a NUL never belongs in a CSV file
        pos = text.index("\x00")
        line_start = text.rfind("\n", 0, pos) + 1
        r = row + text.count("\n", 0, pos)
        self._fail("import.nul_byte", r, text.count(self.delimiter, line_start, pos))

    def _parse_csv(self, text: str, row: int, indices: list[int]) -> tuple[Block, int]:
        csv.field_size_limit(MAX_FIELD)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True)
        rows: list[int] = []
        records: list[list[str]] = []
        width = len(self.header)
        try:
            for record in reader:
                if record:
                    if len(record) != width:
                        self._ragged(row, len(record))
                    rows.append(row)
                    records.append(record)
                row += 1
        except csv.Error as exc:
            if "limit" in str(exc):
                raise ValidationError.coded("import.quoted_value_too_long", file=self.label,
                                            row=row, limit=MAX_FIELD) from None
            raise ValidationError.coded("import.quoting_malformed", file=self.label,
                                        row=row) from None
        columns = {j: [rec[j] for rec in records] for j in indices}
        return Block(rows, columns), row


class XlsxTable:
    """The first (or named) worksheet of an .xlsx workbook, cells converted to strings."""

    def __init__(self, path: str, sheet: str | None = None, block_rows: int = 50_000):
        self.path, self.label, self.block_rows = path, os.path.basename(path), block_rows
        self.encoding = "xlsx"
        _check_zip(path, self.label)
        import openpyxl  # local: only XLSX imports pay for it

        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:
            raise ValidationError.coded("import.xlsx_unreadable", file=self.label) from None
        self._sheet = self._book[sheet] if sheet else self._book.worksheets[0]
        self._rows = self._sheet.iter_rows(values_only=True)
        first = next(self._rows, None)
        if first is None:
            raise ValidationError.coded("import.worksheet_empty", file=self.label)
        self.header = _check_header(self.label, [cell_text(c) for c in first])
        while self.header and not self.header[-1]:
            self.header.pop()

    def blocks(self, indices: list[int]):
        width = len(self.header)
        rows: list[int] = []
        cols: dict[int, list[str]] = {j: [] for j in indices}
        try:
            for number, values in enumerate(self._rows, start=2):
                cells = [cell_text(v) for v in values]
                if not any(cells):
                    continue
                for j in range(width, len(cells)):
                    if cells[j]:
                        raise ValidationError.coded("import.outside_header", file=self.label,
                                                    row=number, column=j + 1, width=width)
                cells.extend([""] * (width - len(cells)))
                for j in indices:
                    cols[j].append(cells[j])
                rows.append(number)
                if len(rows) >= self.block_rows:
                    yield Block(rows, cols)
                    rows, cols = [], {j: [] for j in indices}
            if rows:
                yield Block(rows, cols)
        finally:
            self._book.close()


def cell_text(value) -> str:
    """Excel cell -> text as the user typed it; big numbers keep the precision Excel kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2 ** 53:
            return str(int(value))
        return repr(value).upper() if "e" in repr(value) else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if len(text) > MAX_FIELD:
        raise ValidationError.coded("import.cell_too_long", limit=MAX_FIELD)
    return text


def _check_zip(path: str, label: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ValidationError.coded("import.xlsx_unreadable", file=label) from None
    size = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if size > MAX_XLSX_UNCOMPRESSED or size / packed > MAX_XLSX_RATIO:
        raise ValidationError.coded("import.xlsx_too_big", file=label)


def open_table(path: str, encoding: str = "auto", delimiter: str = ","):
    """A CsvTable or XlsxTable by file extension (``.xlsx``; anything else is delimited text,
    gzip-compressed when it ends in ``.gz``)."""
    if not os.path.isfile(path):
        raise ValidationError.coded("import.no_such_file", file=os.path.basename(path))
    if path.lower().endswith(".xlsx"):
        return XlsxTable(path)
    if path.lower().endswith(".xls"):
        raise ValidationError.coded("import.xls_unsupported", file=os.path.basename(path))
    return CsvTable(path, encoding, delimiter)
