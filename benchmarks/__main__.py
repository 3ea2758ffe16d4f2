"""``python -m benchmarks [--quick] [names...]``: run benchmarks and print one table.

Each row: figure, value, unit, reference, ratio, note. Benchmarks print figures; they never pass or
fail on time. Results are also written to bench-out/results.json for comparison across runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
import traceback
from pathlib import Path

import benchmarks


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("names", nargs="*", help="bench module names without bench_ (default: all)")
    args = parser.parse_args()
    names = [m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")]
    if args.names:
        names = [n for n in names if n.removeprefix("bench_") in args.names]
    rows, failed = [], []
    for name in sorted(names):
        print(f"== {name} ({'quick' if args.quick else 'full'})", flush=True)
        started = time.perf_counter()
        try:
            result = importlib.import_module(f"benchmarks.{name}").run(args.quick)
        except Exception:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
            failed.append(name)
            continue
        for row in result:
            rows.append({"bench": name.removeprefix("bench_"), **row})
        print(f"   done in {time.perf_counter() - started:.1f} s", flush=True)
    header = ("bench", "figure", "value", "unit", "reference", "ratio", "note")
    table = [header] + [tuple(_fmt(r.get(k)) for k in header) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)))
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(rows, indent=2, default=str))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
