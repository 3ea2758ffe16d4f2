"""Identifier canonicalisation v1: the shared vectors, check digits, masking, escaping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.data import ids
from app.data.escape import escape_cell

VECTORS = json.loads((Path(__file__).parent.parent / "resources" / "id_vectors_v1.json")
                     .read_text(encoding="utf-8"))


def _case_ids(t):
    return [f"{t}-{i}" for i in range(len(VECTORS[t]))]


@pytest.mark.parametrize("id_type", ids.ID_TYPES)
def test_shared_vectors(id_type):
    assert VECTORS["version"] == ids.CANON_VERSION
    for case in VECTORS[id_type]:
        if case["canonical"] is not None:
            assert ids.canonicalize(id_type, case["input"]) == case["canonical"], case
        else:
            with pytest.raises(ids.IdError) as err:
                ids.canonicalize(id_type, case["input"])
            assert err.value.reason == case["reason"], case


def test_vectors_cover_the_required_cases():
    reasons = {c["reason"] for t in ids.ID_TYPES for c in VECTORS[t]}
    assert {"id_bad_check_digit", "id_excel_mangled", "id_bad_format", "id_missing"} <= reasons
    inputs = [c["input"] for c in VECTORS["mobile"]]
    assert any(i.startswith("+86") for i in inputs) and any(i.startswith("0086") for i in inputs)
    assert any("１" in i for i in inputs)  # full-width digits
    assert any(c["input"].endswith("x") for c in VECTORS["id_card"])  # lower-case x


def _reference_check(first17: str) -> str:
    # GB 11643 written out directly: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_matches_the_iso7064_definition(first17):
    assert ids.id_card_check_char(first17) == _reference_check(first17)


@given(st.integers(1_300_000_0000, 1_999_999_9999))
def test_mobile_variants_canonicalise_to_the_same_string(n):
    m = str(n)
    if m[1] not in "3456789":
        return
    full = m.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for variant in (m, "+86" + m, "0086 " + m, f"{m[:3]} {m[3:7]}-{m[7:]}", full, f"\u200b{m}"):
        assert ids.canonicalize("mobile", variant) == m
    assert ids.canonicalize("mobile", ids.canonicalize("mobile", m)) == m


def test_masking_vectors_and_length():
    for case in VECTORS["mask"]:
        assert ids.mask(case["type"], case["canonical"]) == case["masked"]
        assert len(case["masked"]) == len(case["canonical"])


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("138****1234", "138****1234"), (-3.5, "-3.5"),
    (None, ""), (12, "12")])
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected
