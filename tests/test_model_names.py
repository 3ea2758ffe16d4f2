"""Model names and the main model: stored in a real SQLCipher workspace, listed by the workflow,
changed from the CLI (the Training and Segments pickers are covered in their page tests)."""

from __future__ import annotations

import time

import pytest

from app import cli
from app.errors import ValidationError
from app.store import jobs as job_store
from app.store import models as model_store
from app.store.models import ModelRecord
from app.workflows import training, users
from app.workflows.session import login


def _model(ws, model_id: str, created: str, auc: float | None, name: str | None = None,
           job_params: dict | None = None, kind: str = "federated") -> None:
    metrics = None if auc is None else {"federated": {"auc": auc}, "label_only": {"auc": auc - 0.05}}
    record = ModelRecord(id=model_id, job_id=model_id, alignment_id="al-1",
                         dataset="bank_customers", kind=kind, half="label", params={},
                         metrics=metrics, rows_used=100, trees=3, created_at=created, name=name)

    def write(conn):
        job_store.insert(conn, model_id, "training", "platform", "local", job_params or {})
        model_store.save_model_in(conn, record, {"trees": []})
    ws.db.transaction(write)


@pytest.fixture
def analyst(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    ws = admin_session.workspace
    _model(ws, "m-first", "2025-06-01T09:00:00", 0.66)
    _model(ws, "m-replay", "2025-06-02T09:00:00", 0.70, job_params={"replay_of": "m-first"})
    _model(ws, "m-retrain", "2025-06-03T09:00:00", 0.71, job_params={"label_evaluation": "ev"})
    _model(ws, "m-same", "2025-06-04T09:00:00", 0.66, name="Autumn quick-pay")
    _model(ws, "m-worse", "2025-06-05T09:00:00", 0.58)
    return login(ws, "ana", "analyst-pass")


def test_names_default_from_data_and_date_and_the_best_first_trained_model_is_main(analyst):
    rows = {m["id"]: m for m in training.models(analyst)}
    assert rows["m-first"]["name"] == "bank_customers 2025-06-01 09:00"
    assert rows["m-same"]["name"] == "Autumn quick-pay"
    assert (rows["m-replay"]["origin"], rows["m-retrain"]["origin"]) == ("replay", "retrained")
    # replays and retrains do not compete; of equal AUCs the earlier model wins
    assert [m["id"] for m in training.models(analyst) if m["main"]] == ["m-first"]
    assert training.main_model(analyst) == "m-first"
    assert not rows["m-first"]["scored"] and not rows["m-first"]["main_marked"]


def test_rename_and_mark_main_are_stored_and_checked(analyst):
    assert training.rename_model(analyst, "m-worse", "  Branch pilot  ") == "Branch pilot"
    training.mark_main(analyst, "m-worse")
    rows = {m["id"]: m for m in training.models(analyst)}
    assert rows["m-worse"]["name"] == "Branch pilot" and rows["m-worse"]["main_marked"]
    assert [m["id"] for m in rows.values() if m["main"]] == ["m-worse"]
    training.mark_main(analyst, "m-same")   # one main model per workspace
    assert training.main_model(analyst) == "m-same"
    with pytest.raises(ValidationError):
        training.rename_model(analyst, "m-same", "x" * (training.MAX_NAME + 1))
    with pytest.raises(ValidationError):
        training.rename_model(analyst, "m-same", "two\nlines")


def test_a_proposed_name_travels_in_the_job_parameters(analyst):
    params = training.TrainParams(n_trees=2)
    assert training.job_params("al-1", params, "Spring")["name"] == "Spring"
    assert "name" not in training.job_params("al-1", params)
    with pytest.raises(ValidationError):
        training.job_params("al-1", params, " ")


def test_cli_lists_names_and_renames_and_marks_main(analyst, monkeypatch, capsys):
    monkeypatch.setenv("LIANMO_PASSWORD", "analyst-pass")
    ws = ["--workspace", str(analyst.workspace.path), "--user", "ana"]
    analyst.workspace.close()
    assert cli.main(["models", "rename", *ws, "--model", "m-worse", "--name", "Pilot"]) == 0
    assert cli.main(["models", "main", *ws, "--model", "m-worse"]) == 0
    capsys.readouterr()
    assert cli.main(["models", "list", *ws]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("* Pilot\tm-worse") for line in lines)
    assert any(line.startswith("  Autumn quick-pay\tm-same") for line in lines)
    assert cli.main(["models", "rename", *ws, "--model", "m-worse"]) != 0


def test_a_default_name_says_the_local_time_pickers_show(monkeypatch):
    """Pickers show local times and leave out what the name already says, so the name must be in
    local time too, and a picker line says the date once."""
    from app.ui.kit.labels import model_text
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        name = training.default_name("bank_customers", "2025-06-01T23:30:00+00:00")
        assert name == "bank_customers 2025-06-02 07:30"
        model = {"name": name, "auc": 0.64, "scored": False}
        assert model_text(model, "2025-06-02 07:30") == "bank_customers 2025-06-02 07:30 · AUC 0.640 · not scored"
        assert model_text({**model, "name": "Pilot 2025-06-02"}, "2025-06-02 07:30") \
            .startswith("Pilot 2025-06-02 · 07:30 · ")        # a typed date: only the time added
        assert model_text({**model, "name": "Pilot"}, "2025-06-02 07:30") \
            .startswith("Pilot · 2025-06-02 07:30 · ")
    finally:
        monkeypatch.undo()
        time.tzset()
