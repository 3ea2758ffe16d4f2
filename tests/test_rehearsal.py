"""Rehearsal and demo: the whole pipeline over real loopback TLS, through the CLI entry points."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.workflows.rehearsal import demo
from fixture_data import DATA as FIXTURES

DATA = FIXTURES / "fate_small_hetero"


def test_rehearse_breast_cancer_split(tmp_path, capsys):
    report_path = tmp_path / "report.json"
    code = main(["rehearse", "--label-data", str(DATA / "breast_hetero_guest.csv"),
                 "--feature-data", str(DATA / "breast_hetero_host.csv"), "--id-column", "id",
                 "--label-column", "y", "--trees", "3", "--depth", "3", "--seed", "5",
                 "--report", str(report_path)])
    assert code == 0
    report = json.loads(report_path.read_text())
    assert report["intersection_size"] == 569
    assert 0 < report["test_rows"] < 569
    assert report["auc_federated"] > 0.9 and report["auc_label_only"] > 0.8
    assert report["trees_built"] >= 1
    assert set(report["timings_s"]) >= {"align", "train", "score", "total"}
    assert report["parameters"]["key_bits"] == 2048
    assert "test AUC federated" in capsys.readouterr().out


def test_rehearse_refuses_unknown_columns(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("id,y,x\n1,0,3\n2,1,4\n")
    code = main(["rehearse", "--label-data", str(data), "--feature-data", str(data),
                 "--id-column", "id", "--label-column", "missing", "--report", str(tmp_path / "r")])
    assert code == 2 and "no column named 'missing'" in capsys.readouterr().err


def test_demo_runs_every_stage(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(demo, "DEMO_PARAMS", {**demo.DEMO_PARAMS, "n_trees": 2, "max_depth": 3})
    assert main(["demo", "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert {"alignment", "training", "scoring", "plan", "campaign"} <= set(report)
    assert report["alignment"]["size"] > 1000
    assert report["scoring"]["federated"] == report["alignment"]["size"]
    plan = report["plan"]
    assert plan["control"] > 0 and abs(plan["control_balance"]["score_smd"]) < 0.1
    overall = report["campaign"]["overall"]
    lo, hi = overall["uplift_abs_ci95"]
    assert lo <= overall["uplift_abs"] <= hi
    assert "true_uplift_abs" in report["campaign"]
    retrain = report["retrain"]  # "retrain with these outcomes": a new version, same customers
    assert retrain["model"] != report["transcripts"] and retrain["rows"] >= 10
    assert 0 <= retrain["auc_old"] <= 1 and 0 <= retrain["auc_new"] <= 1
