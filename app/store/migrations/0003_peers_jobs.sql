-- Own TLS identity, pinned peers, cross-party jobs, auto-approve policies, peers' audit heads.
CREATE TABLE identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    key_pem     BLOB NOT NULL,
    cert_pem    BLOB NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE peers (
    name        TEXT PRIMARY KEY,
    address     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    cert_pem    BLOB,
    party_name  TEXT,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    last_seen   TEXT
);

CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL,
    peer             TEXT NOT NULL,
    proposer         TEXT NOT NULL CHECK (proposer IN ('local', 'remote')),
    params           TEXT NOT NULL,
    state            TEXT NOT NULL,
    local_decision   TEXT,
    remote_decision  TEXT,
    decided_by       TEXT,
    reason           TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    progress_done    INTEGER NOT NULL DEFAULT 0,
    progress_total   INTEGER NOT NULL DEFAULT 0,
    progress_message TEXT NOT NULL DEFAULT '',
    transcript_hash  TEXT,
    result           TEXT,
    error            TEXT
);

CREATE TABLE job_policies (
    job_type     TEXT PRIMARY KEY,
    auto_approve INTEGER NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL
);

CREATE TABLE peer_heads (
    id         INTEGER PRIMARY KEY,
    peer       TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    their_seq  INTEGER NOT NULL,
    their_head TEXT NOT NULL,
    signature  BLOB NOT NULL,
    our_seq    INTEGER NOT NULL,
    our_head   TEXT NOT NULL
);
