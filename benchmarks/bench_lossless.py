"""Lossless: federated SecureBoost through the full rehearsal (PSI + Paillier over loopback TLS)
against XGBoost trained centrally on the joined data with identical hyper-parameters.

Both see exactly the same rows and the same numeric codes for text categories; SecureBoost's
label-protection defaults (first tree from bank features only, minimum leaf size) are switched off
here because XGBoost has no equivalent, and early stopping is off so both grow the same trees.
"""

from __future__ import annotations

import csv
import gzip

import numpy as np

from app.workflows.rehearsal import RehearsalOptions, rehearse
from app.workflows.rehearsal.data import infer_types, read_table, split_mask
from benchmarks import DATA

BANK = ["age", "job", "marital", "education", "default", "balance", "housing", "loan"]
PARTNER = ["contact", "day", "month", "duration", "campaign", "pdays", "previous", "poutcome"]


def cases(quick: bool) -> list[tuple[str, RehearsalOptions]]:
    common = dict(seed=3, trees=5 if quick else 30, depth=5, learning_rate=0.3, bins=32, l2=1.0,
                  first_tree_label_only=False, early_stopping_rounds=0,
                  extra={"valid_fraction": 0.0, "min_leaf_size": 1, "min_child_weight": 1.0})
    fate = DATA / "fate_default_credit_hetero"
    bank = DATA / "uci_bank_marketing" / "bank-full.csv.gz"
    out = [("default_credit", RehearsalOptions(
        label_data=str(fate / "default_credit_hetero_guest.csv.gz"),
        feature_data=str(fate / "default_credit_hetero_host.csv.gz"), id_column="id",
        label_column="y", **common))]
    if not quick:
        out.append(("bank_full", RehearsalOptions(
            label_data=str(bank), feature_data=str(bank), label_column="y", delimiter=";",
            label_features=BANK, feature_features=PARTNER, **common)))
    return out


def joined_matrix(options: RehearsalOptions, label_features, feature_features):
    """The same rows and codes the rehearsal imports, joined centrally for XGBoost."""
    lh, lrows = read_table(options.label_data, options.delimiter)
    fh, frows = read_table(options.feature_data, options.delimiter)
    lspec, lcodes = infer_types(lh, lrows, label_features)
    fspec, fcodes = infer_types(fh, frows, feature_features)
    if options.id_column:
        fidx = {r[fh.index(options.id_column)]: r for r in frows}
        frows = [fidx[r[lh.index(options.id_column)]] for r in lrows]

    def column(header, rows, name, codes):
        j = header.index(name)
        values = [(codes[name].get(r[j].strip(), "") if name in codes else r[j]) for r in rows]
        return np.array([float(v) if v.strip() else np.nan for v in values])
    x = np.column_stack([column(lh, lrows, n, lcodes) for n in label_features]
                        + [column(fh, frows, n, fcodes) for n in feature_features])
    raw_y = [r[lh.index(options.label_column)].strip().lower() for r in lrows]
    y = np.array([1.0 if v in ("1", "yes", "true") else 0.0 for v in raw_y])
    test = split_mask(lh, lrows, options.split_column, options.test_fraction, options.seed,
                      options.label_data)
    return x, y, test


def xgboost_auc(options: RehearsalOptions, report: dict) -> float:
    import xgboost
    from app.protocols.secureboost.metrics import auc
    params = report["parameters"]
    x, y, test = joined_matrix(options, params["label_features"], params["feature_features"])
    params_xgb = {"objective": "binary:logistic", "max_depth": options.depth,
                  "eta": options.learning_rate, "lambda": options.l2, "min_child_weight": 1.0,
                  "max_bin": options.bins, "tree_method": "hist", "nthread": 2, "seed": 0}
    train = xgboost.DMatrix(x[~test], label=y[~test], missing=np.nan)
    booster = xgboost.train(params_xgb, train, num_boost_round=options.trees)
    return float(auc(y[test], booster.predict(xgboost.DMatrix(x[test], missing=np.nan))))


def run(quick: bool) -> list[dict]:
    rows = []
    for name, options in cases(quick):
        report = rehearse(options, echo=lambda s: None)
        reference = xgboost_auc(options, report)
        gap = report["auc_federated"] - reference
        rows += [
            {"figure": f"{name}: test AUC federated (rehearsal, TLS, 2048-bit)",
             "value": round(report["auc_federated"], 4), "unit": "", "reference": round(reference, 4),
             "ratio": round(gap, 4), "note": f"gap to central XGBoost; target |gap| <= 0.005; "
                                             f"{report['trees_built']} trees"},
            {"figure": f"{name}: test AUC bank-only", "value": round(report["auc_label_only"], 4),
             "unit": "", "reference": None, "ratio": None, "note": "the partner data's value"},
            {"figure": f"{name}: wall time align / train / score", "value": report["timings_s"]["total"],
             "unit": "s", "reference": None, "ratio": None,
             "note": f"{report['timings_s']['align']} / {report['timings_s']['train']} / "
                     f"{report['timings_s']['score']} s"},
        ]
    return rows


if __name__ == "__main__":
    import sys
    for row in run("--full" not in sys.argv):
        print(row)
