"""A customer file whose second line never ends: 1 GB without a line break (quick: 64 MB).

Two shapes: one endless value, and endless small values. Prints the time until the importer
refuses the file and the peak of Python allocations meanwhile (tracemalloc): both must stay at
about the field limit plus one read block, whatever the size of the line.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc

from app.data.loader import load_dataset
from app.data.profile import parse_profile
from app.errors import ValidationError

PROFILE = {"format": "lianmo-import-profile", "version": 1, "dataset": "long", "side": "partner",
           "identifier": {"column": "mobile", "type": "mobile"},
           "features": [{"column": "age", "type": "numeric"}]}


def _write(path: str, unit: bytes, size: int) -> None:
    chunk = unit * (16 * 1024 * 1024 // len(unit))
    with open(path, "wb") as fh:
        fh.write(b"mobile,age\n13800138000,")
        for _ in range(size // len(chunk)):
            fh.write(chunk)
        fh.write(b"\n")


def run(quick: bool) -> list[dict]:
    size = (64 if quick else 1024) * 1024 * 1024
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "long.csv")
        for shape, unit in (("one value", b"x"), ("small values", b"1,")):
            _write(path, unit, size)
            tracemalloc.start()
            started = time.perf_counter()
            try:
                load_dataset(path, parse_profile(PROFILE))
                refused = "accepted?!"
            except ValidationError as exc:
                refused = str(exc).split(": ", 1)[1]
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows.append({"figure": f"refusal, {shape}, {size >> 20} MB line", "value": seconds,
                         "unit": "s", "note": refused})
            rows.append({"figure": f"peak allocations, {shape}", "value": peak / 2 ** 20,
                         "unit": "MB"})
    return rows
