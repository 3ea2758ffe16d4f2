"""Customer-file import: 4M rows x 30 feature columns (quick: 200k) plus a consent file.

Generates the files in a temporary directory, then parses and validates them the way the importer
does (identifier canonicalisation, typed columns, duplicates, consent eligibility) and, when the
encrypted store is available, imports them into a fresh workspace. Prints rows/s, wall time, peak
memory of the importing process (ru_maxrss) and of its largest parse worker, and the machine's
load average (the machine is shared: wall times mean little without it).
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


def _chunk_columns(rng, ids: np.ndarray) -> dict:
    rows = len(ids)
    cols: dict = {"mobile": ids.tolist()}
    for j in range(N_NUMERIC):
        x = np.round(rng.lognormal(6, 1.2, rows), 2)
        if j % 5 == 0:
            x[rng.random(rows) < 0.01] = np.nan
        cols[f"x{j}"] = x
    for j in range(N_CATEGORICAL):
        cols[f"c{j}"] = np.array(["a", "b", "c", "d", "e", "f"])[rng.integers(0, 6, rows)]
    cols["d0"] = (np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("timedelta64[D]")).astype(str)
    return cols


def _consent_columns(rng, ids: np.ndarray) -> dict:
    rows = len(ids)
    granted = np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 10**7, rows).astype("timedelta64[s]")
    stamps = np.char.replace(granted.astype(str), "T", " ")
    return {"customer_id": ids.tolist(), "purpose": ["joint-marketing-model"] * rows,
            "granted_at": stamps.tolist(), "expires_at": [""] * rows,
            "revoked_at": np.where(rng.random(rows) < 0.03, stamps, "").tolist()}


def make_files(rows: int, out: str, seed: int = 1, chunk: int = 200_000) -> tuple[str, str, object]:
    """Write the files chunk by chunk (a 4M x 31 table of Python strings would need ~8 GB)."""
    rng = np.random.default_rng(seed)
    ids = _mobiles(rng, rows)
    data, consent = os.path.join(out, "big.csv"), os.path.join(out, "consent.csv")
    for start in range(0, rows, chunk):
        part = ids[start:start + chunk]
        write_csv(data, _chunk_columns(rng, part), append=start > 0)
        write_csv(consent, _consent_columns(rng, part), append=start > 0)
    feats = [{"column": f"x{j}", "type": "numeric"} for j in range(N_NUMERIC)]
    feats += [{"column": f"c{j}", "type": "categorical"} for j in range(N_CATEGORICAL)]
    feats += [{"column": "d0", "type": "date"}]
    profile = parse_profile({"format": "lianmo-import-profile", "version": 1, "dataset": "bench",
                             "side": "partner", "identifier": {"column": "mobile", "type": "mobile"},
                             "features": feats})
    return data, consent, profile


def _peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


class TreeRss:
    """Peak of the *summed* resident memory of this process and its children (the parse
    workers), sampled every 0.2 s from /proc: what the machine must hold at once (Linux)."""

    def __init__(self) -> None:
        import threading
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    @staticmethod
    def _now() -> int:
        parents, rss = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/status") as f:
                    rss[int(entry)] = next((int(line.split()[1]) * 1024 for line in f
                                            if line.startswith("VmRSS:")), 0)
            except (OSError, ValueError, IndexError):
                continue
        tree, todo = set(), [os.getpid()]
        while todo:
            pid = todo.pop()
            tree.add(pid)
            todo += [c for c, parent in parents.items() if parent == pid and c not in tree]
        return sum(rss.get(pid, 0) for pid in tree)

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self._now())

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.peak, self._now()) / 2**20


def _child(tmp: str, store: bool) -> dict:
    """Parse (and import) in a fresh process so ru_maxrss is the importer's own peak."""
    import json as _json

    tree = TreeRss()

    profile = parse_profile(_json.load(open(os.path.join(tmp, "profile.json"))))
    data, consent = os.path.join(tmp, "big.csv"), os.path.join(tmp, "consent.csv")
    out = {}
    from app.executor import LocalExecutor
    with LocalExecutor() as executor:  # as import_dataset does: parse workers for this import
        t0 = time.perf_counter()
        ds = load_dataset(data, profile, executor=executor)
        out["parse_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        events = load_consent(consent, profile, executor=executor)
        out["consent_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    mask = eligible_mask(ds.ids, events)
    build_report(ds, events, mask)
    out["report_s"] = time.perf_counter() - t0
    out["eligible"] = int(mask.sum())
    out["peak_parse_mb"] = _peak_mb()
    out["peak_worker_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
    out["peak_tree_mb"] = tree.stop()
    from app.data.parallel import WORKERS
    out["workers"] = WORKERS
    del ds, events
    if store:
        from app.workflows.importing.data_import import import_dataset
        from app.workflows.workspace_admin import init_workspace
        from app.workflows.session import login
        from app.workflows.users import add_user
        admin = init_workspace(os.path.join(tmp, "ws"), "Bench", "feature", "admin",
                               "bench-password-1", passphrase="bench passphrase")
        add_user(admin, "ana", "analyst", "bench-password-2")
        session = login(admin.workspace, "ana", "bench-password-2")
        t0 = time.perf_counter()
        import_dataset(session, data, consent, profile)
        out["store_s"] = time.perf_counter() - t0
        out["peak_store_mb"] = _peak_mb()
        from app.workflows.importing.data_import import load_eligible
        t0 = time.perf_counter()
        back = load_eligible(session, "bench")
        out["load_back_s"] = time.perf_counter() - t0
        out["load_back_mb"] = back.features.nbytes / 1e6
        del back
        session.workspace.close()
        out["peak_load_back_mb"] = _peak_mb()
    return out


def run(quick: bool) -> list[dict]:
    import json
    import subprocess
    import sys

    rows = 200_000 if quick else 4_000_000
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="lianmo-bench-import-") as tmp:
        t0 = time.perf_counter()
        data, _, profile = make_files(rows, tmp)
        gen_s = time.perf_counter() - t0
        size_mb = os.path.getsize(data) / 1e6
        with open(os.path.join(tmp, "profile.json"), "w") as fh:
            json.dump(profile.to_json(), fh)
        proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_import", "--child", tmp],
                              capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
    load = f"load avg {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    note = f"{rows:,} rows x 30 features, {size_mb:.0f} MB CSV; generation {gen_s:.1f} s; {load}"
    total = r["parse_s"] + r["consent_s"] + r["report_s"]
    full = not quick
    return [
        {"figure": "import: parse data file", "value": rows / r["parse_s"], "unit": "rows/s",
         "reference": None, "ratio": None, "note": f"{r['parse_s']:.1f} s wall; {note}"},
        {"figure": "import: parse consent file", "value": rows / r["consent_s"], "unit": "rows/s",
         "reference": None, "ratio": None, "note": f"{r['consent_s']:.1f} s wall"},
        {"figure": "import: eligibility + report", "value": r["report_s"], "unit": "s",
         "reference": None, "ratio": None, "note": f"{r['eligible']:,} eligible"},
        {"figure": "import: parse+validate total", "value": total, "unit": "s",
         "reference": 120.0 if full else None, "ratio": total / 120.0 if full else None,
         "note": "budget 120 s for 4M x 30"},
        {"figure": "import: peak memory, parse (ru_maxrss)", "value": r["peak_parse_mb"], "unit": "MB",
         "reference": 4096.0 if full else None, "ratio": r["peak_parse_mb"] / 4096 if full else None,
         "note": f"parse + consent + report; largest parse worker {r['peak_worker_mb']:.0f} MB"},
        {"figure": "import: peak memory, importer + parse workers at once", "value": r["peak_tree_mb"],
         "unit": "MiB", "reference": 4096.0 if full else None,
         "ratio": r["peak_tree_mb"] / 4096 if full else None,
         "note": "summed VmRSS of the process tree, sampled every 0.2 s during parsing (a short "
                 "peak can fall between samples); never above importer peak + workers x largest "
                 f"worker = {r['peak_parse_mb'] + r['workers'] * r['peak_worker_mb']:.0f} MB"},
        {"figure": "import: into encrypted workspace", "value": rows / r["store_s"], "unit": "rows/s",
         "reference": None, "ratio": None,
         "note": f"{r['store_s']:.1f} s wall incl. parsing again; peak {r['peak_store_mb']:.0f} MB"},
        {"figure": "import: feature matrix back into numpy", "value": r["load_back_s"], "unit": "s",
         "reference": None, "ratio": None,
         "note": f"load_eligible: {r['load_back_mb']:.0f} MB float64 + ids, consent re-checked; "
                 f"peak {r['peak_load_back_mb']:.0f} MB"},
    ]


if __name__ == "__main__":
    import json
    import sys

    if "--child" in sys.argv:
        print(json.dumps(_child(sys.argv[sys.argv.index("--child") + 1], store=True)))
    else:
        for row in run("--full" not in sys.argv):
            print(f"{row['figure']:45s} {row['value']:>14,.1f} {row['unit']:6s} {row['note']}")
