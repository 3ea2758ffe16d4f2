"""Sharing an evaluation with the partner: aggregates only, through an approved job.

The bank sends ``partner_report`` (cells below the minimum suppressed, plus complementary cells)
as JSON text in one schema-checked message. The partner accepts it only if the text is within the
size cap, its SHA-256 is the one shown in the approved proposal, and its content is aggregate:
every key is on the whitelist below, every list is short (deciles, never customers), every
published cell holds at least the minimum number of customers per arm. Anything else is refused
and nothing is stored.
"""

from __future__ import annotations

import hashlib
import json
import math

from app.errors import RemoteProtocolError
from app.evaluation.report import PARTNER_FORMAT, PARTNER_PARAMETERS
from app.schema import Bool, Message, Str
from app.store import outcomes as outcome_store
from app.store.workspace import now_iso

SHARE, SHARE_ACK = "lianmo.evaluation_share", "lianmo.evaluation_share_ack"
MAX_REPORT_CHARS = 1_000_000
MIN_CELL_FLOOR = 10          # the partner never accepts cells smaller than this
MAX_BREAKDOWNS, MAX_LABELS = 8, 2000
_JOB_ID = Str(max_len=36, min_len=36)

MESSAGES = (
    Message(SHARE, 1, {"job_id": _JOB_ID, "report": Str(max_len=MAX_REPORT_CHARS),
                       "sha256": Str(max_len=64, min_len=64)},
            max_bytes=4 * MAX_REPORT_CHARS + 1024),  # UTF-8 text: up to 4 bytes a character
    Message(SHARE_ACK, 1, {"job_id": _JOB_ID, "stored": Bool(), "reason": Str(max_len=300)},
            max_bytes=2048),
)


class NotAggregate(ValueError):
    """The received report is not an aggregate report we may store (``str`` says where)."""


def _fail(path: str, why: str):
    raise NotAggregate(f"{path}: {why}")


