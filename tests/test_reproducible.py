"""Same data, parameters and seed give the same model; a replay says so; a worse joint model is named.

The rehearsals and the replay run real Paillier over real loopback TLS: the PSI blinding, keys and
obfuscators are fresh each time, and none of it may reach the model.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.cli import main
from app.protocols.secureboost.params import TrainParams
from app.workflows import training
from app.workflows.training import record
from fixture_data import DATA as FIXTURES
from test_training_job import PARAMS, World

BREAST = FIXTURES / "fate_small_hetero"


def _rehearse(tmp_path, seed: int, name: str) -> dict:
    out = tmp_path / f"{name}.json"
    assert main(["rehearse", "--label-data", str(BREAST / "breast_hetero_guest.csv"),
                 "--feature-data", str(BREAST / "breast_hetero_host.csv"), "--id-column", "id",
                 "--label-column", "y", "--trees", "4", "--depth", "2", "--early-stopping", "2",
                 "--seed", str(seed), "--report", str(out)]) == 0
    return json.loads(out.read_text())


def test_two_rehearsals_with_the_same_seed_give_the_same_model(tmp_path):
    a, b, other = (_rehearse(tmp_path, s, n) for s, n in ((5, "a"), (5, "b"), (6, "c")))
    same = ("model_digest", "trees_built", "auc_federated", "auc_label_only", "ks_federated",
            "test_rows")
    assert a["model_digest"] and len(a["model_digest"]) == 64
    assert {k: a[k] for k in same} == {k: b[k] for k in same}
    assert other["model_digest"] != a["model_digest"]
    assert a["parameters"]["seed"] == 5 and a["comparison"]["verdict"] in (
        "better", "no_difference", "worse")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("replay"))
    yield w
    w.close()


def test_replay_over_tls_reproduces_both_halves_and_the_record_names_its_inputs(world, tmp_path):
    first, theirs = world.train(PARAMS)
    assert first.state == "finished" and theirs.state == "finished"
    shown = training.model_record(world.bank, first.id)
    assert shown["seed"] == PARAMS.seed and shown["params"]["seed"] == PARAMS.seed
    assert shown["alignment_id"] == world.alignment_id and shown["scheme"] == "paillier"
    assert shown["key_bits"] == 2048 and len(shown["data_digest"]) == 64
    partner_half = training.model_record(world.platform, first.id)
    assert partner_half["half"] == "feature" and partner_half["data_digest"] != shown["data_digest"]

    body = training.replay_job_params(world.bank, first.id)
    assert body["replay_of"] == first.id and body["seed"] == PARAMS.seed
    job = world.links[0].propose("training", "platform", body, wait=10)
    done = world.links[0].run(job.id)
    assert done.result["replay"] == {"of": first.id, "reproduced": True, "differs": []}
    assert done.result["model_digest"] == shown["model_digest"]
    assert world.peer_job(job.id, "finished").result["replay"]["reproduced"] is True

    sheet = training.export_model_record(world.bank, first.id, str(tmp_path / "record.xlsx"))
    import openpyxl
    cells = {r[0]: r[1] for r in openpyxl.load_workbook(sheet).active.iter_rows(values_only=True)}
    assert cells["model_digest"] == shown["model_digest"] and cells["seed"] == str(PARAMS.seed)
    assert float(cells["validation.federated.auc"]) > 0.5 and "comparison.verdict" in cells

    other = world.train(TrainParams(**{**PARAMS.to_dict(), "seed": PARAMS.seed + 1}))[0]
    assert other.result["model_digest"] != shown["model_digest"]


def test_replay_names_what_differed():
    base = {"data_digest": "d1", "params": {"seed": 1}, "version": "0.1.0", "model_digest": "m1"}
    assert record.replay_verdict(base, dict(base)) == {"reproduced": True, "differs": []}
    changed = {**base, "data_digest": "d2", "model_digest": "m2"}
    assert record.replay_verdict(base, changed) == {"reproduced": False, "differs": ["data_digest"]}
    assert record.replay_verdict(base, {**base, "model_digest": "m3"})["differs"] == ["model"]
    assert record.replay_verdict(None, base) == {"reproduced": False, "differs": ["record"]}


def test_a_joint_model_worse_than_the_bank_own_is_flagged_and_noise_is_not():
    rng = np.random.default_rng(3)
    y = rng.random(2000) < 0.1
    good = y + rng.normal(0, 0.6, len(y))          # AUC ~0.9
    poor = y + rng.normal(0, 2.0, len(y))          # AUC ~0.65
    worse = record.compare_with_label_only(y, poor, good, seed=1)
    assert worse["verdict"] == "worse" and worse["ci_high"] < 0 < -worse["auc_difference"]
    assert record.compare_with_label_only(y, good, poor, seed=1)["verdict"] == "better"
    twin = good + rng.normal(0, 1e-3, len(y))      # the same model up to noise
    assert record.compare_with_label_only(y, twin, good, seed=1)["verdict"] == "no_difference"
    assert record.compare_with_label_only(y[:10], good[:10], poor[:10], seed=1) is None
    again = record.compare_with_label_only(y, poor, good, seed=1)
    assert again == worse   # seeded: the report itself is reproducible


def test_training_page_says_plainly_when_the_joint_model_is_worse(qtbot):
    from app.ui.pages.training.results import TrainingResults
    results = TrainingResults()
    qtbot.addWidget(results)
    report = {"trees": 3, "rows_used": 500, "validation_rows": 100, "importance": {},
              "federated": {"auc": 0.70}, "label_only": {"auc": 0.74},
              "comparison": {"verdict": "worse", "auc_difference": -0.04}}
    results.show_report(report)
    assert not results.verdict.isHidden() and "worse" in results.verdict.text()
    results.show_report({**report, "comparison": None})
    assert results.verdict.isHidden()


def test_the_validation_share_is_a_choice_and_zero_needs_early_stopping_off(tmp_path, capsys):
    from app.errors import ValidationError
    with pytest.raises(ValidationError, match="validation share above 0"):
        TrainParams(valid_fraction=0.0, early_stopping_rounds=5)
    assert TrainParams(valid_fraction=0.0, early_stopping_rounds=0).valid_fraction == 0.0
    args = ["rehearse", "--label-data", str(BREAST / "breast_hetero_guest.csv"),
            "--feature-data", str(BREAST / "breast_hetero_host.csv"), "--id-column", "id",
            "--label-column", "y", "--trees", "2", "--depth", "2", "--seed", "1",
            "--report", str(tmp_path / "r.json")]
    assert main([*args, "--validation-fraction", "0"]) != 0      # early stopping is on by default
    assert "validation share above 0" in capsys.readouterr().err
    assert main([*args, "--validation-fraction", "0", "--early-stopping", "0"]) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["parameters"]["valid_fraction"] == 0.0 and report["trees_built"] == 2


def test_the_bank_only_model_is_offered_only_when_the_joint_model_is_worse(qtbot):
    from app.ui.pages.training.results import TrainingResults
    results = TrainingResults()
    qtbot.addWidget(results)
    report = {"model": "job-1", "kind": "federated", "trees": 3, "rows_used": 500,
              "validation_rows": 100, "importance": {}, "federated": {"auc": 0.70},
              "label_only": {"auc": 0.74}, "comparison": {"verdict": "worse"}}
    results.show_report(report)
    assert not results.bank_only_button.isHidden()
    assert results.bank_only_button.text() == "Use the bank-only model"
    with qtbot.waitSignal(results.use_bank_only) as chosen:
        results.bank_only_button.click()
    assert chosen.args == ["job-1"]
    for verdict in ("no_difference", "better"):
        results.show_report({**report, "comparison": {"verdict": verdict}})
        assert results.bank_only_button.isHidden()
    results.show_report({**report, "kind": "label_only"})   # already the bank-only model
    assert results.bank_only_button.isHidden()


def test_using_the_bank_only_model_scores_everyone_and_makes_it_main(world, capsys,
                                                                    monkeypatch):
    """The CLI and the Training page's button: every eligible customer is scored with the
    label-only model (no partner involved) and plans start from it; audited."""
    from app.store import models as model_store
    from app.workflows import audit_trail, plans
    from app.workflows.plans.sources import list_score_sources
    from app.errors import UserFacingError
    from test_training_job import PASSPHRASE
    first, _ = world.train(PARAMS)
    only_id = first.result["label_only_model_id"]
    monkeypatch.setenv("LIANMO_PASSWORD", "analyst-pass")
    monkeypatch.setenv("WS_PASS", PASSPHRASE)
    ws = ["--workspace", str(world.bank.workspace.path), "--passphrase-env", "WS_PASS",
          "--user", "ana"]
    assert main(["models", *ws, "use-bank-only", "--model", first.id]) == 0
    out = capsys.readouterr().out
    assert f"({only_id}), bank features only; {len(world.bank_ids)} eligible customers" in out
    pop = plans.load_population(world.bank.workspace, only_id)
    assert len(pop) == len(world.bank_ids) and (pop.model_source == 1).all()   # label-only
    baseline = world.bank.workspace.db.run(model_store.get_model, only_id)[1]
    assert len(np.unique(pop.score)) > 1 and baseline
    listed = {m["id"]: m for m in training.models(world.bank)}
    assert listed[only_id]["main"] and not listed[first.id]["main"]
    assert training.main_model(world.bank) == only_id
    sources = list_score_sources(world.bank)
    assert [s["main"] for s in sources if s["model_id"] == only_id] == [True]
    used = audit_trail.list_entries(world.bank, action="model.use_label_only")
    assert len(used) == 1 and only_id in used[0]["objects"]
    with pytest.raises(UserFacingError, match="bank's half"):
        training.use_label_only(world.platform, first.id)   # the partner has no bank-only model


def test_the_training_page_button_uses_the_bank_only_model(world, qtbot):
    from app.ui.pages.training import TrainingPage
    from linked import shown_pages
    first, _ = world.train(PARAMS)
    with shown_pages(qtbot, TrainingPage) as make:
        page = make(world.bank)
        page.results.show_report({**training.model_report(world.bank, first.id),
                                  "comparison": {"verdict": "worse"}})
        page.results.bank_only_button.click()
        qtbot.waitUntil(lambda: page.message.kind == "success", timeout=20000)
        assert "bank features only" in page.message.text()
    assert training.main_model(world.bank) == first.result["label_only_model_id"]


def _bank_only_training(y: np.ndarray, x: np.ndarray, params: TrainParams):
    from app.protocols.secureboost.binning import fit_binning
    from app.protocols.secureboost.driver import run_training
    from app.protocols.secureboost.label_party import LabelParty
    binning = fit_binning({f"x{j}": x[:, j] for j in range(x.shape[1])}, n_bins=16)
    bins = binning.transform({f"x{j}": x[:, j] for j in range(x.shape[1])})
    label = LabelParty(params, y, bins, binning, partner=False)
    return label, run_training(label, None)


def test_early_stopping_is_refused_on_too_few_validation_events_and_the_report_says_so():
    """A small imbalanced set (1,200 customers, ~4 % buyers: ~10 buyers among 240 validation
    rows) would pick its number of trees from noise: every approved tree is built instead."""
    from app.protocols.secureboost.label_party import MIN_VALIDATION_EVENTS
    from app.protocols.secureboost.report import training_report
    rng = np.random.default_rng(7)
    params = TrainParams(n_trees=8, max_depth=2, early_stopping_rounds=1, seed=4,
                         valid_fraction=0.2)
    x = rng.normal(size=(1200, 3))
    y = (rng.random(1200) < 0.04 * (1 + (x[:, 0] > 1))).astype(float)
    label, model = _bank_only_training(y, x, params)
    note = label.early_stopping_note()
    assert note["refused"] and not note["used"] and note["minimum"] == MIN_VALIDATION_EVENTS
    assert note["validation_events"] == int(y[label.valid_rows].sum()) < MIN_VALIDATION_EVENTS
    assert len(model.trees) == params.n_trees and label.history == []
    report = training_report(label, model, np.full(len(y), 0.5))
    assert report["early_stopping"] == note

    # the same rule on a balanced set leaves early stopping to choose (and stop early on noise)
    balanced = (rng.random(1200) < 0.5).astype(float)
    label, model = _bank_only_training(balanced, x, params)
    assert label.early_stopping_note()["used"] and not label.early_stopping_note()["refused"]
    assert label.validation_events >= MIN_VALIDATION_EVENTS and len(label.history) >= 1
    assert len(model.trees) < params.n_trees      # pure noise: it stops early, as it should
