"""``python -m app plan ...`` end to end on a workspace with stored scores."""

from __future__ import annotations

import csv
import json

import pytest

from app.cli import main
from app.workflows import plans, users
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login

RULES = {"campaign_id": "QP-CLI", "template_id": "bind_v1", "pitch_script": "Bind your card.",
         "selection": {"mode": "top_n", "value": 400},
         "exclusions": {"contacted_within_days": 30},
         "channels": {"rules": [{"when": {"column": "app_active_30d", "op": "==", "value": True},
                                 "channel": "app"},
                                {"when": {"column": "branch_visit_recent", "op": "==", "value": True},
                                 "channel": "branch"}],
                      "default": "app", "branch_weekly_capacity": 15, "overflow": "overflow_to_app"},
         "control": {"fraction": 0.1, "seed": 3},
         "review": {"non_responding_branches": "exclude"}}


@pytest.fixture
def ws_path(admin_session, tmp_path, monkeypatch):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR000")
    ana = login(admin_session.workspace, "ana", "analyst-pass")
    plans.store_population(ana, "model-1", synthetic_population(3000, seed=2, n_branches=3))
    path = admin_session.workspace.path
    admin_session.workspace.close()
    (tmp_path / "rules.json").write_text(json.dumps(RULES))
    return str(path)


@pytest.fixture
def cli(ws_path, monkeypatch, capsys):
    def run(user, password, *args):
        monkeypatch.setenv("LIANMO_PASSWORD", password)
        code = main(["plan", args[0], "--workspace", ws_path, "--user", user, *args[1:]])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def test_plan_lifecycle_through_the_cli(cli, tmp_path):
    rules = str(tmp_path / "rules.json")
    code, out, _ = cli("ana", "analyst-pass", "create", "--model", "model-1",
                       "--rules", rules, "--dry-run", "--json")
    assert code == 0
    dry = json.loads(out)
    assert dry["treated"] + dry["control"] == 400
    code, out, _ = cli("ana", "analyst-pass", "create", "--model", "model-1",
                       "--rules", rules, "--json")
    assert code == 0
    created = json.loads(out)
    plan_id = created["plan"]
    assert created["treated"] == dry["treated"] and created["by_branch"] == dry["by_branch"]

    code, out, _ = cli("bob", "branch-pass", "review", "--plan", plan_id, "--json")
    listed = json.loads(out)
    assert code == 0 and listed["branch"] == "BR000" and listed["customers"]
    ref = listed["customers"][0]["reference"]
    code, _, err = cli("bob", "branch-pass", "review", "--plan", plan_id,
                       "--remove", ref)
    assert code == 2 and "reason" in err
    code, out, _ = cli("bob", "branch-pass", "review", "--plan", plan_id,
                       "--remove", ref, "--reason", "closed account")
    assert code == 0 and "Removed." in out
    code, _, err = cli("bob", "branch-pass", "review", "--plan", plan_id,
                       "--branch", "BR001")
    assert code == 2 and "own branch" in err
    assert cli("bob", "branch-pass", "approve", "--plan", plan_id)[0] == 0
    code, _, err = cli("bob", "branch-pass", "finalise", "--plan", plan_id)
    assert code == 2 and "may not" in err

    code, out, _ = cli("ana", "analyst-pass", "finalise", "--plan", plan_id,
                       "--json")
    final = json.loads(out)
    assert code == 0 and final["state"] == "finalised"
    assert final["status"]["removed_by_branch"] == 1 and final["status"]["branch_no_response"] > 0
    code, out, _ = cli("ana", "analyst-pass", "export", "--plan", plan_id,
                       "--out", str(tmp_path / "lists"), "--json")
    assert code == 0
    files = json.loads(out)
    assert any(f["kind"] == "call_sheet_pdf" for f in files)
    assert {f["branch"] for f in files if f["branch"]} == {"BR000"}    # other branches excluded
    with open(tmp_path / "lists" / "QP-CLI_app.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == final["by_channel"]["app"]["treated"]
    assert ref not in {r["customer_reference"] for r in rows}

    code, out, _ = cli("ana", "analyst-pass", "show", "--plan", plan_id)
    assert code == 0 and "control_balance" in out and "branch_decisions" in out
    code, out, _ = cli("ana", "analyst-pass", "list")
    assert code == 0 and plan_id in out


def test_cli_reports_bad_rules_as_sentences(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**RULES, "control": {"fraction": 0}}))
    code, _, err = cli("ana", "analyst-pass", "create", "--model", "model-1",
                       "--rules", str(bad))
    assert code == 2 and "allow_no_control" in err and "Traceback" not in err
    code, _, err = cli("ana", "analyst-pass", "create", "--model", "nope",
                       "--rules", str(tmp_path / "rules.json"))
    assert code == 2 and "no stored scores" in err
