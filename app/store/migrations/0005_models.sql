-- Models: one row per stored model half (docs/training.md). The model itself is a msgpack BLOB of
-- plain values and typed arrays (never pickle); metrics exist only at the label party, because
-- they are computed from labels.
CREATE TABLE models (
    id           TEXT PRIMARY KEY,
    job_id       TEXT NOT NULL,
    alignment_id TEXT NOT NULL,
    dataset      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('federated', 'label_only')),
    half         TEXT NOT NULL CHECK (half IN ('label', 'feature')),
    params       TEXT NOT NULL,
    metrics      TEXT,
    rows_used    INTEGER NOT NULL,
    trees        INTEGER NOT NULL,
    model        BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK (half = 'label' OR metrics IS NULL)
);

CREATE INDEX models_job ON models (job_id);

-- Training checkpoints at tree boundaries (no keys, no ciphertexts), kept until the job finishes.
-- rows_digest names the agreed row set: a checkpoint is reused only for exactly the same rows.
CREATE TABLE training_checkpoints (
    job_id      TEXT NOT NULL,
    next_tree   INTEGER NOT NULL,
    rows_digest TEXT NOT NULL,
    state       BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (job_id, next_tree)
);
