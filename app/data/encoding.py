"""Text-encoding detection and strict decoding for customer files.

Banks in China export CSV as UTF-8, UTF-8 with BOM, GBK or GB18030. A wrong guess corrupts names
and, worse, can silently change identifiers, so decoding is always strict: an undecodable byte is
an error naming the file and line, never a replacement character.

``auto`` rules: a UTF-8 BOM means UTF-8; a UTF-16/32 BOM is refused; a file that decodes as UTF-8
is UTF-8; otherwise GB18030 (a superset of GBK, so GBK files decode identically). In ``auto`` mode a
file whose non-ASCII lines are partly valid UTF-8 and partly not is refused as *mixed* (typically
two exports concatenated). An explicit encoding skips detection and the mixed check, but is still
decoded strictly.
"""

from __future__ import annotations

import hashlib

import codecs
import os
import re
from dataclasses import dataclass

from app.errors import ValidationError

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030")
BLOCK = 8 * 1024 * 1024
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_REFUSED_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def detect_encoding(path: str, label: str | None = None, limit: LineLimit | None = None) -> str:
    """Return the codec to use for ``path`` under the ``auto`` rules (see module docstring).

    A line beyond ``limit`` ends the scan with what was seen before it: the reader refuses the
    file at that line whatever the encoding, so reading on would only cost time and memory.
    """
    label = label or os.path.basename(path)
    with open_binary(path) as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if any(head.startswith(bom) for bom in _REFUSED_BOMS):
            raise ValidationError.coded("import.utf16", file=label)
        fh.seek(0)
        first_utf8 = first_other = None  # line numbers of the first line of each kind
        line_base = 0
        for block in _until_too_long(iter_blocks(fh, limit=limit)):
            if not block.isascii():
                try:
                    block.decode("utf-8")
                    if first_utf8 is None:
                        first_utf8 = line_base + block.count(b"\n", 0, _NON_ASCII.search(block).start()) + 1
                except UnicodeDecodeError:
                    first_utf8, first_other = _scan_lines(block, line_base, first_utf8, first_other)
                if first_utf8 is not None and first_other is not None:
                    raise ValidationError.coded("import.mixed_encodings", file=label,
                                                utf8_line=first_utf8, other_line=first_other)
            line_base += block.count(b"\n")
    return "gb18030" if first_other is not None else "utf-8"


def _until_too_long(blocks):
    try:
        yield from blocks
    except LineTooLong:
        return


def _scan_lines(block: bytes, line_base: int, first_utf8, first_other):
    """Classify each line holding non-ASCII bytes as valid UTF-8 or not; keep the first of each."""
    pos = 0
    while first_utf8 is None or first_other is None:
        match = _NON_ASCII.search(block, pos)
        if match is None:
            break
        start = block.rfind(b"\n", 0, match.start()) + 1
        end = block.find(b"\n", match.start())
        end = len(block) if end < 0 else end
        try:
            block[start:end].decode("utf-8")
            is_utf8 = True
        except UnicodeDecodeError:
            is_utf8 = False
        if (first_utf8 if is_utf8 else first_other) is None:
            line = line_base + block.count(b"\n", 0, start) + 1
            first_utf8, first_other = (line, first_other) if is_utf8 else (first_utf8, line)
        pos = end + 1
    return first_utf8, first_other


def open_binary(path: str):
    """Open for reading bytes; ``.gz`` files are decompressed on the fly (the demo data is gzipped)."""
    if path.lower().endswith(".gz"):
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


class LineTooLong(Exception):
    """A line outgrew what any valid row can hold before its line break arrived.

    ``column`` is the (0-based, counted by delimiters) index of a value that is certainly longer
    than the field limit, or None when no single value is but the line holds more than a row can.
    """

    def __init__(self, column: int | None):
        super().__init__(column)
        self.column = column


@dataclass(frozen=True)
class LineLimit:
    """Bounds for a line still waiting for its ``\\n``: a value (a run of bytes without delimiter
    or line break, which never spans two values) of more than ``field`` bytes, or a line of more
    than ``line`` bytes, is refused as soon as it is seen, not after the whole line was read."""

    field: int
    line: int
    delimiter: bytes | None = b","  # None (not one byte): only the line is bounded

    def check(self, tail: bytes) -> None:
        """Raise :class:`LineTooLong` if ``tail`` (a line start, no ``\\n`` yet) is beyond a bound."""
        if len(tail) <= self.field:
            return
        if self.delimiter is not None:
            start = self._long_value(tail)
            if start is not None:
                raise LineTooLong(tail.count(self.delimiter, 0, start))
        if len(tail) > self.line:
            raise LineTooLong(None)

    def _long_value(self, tail: bytes) -> int | None:
        """Where a value of more than ``field`` bytes starts, or None. Such a value covers a
        multiple of ``field + 1``, so only those offsets are looked at, each within its window
        (C-speed finds, linear in all)."""
        step, d = self.field + 1, self.delimiter
        for at in range(0, len(tail), step):
            start = tail.rfind(d, max(0, at - step), at + 1) + 1 or max(0, at - step)
            end = tail.find(d, at, at + step + 1)
            if (len(tail) if end < 0 else end) - start > self.field:
                return start
        return None


def iter_blocks(fh, size: int | None = None, limit: LineLimit | None = None):
    """Yield blocks of about ``size`` bytes that end just after a newline (or at end of file).

    Cutting at ``\\n`` is safe for every accepted encoding: 0x0A is never part of a multi-byte
    UTF-8, GBK or GB18030 character. With a ``limit``, the unfinished line carried over to the next
    read is checked after every read (raising :class:`LineTooLong`), so a line without end costs
    at most the limit plus one block of memory and reading.
    """
    rest, size = b"", size or BLOCK
    while True:
        data = fh.read(size)
        if not data:
            if rest:
                yield rest
            return
        data = rest + data
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        if limit is not None:
            limit.check(rest)
        if cut:
            yield data[:cut]


def resolve(path: str, encoding: str, label: str | None = None,
            limit: LineLimit | None = None) -> str:
    """The codec for ``path``: validate an explicit choice or detect under ``auto``."""
    if encoding not in ENCODINGS:
        raise ValidationError.coded("import.unknown_encoding", encoding=encoding,
                                    choices=list(ENCODINGS))
    if encoding == "auto":
        return detect_encoding(path, label, limit)
    return encoding


def decode_block(data: bytes, codec: str, label: str, line_base: int, header: list[str] | None,
                 delimiter: str = ",") -> str:
    """Decode strictly; an error names the line and (best effort) the column, never the bytes."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = line_base + data.count(b"\n", 0, exc.start) + 1
        if header:
            index = data.count(delimiter.encode("ascii"), line_start, exc.start)
            if index < len(header):
                raise ValidationError.coded("import.bad_encoding_cell", file=label, line=line,
                                            column=header[index], codec=codec.upper()) from None
        raise ValidationError.coded("import.bad_encoding_line", file=label, line=line,
                                    codec=codec.upper()) from None


def file_sha256(path: str) -> str:
    """Hex SHA-256 of a file's bytes: what the audit records as the file that was read."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
