"""The training and scoring job for model type ``scorecard`` (docs/scorecard.md).

Same job, same rows, same records as SecureBoost; what differs is the model. Training flow:
1. both parties bin their own columns finely (equal frequency) on the training rows;
2. the bank counts its own bins' labels; the partner's bins get their label counts from the
   federated exchange (app/protocols/scorecard/federated.py); the bank merges every feature's bins,
   computes WOE/IV, selects by IV and sends the partner its merge maps and selection;
3. the secret-shared logistic regression (app/protocols/scorecard/driver.py) fits the bank's WOE
   columns and the one-hot of the partner's merged bins; each party keeps its own weights;
4. the bank turns its weights into points, the partner its weights into its points column, which
   it sends per row (report and scoring). The bank also fits its label-only scorecard on its own
   columns, the baseline every report compares with.
"""

from __future__ import annotations

import numpy as np

from app.data.escape import escape_cell
from app.errors import LocalProtocolError, RemoteProtocolError, ValidationError
from app.protocols.scorecard import binning as merging
from app.protocols.scorecard import federated
from app.protocols.scorecard.driver import run_bank, run_partner
from app.protocols.scorecard.lr_bank import Bank, BankResult
from app.protocols.scorecard.lr_partner import Partner
from app.protocols.scorecard.messages import CODEC as LR_CODEC
from app.protocols.scorecard import params as lr_limits
from app.protocols.scorecard.params import LRParams
from app.protocols.scorecard.points import PointsParams, Scorecard, own_logistic, partner_points
from app.protocols.scorecard.woe import FeatureWoe, WoeParams, iv_table, one_hot, select, woe_matrix
from app.protocols.secureboost import metrics
from app.protocols.secureboost.binning import Binning, fit_binning
from app.protocols.secureboost.params import TrainParams
from app.protocols.secureboost.sampling import train_valid_split
from app.workflows.training import record as reproducible
from app.workflows.training.link import SC, agree_rows, feature_columns, recv_sb, send_sb

MODEL_TYPES = ("secureboost", "scorecard")
_FLOATS = {**{k: type(v) for k, v in WoeParams().to_dict().items()},
           **{k: type(v) for k, v in PointsParams().to_dict().items()}}
# job field -> LRParams field. The job's split holds out its test rows before binning; the
# regression's own split (lr_valid_fraction of the training rows, off by default) is only for early
# stopping (docs/scorecard.md)
LR_FIELDS = {"lr_epochs": "epochs", "lr_batch_size": "batch_size",
             "lr_learning_rate": "learning_rate", "lr_l2": "l2",
             "lr_valid_fraction": "valid_fraction", "lr_patience": "patience"}
ZERO_PARTNER_NOTE = ("No partner feature reached the IV threshold: the partner's regression was "
                     "skipped, the scorecard uses the bank's columns only and the partner points "
                     "column is zero for every customer.")


def model_type(values: dict) -> str:
    kind = values.get("model_type", "secureboost")
    if kind not in MODEL_TYPES:
        raise ValidationError.coded("training.model_type")
    return kind


def _typed(name: str, v, kind: type):
    ok = isinstance(v, bool) if kind is bool else (
        isinstance(v, (int, float)) and not isinstance(v, bool) and (kind is float or v == int(v)))
    if not ok:
        raise ValidationError.coded("card.param_type", name=name)
    return kind(v)


def card_params(values: dict) -> tuple[WoeParams, PointsParams]:
    """Binning/selection and points parameters from approved job parameters (types checked;
    the regression's ``lr_*`` fields are checked too, see lr_fields)."""
    chosen = {name: _typed(name, values[name], kind) for name, kind in _FLOATS.items()
              if name in values}
    lr_fields(values)
    woe_names, pts_names = set(WoeParams().to_dict()), set(PointsParams().to_dict())
    return (WoeParams(**{k: v for k, v in chosen.items() if k in woe_names}),
            PointsParams(**{k: v for k, v in chosen.items() if k in pts_names}))


def lr_fields(values: dict) -> dict:
    """The regression's ``lr_*`` job fields, defaults filled in, types and ranges checked (both
    parties approve these numbers, so they are explicit in the job)."""
    d = LRParams()
    out = {key: _typed(key, values.get(key, getattr(d, name)), type(getattr(d, name)))
           for key, name in LR_FIELDS.items()}
    try:
        LRParams(**{name: out[key] for key, name in LR_FIELDS.items()})
    except LocalProtocolError:
        raise ValidationError.coded(
            "card.lr_range", max_epochs=lr_limits.MAX_EPOCHS, batch_min=lr_limits.BATCH_SIZES[0],
            batch_max=lr_limits.BATCH_SIZES[1], max_rate=lr_limits.MAX_LEARNING_RATE,
            max_l2=lr_limits.MAX_L2, max_share=lr_limits.MAX_VALID_FRACTION) from None
    return out


