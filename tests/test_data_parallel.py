"""Parsing in worker processes gives exactly the single-process result, errors and row numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.data import columns as C
from app.data import parallel, tabular
from app.data.loader import load_consent, load_dataset
from app.data.profile import parse_profile
from app.errors import UserCancelled, ValidationError

HEADER = "mobile,age,city,note,opened,score\n"
CITIES = ["深圳", "北京", "上海", "杭州", "NA", ""]


def profile(**extra):
    return parse_profile({"format": "lianmo-import-profile", "version": 1, "dataset": "t",
                          "side": "partner", "identifier": {"column": "mobile", "type": "mobile"},
                          "features": [{"column": "age", "type": "numeric"},
                                       {"column": "city", "type": "categorical"},
                                       {"column": "opened", "type": "date"},
                                       {"column": "score", "type": "numeric"}], **extra})


def rows(n: int, seed: int = 3) -> list[str]:
    """Tricky on purpose: quoted line breaks and commas every few rows, blank lines, bad cells."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        mobile = f"13{rng.integers(0, 10**9):09d}" if i % 97 else "12345"  # some invalid ids
        age = "" if i % 13 == 0 else ("abc" if i % 211 == 0 else str(rng.integers(18, 90)))
        note = f'"line one\nline, two ""{i}"""' if i % 5 == 0 else "plain"
        score = "１２.5" if i % 89 == 0 else f"{rng.normal():.4f}"
        out.append(f"{mobile},{age},{CITIES[i % 6]},{note},2021-0{1 + i % 9}-1{i % 10},{score}\n")
        if i % 401 == 0:
            out.append("\n")
    return out


def load_both(monkeypatch, loader, path, prof, executor):
    """(parallel result, single-process result), checking the parallel path really ran."""
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 2048)  # many blocks, many ending inside quotes
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    calls = []
    real_run = parallel.run
    monkeypatch.setattr(parallel, "run", lambda *a, **k: calls.append(real_run(*a, **k)) or calls[-1])
    par = loader(path, prof, executor=executor)
    assert calls and calls[0] is not None, "the file was not parsed by the workers"
    monkeypatch.setattr(parallel, "WORKERS", 1)
    return par, loader(path, prof, executor=executor)


def same_dataset(a, b):
    assert a.ids.tolist() == b.ids.tolist() and a.rows.tolist() == b.rows.tolist()
    assert list(a.features) == list(b.features) and a.categories == b.categories
    for k in a.features:
        assert a.features[k].dtype == b.features[k].dtype
        assert np.array_equal(a.features[k], b.features[k], equal_nan=True), k
    assert (a.rows_read, a.rejected_rows, a.duplicates_dropped) == \
        (b.rows_read, b.rejected_rows, b.duplicates_dropped)
    assert [vars(p) for p in a.problems.listed] == [vars(p) for p in b.problems.listed]
    assert a.problems.by_reason == b.problems.by_reason and a.encoding == b.encoding


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_parallel_equals_single_process(tmp_path, monkeypatch, encoding, executor):
    path = tmp_path / "big.csv"
    path.write_bytes((HEADER + "".join(rows(1500))).encode(encoding))
    par, single = load_both(monkeypatch, load_dataset, str(path), profile(), executor)
    same_dataset(par, single)
    assert single.problems.by_reason["bad_number"] > 0 and single.rejected_rows > 0
    assert 12.5 in par.features["score"].tolist()  # full-width digits: NFKC, as before
    assert len(par) > 1000 and par.rows.min() == 4  # row 2 has a bad id, row 3 is blank


def test_row_numbers_after_quoted_line_breaks(tmp_path, monkeypatch, executor):
    lines = rows(1500)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    par, _ = load_both(monkeypatch, load_dataset, str(path), profile(), executor)
    # a record with a quoted line break is one row; blank lines keep their number
    expected = [r for r, line in enumerate(lines, start=2) if line.strip() and not line.startswith("12345")]
    assert set(par.rows.tolist()) <= set(expected) and par.rows.max() == expected[-1]


@pytest.mark.parametrize("where", [0.1, 0.9])
def test_ragged_row_reported_with_its_row_number(tmp_path, monkeypatch, where, executor):
    lines = rows(1500)
    bad = int(len(lines) * where)
    while lines[bad] == "\n":
        bad += 1
    lines[bad] = lines[bad].replace(",plain,", ",plain,extra,").replace(',"line', ',extra,"line')
    path = tmp_path / "ragged.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 2048)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    with pytest.raises(ValidationError) as par:
        load_dataset(str(path), profile(), executor=executor)
    monkeypatch.setattr(parallel, "WORKERS", 1)
    with pytest.raises(ValidationError) as single:
        load_dataset(str(path), profile(), executor=executor)
    assert str(par.value) == str(single.value)
    assert f"row {bad + 2}," in str(par.value) and "7 fields but the header has 6" in str(par.value)


def test_unclosed_quote_falls_back_and_is_reported(tmp_path, monkeypatch, executor):
    path = tmp_path / "open.csv"
    path.write_text(HEADER + "".join(rows(600)) + '13800138000,1,a,"never closed\n', encoding="utf-8")
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 2048)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    with pytest.raises(ValidationError, match="a quoted field is never closed"):
        load_dataset(str(path), profile(), executor=executor)


def test_consent_file_in_parallel(tmp_path, monkeypatch, executor):
    rng = np.random.default_rng(5)
    body = "".join(f"13{rng.integers(0, 10**9):09d},joint-marketing-model,2024-01-0{1 + i % 9} "
                   f"10:00:00,{'2023-01-01' if i % 50 == 0 else ''},\n" for i in range(2000))
    path = tmp_path / "consent.csv"
    path.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n" + body, encoding="utf-8")
    par, single = load_both(monkeypatch, load_consent, str(path), profile(), executor)
    assert par.ids.tolist() == single.ids.tolist() and par.rows.tolist() == single.rows.tolist()
    assert np.array_equal(par.granted_at, single.granted_at, equal_nan=True)
    assert [vars(p) for p in par.problems.listed] == [vars(p) for p in single.problems.listed]
    assert par.rejected_rows == single.rejected_rows == 40


def test_cancel_stops_the_workers(tmp_path, monkeypatch, executor):
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "".join(rows(1500)), encoding="utf-8")
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 2048)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)

    class CancelAtOnce:
        def progress(self, *args):
            pass

        def check_cancelled(self):
            raise UserCancelled()

    with pytest.raises(UserCancelled):
        load_dataset(str(path), profile(), CancelAtOnce(), executor)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.from_regex(r"[+-]?[0-9]{0,9}\.?[0-9]{0,9}", fullmatch=True),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["", "1e5", "１２", "inf", "-0", " 7", "1_0", "."])), max_size=40))
def test_plain_decimals_are_bit_identical_to_float(values):
    fast = C.plain_decimals(values)
    if fast is None:
        return  # the general path handles it (covered by the file tests)
    for got, text in zip(fast.tolist(), values):
        expect = float(text) if text else float("nan")
        assert np.float64(got).tobytes() == np.float64(expect).tobytes() or (got != got and expect != expect)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[+-]?[0-9]{1,8}(\.[0-9]{0,7})?|[+-]?\.[0-9]{1,7}|", fullmatch=True),
                max_size=40))
def test_plain_decimals_take_the_fast_path(values):
    fast = C.plain_decimals(values)
    assert fast is not None
    expect = np.array([float(v) if v else np.nan for v in values])
    assert fast.tobytes() == expect.tobytes() or np.array_equal(fast, expect, equal_nan=True) \
        and (np.signbit(fast) == np.signbit(expect)).all()
