"""Assemble the campaign-evaluation report (a JSON-ready dict) from aligned customer arrays.

The report layout is documented in docs/campaign-evaluation.md. Numbers that cannot be computed
are ``None`` with a sentence in the nearest ``notes`` list, so NaN never reaches JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from app.errors import ValidationError
from app.evaluation import uplift as U
from app.evaluation.stats import compare_arms

FORMAT = "lianmo.campaign-evaluation/1"
METHOD = {
    "confidence": 0.95,
    "rate_ci": "Wilson score interval",
    "uplift_ci": "Newcombe hybrid score interval for a difference of proportions (Newcombe 1998, method 10)",
    "p_value": "two-sided two-proportion z-test with pooled variance",
    "uplift_rel": "uplift_abs / control rate",
    "incremental_conversions": "uplift_abs x treated customers; interval = uplift interval x treated customers",
    "deciles": "deciles of the score over all scored customers of both arms; 1 = highest scores; "
               "decile = 1 + floor(10 x customers with a strictly higher score / N), ties share a decile",
    "uplift_curve": "cumulative (treated rate - control rate) x share targeted, top decile first; "
                    "auuc = trapezoid area from (0,0); auuc_random = overall uplift / 2",
    "qini_curve": "(cum. treated conversions - cum. control conversions x cum. n_t / cum. n_c) / N_t; "
                  "qini_area = area between the curve and the random line",
    "auc_ks": "ROC AUC (Mann-Whitney, ties count half) and KS of the score on the treated arm's outcomes",
    "calibration": "treated arm, per decile: mean score vs observed rate; only when all scores are in [0, 1]",
    "psi": "population stability index of the evaluated customers' scores over the reference score "
           "deciles, shares floored at 1e-4; level: < 0.1 stable, 0.1-0.25 moderate, >= 0.25 major shift",
}


def _num(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def _pair(lo, hi) -> list[float | None] | None:
    lo, hi = _num(lo), _num(hi)
    return None if lo is None or hi is None else [lo, hi]


def _cells(c: U.ArmCounts) -> list[dict]:
    """One report cell (arms, uplift, test, incremental conversions, notes) per count entry."""
    f = compare_arms(c.n_t, c.k_t, c.n_c, c.k_c)
    cells = []
    for i in range(f["n_t"].size):
        notes = []
        if f["n_t"][i] == 0:
            notes.append("No treated customer in this cell: uplift cannot be measured.")
        if f["n_c"][i] == 0:
            notes.append("No control customer in this cell: uplift cannot be measured.")
        if f["n_t"][i] and f["n_c"][i]:
            if f["k_c"][i] == 0:
                notes.append("No control customer converted: relative uplift is undefined.")
            if math.isnan(f["p_value"][i]):
                notes.append("Every customer in both arms had the same outcome: the z-test is undefined.")
        cells.append({
            "treatment": _arm(f, i, "t"), "control": _arm(f, i, "c"),
            "uplift_abs": _num(f["uplift_abs"][i]),
            "uplift_abs_ci95": _pair(f["uplift_lo"][i], f["uplift_hi"][i]),
            "uplift_rel": _num(f["uplift_rel"][i]), "p_value": _num(f["p_value"][i]),
            "incremental_conversions": _num(f["incremental"][i]),
            "incremental_conversions_ci95": _pair(f["incremental_lo"][i], f["incremental_hi"][i]),
            "notes": notes,
        })
    return cells


def _arm(f: dict, i: int, a: str) -> dict:
    return {"n": int(f[f"n_{a}"][i]), "conversions": int(f[f"k_{a}"][i]), "rate": _num(f[f"rate_{a}"][i]),
            "rate_ci95": _pair(f[f"rate_{a}_lo"][i], f[f"rate_{a}_hi"][i])}


def _check(outcome: np.ndarray, arm: np.ndarray, score: np.ndarray | None) -> None:
    if outcome.ndim != 1 or arm.shape != outcome.shape:
        raise ValidationError.coded("evaluation.lengths")
    if score is not None and score.shape != outcome.shape:
        raise ValidationError.coded("evaluation.score_lengths")
    if score is not None and np.isinf(score).any():
        raise ValidationError.coded("evaluation.scores_finite")
    if not ((outcome == 0) | (outcome == 1)).all():
        raise ValidationError.coded("evaluation.outcomes_binary")
    if not ((arm == U.TREATMENT) | (arm == U.CONTROL) | (arm == U.EXCLUDED)).all():
        raise ValidationError.coded("evaluation.groups")
    if not (arm == U.CONTROL).any():
        raise ValidationError.coded("evaluation.control_empty")
    if not (arm == U.TREATMENT).any():
        raise ValidationError.coded("evaluation.treatment_empty")


def evaluate_campaign(outcome, arm, *, by: Mapping[str, tuple[np.ndarray, Sequence[str]]] | None = None,
                      score=None, reference_scores=None, parameters: Mapping | None = None) -> dict:
    """The full local report.

    ``outcome``: 0/1 per customer; ``arm``: 1 treatment, 0 control, -1 neither (left out);
    ``by``: column -> (codes 0..k-1 per customer, k labels); ``score``: float per customer, NaN
    when unscored; ``reference_scores``: scores of a reference population for PSI. Raises
    ValidationError when either arm is empty overall (an empty arm inside a cell is a null + note).
    """
    outcome, arm = np.asarray(outcome), np.asarray(arm)
    score = None if score is None else np.asarray(score, dtype=np.float64)
    _check(outcome, arm, score)  # before narrowing, so 2 or 256 cannot wrap into a valid value
    outcome, arm = outcome.astype(np.int8, copy=False), arm.astype(np.int8, copy=False)
    in_arm = arm >= 0
    report = {
        "format": FORMAT, "method": dict(METHOD), "parameters": dict(parameters or {}),
        "population": {"rows": int(arm.size), "treatment": int((arm == U.TREATMENT).sum()),
                       "control": int((arm == U.CONTROL).sum()), "in_neither_arm": int((~in_arm).sum())},
        "overall": _cells(U.arm_counts(arm, outcome))[0],
        "by": {},
    }
    for column, (codes, labels) in (by or {}).items():
        codes = np.asarray(codes)
        if codes.shape != arm.shape or (codes.size and (codes.min() < 0 or codes.max() >= len(labels))):
            raise ValidationError.coded("evaluation.breakdown", column=column)
        counts = U.arm_counts(arm, outcome, codes, len(labels))
        report["by"][column] = {str(label): cell for label, cell, n in
                                zip(labels, _cells(counts), counts.n_t + counts.n_c) if n > 0}
    if score is not None:
        report["deciles"], report["model"] = _score_sections(outcome, arm, score, reference_scores)
    return report


def _score_sections(outcome, arm, score, reference_scores) -> tuple[dict, dict]:
    in_arm = arm >= 0
    deciles = np.zeros(arm.size, dtype=np.int64)
    deciles[in_arm] = U.score_deciles(score[in_arm])
    scored = deciles > 0
    d_arm = np.where(scored, arm, U.EXCLUDED)
    counts = U.arm_counts(d_arm, outcome, np.maximum(deciles - 1, 0), U.N_DECILES)
    n_d = np.bincount(deciles[scored] - 1, minlength=U.N_DECILES)
    mean_score = np.bincount(deciles[scored] - 1, weights=score[scored], minlength=U.N_DECILES) / np.maximum(n_d, 1)
    rows = [{"decile": d + 1, "mean_score": _num(mean_score[d]) if n_d[d] else None, **cell}
            for d, cell in enumerate(_cells(counts))]
    curves = U.uplift_curves(counts)
    curve_notes = [] if _num(curves["auuc"]) is not None else [
        "No customer in the arms has a score." if not scored.any() else
        "Some top-decile group has no treated or no control customer: the curves are incomplete."]
    deciles_section = {
        "missing_score": int((in_arm & ~scored).sum()), "rows": rows,
        "curves": {"points": [{"decile": d + 1, "fraction": _num(curves["fraction"][d]),
                               "cum_uplift_rate": _num(curves["cum_uplift_rate"][d]),
                               "uplift": _num(curves["uplift"][d]), "qini": _num(curves["qini"][d])}
                              for d in range(U.N_DECILES)],
                   "auuc": _num(curves["auuc"]), "auuc_random": _num(curves["auuc_random"]),
                   "qini_area": _num(curves["qini_area"]), "notes": curve_notes},
    }
    return deciles_section, _model_section(outcome, arm, score, deciles, reference_scores)


def _model_section(outcome, arm, score, deciles, reference_scores) -> dict:
    treated = (arm == U.TREATMENT) & (deciles > 0)
    s, y = score[treated], outcome[treated]
    auc, ks = U.auc_ks(s, y)
    notes = []
    if s.size == 0:
        notes.append("No treated customer has a score: AUC and KS are undefined.")
    elif _num(auc) is None:
        notes.append("The treated arm has only converters or only non-converters: AUC and KS are undefined.")
    model = {"n": int(s.size), "conversions": int(y.sum()), "auc": _num(auc), "ks": _num(ks),
             "calibration": None, "psi": None, "notes": notes}
    valid = score[deciles > 0]
    if valid.size and valid.min() >= 0.0 and valid.max() <= 1.0:
        cal = U.calibration(s, y, deciles[treated])
        model["calibration"] = {"ece": _num(cal["ece"]), "rows": [
            {"decile": d + 1, "n": int(cal["n"][d]), "mean_predicted": _num(cal["mean_predicted"][d]),
             "observed": _num(cal["observed"][d])} for d in range(U.N_DECILES)]}
    elif valid.size:
        notes.append("The score is not a probability in [0, 1]: calibration is not shown.")
    if reference_scores is None:
        notes.append("No reference scores were given: score drift (PSI) is not shown.")
    else:
        p = U.psi(np.asarray(reference_scores, dtype=np.float64), valid)
        model["psi"] = {"psi": _num(p["psi"]), "level": _psi_level(p["psi"]), "bins": [
            {"upper_edge": _num(p["edges"][i]) if i < p["edges"].size else None,
             "reference_share": _num(p["expected"][i]), "current_share": _num(p["actual"][i])}
            for i in range(p["expected"].size)]}
    return model


def _psi_level(value: float) -> str | None:
    if math.isnan(value):
        return None
    return "stable" if value < 0.1 else "moderate" if value < 0.25 else "major"


# ---- partner report: aggregates only, small cells suppressed ---------------------------------

PARTNER_FORMAT = "lianmo.campaign-evaluation.partner/1"
PARTNER_PARAMETERS = ("group_column", "outcome_column", "by", "score_column", "window_days")
_CELL_KEYS = ("uplift_abs", "uplift_abs_ci95", "uplift_rel", "p_value",
              "incremental_conversions", "incremental_conversions_ci95", "notes")
_ARM_KEYS = ("n", "conversions", "rate", "rate_ci95")


def _copy_cell(cell: dict) -> dict:
    out = {arm: {k: cell[arm][k] for k in _ARM_KEYS} for arm in ("treatment", "control")}
    out.update({k: cell[k] for k in _CELL_KEYS})
    return out


def _small(cell: dict, m: int) -> bool:
    return cell["treatment"]["n"] < m or cell["control"]["n"] < m


def _to_suppress(cells: Sequence[dict], m: int) -> set[int]:
    """Small cells plus enough of the next smallest that no suppressed cell can be recovered.

    The overall figures are published, so a single hidden cell would follow by subtraction:
    secondary suppression hides at least two cells whose arms together hold >= m customers each
    (or the whole breakdown when that is impossible).
    """
    hidden = {i for i, c in enumerate(cells) if _small(c, m)}
    if not hidden:
        return hidden
    rest = sorted((i for i in range(len(cells)) if i not in hidden),
                  key=lambda i: cells[i]["treatment"]["n"] + cells[i]["control"]["n"])

    def enough() -> bool:
        return (len(hidden) >= 2 and sum(cells[i]["treatment"]["n"] for i in hidden) >= m
                and sum(cells[i]["control"]["n"] for i in hidden) >= m)

    while rest and not enough():
        hidden.add(rest.pop(0))
    return hidden if enough() else set(range(len(cells)))


def _suppressed(reason: str) -> dict:
    return {"suppressed": True, "reason": reason}


def _breakdown(cells: Sequence[dict], m: int) -> list[dict]:
    hidden = _to_suppress(cells, m)
    return [_suppressed(f"Fewer than {m} customers in an arm." if _small(c, m) else
                        "Hidden so that a small cell cannot be recovered by subtraction.")
            if i in hidden else _copy_cell(c) for i, c in enumerate(cells)]


def partner_report(report: dict, min_customers: int = 10) -> dict:
    """The aggregate-only report that may be shared with the partner.

    Built from a whitelist, so anything not listed here (file names, customer-level data, score
    bin edges) is dropped. Every cell (breakdown value, decile) with fewer than ``min_customers``
    in either arm is suppressed, plus complementary cells (see ``_to_suppress``); the decile curves
    are dropped whenever a decile is suppressed, since cumulative points would reveal it.
    """
    if int(min_customers) < 1:
        raise ValidationError.coded("evaluation.min_cell")
    m = int(min_customers)
    params = report.get("parameters", {})
    out = {"format": PARTNER_FORMAT, "method": dict(report["method"]), "min_customers": m,
           "parameters": {k: params[k] for k in PARTNER_PARAMETERS if k in params}}
    overall = report["overall"]
    if _small(overall, m):
        out["overall"] = _suppressed(f"Fewer than {m} customers in an arm.")
        return out
    out["overall"] = _copy_cell(overall)
    out["by"] = {}
    for column, cells in report.get("by", {}).items():
        labels = list(cells)
        out["by"][column] = dict(zip(labels, _breakdown([cells[v] for v in labels], m)))
    if "deciles" in report:
        out["deciles"], out["model"] = _partner_deciles(report["deciles"], report["model"], m)
    return out


def _partner_deciles(deciles: dict, model: dict, m: int) -> tuple[dict, dict]:
    rows = _breakdown(deciles["rows"], m)
    for row, src in zip(rows, deciles["rows"]):
        row["decile"] = src["decile"]
    complete = not any(r.get("suppressed") for r in rows)
    curves = deciles["curves"]
    section = {"rows": rows, "curves": {k: curves[k] for k in ("points", "auuc", "auuc_random", "qini_area")}
               if complete else _suppressed("Some deciles are suppressed, so the cumulative curves are too.")}
    part_model = {k: model[k] for k in ("n", "conversions", "auc", "ks")}
    cal = model.get("calibration")
    if cal is not None:
        part_model["calibration"] = {"ece": cal["ece"], "rows": [
            dict(r) if not row.get("suppressed") else {"decile": r["decile"], "suppressed": True}
            for r, row in zip(cal["rows"], rows)]}
    if model.get("psi") is not None:
        part_model["psi"] = {"psi": model["psi"]["psi"], "level": model["psi"]["level"]}
    return section, part_model
