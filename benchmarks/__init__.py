"""Benchmarks: each ``bench_<name>.py`` has ``run(quick: bool) -> list[dict]`` of printed figures."""

from pathlib import Path

# the public data sets the tests use too (tests/fixtures/data/README.md: sources and licences)
DATA = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "data"
