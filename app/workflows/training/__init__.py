"""The training job: SecureBoost (default) or a scorecard between the bank (label party) and the
partner (feature party)."""

from app.protocols.secureboost.params import MAX_DEPTH, MAX_TREES, TrainParams  # noqa: F401
from app.workflows.training.train import (  # noqa: F401
    MIN_KEY_BITS, SCHEME_NAMES, SCHEMES, ReviewDocument, compare_models, estimate_training, export_model_pdf,
    export_model_record, job_params, model_review,
    model_record, model_report, models, outcome_labels, replay_job_params, retrain_job_params,
    run_scoring_job, run_training_job, train_params,
)
from app.workflows.training.scoring import use_label_only  # noqa: F401
from app.workflows.training.names import (  # noqa: F401
    MAX_NAME, default_name, main_model, mark_main, rename_model,
)
from app.workflows.training.scorecard import (  # noqa: F401
    MODEL_TYPES, PointsParams, WoeParams, card_params, job_fields, lr_fields, model_type,
)
from app.protocols.scorecard.params import (  # noqa: F401  (the regression's limits)
    BATCH_SIZES, MAX_EPOCHS, MAX_L2, MAX_LEARNING_RATE, MAX_VALID_FRACTION,
)
from app.workflows.training.scoring import label_only_scores, score_model  # noqa: F401