def job_fields(woe: WoeParams, points: PointsParams, lr: dict | None = None) -> dict:
    """What a scorecard job adds to the training job's parameters."""
    return {"model_type": "scorecard", **woe.to_dict(), **points.to_dict(), **lr_fields(lr or {})}


# -- over the link ------------------------------------------------------------------------------------
def _limit(prefix: bytes) -> int:
    """Largest size of a scorecard message (WOE exchange or regression) from its first bytes."""
    try:
        return federated.CODEC.limit_of(prefix)
    except RemoteProtocolError:
        return LR_CODEC.limit_of(prefix)


def _send(channel, data: bytes) -> None:
    send_sb(channel, data, frame=SC)


def _recv(channel) -> bytes:
    return recv_sb(channel, frame=SC, limit_of=_limit)


def _lr_params(values: dict, params: TrainParams) -> LRParams:
    """The regression's parameters: ``lr_*`` job fields, the job's seed and key size (the
    regression's validation rows, if any, come out of the job's training rows)."""
    chosen = lr_fields(values)
    return LRParams(**{name: chosen[key] for key, name in LR_FIELDS.items()},
                    seed=params.seed, key_bits=params.key_bits)


def regression_report(result: BankResult) -> dict:
    """The regression's loss curves for the report. ``validation_loss`` is the training loss per
    epoch too: the key reports had before ``training_loss`` existed, kept for their readers."""
    losses = [float(v) for v in result.losses]
    return {"training_loss": losses, "validation_loss": losses,
            "valid_losses": [float(v) for v in result.valid_losses],
            "best_epoch": int(result.best_epoch) if result.losses else None}


def shared_lr_bank(channel, x: np.ndarray, y: np.ndarray, values: dict, params: TrainParams,
                   executor) -> tuple[float, np.ndarray, dict]:
    """The bank's side of the secret-shared regression on the training rows:
    (intercept, weights of the bank's columns, regression_report) — of the best epoch under
    early stopping."""
    bank = Bank(_lr_params(values, params), x, (np.asarray(y) > 0).astype(np.int64), executor)
    result = run_bank(bank, lambda data: _send(channel, data), lambda: _recv(channel))
    return float(result.weights[0]), np.asarray(result.weights[1:]), regression_report(result)


def shared_lr_partner(channel, x: np.ndarray, values: dict, params: TrainParams,
                      executor) -> np.ndarray:
    """The partner's side: answers until the regression is done; returns its own weights."""
    partner = Partner(_lr_params(values, params), x, executor)
    run_partner(partner, lambda data: _send(channel, data), lambda: _recv(channel))
    return np.asarray(partner.weights, dtype=np.float64)


# -- bank -------------------------------------------------------------------------------------------
def _fine(columns: dict, categorical: set, train: np.ndarray, bins: int) -> tuple[Binning, np.ndarray]:
    binning = fit_binning({k: v[train] for k, v in columns.items()}, categorical, bins)
    return binning, binning.transform(columns)


def _bank_features(binning: Binning, fine: np.ndarray, y: np.ndarray, woe: WoeParams) -> list[FeatureWoe]:
    out = []
    for j, fb in enumerate(binning.features):
        pos, neg = merging.fine_counts(fine[:, j], y, woe.fine_bins + 1)
        mapping = merging.merge_map(pos, neg, woe.min_bin_share, categorical=fb.kind == "categorical")
        out.append(FeatureWoe(fb.name, "bank", mapping, *merging.merged_counts(mapping, pos, neg)))
    return out


def _merged(features: list[FeatureWoe], fine: np.ndarray) -> np.ndarray:
    cols = [merging.apply_map(f.mapping, fine[:, j]) for j, f in enumerate(features)]
    return np.column_stack(cols) if cols else np.zeros((fine.shape[0], 0), np.uint8)


