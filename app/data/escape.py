"""Escaping cells of exported CSV/XLSX files against formula (CSV) injection.

A cell starting with ``= + - @`` (or a tab / carriage return, which Excel skips before reading a
formula) is executed as a formula when the file is opened in a spreadsheet (OWASP "CSV
Injection"). Every export (reach lists, call sheets, reports) passes each text cell through
``escape_cell``, which prefixes a single quote; Excel shows the text unchanged. Numbers that are
real numbers (ints/floats) are not text and are left alone, so ``-3.5`` stays a number.
"""

from __future__ import annotations

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def escape_cell(value) -> str:
    """Text safe to put in an exported cell; ``None`` becomes the empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text
