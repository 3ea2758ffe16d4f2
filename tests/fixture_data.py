"""Where the tests' public data sets live (tests/fixtures/data, see its README); holds no tests."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "fixtures" / "data"