def train_label(workspace, job, channel, initiator, task, params: TrainParams, alignment_id,
                executor, label_source, store) -> dict:
    woe_p, scale = card_params(job.params)
    rows = agree_rows(workspace, channel, initiator, alignment_id, job.peer, need_label=True,
                      label_source=label_source)
    if rows.n < 100:
        raise ValidationError.coded("training.too_few_rows", rows=rows.n)
    columns, categorical = feature_columns(workspace, rows.eligible, rows.rows)
    y = (rows.eligible.label[rows.rows] > 0).astype(np.float64)
    train, valid = train_valid_split(rows.n, params.valid_fraction, params.seed)
    binning, fine = _fine(columns, categorical, train, woe_p.fine_bins)
    task.progress(0, 3, "binning")
    bank_feats = _bank_features(binning, fine[train], y[train], woe_p)
    bank = federated.BankWoe(executor, y[train], woe_p, federated.job_digest(job.params),
                             params.key_bits)
    _send(channel, bank.setup())
    partner_feats = bank.on_counts(_recv(channel))
    select(bank_feats + partner_feats, woe_p.iv_threshold)
    _send(channel, bank.merge())
    partner_cols = bank.on_done(_recv(channel))
    merged = _merged(bank_feats, fine)
    x = woe_matrix(bank_feats, merged)
    task.progress(1, 3, "regression")
    b0, wb = own_logistic(x[train], y[train], params.reg_lambda)
    if partner_cols:
        intercept, w, history = shared_lr_bank(channel, x[train], y[train], job.params, params,
                                               executor)
    else:  # both parties know no partner column is left: nothing to share, the bank's own fit
        intercept, w, history = b0, wb, regression_report(BankResult(None, [], None))
    chosen = [f for f in bank_feats if f.selected]
    card = Scorecard(scale, intercept, bank_feats + partner_feats,
                     {f.name: float(v) for f, v in zip(chosen, w)})
    _send(channel, federated.points_request(rows.n))
    total = card.points(merged) + federated.read_points(_recv(channel), rows.n)
    baseline = Scorecard(scale, b0, bank_feats, {f.name: float(v) for f, v in zip(chosen, wb)})
    task.progress(2, 3, "report")
    report = _report(card, baseline, merged, total, y, valid, params.seed, partner_cols > 0)
    report.update(history)
    data = reproducible.data_digest(rows.eligible.ids[rows.rows], columns, y)
    plain = {**card.to_plain(), "binning": binning.to_dict()}
    base_plain = {**baseline.to_plain(), "binning": binning.to_dict()}
    record = reproducible.build(job.params, alignment_id, data, plain)
    report["record"] = record
    return {"rows": rows, "report": report, "plain": plain, "baseline_plain": base_plain,
            "record": record, "baseline_record": reproducible.build(job.params, alignment_id, data,
                                                                    base_plain)}


def _report(card: Scorecard, baseline: Scorecard, merged: np.ndarray, total: np.ndarray,
            y: np.ndarray, valid: np.ndarray, seed: int, partner: bool) -> dict:
    out = {"model_type": "scorecard", "validation_rows": int(len(valid)), "trees": 0,
           "label_only_trees": 0, "iv": iv_table(card.features), "scorecard": card.table(partner),
           "points_scale": card.scale.to_dict(), "importance": {},
           "partner_features_selected": sum(1 for f in card.features
                                            if f.party == "partner" and f.selected)}
    if not partner:
        out["note"] = ZERO_PARTNER_NOTE
        out["scorecard"].append({"feature": "partner points", "party": "partner",
                                 "bin": "(no partner feature selected)", "woe": None, "points": 0.0})
    if len(valid):
        joint = card.probability(total[valid])
        own = baseline.probability(baseline.points(merged[valid]))
        out["federated"] = metrics.report(y[valid], joint)
        out["label_only"] = metrics.report(y[valid], own)
        out["comparison"] = reproducible.compare_with_label_only(y[valid], joint, own, seed)
    return out


