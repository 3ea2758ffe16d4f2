"""Turn two plain CSV files into what each party would import: data, consent and profile files.

Rehearsal treats every row as consented (the files are the user's own test data) and infers column
types from a sample. The label party's rows are split into a training and a test dataset (by a
split column or a seeded draw); the feature party imports all its rows as one dataset. Aligning each
bank dataset with the partner's then yields the training and the test rows through the real PSI.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.data.profile import PURPOSE
from app.errors import ValidationError
from app.workflows.importing.data_preview import guess_column_type

SAMPLE_ROWS = 2000
ROW_ID = "lianmo_row"


@dataclass(frozen=True)
class PartyFiles:
    data: Path
    consent: Path
    profile: Path
    rows: int


def read_table(path: str | Path, delimiter: str) -> tuple[list[str], list[list[str]]]:
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            rows = [r for r in reader if r]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError.coded("rehearsal.csv_unreadable", file=path.name, reason=str(exc)) from exc
    if not header:
        raise ValidationError.coded("rehearsal.csv_empty", file=path.name)
    return [h.strip() for h in header], rows


def _column(header: list[str], name: str, path: Path) -> int:
    try:
        return header.index(name)
    except ValueError:
        raise ValidationError.coded("rehearsal.no_column", file=Path(path).name, column=name) from None


def choose_features(header, requested: list[str] | None, reserved: set[str], path) -> list[str]:
    if requested:
        for name in requested:
            _column(header, name, path)
        return list(requested)
    return [h for h in header if h not in reserved]


def infer_types(header, rows, features) -> tuple[list[dict], dict[str, dict[str, str]]]:
    """Feature specs, and for text columns a code table over the whole file.

    Text categories become integer codes shared by every row of the file (sorted values), imported
    as numbers: the training and test datasets then use the same codes, and a centralised reference
    model can be given exactly the same representation.
    """
    sample = rows[:SAMPLE_ROWS]
    specs, codes = [], {}
    for name in features:
        j = header.index(name)
        kind = guess_column_type([r[j] if j < len(r) else "" for r in sample])
        if kind != "numeric":
            values = sorted({r[j].strip() for r in rows if j < len(r) and r[j].strip()})
            codes[name] = {v: str(i) for i, v in enumerate(values)}
        specs.append({"column": name, "type": "numeric"})
    return specs, codes


def split_mask(header, rows, split_column: str | None, test_fraction: float, seed: int, path) -> np.ndarray:
    """True for test rows."""
    if split_column:
        j = _column(header, split_column, path)
        values = [r[j].strip().lower() for r in rows]
        bad = next((i for i, v in enumerate(values) if v not in ("train", "test")), None)
        if bad is not None:
            raise ValidationError.coded("rehearsal.split_value", file=Path(path).name, row=bad + 2,
                                        column=split_column)
        return np.array([v == "test" for v in values])
    if not 0 < test_fraction < 1:
        raise ValidationError.coded("rehearsal.test_fraction")
    return np.random.default_rng(seed).random(len(rows)) < test_fraction


def ids_for(header, rows, id_column: str | None, path) -> list[str]:
    if not id_column:
        return [f"r{i}" for i in range(len(rows))]
    j = _column(header, id_column, path)
    return [r[j].strip() for r in rows]


def write_party(folder: Path, name: str, side: str, ids: list[str], header, rows, features: list[dict],
                label: str | None, codes: dict[str, dict[str, str]]) -> PartyFiles:
    folder.mkdir(parents=True, exist_ok=True)
    cols = [header.index(f["column"]) for f in features]
    maps = [codes.get(f["column"]) for f in features]
    label_j = header.index(label) if label else None
    data = folder / f"{name}.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([ROW_ID] + [f["column"] for f in features] + ([label] if label else []))
        for customer, row in zip(ids, rows):
            values = [(m.get(row[j].strip(), "") if m else row[j]) if j < len(row) else ""
                      for j, m in zip(cols, maps)]
            out.writerow([customer] + values + ([row[label_j]] if label else []))
    consent = folder / f"{name}_consent.csv"
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["customer_id", "purpose", "granted_at", "expires_at", "revoked_at"])
    writer.writerows([c, PURPOSE, "2020-01-01", "", ""] for c in ids)
    consent.write_text(buf.getvalue(), encoding="utf-8")
    profile = folder / f"{name}_profile.json"
    doc = {"format": "lianmo-import-profile", "version": 1, "dataset": name, "side": side,
           "encoding": "utf-8", "delimiter": ",", "identifier": {"column": ROW_ID, "type": "opaque"},
           "features": features}
    if label:
        doc["label"] = {"column": label}
    profile.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return PartyFiles(data, consent, profile, len(ids))


def prepare(folder: Path, label_data, feature_data, id_column, label_column, label_features,
            feature_features, delimiter, split_column, test_fraction, seed) -> dict:
    """Write bank_train, bank_test and partner files; returns their PartyFiles and counts."""
    lh, lrows = read_table(label_data, delimiter)
    fh, frows = read_table(feature_data, delimiter)
    _column(lh, label_column, label_data)
    reserved = {c for c in (id_column, label_column, split_column) if c}
    lfeat, lcodes = infer_types(lh, lrows, choose_features(lh, label_features, reserved, label_data))
    ffeat, fcodes = infer_types(fh, frows, choose_features(fh, feature_features, reserved, feature_data))
    test = split_mask(lh, lrows, split_column, test_fraction, seed, label_data)
    lids, fids = ids_for(lh, lrows, id_column, label_data), ids_for(fh, frows, id_column, feature_data)
    pick = lambda seq, mask: [x for x, m in zip(seq, mask) if m]  # noqa: E731
    files = {
        "bank_train": write_party(folder / "bank", "bank_train", "bank", pick(lids, ~test),
                                  lh, pick(lrows, ~test), lfeat, label_column, lcodes),
        "bank_test": write_party(folder / "bank", "bank_test", "bank", pick(lids, test),
                                 lh, pick(lrows, test), lfeat, label_column, lcodes),
        "partner": write_party(folder / "partner", "partner", "partner", fids, fh, frows, ffeat,
                               None, fcodes),
    }
    return {"files": files, "label_features": [f["column"] for f in lfeat],
            "feature_features": [f["column"] for f in ffeat], "test_rows": int(test.sum()),
            "categorical": sorted(lcodes) + sorted(fcodes), "test_mask": test,
            "train_rows": int((~test).sum())}
