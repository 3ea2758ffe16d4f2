"""Campaign results: outcome event batches, evaluation versions with their per-member snapshots,
retraining labels built from an evaluation, and aggregate reports received from a partner
(0007_campaigns.sql). Events and snapshots are numpy arrays under ``campaigns/<plan_id>/...``
indexed by plan member, so evaluating a large plan never reads a row per customer, while SQL rows
hold what is listed and audited (counts, windows, report text and digest); evaluations are
versions that never change once written, so a report once shared stays what it was.
"""

from __future__ import annotations

import json

import numpy as np

from app.store.arrays import array_exists, load_array, save_array
from app.store.audit import digest

EVAL_COLUMNS = ("id", "plan_id", "plan_version", "version", "scope", "window_days", "created_by",
                "created_at")
SHARED_COLUMNS = ("job_id", "peer", "campaign_id", "report", "report_sha256", "received_at")


# -- outcome events ---------------------------------------------------------------------------
def _batch_prefix(plan_id: str, batch: str) -> str:
    return f"campaigns/{plan_id}/outcomes/{batch}/"


def insert_outcome_batch(conn, batch: str, plan_id: str, version: int, channels: list[str],
                         member: np.ndarray, bound_at: np.ndarray, channel: np.ndarray,
                         counts: dict, source_file: str, source_sha256: str, user: str,
                         now: str) -> None:
    """One imported outcome file: matched events as arrays (member index, time, channel code)."""
    prefix = _batch_prefix(plan_id, batch)
    save_array(conn, prefix + "member", member)
    save_array(conn, prefix + "bound_at", bound_at)
    save_array(conn, prefix + "channel", channel)
    conn.execute("INSERT INTO campaign_outcome_batches (id, plan_id, version, channels, rows_read, "
                 "matched, unmatched, rejected, counts, source_file, source_sha256, imported_by, "
                 "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (batch, plan_id, version, json.dumps(channels, ensure_ascii=False),
                  counts["rows_read"], counts["matched"], counts["unmatched"], counts["rejected"],
                  json.dumps(counts), source_file, source_sha256, user, now))


def outcome_batches(conn, plan_id: str, version: int) -> list[tuple[list[str], np.ndarray,
                                                                    np.ndarray, np.ndarray]]:
    """(channel labels, member, bound_at, channel code) of each batch, in import order."""
    rows = conn.execute("SELECT id, channels FROM campaign_outcome_batches WHERE plan_id = ? AND "
                        "version = ? ORDER BY imported_at, id", (plan_id, version)).fetchall()
    out = []
    for batch, channel_json in rows:
        prefix = _batch_prefix(plan_id, batch)
        out.append((json.loads(channel_json), load_array(conn, prefix + "member"),
                    load_array(conn, prefix + "bound_at"), load_array(conn, prefix + "channel")))
    return out


# -- evaluations ------------------------------------------------------------------------------
def _evaluation_prefix(plan_id: str, evaluation: str) -> str:
    return f"campaigns/{plan_id}/evaluations/{evaluation}/"


def insert_evaluation(conn, evaluation: str, plan_id: str, plan_version: int, report: dict,
                      window: tuple[float, float], evaluated_at: float, arm: np.ndarray,
                      outcome: np.ndarray, user: str, now: str) -> int:
    """The plan's next evaluation version with its per-member snapshot; returns the version."""
    version = conn.execute("SELECT coalesce(max(version), 0) + 1 FROM campaign_evaluations "
                           "WHERE plan_id = ?", (plan_id,)).fetchone()[0]
    text = json.dumps(report, ensure_ascii=False, allow_nan=False, sort_keys=True)
    conn.execute("INSERT INTO campaign_evaluations (id, plan_id, plan_version, version, scope, "
                 "window_days, window_start, window_end, evaluated_at, report, report_sha256, "
                 "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (evaluation, plan_id, plan_version, version, report["parameters"]["scope"],
                  report["parameters"]["window_days"], window[0], window[1], evaluated_at, text,
                  digest(report), user, now))
    save_array(conn, _evaluation_prefix(plan_id, evaluation) + "arm", arm.astype(np.int8))
    save_array(conn, _evaluation_prefix(plan_id, evaluation) + "outcome", outcome.astype(np.int8))
    return int(version)