# -- partner ----------------------------------------------------------------------------------------
def train_feature(workspace, job, channel, initiator, params: TrainParams, alignment_id,
                  executor) -> dict:
    woe_p, scale = card_params(job.params)
    rows = agree_rows(workspace, channel, initiator, alignment_id, job.peer)
    columns, categorical = feature_columns(workspace, rows.eligible, rows.rows)
    train, valid = train_valid_split(rows.n, params.valid_fraction, params.seed)
    binning, fine = _fine(columns, categorical, train, woe_p.fine_bins)
    used = np.array([f.n_used for f in binning.features], np.uint8)
    party = federated.PartnerWoe(executor, fine[train], used, woe_p,
                                 federated.job_digest(job.params), params.key_bits, binning.names)
    _send(channel, party.on_setup(_recv(channel)))
    _send(channel, party.on_merge(_recv(channel)))
    merged = party.merged(fine)
    if party.selected.any():
        weights = shared_lr_partner(channel, one_hot(party.n_merged(), merged)[train], job.params,
                                    params, executor)
    else:  # none of ours selected: the bank skips the regression too; our column is zero
        weights = np.zeros(0)
    plain = {"model_type": "scorecard", "binning": binning.to_dict(), "scale": scale.to_dict(),
             "maps": np.stack(party.maps) if party.maps else np.zeros((0, woe_p.fine_bins + 1), np.uint8),
             "selected": party.selected.astype(np.uint8), "weights": weights}
    column = partner_points(weights, party.n_merged(), merged, scale)
    _send(channel, federated.answer_points(_recv(channel), rows.n, column))
    data = reproducible.data_digest(rows.eligible.ids[rows.rows], columns, None)
    return {"rows": rows, "plain": plain,
            "record": reproducible.build(job.params, alignment_id, data, plain),
            "selected": int(party.selected.sum())}


# -- scoring ----------------------------------------------------------------------------------------
def bank_scores(channel, plain: dict, baseline_plain: dict, rows, columns: dict
                ) -> tuple[np.ndarray, np.ndarray]:
    """(label-only probability of every eligible customer, federated probability of the agreed
    rows): base and bank points here, the partner's column over the link."""
    card, binning = Scorecard.from_plain(plain), Binning.from_dict(plain["binning"])
    bank = [f for f in card.features if f.party == "bank"]
    merged = _merged(bank, binning.transform(columns))
    own = label_only_probability(baseline_plain, columns)
    _send(channel, federated.points_request(rows.n))
    partner = federated.read_points(_recv(channel), rows.n)
    return own, card.probability(card.points(merged[rows.rows]) + partner)


def label_only_probability(plain: dict, columns: dict) -> np.ndarray:
    """The bank's own scorecard on its own columns (no partner column)."""
    card, binning = Scorecard.from_plain(plain), Binning.from_dict(plain["binning"])
    bank = [f for f in card.features if f.party == "bank"]
    return card.probability(card.points(_merged(bank, binning.transform(columns))))


def partner_scores(channel, plain: dict, rows, columns: dict) -> None:
    """The partner's column for the agreed rows, from its own bins, maps and weights."""
    binning = Binning.from_dict(plain["binning"])
    fine = binning.transform(columns)
    maps = np.asarray(plain["maps"], np.uint8)
    selected = np.asarray(plain["selected"]).astype(bool)
    cols = [merging.apply_map(maps[j], fine[:, j]) for j in range(len(maps)) if selected[j]]
    merged = np.column_stack(cols) if cols else np.zeros((rows.n, 0), np.uint8)
    n_bins = [int(maps[j][-1]) + 1 for j in range(len(maps)) if selected[j]]
    column = partner_points(plain["weights"], n_bins, merged, PointsParams(**plain["scale"]))
    _send(channel, federated.answer_points(_recv(channel), rows.n, column))


IV_HEADER = ["feature", "party", "iv", "bins", "selected", "strength"]
CARD_HEADER = ["feature", "party", "bin", "rows", "event_rate", "woe", "points"]


def card_tables(metrics_: dict | None) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """The IV table and the scorecard as (heading, note, header, rows) for model-risk review
    (cells escaped against formulas: the same cells go to the XLSX and the PDF)."""
    m = metrics_ or {}
    scale = m.get("points_scale") or {}
    iv = [[escape_cell(r[k]) for k in IV_HEADER] for r in m.get("iv", [])]
    card = [[escape_cell(r.get(k)) for k in CARD_HEADER] for r in m.get("scorecard", [])]
    return [("IV table", "", IV_HEADER, iv),
            ("Scorecard", f"base score {scale.get('base_score')} at odds {scale.get('base_odds')}, "
                          f"{scale.get('pdo')} points to double", CARD_HEADER, card)]


def card_rows(metrics_: dict | None) -> list[list[str]]:
    """The IV table and the scorecard as sheet rows (model-risk review, XLSX)."""
    rows: list[list[str]] = []
    for heading, note, header, body in card_tables(metrics_):
        rows += ([[]] if rows else []) + [[heading]] + ([[note]] if note else []) + [header] + body
    return rows
