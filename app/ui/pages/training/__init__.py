"""Training: a SecureBoost model on an alignment, proposed to the peer, run with live progress."""

from app.ui.pages.training.page import (  # noqa: F401
    SECTION, SETUP_WIDTH, TRAINING_SENTENCES, TrainingPage, WAIT_SECONDS, estimate_in_background,
    propose_in_background,
)