def get_evaluation(conn, evaluation: str) -> tuple[dict, dict] | None:
    """(metadata, report) of a stored evaluation, or None."""
    row = conn.execute(f"SELECT {', '.join(EVAL_COLUMNS)}, report FROM campaign_evaluations "
                       "WHERE id = ?", (evaluation,)).fetchone()
    if row is None:
        return None
    return dict(zip(EVAL_COLUMNS, row[:-1])), json.loads(row[-1])


def list_evaluations(conn, plan_id: str | None = None, scope: str | None = None) -> list[dict]:
    """Evaluation versions, oldest first; optionally of one plan and one scope."""
    sql = f"SELECT {', '.join(EVAL_COLUMNS)} FROM campaign_evaluations"
    where, args = [], []
    if plan_id is not None:
        where.append("plan_id = ?")
        args.append(plan_id)
    if scope is not None:
        where.append("scope = ?")
        args.append(scope)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY created_at, version", tuple(args)).fetchall()
    return [dict(zip(EVAL_COLUMNS, r)) for r in rows]


def evaluation_snapshot(conn, plan_id: str,
                        evaluation: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(arm, outcome) per plan member as evaluated, or None when not stored."""
    prefix = _evaluation_prefix(plan_id, evaluation)
    if not array_exists(conn, prefix + "arm"):
        return None
    return load_array(conn, prefix + "arm"), load_array(conn, prefix + "outcome")


# -- retraining labels ------------------------------------------------------------------------
def save_labels(conn, evaluation: str, dataset: str, dataset_version: int, labels: np.ndarray,
                labelled: int, positives: int, user: str, now: str) -> str:
    """Labels per stored dataset row built from an evaluation; returns their array name."""
    name = f"campaigns/labels/{evaluation}/{dataset}"
    save_array(conn, name, labels)
    conn.execute("INSERT OR REPLACE INTO campaign_labels (evaluation_id, dataset, dataset_version, "
                 "array_name, labelled, positives, created_by, created_at) VALUES "
                 "(?, ?, ?, ?, ?, ?, ?, ?)",
                 (evaluation, dataset, dataset_version, name, labelled, positives, user, now))
    return name


def load_labels(conn, evaluation: str) -> tuple[str, np.ndarray] | None:
    """(dataset, labels per its stored rows) built from ``evaluation``, or None."""
    row = conn.execute("SELECT dataset, array_name FROM campaign_labels WHERE evaluation_id = ?",
                       (evaluation,)).fetchone()
    return None if row is None else (row[0], load_array(conn, row[1]))


def label_dataset_versions(conn, evaluation: str) -> tuple[int, int] | None:
    """(dataset version the labels were built on, the dataset's version now), or None."""
    row = conn.execute("SELECT cl.dataset_version, d.version FROM campaign_labels cl JOIN "
                       "datasets d ON d.name = cl.dataset WHERE cl.evaluation_id = ?",
                       (evaluation,)).fetchone()
    return None if row is None else (row[0], row[1])


# -- partner reports --------------------------------------------------------------------------
def save_shared_report(conn, job_id: str, peer: str, campaign_id: str, text: str, sha256: str,
                       now: str) -> None:
    conn.execute("INSERT OR REPLACE INTO campaign_shared_reports (job_id, peer, campaign_id, "
                 "report, report_sha256, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                 (job_id, peer, campaign_id, text, sha256, now))


def shared_reports(conn) -> list[dict]:
    """Received reports (text as received), oldest first."""
    rows = conn.execute(f"SELECT {', '.join(SHARED_COLUMNS)} FROM campaign_shared_reports "
                        "ORDER BY received_at").fetchall()
    return [dict(zip(SHARED_COLUMNS, r)) for r in rows]
