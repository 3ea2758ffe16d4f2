"""The scorecard end to end: ``rehearse --model scorecard`` over real loopback TLS on a sample of
the default-credit split, its report, the secret-shared regression against a centralised one,
scoring and a plan downstream, ``models show --xlsx --pdf``, and a partner with no useful feature.

One rehearsal serves most tests (module fixture). While its parties are open the test also
builds a plan and runs ``models show --xlsx --pdf`` on the bank's workspace, and it records what
each party fed the secret-shared regression (the real functions run; they are only wrapped).
"""

from __future__ import annotations

import contextlib
import gzip
import json

import numpy as np
import pytest
from openpyxl import load_workbook

from app.cli import main
from app.commands import train as train_cmd
from app.protocols.secureboost.metrics import auc
from app.workflows import plans
from app.workflows.rehearsal import run as rehearsal
from app.workflows import training
from app.workflows.training import scorecard
from fixture_data import DATA
from test_scorecard_job import pdf_text

SPLIT = DATA / "fate_default_credit_hetero"
ROWS = 1500
LR = ["--lr-epochs", "4", "--lr-batch-size", "128", "--lr-learning-rate", "1.0", "--lr-l2", "0"]
PLAN_RULES = {
    "format": "lianmo-plan-rules", "version": 1, "campaign_id": "SC-1", "template_id": "tpl",
    "selection": {"mode": "top_percent", "value": 30},
    "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==", "value": True},
                            "channel": "branch"}]},
    "control": {"fraction": 0.1, "seed": 3},
}


def _sample(folder, rows: int, partner_noise: bool = False):
    """The first ``rows`` customers of both halves as plain CSVs (the partner's columns replaced
    by seeded noise when asked: no partner feature can then carry information)."""
    paths = []
    for name in ("guest", "host"):
        with gzip.open(SPLIT / f"default_credit_hetero_{name}.csv.gz", "rt") as f:
            lines = [next(f) for _ in range(rows + 1)]
        if name == "host" and partner_noise:
            rng = np.random.default_rng(17)
            lines = ["id,n0,n1\n"] + [f"{line.split(',')[0]},{rng.normal():.4f},{rng.normal():.4f}\n"
                                      for line in lines[1:]]
        path = folder / f"{name}.csv"
        path.write_text("".join(lines))
        paths.append(path)
    return paths


def _rehearse(folder, extra: list[str], seen: dict) -> dict:
    guest, host = _sample(folder, seen.pop("rows"), seen.pop("noise", False))
    report = folder / "report.json"
    with pytest.MonkeyPatch.context() as mp:
        _spy(mp, seen, folder)
        code = main(["rehearse", "--model", "scorecard", "--label-data", str(guest),
                     "--feature-data", str(host), "--id-column", "id", "--label-column", "y",
                     "--seed", "5", *LR, *extra, "--report", str(report)])
    assert code == 0
    return json.loads(report.read_text())


def _spy(mp, seen: dict, folder) -> None:
    real_bank, real_partner = scorecard.shared_lr_bank, scorecard.shared_lr_partner
    real_holdout = rehearsal.holdout_metrics

    def bank(channel, x, y, values, params, executor):
        seen["bank_x"], seen["y"] = x, y
        seen["bank_out"] = real_bank(channel, x, y, values, params, executor)
        return seen["bank_out"]

    def partner(channel, x, values, params, executor):
        seen["partner_x"] = x
        seen["partner_w"] = real_partner(channel, x, values, params, executor)
        return seen["partner_w"]

    def holdout(party, model_id, dataset):
        held = real_holdout(party, model_id, dataset)
        seen["models"] = training.models(party.analyst)
        population = plans.load_population(party.workspace, model_id)
        plan = plans.create_plan(party.analyst, population, PLAN_RULES, model_id)
        seen["plan"] = plans.plan_summary(plans.finalise_plan(party.analyst, plan.id))
        # ``models show --xlsx`` as the CLI runs it, signed in as the bank's analyst
        mp.setattr(train_cmd, "signed_in", lambda args: contextlib.nullcontext(party.analyst))
        seen["xlsx"], seen["pdf"] = folder / "card.xlsx", folder / "card.pdf"
        seen["show"] = main(["models", "show", "--workspace", str(folder), "--model", model_id,
                             "--xlsx", str(seen["xlsx"]), "--pdf", str(seen["pdf"])])
        return held

    mp.setattr(scorecard, "shared_lr_bank", bank)
    mp.setattr(scorecard, "shared_lr_partner", partner)
    mp.setattr(rehearsal, "holdout_metrics", holdout)


@pytest.fixture(scope="module")
def joint(tmp_path_factory):
    seen = {"rows": ROWS}
    report = _rehearse(tmp_path_factory.mktemp("scorecard"), [], seen)
    return report, seen


