"""Benchmarks: each ``bench_<name>.py`` has ``run(quick: bool) -> list[dict]`` of printed figures."""
