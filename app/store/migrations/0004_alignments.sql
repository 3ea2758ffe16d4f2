-- Alignments: the intersection with a peer, in the row order both parties agreed on.
-- The identifiers themselves live in the encrypted array store (alignment/<id>/ids).
CREATE TABLE alignments (
    id            TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL,
    peer          TEXT NOT NULL,
    dataset       TEXT NOT NULL,
    id_type       TEXT NOT NULL,
    canon_version INTEGER NOT NULL,
    size          INTEGER NOT NULL,
    own_count     INTEGER NOT NULL,
    peer_count    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE alignment_progress (
    job_id     TEXT PRIMARY KEY,
    checkpoint BLOB NOT NULL,
    updated_at TEXT NOT NULL
);