def test_report_has_the_card_iv_and_secureboosts_keys(joint):
    report, _ = joint
    assert report["parameters"]["model"] == "scorecard"
    assert report["parameters"]["card"]["lr_epochs"] == 4
    assert report["intersection_size"] == ROWS and 0 < report["test_rows"] < ROWS
    for who in ("federated", "label_only"):
        assert 0.5 < report[f"auc_{who}"] <= 1 and 0 < report[f"ks_{who}"] <= 1
        roc = report[f"roc_{who}"]
        assert roc["fpr"][0] == 0 and roc["tpr"][-1] == 1 and len(roc["fpr"]) == len(roc["tpr"])
        assert len(report[f"lift_{who}"]) == 10
    assert report["auc_federated"] > report["auc_label_only"]  # the partner's bins add signal
    iv = report["iv"]
    assert {r["party"] for r in iv} == {"bank", "partner"}
    assert [r["iv"] for r in iv] == sorted((r["iv"] for r in iv), reverse=True)
    assert any(r["feature"].startswith("partner_") and r["selected"] for r in iv)
    card = report["scorecard"]
    assert card[0]["feature"] == "(base)"
    bank_rows = [r for r in card if r["party"] == "bank" and r["feature"] != "(base)"]
    assert {r["feature"] for r in bank_rows} == {r["feature"] for r in iv
                                                 if r["party"] == "bank" and r["selected"]}
    assert all(isinstance(r["points"], float) for r in bank_rows)
    assert card[-1]["feature"] == "partner points" and card[-1]["points"] is None
    assert report["partner_features_selected"] > 0 and "note" not in report


def test_the_scorecard_is_stored_under_a_name_like_every_model(joint):
    _, seen = joint
    named = {m["id"]: m["name"] for m in seen["models"]}
    assert len(named) == 2 and all(named.values())
    joint_name = next(n for n in named.values() if not n.endswith("(bank only)"))
    assert f"{joint_name} (bank only)" in named.values()


def test_scoring_and_a_plan_work_downstream(joint):
    report, seen = joint
    plan = seen["plan"]
    assert plan["treated"] > 0 and plan["control"] > 0
    assert plan["treated"] + plan["control"] <= report["test_rows"]


def test_models_show_xlsx_has_the_card_iv_table_and_bank_bins(joint):
    report, seen = joint
    assert seen["show"] == 0
    sheet = load_workbook(seen["xlsx"]).active
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    flat = [str(c) for row in cells for c in row]
    assert "IV table" in flat and "Scorecard" in flat
    for r in report["iv"]:
        assert r["feature"] in flat
    points = {(str(row[0]), str(row[2])): row[-1] for row in cells
              if len(row) == 7 and row[1] == "bank"}
    for r in report["scorecard"]:
        if r["party"] == "bank" and r["feature"] != "(base)":
            assert float(points[(r["feature"], r["bin"])]) == pytest.approx(r["points"])
    assert any("partner points" == c for c in flat)


def test_models_show_pdf_has_the_record_iv_table_and_card(joint):
    report, seen = joint
    assert seen["show"] == 0 and seen["pdf"].read_bytes().startswith(b"%PDF")
    pages, text = pdf_text(seen["pdf"])
    assert pages >= 1 and "Model record" in text and report["model_digest"] in text
    assert "IV table" in text and "Scorecard" in text and "partner points" in text
    for r in report["iv"]:
        assert r["feature"] in text
    for r in report["scorecard"]:
        if r["party"] == "bank" and r["feature"] != "(base)":
            assert r["bin"] in text


def _woe_blocks(onehot: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The partner's one-hot bins back to one WOE column per feature (blocks of columns whose
    row sums are all one), from the training labels: the test's own reference encoding."""
    onehot = onehot[:, onehot.any(axis=0)]   # an empty bin (e.g. no missing values) says nothing
    out, start = [], 0
    while start < onehot.shape[1]:
        stop = start + 1
        while not np.all(onehot[:, start:stop].sum(axis=1) == 1):
            stop += 1
            assert stop <= onehot.shape[1], "the partner's columns are not one-hot blocks"
        block = onehot[:, start:stop]
        pos = block[y == 1].sum(axis=0) + 0.5
        neg = block[y == 0].sum(axis=0) + 0.5
        out.append(block @ np.log((pos / pos.sum()) / (neg / neg.sum())))
        start = stop
    return np.column_stack(out)


def test_auc_within_001_of_a_centralised_regression_on_the_same_woe_features(joint):
    import statsmodels.api as sm

    _, seen = joint
    xa, xb, y = seen["bank_x"], seen["partner_x"], np.asarray(seen["y"])
    intercept, w, curves = seen["bank_out"]
    losses = curves["training_loss"]
    z = intercept + xa @ w + xb @ seen["partner_w"]
    central = np.hstack([xa, _woe_blocks(xb, y)])
    reference = sm.Logit(y, sm.add_constant(central)).fit(disp=0)
    federated, centralised = auc(y, z), auc(y, reference.predict())
    assert abs(federated - centralised) <= 0.01, (federated, centralised)
    assert len(losses) == 4 and losses[-1] < losses[0]


def test_no_partner_feature_selected_scores_with_the_banks_columns(tmp_path):
    seen = {"rows": 800, "noise": True}
    report = _rehearse(tmp_path, ["--iv-threshold", "0.1"], seen)
    assert "bank_x" not in seen and "partner_x" not in seen   # no shared regression at all
    assert report["partner_features_selected"] == 0
    assert not any(r["selected"] for r in report["iv"] if r["party"] == "partner")
    assert "partner points column is zero" in report["note"]
    assert report["scorecard"][-1] == {"feature": "partner points", "party": "partner",
                                       "bin": "(no partner feature selected)", "woe": None,
                                       "points": 0.0}
    # the joint card is the bank's own one: the same scores on the same test rows
    assert report["test_rows"] > 0
    assert report["auc_federated"] == pytest.approx(report["auc_label_only"], abs=1e-12)
    assert seen["plan"]["treated"] > 0
