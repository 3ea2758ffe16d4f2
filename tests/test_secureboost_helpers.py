"""Shared loaders for the SecureBoost tests (real data from tests/fixtures/data); holds no tests."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np

from fixture_data import DATA

BANK_SIDE = ["age", "job", "marital", "education", "default", "balance", "housing", "loan"]
PARTNER_SIDE = ["contact", "day", "month", "duration", "campaign", "pdays", "previous", "poutcome"]
BANK_CATEGORICAL = {"job", "marital", "education", "default", "housing", "loan", "contact",
                    "month", "poutcome"}


def read_csv(path: Path, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader)
        return header, list(reader)


def fate_pair(folder: str, guest: str, host: str):
    """(y, label-party columns, feature-party columns) joined on id, in ascending id order."""
    hg, rg = read_csv(DATA / folder / guest)
    hh, rh = read_csv(DATA / folder / host)
    gi = {r[0]: r for r in rg}
    hi = {r[0]: r for r in rh}
    ids = sorted(set(gi) & set(hi), key=int)
    G = np.array([[float(v) for v in gi[i][1:]] for i in ids])
    H = np.array([[float(v) for v in hi[i][1:]] for i in ids])
    return G[:, 0], {n: G[:, j + 1] for j, n in enumerate(hg[2:])}, \
        {n: H[:, j] for j, n in enumerate(hh[1:])}


def breast():
    return fate_pair("fate_small_hetero", "breast_hetero_guest.csv", "breast_hetero_host.csv")


def credit():
    return fate_pair("fate_default_credit_hetero", "default_credit_hetero_guest.csv.gz",
                     "default_credit_hetero_host.csv.gz")


def bank():
    """Bank Marketing split as in the data README; id = row number."""
    header, rows = read_csv(DATA / "uci_bank_marketing" / "bank-full.csv.gz", ";")
    table = dict(zip(header, zip(*rows)))

    def col(name):
        if name in BANK_CATEGORICAL:
            return np.array(table[name], dtype=object)
        return np.array(table[name], dtype=np.float64)

    y = (np.array(table["y"]) == "yes").astype(np.float64)
    return y, {n: col(n) for n in BANK_SIDE}, {n: col(n) for n in PARTNER_SIDE}


def subset(columns: dict, rows: np.ndarray) -> dict:
    return {k: v[rows] for k, v in columns.items()}
