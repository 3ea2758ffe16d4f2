"""positions(): the one id-to-row lookup that alignment, scoring, outcomes and retraining share."""

from __future__ import annotations

import numpy as np

from app.data.idmatch import positions


def test_positions_finds_rows_across_widths_and_marks_absent():
    keys = np.array([b"13800138000", b"139", b"a"], dtype="S11")
    wanted = np.array([b"a", b"139", b"nope", b"13800138000", b"13"], dtype="S3")
    assert positions(keys, wanted).tolist() == [2, 1, -1, -1, -1]  # "13" is not a prefix match
    assert positions(keys, np.array([b"13800138000"], "S12")).tolist() == [0]


def test_positions_on_empty_inputs():
    assert positions(np.array([], "S4"), np.array([b"x"], "S1")).tolist() == [-1]
    assert positions(np.array([b"x"], "S1"), np.array([], "S1")).tolist() == []


def test_positions_matches_a_dictionary_lookup():
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 10**6, 5000)).astype("S7")
    rng.shuffle(keys)
    wanted = rng.integers(0, 10**6, 3000).astype("S7")
    index = {k: i for i, k in enumerate(keys.tolist())}
    assert positions(keys, wanted).tolist() == [index.get(w, -1) for w in wanted.tolist()]
