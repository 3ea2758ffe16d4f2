-- Workspace identity, users and the audit chain.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('administrator', 'analyst', 'branch_manager')),
    branch        TEXT,
    password_salt BLOB NOT NULL,
    password_hash BLOB NOT NULL,
    kdf_params    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    CHECK ((role = 'branch_manager') = (branch IS NOT NULL))
);

CREATE TABLE audit (
    seq           INTEGER PRIMARY KEY,
    ts            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    objects       TEXT NOT NULL,
    params_digest TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);

CREATE TABLE arrays (
    name  TEXT NOT NULL,
    chunk INTEGER NOT NULL,
    dtype TEXT NOT NULL,
    shape TEXT NOT NULL,
    data  BLOB NOT NULL,
    PRIMARY KEY (name, chunk)
);
