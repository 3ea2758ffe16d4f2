"""The Training form's model-type choice: SecureBoost by default, a scorecard on request, each
with its one-line explanation, and the job parameters that follow from the choice."""

from app.ui.pages.training.form import TrainingForm
from app.workflows import training


def test_model_type_choice_changes_the_job(qtbot):
    form = TrainingForm()
    qtbot.addWidget(form)
    assert form.model_type.currentData() == "secureboost"
    assert form.card_fields() is None
    trees_hint = form.model_hint.text()
    assert trees_hint and form.n_trees.isEnabled()
    body = training.job_params("a1", form.params(), card=form.card_fields())
    assert training.model_type(body) == "secureboost"

    form.model_type.setCurrentIndex(form.model_type.findData("scorecard"))
    assert form.model_hint.text() != trees_hint and not form.n_trees.isEnabled()
    body = training.job_params("a1", form.params(), card=form.card_fields())
    assert training.model_type(body) == "scorecard"
    woe, points = training.card_params(body)
    assert woe == training.WoeParams() and points == training.PointsParams()