def _keys(obj, path: str, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(obj, dict):
        _fail(path, "must be an object")
    extra = set(obj) - required - optional
    if extra:
        _fail(path, "has fields that are not aggregates")
    if required - set(obj):
        _fail(path, "misses required fields")
    return obj


def _number(x, path: str, lo: float = -math.inf, hi: float = math.inf, nullable=True) -> None:
    if x is None and nullable:
        return
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not lo <= x <= hi:
        _fail(path, "must be a number in range")


def _pair(x, path: str, lo: float = -math.inf, hi: float = math.inf) -> None:
    if x is None:
        return
    if not isinstance(x, list) or len(x) != 2:
        _fail(path, "must be a pair of numbers")
    for i, v in enumerate(x):
        _number(v, f"{path}[{i}]", lo, hi, nullable=True)


def _text(x, path: str, max_len: int = 300) -> None:
    if not isinstance(x, str) or len(x) > max_len:
        _fail(path, "must be a short text")


def _notes(x, path: str) -> None:
    if not isinstance(x, list) or len(x) > 10:
        _fail(path, "must be a short list of sentences")
    for i, note in enumerate(x):
        _text(note, f"{path}[{i}]")


def _cell(cell, path: str, m: int, extra: set[str] = frozenset()) -> None:
    if isinstance(cell, dict) and cell.get("suppressed") is True:
        _keys(cell, path, {"suppressed", "reason"}, extra)
        _text(cell["reason"], path + ".reason")
        return
    _keys(cell, path, {"treatment", "control", "uplift_abs", "uplift_abs_ci95", "uplift_rel",
                       "p_value", "incremental_conversions", "incremental_conversions_ci95",
                       "notes"}, extra)
    for arm in ("treatment", "control"):
        a = _keys(cell[arm], f"{path}.{arm}", {"n", "conversions", "rate", "rate_ci95"})
        if not isinstance(a["n"], int) or a["n"] < m:
            _fail(f"{path}.{arm}.n", f"a published cell must hold at least {m} customers")
        _number(a["conversions"], f"{path}.{arm}.conversions", 0, a["n"], nullable=False)
        _number(a["rate"], f"{path}.{arm}.rate", 0, 1)
        _pair(a["rate_ci95"], f"{path}.{arm}.rate_ci95", 0, 1)
    for key in ("uplift_abs", "uplift_rel", "incremental_conversions"):
        _number(cell[key], f"{path}.{key}")
    _number(cell["p_value"], f"{path}.p_value", 0, 1)
    _pair(cell["uplift_abs_ci95"], f"{path}.uplift_abs_ci95")
    _pair(cell["incremental_conversions_ci95"], f"{path}.incremental_conversions_ci95")
    _notes(cell["notes"], f"{path}.notes")


def _deciles(section, model, m: int) -> None:
    _keys(section, "deciles", {"rows", "curves"})
    rows = section["rows"]
    if not isinstance(rows, list) or len(rows) > 10:
        _fail("deciles.rows", "must be at most 10 deciles")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or row.get("decile") not in range(1, 11):
            _fail(f"deciles.rows[{i}]", "needs a decile number 1-10")
        _cell(row, f"deciles.rows[{i}]", m, {"decile"})
    curves = section["curves"]
    if isinstance(curves, dict) and curves.get("suppressed") is True:
        _cell(curves, "deciles.curves", m)
    else:
        _keys(curves, "deciles.curves", {"points", "auuc", "auuc_random", "qini_area"})
        if not isinstance(curves["points"], list) or len(curves["points"]) > 10:
            _fail("deciles.curves.points", "must be at most 10 points")
        for i, p in enumerate(curves["points"]):
            _keys(p, f"deciles.curves.points[{i}]",
                  {"decile", "fraction", "cum_uplift_rate", "uplift", "qini"})
            for k, v in p.items():
                _number(v, f"deciles.curves.points[{i}].{k}")
        for k in ("auuc", "auuc_random", "qini_area"):
            _number(curves[k], f"deciles.curves.{k}")
    _keys(model, "model", {"n", "conversions", "auc", "ks"}, {"calibration", "psi"})
    for k in ("n", "conversions", "auc", "ks"):
        _number(model[k], f"model.{k}", 0)
    if "calibration" in model:
        cal = _keys(model["calibration"], "model.calibration", {"ece", "rows"})
        _number(cal["ece"], "model.calibration.ece", 0, 1)
        if not isinstance(cal["rows"], list) or len(cal["rows"]) > 10:
            _fail("model.calibration.rows", "must be at most 10 deciles")
        for i, r in enumerate(cal["rows"]):
            path = f"model.calibration.rows[{i}]"
            if isinstance(r, dict) and r.get("suppressed") is True:
                _keys(r, path, {"decile", "suppressed"})
                continue
            _keys(r, path, {"decile", "n", "mean_predicted", "observed"})
            _number(r["n"], path + ".n", 0)
            if r["n"] and r["n"] < m:
                _fail(path + ".n", f"a published decile must hold at least {m} customers")
            for k in ("decile", "mean_predicted", "observed"):
                _number(r[k], f"{path}.{k}", 0, 10)
    if "psi" in model:
        psi = _keys(model["psi"], "model.psi", {"psi", "level"})
        _number(psi["psi"], "model.psi.psi", 0)
        if psi["level"] not in (None, "stable", "moderate", "major"):
            _fail("model.psi.level", "is not a known level")


def check_partner_report(report) -> int:
    """Raise NotAggregate unless ``report`` is an aggregate-only partner report; returns its minimum."""
    _keys(report, "report", {"format", "method", "min_customers", "parameters", "overall"},
          {"by", "deciles", "model"})
    if report["format"] != PARTNER_FORMAT:
        _fail("format", "is not the partner report format")
    m = report["min_customers"]
    if not isinstance(m, int) or isinstance(m, bool) or m < MIN_CELL_FLOOR:
        _fail("min_customers", f"must be at least {MIN_CELL_FLOOR}")
    method = report["method"]
    if not isinstance(method, dict) or len(method) > 20:
        _fail("method", "must be a short object")
    for k, v in method.items():
        _text(k, "method", 40)
        if not isinstance(v, str):
            _number(v, f"method.{k}")
        else:
            _text(v, f"method.{k}", 400)
    params = _keys(report["parameters"], "parameters", set(), set(PARTNER_PARAMETERS))
    for k, v in params.items():
        if isinstance(v, list):
            if len(v) > MAX_BREAKDOWNS:
                _fail(f"parameters.{k}", "is too long")
            for item in v:
                _text(item, f"parameters.{k}", 64)
        elif v is not None and not isinstance(v, (str, int)):
            _fail(f"parameters.{k}", "must be a text or a number")
        elif isinstance(v, str):
            _text(v, f"parameters.{k}", 200)
    _cell(report["overall"], "overall", m)
    by = report.get("by", {})
    if not isinstance(by, dict) or len(by) > MAX_BREAKDOWNS:
        _fail("by", f"must hold at most {MAX_BREAKDOWNS} breakdowns")
    for column, cells in by.items():
        _text(column, "by", 64)
        if not isinstance(cells, dict) or len(cells) > MAX_LABELS:
            _fail(f"by.{column}", f"must hold at most {MAX_LABELS} cells")
        for label, cell in cells.items():
            _text(label, f"by.{column}", 128)
            _cell(cell, f"by.{column}.{label}", m)
    if ("deciles" in report) != ("model" in report):
        _fail("deciles", "and model go together")
    if "deciles" in report:
        _deciles(report["deciles"], report["model"], m)
    return m


def parse_report_text(text: str) -> dict:
    """Strict JSON (no NaN/Infinity, no duplicate keys), then the aggregate check."""
    def no_constants(name):
        raise NotAggregate(f"report: {name} is not allowed")

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise NotAggregate("report: a field appears twice")
        return dict(pairs)
    if len(text) > MAX_REPORT_CHARS:
        raise NotAggregate("report: larger than the size cap")
    try:
        report = json.loads(text, parse_constant=no_constants, object_pairs_hook=no_duplicates)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotAggregate("report: not valid JSON") from exc
    check_partner_report(report)
    return report


def report_text(report: dict) -> tuple[str, str]:
    text = json.dumps(report, ensure_ascii=False, allow_nan=False, sort_keys=True,
                      separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- the job, both sides ---------------------------------------------------------------------------
def send(workspace, job, channel, text: str, sha: str) -> dict:
    """Initiator: send the report, wait for the partner's verdict."""
    if sha != job.params.get("report_sha256"):
        raise RemoteProtocolError.coded("evaluation.report_changed")
    channel.send(SHARE, {"job_id": job.id, "report": text, "sha256": sha})
    msg_type, body = channel.recv(timeout=120)
    if msg_type != SHARE_ACK or body["job_id"] != job.id:
        raise RemoteProtocolError.coded("protocol.unexpected", message=msg_type)
    if not body["stored"]:
        raise RemoteProtocolError.coded("evaluation.partner_refused", reason=body["reason"])
    workspace.audit.append(job.decided_by or "system", "campaign.share_sent",
                           {"job": job.id, "evaluation": job.params.get("evaluation"),
                            "peer": job.peer, "sha256": sha}, {"report_sha256": sha})
    return {"shared": True, "report_sha256": sha}


def receive(workspace, job, channel) -> dict:
    """Partner: accept the report only if approved (same digest) and aggregate; then store it."""
    msg_type, body = channel.recv(timeout=120)
    if msg_type != SHARE or body["job_id"] != job.id:
        raise RemoteProtocolError.coded("protocol.unexpected", message=msg_type)
    text = body["report"]
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        if sha != body["sha256"] or sha != job.params.get("report_sha256"):
            raise NotAggregate("report: not the report whose digest was approved")
        report = parse_report_text(text)
    except NotAggregate as exc:
        reason = str(exc)[:300]
        channel.send(SHARE_ACK, {"job_id": job.id, "stored": False, "reason": reason})
        raise RemoteProtocolError.coded("evaluation.report_refused", reason=reason) from None
    campaign = str(job.params.get("campaign_id", ""))[:64]

    def store(conn):
        outcome_store.save_shared_report(conn, job.id, job.peer, campaign, text, sha, now_iso())
        workspace.audit.append_in(conn, f"peer:{job.peer}", "campaign.share_received",
                                  {"job": job.id, "campaign": campaign, "sha256": sha},
                                  {"report_sha256": sha})
    workspace.db.transaction(store)
    channel.send(SHARE_ACK, {"job_id": job.id, "stored": True, "reason": ""})
    return {"stored": True, "report_sha256": sha,
            "overall_suppressed": bool(report["overall"].get("suppressed", False))}
