"""Customer-identifier canonicalisation, version 1, and masking for display.

Both parties must turn the same person into the same string before private set intersection, or
the intersection silently shrinks. So canonicalisation is a *versioned* function with shared test
vectors (``resources/id_vectors_v1.json``); changing any rule means a new version, never an edit.

v1, for every type: NFKC (full-width digits, letters, ``＋`` and ideographic spaces become ASCII),
drop zero-width characters, strip surrounding whitespace; a value that looks like a number
mangled by a spreadsheet (``1.1E+17``, ``13800138000.0``) is rejected, never guessed back.
- ``mobile``: drop spaces and dashes, drop one ``+86``/``0086`` prefix; 11 digits ``1[3-9]…``.
- ``id_card``: drop spaces and dashes, upper-case ``x``; 18 characters (GB 11643-1999): 17
  digits with a valid birth date (1900-2099) and the ISO 7064 MOD 11-2 check character.
  The old 15-digit numbers are rejected (v1 does not upgrade them).
- ``opaque``: 1-64 characters of ``[0-9A-Za-z._:-]``, case kept.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

CANON_VERSION = 1
ID_TYPES = ("mobile", "id_card", "opaque")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES_DASHES = dict.fromkeys(map(ord, " \t-"), None)
_EXCEL_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+|\d+\.\d*")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID_CARD = re.compile(r"\d{17}[\dX]")
_OPAQUE = re.compile(r"[0-9A-Za-z._:\-]{1,64}")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Reasons a value is rejected (stable codes used in validation reports).
MISSING = "id_missing"
EXCEL_MANGLED = "id_excel_mangled"
BAD_FORMAT = "id_bad_format"
BAD_CHECK_DIGIT = "id_bad_check_digit"


class IdError(ValueError):
    """A value is not a valid identifier of its type; ``reason`` is one of the codes above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def id_card_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643-1999)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def _prepare(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).translate(_ZERO_WIDTH).strip()
    if not text:
        raise IdError(MISSING)
    return text


def _mobile(raw: str) -> str:
    if len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1" and raw[1] in "3456789":
        return raw  # fast path: already canonical (the usual case at 4M rows)
    text = _prepare(raw)
    if _EXCEL_NUMBER.fullmatch(text):
        raise IdError(EXCEL_MANGLED)
    text = text.translate(_SPACES_DASHES)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not (text.isascii() and _MOBILE.fullmatch(text)):
        raise IdError(BAD_FORMAT)
    return text


def _valid_birth_date(digits: str) -> bool:
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    if not 1900 <= year <= 2099:
        return False
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _id_card(raw: str) -> str:
    if not (len(raw) == 18 and raw.isascii() and raw[:17].isdigit() and raw[17] in "0123456789X"):
        text = _prepare(raw)
        if _EXCEL_NUMBER.fullmatch(text):
            raise IdError(EXCEL_MANGLED)
        raw = text.translate(_SPACES_DASHES).replace("x", "X")
        if not (raw.isascii() and _ID_CARD.fullmatch(raw)):
            raise IdError(BAD_FORMAT)
    if not _valid_birth_date(raw):
        raise IdError(BAD_FORMAT)
    if id_card_check_char(raw[:17]) != raw[17]:
        raise IdError(BAD_CHECK_DIGIT)
    return raw


def _opaque(raw: str) -> str:
    text = _prepare(raw)
    if _EXCEL_NUMBER.fullmatch(text) and "e" in text.lower():
        raise IdError(EXCEL_MANGLED)  # "12.5" may be a real opaque id; "1.2E+17" never is
    if not _OPAQUE.fullmatch(text):
        raise IdError(BAD_FORMAT)
    return text


_CANON = {"mobile": _mobile, "id_card": _id_card, "opaque": _opaque}


def canonicalizer(id_type: str):
    """The v1 canonicalisation function for ``id_type`` (raises ValueError for unknown types)."""
    try:
        return _CANON[id_type]
    except KeyError:
        raise ValueError(f"unknown identifier type {id_type!r}") from None


def canonicalize(id_type: str, raw: str) -> str:
    """Canonical v1 form of ``raw``; raises :class:`IdError` with a reason code when invalid."""
    return canonicalizer(id_type)(raw)


def mask_name(name: str) -> str:
    """A personal name for people who may see it only masked: the first character (the surname
    of a Chinese name), the rest starred (``张**``); length kept, empty stays empty."""
    name = unicodedata.normalize("NFKC", name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask(id_type: str, canonical: str) -> str:
    """Display form for people who may not see the identifier in clear.

    mobile: first 3 and last 4 digits (``138****1234``); id_card: first 4 (province and city) and
    last 4 (``4403**********123X``); opaque: first and last 2 characters when longer than 4, else
    all starred. Length is kept so call sheets line up.
    """
    if id_type == "mobile":
        return canonical[:3] + "*" * (len(canonical) - 7) + canonical[-4:]
    if id_type == "id_card":
        return canonical[:4] + "*" * (len(canonical) - 8) + canonical[-4:]
    if id_type == "opaque":
        if len(canonical) <= 4:
            return "*" * len(canonical)
        return canonical[:2] + "*" * (len(canonical) - 4) + canonical[-2:]
    raise ValueError(f"unknown identifier type {id_type!r}")
