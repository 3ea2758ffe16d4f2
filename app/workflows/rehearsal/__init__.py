"""Rehearsal: the whole two-party pipeline on one machine over real loopback TLS."""

from app.data.generator import generate as generate_demo_data  # noqa: F401 (demo-data command)
from app.workflows.rehearsal.run import (  # noqa: F401
    PEER, RehearsalOptions, holdout_metrics, rehearse, run_job, run_pipeline,
)
