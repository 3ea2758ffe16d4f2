"""A line without end is refused while it is read: after the field limit plus one block, in memory
that does not grow with the line (a 1 GB single-line file once took minutes and 2.2 GB)."""

from __future__ import annotations

import tracemalloc

import pytest

from app.data import encoding, tabular
from app.data.loader import load_dataset
from app.data.profile import parse_profile
from app.errors import ValidationError

BLOCK = 64 * 1024
LINE_MB = 6


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(encoding, "BLOCK", BLOCK)
    monkeypatch.setattr(tabular, "BLOCK_SIZE", BLOCK)


def profile():
    return parse_profile({"format": "lianmo-import-profile", "version": 1, "dataset": "t",
                          "side": "partner", "identifier": {"column": "mobile", "type": "mobile"},
                          "features": [{"column": "age", "type": "numeric"},
                                       {"column": "city", "type": "categorical"}]})


def single_line(tmp_path, unit: bytes, start=b"13800138000,35,") -> str:
    path = tmp_path / "long.csv"
    with open(path, "wb") as fh:
        fh.write(b"mobile,age,city\n13912345678,41,x\n" + start)
        for _ in range(LINE_MB * 1024 * 1024 // (len(unit) * 4096)):
            fh.write(unit * 4096)
    return str(path)


def refusal_and_peak(path) -> tuple[str, int]:
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as err:
            load_dataset(path, profile())
        return str(err.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_one_endless_value_is_refused_in_bounded_memory(tmp_path):
    message, peak = refusal_and_peak(single_line(tmp_path, b"x"))
    assert "row 3, column 'city': the value is longer than 65,536 characters" in message
    limit = tabular.line_limit(3, ",").field
    assert peak < 3 * (limit + BLOCK) < LINE_MB * 1024 * 1024 / 4


def test_endless_small_values_are_refused_in_bounded_memory(tmp_path):
    message, peak = refusal_and_peak(single_line(tmp_path, b"1,"))
    assert "row 3: the row is longer than 3 values of at most 65,536 characters can be" in message
    assert peak < 3 * (tabular.line_limit(3, ",").line + BLOCK) < LINE_MB * 1024 * 1024


def test_endless_quoted_value_is_refused_too(tmp_path):
    message, peak = refusal_and_peak(single_line(tmp_path, b"y", start=b'13800138000,35,"'))
    assert "row 3, column 'city'" in message and "longer" in message
    assert peak < 3 * (tabular.line_limit(3, ",").field + BLOCK)


def test_parallel_plan_leaves_the_refusal_to_the_reader(tmp_path):
    table = tabular.CsvTable(single_line(tmp_path, b"x"))
    assert table.units() is None


def test_long_but_valid_rows_still_read(tmp_path):
    """The bound never refuses what the parser accepts: values at the limit, in 4-byte UTF-8."""
    value = "𠀀" * tabular.MAX_FIELD  # 4 bytes each
    path = tmp_path / "wide.csv"
    path.write_text("mobile,age,city\n" + f'13800138000,35,"{value}"\n' * 3, encoding="utf-8")
    blocks = tabular.CsvTable(str(path)).blocks([2])
    assert [v for block in blocks for v in block.columns[2]] == [value] * 3
