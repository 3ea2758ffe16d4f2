-- Consent-gated customer data (app/workflows/data_import.py, docs/data-import.md).
-- Column names from customer files are stored as values here, never used as SQL identifiers.
-- Identifiers, features and consent times live in encrypted array chunks (app/store/arrays.py)
-- under the names data/<dataset>/... and consent/<dataset>/<batch>/...
CREATE TABLE datasets (
    name          TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
    side          TEXT NOT NULL CHECK (side IN ('bank', 'partner')),
    id_type       TEXT NOT NULL CHECK (id_type IN ('mobile', 'id_card', 'opaque')),
    canon_version INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    rows          INTEGER NOT NULL,
    profile       TEXT NOT NULL,
    report        TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL
);

CREATE TABLE dataset_columns (
    dataset     TEXT NOT NULL REFERENCES datasets (name) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    type        TEXT NOT NULL,
    sensitivity TEXT NOT NULL CHECK (sensitivity IN ('C1', 'C2', 'C3')),
    categories  TEXT,
    PRIMARY KEY (dataset, position)
);

CREATE TABLE consent_batches (
    dataset       TEXT NOT NULL,
    batch         INTEGER NOT NULL,
    rows          INTEGER NOT NULL,
    source_file   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    PRIMARY KEY (dataset, batch)
);
