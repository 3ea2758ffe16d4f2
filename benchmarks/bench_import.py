"""Customer-file import: 4M rows x 30 feature columns (quick: 200k) plus a consent file.

Generates the files in a temporary directory, then parses and validates them the way the importer
does (identifier canonicalisation, typed columns, duplicates, consent eligibility) and, when the
encrypted store is available, imports them into a fresh workspace. Prints rows/s, wall time and
peak memory (ru_maxrss of this process, which includes the generation step).
"""

from __future__ import annotations

import os
import resource
import tempfile
import time

import numpy as np

from app.data.consent import eligible_mask
from app.data.generator import _mobiles, write_csv
from app.data.loader import load_consent, load_dataset
from app.data.profile import parse_profile
from app.data.validation import build_report

N_NUMERIC, N_CATEGORICAL, N_DATE = 26, 3, 1


def make_files(rows: int, out: str, seed: int = 1) -> tuple[str, str, object]:
    rng = np.random.default_rng(seed)
    ids = _mobiles(rng, rows)
    cols: dict = {"mobile": ids.tolist()}
    for j in range(N_NUMERIC):
        x = np.round(rng.lognormal(6, 1.2, rows), 2)
        if j % 5 == 0:
            x[rng.random(rows) < 0.01] = np.nan
        cols[f"x{j}"] = x
    for j in range(N_CATEGORICAL):
        cols[f"c{j}"] = np.array(["a", "b", "c", "d", "e", "f"])[rng.integers(0, 6, rows)]
    cols["d0"] = (np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("timedelta64[D]")).astype(str)
    data = os.path.join(out, "big.csv")
    write_csv(data, cols)
    del cols
    granted = np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 10**7, rows).astype("timedelta64[s]")
    stamps = np.char.replace(granted.astype(str), "T", " ")
    revoked = np.where(rng.random(rows) < 0.03, stamps, "")
    consent = os.path.join(out, "consent.csv")
    write_csv(consent, {"customer_id": ids.tolist(), "purpose": ["joint-marketing-model"] * rows,
                        "granted_at": stamps.tolist(), "expires_at": [""] * rows,
                        "revoked_at": revoked.tolist()})
    feats = [{"column": f"x{j}", "type": "numeric"} for j in range(N_NUMERIC)]
    feats += [{"column": f"c{j}", "type": "categorical"} for j in range(N_CATEGORICAL)]
    feats += [{"column": "d0", "type": "date"}]
    profile = parse_profile({"format": "lianmo-import-profile", "version": 1, "dataset": "bench",
                             "side": "partner", "identifier": {"column": "mobile", "type": "mobile"},
                             "features": feats})
    return data, consent, profile


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(quick: bool) -> list[dict]:
    rows = 200_000 if quick else 4_000_000
    with tempfile.TemporaryDirectory(prefix="lianmo-bench-import-") as tmp:
        t0 = time.perf_counter()
        data, consent, profile = make_files(rows, tmp)
        gen_s = time.perf_counter() - t0
        size_mb = os.path.getsize(data) / 1e6
        t0 = time.perf_counter()
        ds = load_dataset(data, profile)
        parse_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        events = load_consent(consent, profile)
        consent_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        mask = eligible_mask(ds.ids, events)
        report = build_report(ds, events, mask)
        report_s = time.perf_counter() - t0
        peak = _peak_mb()
    note = f"{rows:,} rows x 30 features, {size_mb:.0f} MB CSV; generation {gen_s:.1f} s"
    total = parse_s + consent_s + report_s
    out = [
        {"figure": "import: parse data file", "value": rows / parse_s, "unit": "rows/s",
         "reference": None, "ratio": None, "note": f"{parse_s:.1f} s wall; {note}"},
        {"figure": "import: parse consent file", "value": rows / consent_s, "unit": "rows/s",
         "reference": None, "ratio": None, "note": f"{consent_s:.1f} s wall"},
        {"figure": "import: eligibility + report", "value": report_s, "unit": "s",
         "reference": None, "ratio": None, "note": f"{int(mask.sum()):,} eligible"},
        {"figure": "import: total (data + consent + report)", "value": total, "unit": "s",
         "reference": 120.0 if not quick else None, "ratio": (total / 120.0) if not quick else None,
         "note": "budget 120 s for 4M x 30"},
        {"figure": "import: peak memory (ru_maxrss)", "value": peak, "unit": "MB",
         "reference": 4096.0 if not quick else None, "ratio": (peak / 4096) if not quick else None,
         "note": "includes generating the files"},
    ]
    return out


if __name__ == "__main__":
    import sys

    for row in run("--full" not in sys.argv):
        print(f"{row['figure']:45s} {row['value']:>14,.1f} {row['unit']:6s} {row['note']}")
