"""Where the tests' public data sets live (tests/fixtures/data, see its README); holds no tests."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "fixtures" / "data"


def fate_small_rehearsal(*extra: str) -> list[str]:
    """``rehearse`` on the small FATE data with a fixed seed, no early stopping and no validation
    split: two runs on different executors (or installations) must build the very same trees."""
    breast = DATA / "fate_small_hetero"
    return ["rehearse", "--label-data", str(breast / "breast_hetero_guest.csv"),
            "--feature-data", str(breast / "breast_hetero_host.csv"), "--id-column", "id",
            "--label-column", "y", "--trees", "3", "--depth", "3", "--early-stopping", "0",
            "--validation-fraction", "0", "--seed", "11", *extra]
