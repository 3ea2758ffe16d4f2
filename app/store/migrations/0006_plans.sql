-- Campaign plans: scored populations, versioned plans, branch review, exports (docs/plans.md).
-- Per-customer data is never stored row by row here: it lives in `arrays` (app/store/arrays.py)
-- under the names listed in scores / plan_members; these tables hold only metadata and decisions.
--
-- Scored population of one model, written by the scoring step, read by load_population().
-- Arrays scores/<model_id>/<column>: customer_key int64, score float64, model_source uint8
-- (0 federated, 1 label-only), branch int32 (codes into `branches`), already_bound, opted_out,
-- app_active_30d, branch_visit_recent, consent_ok (bool), last_contacted_day int32 (-1 never),
-- consent_until float64 (epoch seconds, inf = no expiry), optional ids uint8 (n x id_width,
-- canonical identifier bytes, zero-padded) and custom/<name> (numeric, or int32 codes into the
-- category table given in `custom`).
CREATE TABLE scores (
    model_id   TEXT PRIMARY KEY,
    n          INTEGER NOT NULL,
    branches   TEXT NOT NULL,
    id_type    TEXT,
    id_width   INTEGER NOT NULL DEFAULT 0,
    custom     TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);

CREATE TABLE plans (
    id              TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL,
    model_id        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('review', 'finalised')),
    current_version INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    finalised_by    TEXT,
    finalised_at    TEXT,
    finalised_day   INTEGER
);

CREATE TABLE plan_versions (
    plan_id      TEXT NOT NULL REFERENCES plans (id),
    version      INTEGER NOT NULL,
    rules        TEXT NOT NULL,
    rules_digest TEXT NOT NULL,
    seed         INTEGER NOT NULL,
    branches     TEXT NOT NULL,
    id_type      TEXT,
    custom       TEXT NOT NULL,
    funnel       TEXT NOT NULL,
    n_members    INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

-- One row per stored member column: the array holding it (plans/<id>/v<version>/<column>).
CREATE TABLE plan_members (
    plan_id    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    column     TEXT NOT NULL,
    array_name TEXT NOT NULL,
    PRIMARY KEY (plan_id, version, column),
    FOREIGN KEY (plan_id, version) REFERENCES plan_versions (plan_id, version)
);

CREATE TABLE branch_decisions (
    plan_id    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    branch     TEXT NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    reason     TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, version, branch),
    FOREIGN KEY (plan_id, version) REFERENCES plan_versions (plan_id, version)
);

-- A branch manager took one member (row index into the version's member arrays) off the list.
CREATE TABLE branch_removals (
    plan_id    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    member     INTEGER NOT NULL,
    branch     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    removed_by TEXT NOT NULL,
    removed_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, version, member),
    FOREIGN KEY (plan_id, version) REFERENCES plan_versions (plan_id, version)
);

CREATE TABLE plan_exports (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    version     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    branch      TEXT,
    file_name   TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    exported_by TEXT NOT NULL,
    exported_at TEXT NOT NULL
);

-- Customers whose consent was revoked after scoring: removed from every plan from that moment.
CREATE TABLE consent_withdrawals (
    customer_key INTEGER PRIMARY KEY,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);

-- The workspace secret behind pseudonymous customer references (HMAC-SHA256).
CREATE TABLE plan_secret (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL
);
