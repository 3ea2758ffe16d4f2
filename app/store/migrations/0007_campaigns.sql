-- Campaign outcomes and evaluations of plans (app/workflows/campaign.py, docs/campaign-evaluation.md).
-- Per-customer data is never stored row by row: outcome events live in `arrays` under
-- campaigns/<plan_id>/outcomes/<batch>/{member,bound_at,channel} (member = row index into the plan
-- version's member arrays; bound_at = epoch seconds; channel = int32 codes into `channels`), and
-- each evaluation's per-member snapshot under campaigns/<plan_id>/evaluations/<id>/{arm,outcome}.

CREATE TABLE campaign_outcome_batches (
    id            TEXT PRIMARY KEY,
    plan_id       TEXT NOT NULL REFERENCES plans (id),
    version       INTEGER NOT NULL,
    channels      TEXT NOT NULL,
    rows_read     INTEGER NOT NULL,
    matched       INTEGER NOT NULL,
    unmatched     INTEGER NOT NULL,
    rejected      INTEGER NOT NULL,
    counts        TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    imported_at   TEXT NOT NULL
);

-- One evaluation version of a plan; `scope` is 'all' (analysts) or a branch code (its manager).
CREATE TABLE campaign_evaluations (
    id            TEXT PRIMARY KEY,
    plan_id       TEXT NOT NULL REFERENCES plans (id),
    plan_version  INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    scope         TEXT NOT NULL,
    window_days   INTEGER NOT NULL,
    window_start  REAL NOT NULL,
    window_end    REAL NOT NULL,
    evaluated_at  REAL NOT NULL,
    report        TEXT NOT NULL,
    report_sha256 TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (plan_id, version)
);

-- Labels for retraining built from an evaluation (array name in `arrays`, aligned with the
-- dataset version's rows: 1 bound in the window, 0 did not, -1 not a treated member).
CREATE TABLE campaign_labels (
    evaluation_id   TEXT NOT NULL REFERENCES campaign_evaluations (id),
    dataset         TEXT NOT NULL,
    dataset_version INTEGER NOT NULL,
    array_name      TEXT NOT NULL,
    labelled        INTEGER NOT NULL,
    positives       INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, dataset)
);

-- Aggregate-only evaluation reports received from a partner through an approved
-- evaluation_share job (validated before storing: see app/workflows/campaign_share.py).
CREATE TABLE campaign_shared_reports (
    job_id        TEXT PRIMARY KEY,
    peer          TEXT NOT NULL,
    campaign_id   TEXT NOT NULL,
    report        TEXT NOT NULL,
    report_sha256 TEXT NOT NULL,
    received_at   TEXT NOT NULL
);
