"""Eligibility from consent events (the rule in app/data/consent.py)."""

from __future__ import annotations

import numpy as np

from app.data.consent import eligible_ids
from app.data.loader import ConsentEvents, Problems, load_consent
from app.data.profile import parse_profile

NAN = np.nan
DAY = 86_400.0


def events(rows):
    ids = np.array([r[0] for r in rows], dtype="S11")
    cols = [np.array([r[i] for r in rows], dtype=np.float64) for i in (1, 2, 3)]
    return ConsentEvents("c.csv", ids, np.arange(len(rows)), *cols, len(rows), 0, 0, Problems("c.csv"))


def test_rule_cases():
    t = 100 * DAY
    ev = events([
        ("13800000001", 10 * DAY, NAN, NAN),            # granted, open-ended: eligible
        ("13800000002", 10 * DAY, 50 * DAY, NAN),       # expired
        ("13800000003", 10 * DAY, NAN, 60 * DAY),       # revoked in its own row
        ("13800000004", 10 * DAY, NAN, NAN),            # revoked by a later row ...
        ("13800000004", 10 * DAY, NAN, 90 * DAY),
        ("13800000005", 10 * DAY, NAN, 20 * DAY),       # revoked, then granted again: eligible
        ("13800000005", 30 * DAY, NAN, NAN),
        ("13800000006", 200 * DAY, NAN, NAN),           # granted in the future
        ("13800000007", 10 * DAY, NAN, 150 * DAY),      # revocation in the future: still eligible
        ("13800000008", 10 * DAY, 100 * DAY, NAN),      # expires exactly now: not eligible
    ])
    got = eligible_ids(ev, t).tolist()
    assert got == [b"13800000001", b"13800000005", b"13800000007"]
    assert b"13800000007" not in eligible_ids(ev, 151 * DAY).tolist()


def test_consent_file_parsing(tmp_path):
    prof = parse_profile({"format": "lianmo-import-profile", "version": 1, "dataset": "t",
                          "side": "partner", "identifier": {"column": "m", "type": "mobile"},
                          "features": [{"column": "x", "type": "numeric"}],
                          "consent": {"customer_id": "mobile"}})
    path = tmp_path / "consent.csv"
    path.write_text(
        "mobile,purpose,granted_at,expires_at,revoked_at\n"
        "13800138000,joint-marketing-model,2024-01-01 08:00:00,,\n"
        "+86 13912345678,joint-marketing-model,2024-01-01T00:00:00Z,2030-01-01,2024-06-01 12:00:00\n"
        "13700137000,credit-risk-assessment,2024-01-01 08:00:00,,\n"
        "13600136000,joint-marketing-model,,,\n"
        "13500135000,joint-marketing-model,2024-01-01,2023-01-01,\n"
        "13400134000,joint-marketing-model,not a date,,\n", encoding="utf-8")
    ev = load_consent(str(path), prof)
    assert ev.ids.tolist() == [b"13800138000", b"13912345678"]
    assert ev.granted_at.tolist() == [1704067200.0, 1704067200.0]  # +08:00 when no offset given
    assert ev.other_purpose == 1 and ev.rejected_rows == 3
    assert sorted((p.row, p.column, p.reason) for p in ev.problems.listed) == [
        (5, "granted_at", "missing_granted_at"), (6, "expires_at", "expires_before_granted"),
        (7, "granted_at", "bad_datetime")]
