"""The Training form's model-type choice: SecureBoost by default, a scorecard on request, each
with its one-line explanation and its own advanced settings (limits the protocol's), and the job
parameters that follow from the choice."""

from app.ui.pages.training.form import TrainingForm
from app.workflows import training

TREES_ONLY = ("n_trees", "max_depth", "learning_rate", "n_bins", "reg_lambda",
              "min_child_weight", "min_leaf_size", "early_stopping", "first_tree_label_only",
              "row_subsample", "col_subsample", "scheme")
CARD_ONLY = ("fine_bins", "min_bin_share", "iv_threshold", "partner_names", "base_score",
             "base_odds", "pdo", "lr_epochs", "lr_batch_size", "lr_learning_rate", "lr_l2",
             "lr_valid_fraction", "lr_patience")
COMMON = ("valid_fraction", "seed", "key_bits")


def shown(form, names) -> set[str]:
    return {name for name in names if getattr(form, name).isVisible()}


def test_model_type_choice_changes_the_job(qtbot):
    form = TrainingForm()
    qtbot.addWidget(form)
    assert form.model_type.currentData() == "secureboost"
    assert form.card_fields() is None
    trees_hint = form.model_hint.text()
    assert trees_hint and form.n_trees.isVisibleTo(form)
    body = training.job_params("a1", form.params(), card=form.card_fields())
    assert training.model_type(body) == "secureboost"

    form.model_type.setCurrentIndex(form.model_type.findData("scorecard"))
    assert form.model_hint.text() != trees_hint and not form.n_trees.isVisibleTo(form)
    body = training.job_params("a1", form.params(), card=form.card_fields())
    assert training.model_type(body) == "scorecard"
    woe, points = training.card_params(body)
    assert woe == training.WoeParams() and points == training.PointsParams()


def test_each_model_type_shows_its_own_advanced_settings(qtbot):
    form = TrainingForm()
    qtbot.addWidget(form)
    form.show()
    form.toggle.click()   # Advanced open
    assert shown(form, TREES_ONLY + COMMON) == set(TREES_ONLY + COMMON)
    assert shown(form, CARD_ONLY) == set()

    form.model_type.setCurrentIndex(form.model_type.findData("scorecard"))
    assert shown(form, CARD_ONLY + COMMON) == set(CARD_ONLY + COMMON)
    assert shown(form, TREES_ONLY) == set()
    assert all(getattr(form, name).toolTip() for name in CARD_ONLY)   # each says what it does
    assert all(heading.isVisible() and heading.text() for heading in form.card_headings)

    form.model_type.setCurrentIndex(form.model_type.findData("secureboost"))
    assert shown(form, CARD_ONLY) == set() and not any(h.isVisible() for h in form.card_headings)


def test_scorecard_values_become_the_jobs_fields_within_the_protocols_limits(qtbot):
    form = TrainingForm()
    qtbot.addWidget(form)
    form.model_type.setCurrentIndex(form.model_type.findData("scorecard"))
    assert form.card_fields() == training.job_fields(training.WoeParams(),
                                                     training.PointsParams())   # the defaults
    form.fine_bins.setValue(12)
    form.iv_threshold.setValue(0.05)
    form.partner_names.setChecked(True)
    form.base_odds.setValue(20)
    form.pdo.setValue(40)
    form.lr_epochs.setValue(7)
    form.lr_l2.setValue(0.01)
    form.lr_valid_fraction.setValue(0.2)
    body = training.job_params("a1", form.params(), card=form.card_fields())
    assert (body["fine_bins"], body["iv_threshold"], body["partner_names"], body["base_odds"],
            body["pdo"], body["lr_epochs"], body["lr_l2"], body["lr_valid_fraction"]) == (
        12, 0.05, True, 0.05, 40.0, 7, 0.01, 0.2)
    assert form.lr_epochs.maximum() == form.lr_patience.maximum() == training.MAX_EPOCHS
    assert (form.lr_batch_size.minimum(), form.lr_batch_size.maximum()) == training.BATCH_SIZES
    for end in ("minimum", "maximum"):   # every field's ends are values the protocol accepts
        for name in CARD_ONLY:
            box = getattr(form, name)
            if hasattr(box, end):
                box.setValue(getattr(box, end)())
        training.card_params(training.job_params("a1", form.params(), card=form.card_fields()))
