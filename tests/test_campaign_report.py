"""Report assembly, edge cases and partner suppression (app.evaluation.report)."""

import json

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from app.errors import ValidationError
from app.evaluation import evaluate_campaign, partner_report

CELL_KEYS = {"treatment", "control", "uplift_abs", "uplift_abs_ci95", "uplift_rel", "p_value",
             "incremental_conversions", "incremental_conversions_ci95", "notes"}


def _arrays(spec):
    """spec: list of (label, arm, n, conversions) -> arm, outcome, codes, labels."""
    labels = sorted({s[0] for s in spec})
    arm, y, codes = [], [], []
    for label, a, n, k in spec:
        arm += [a] * n
        y += [1] * k + [0] * (n - k)
        codes += [labels.index(label)] * n
    return np.array(arm), np.array(y), np.array(codes), labels


def _strict_json(obj):
    return json.loads(json.dumps(obj, allow_nan=False))


def test_overall_figures_and_layout():
    spec = [("app", 1, 200, 30), ("app", 0, 100, 8), ("branch", 1, 150, 20), ("branch", 0, 50, 3),
            ("app", -1, 40, 40)]
    arm, y, codes, labels = _arrays(spec)
    r = _strict_json(evaluate_campaign(y, arm, by={"channel": (codes, labels)}, parameters={"x": 1}))
    o = r["overall"]
    assert set(o) == CELL_KEYS
    assert o["treatment"]["n"] == 350 and o["treatment"]["conversions"] == 50
    assert o["control"]["n"] == 150 and o["control"]["conversions"] == 11
    assert o["treatment"]["rate_ci95"] == pytest.approx(list(proportion_confint(50, 350, method="wilson")))
    assert o["uplift_abs"] == pytest.approx(50 / 350 - 11 / 150)
    ref = confint_proportions_2indep(50, 350, 11, 150, method="newcomb", compare="diff")
    assert o["uplift_abs_ci95"] == pytest.approx(list(ref))
    assert o["incremental_conversions"] == pytest.approx((50 / 350 - 11 / 150) * 350)
    assert o["incremental_conversions_ci95"] == pytest.approx([ref[0] * 350, ref[1] * 350])
    assert o["uplift_rel"] == pytest.approx((50 / 350) / (11 / 150) - 1)
    assert r["population"] == {"rows": 540, "treatment": 350, "control": 150, "in_neither_arm": 40}
    assert set(r["by"]["channel"]) == {"app", "branch"}
    assert r["by"]["channel"]["branch"]["control"]["conversions"] == 3
    assert r["parameters"] == {"x": 1} and "rate_ci" in r["method"]


def test_empty_control_or_treatment_overall_is_an_error():
    with pytest.raises(ValidationError, match="control group is empty"):
        evaluate_campaign(np.array([1, 0]), np.array([1, 1]))
    with pytest.raises(ValidationError, match="treatment group is empty"):
        evaluate_campaign(np.array([1, 0]), np.array([0, -1]))


def test_bad_inputs_are_validation_errors():
    with pytest.raises(ValidationError):
        evaluate_campaign(np.array([1, 2]), np.array([1, 0]))
    with pytest.raises(ValidationError):
        evaluate_campaign(np.array([1, 256]), np.array([1, 0]))  # would wrap to 0 as int8
    with pytest.raises(ValidationError):
        evaluate_campaign(np.array([1, 0]), np.array([1, 2]))
    with pytest.raises(ValidationError):
        evaluate_campaign(np.array([1, 0]), np.array([1, 0, 0]))
    with pytest.raises(ValidationError):
        evaluate_campaign(np.array([1, 0]), np.array([1, 0]), score=np.array([0.1]))
    with pytest.raises(ValidationError):
        evaluate_campaign(np.array([1, 0]), np.array([1, 0]), score=np.array([0.1, np.inf]))
    with pytest.raises(ValidationError, match="breakdown seg"):
        evaluate_campaign(np.array([1, 0]), np.array([1, 0]), by={"seg": (np.array([0, 2]), ["a", "b"])})


def test_edge_cells_empty_arm_zero_conversions_single_row():
    spec = [("a", 1, 30, 3), ("a", 0, 20, 0),        # no control conversion
            ("b", 1, 10, 0), ("b", 0, 10, 0),        # nobody converted
            ("c", 1, 15, 2),                         # no control customer in this cell
            ("d", 1, 1, 1), ("d", 0, 5, 1)]          # single treated customer
    arm, y, codes, labels = _arrays(spec)
    r = _strict_json(evaluate_campaign(y, arm, by={"seg": (codes, labels)}))
    a, b, c, d = (r["by"]["seg"][k] for k in "abcd")
    assert a["uplift_rel"] is None and a["uplift_abs"] == pytest.approx(0.1)
    assert a["control"]["rate_ci95"][0] == 0.0 and a["p_value"] is not None
    assert any("relative uplift" in n for n in a["notes"])
    assert b["p_value"] is None and b["uplift_abs"] == 0.0 and b["uplift_abs_ci95"] is not None
    assert any("z-test is undefined" in n for n in b["notes"])
    assert c["control"] == {"n": 0, "conversions": 0, "rate": None, "rate_ci95": None}
    assert c["uplift_abs"] is None and c["uplift_abs_ci95"] is None and c["incremental_conversions"] is None
    assert any("No control customer" in n for n in c["notes"])
    assert d["treatment"]["rate"] == 1.0 and d["treatment"]["rate_ci95"][1] == 1.0
    lo, hi = confint_proportions_2indep(1, 1, 1, 5, method="newcomb", compare="diff")
    assert d["uplift_abs_ci95"] == pytest.approx([lo, hi])


def _scored_campaign(n=4000, seed=5):
    rng = np.random.default_rng(seed)
    arm = rng.choice([1, 0], size=n, p=[0.7, 0.3])
    score = rng.random(n)
    y = (rng.random(n) < 0.05 + 0.15 * score * (arm == 1)).astype(np.int8)
    return arm, y, score


def test_deciles_and_model_sections():
    arm, y, score = _scored_campaign()
    score[:7] = np.nan
    ref = np.random.default_rng(9).random(3000)
    r = _strict_json(evaluate_campaign(y, arm, score=score, reference_scores=ref))
    rows = r["deciles"]["rows"]
    assert [row["decile"] for row in rows] == list(range(1, 11))
    assert r["deciles"]["missing_score"] == 7
    assert sum(row["treatment"]["n"] + row["control"]["n"] for row in rows) == 4000 - 7
    assert rows[0]["mean_score"] > rows[9]["mean_score"]
    assert rows[0]["uplift_abs"] > rows[9]["uplift_abs"]  # uplift grows with the score by design
    curves = r["deciles"]["curves"]
    assert curves["auuc"] > curves["auuc_random"] > 0
    assert curves["points"][-1]["uplift"] == pytest.approx(_overall_uplift_scored(arm, y, score))
    m = r["model"]
    assert 0.5 < m["auc"] < 1 and 0 < m["ks"] < 1
    assert len(m["calibration"]["rows"]) == 10 and m["psi"]["level"] == "stable"


def _overall_uplift_scored(arm, y, score):
    ok = ~np.isnan(score)
    return y[ok & (arm == 1)].mean() - y[ok & (arm == 0)].mean()


def test_no_calibration_for_non_probability_scores():
    arm, y, score = _scored_campaign()
    r = _strict_json(evaluate_campaign(y, arm, score=score * 100))
    assert r["model"]["calibration"] is None and r["model"]["psi"] is None
    assert any("not a probability" in n for n in r["model"]["notes"])


def test_partner_report_suppresses_small_cells_and_complements():
    spec = [("big1", 1, 100, 10), ("big1", 0, 100, 5), ("big2", 1, 40, 4), ("big2", 0, 30, 2),
            ("small", 1, 50, 5), ("small", 0, 4, 1), ("huge", 1, 500, 40), ("huge", 0, 400, 20)]
    arm, y, codes, labels = _arrays(spec)
    local = evaluate_campaign(y, arm, by={"branch": (codes, labels)},
                              parameters={"outcomes_file": "secret.csv", "group_column": "g"})
    p = _strict_json(partner_report(local, min_customers=10))
    cells = p["by"]["branch"]
    assert cells["small"]["suppressed"] and "Fewer than 10" in cells["small"]["reason"]
    # one hidden cell could be recovered from the overall: the next smallest (big2) is hidden too
    assert cells["big2"]["suppressed"] and "subtraction" in cells["big2"]["reason"]
    assert not cells["big1"].get("suppressed") and cells["huge"]["treatment"]["n"] == 500
    assert p["parameters"] == {"group_column": "g"}  # file names are not shared
    assert p["overall"]["treatment"]["n"] == 690


def test_partner_report_hides_whole_breakdown_when_complement_impossible():
    spec = [("x", 1, 50, 5), ("x", 0, 50, 5), ("y", 1, 3, 1), ("y", 0, 3, 0)]
    arm, y, codes, labels = _arrays(spec)
    p = partner_report(evaluate_campaign(y, arm, by={"b": (codes, labels)}), 10)
    assert p["by"]["b"]["x"]["suppressed"] and p["by"]["b"]["y"]["suppressed"]


def test_partner_report_whitelists_and_drops_curves_when_a_decile_is_small():
    arm, y, score = _scored_campaign(n=150)
    local = evaluate_campaign(y, arm, score=score, reference_scores=score)
    local["customers"] = [{"id": "6222..."}]  # anything unknown (customer-level) must not pass
    p = _strict_json(partner_report(local, 10))
    assert "customers" not in p and "population" not in p
    assert any(row.get("suppressed") for row in p["deciles"]["rows"])  # ~4.5 controls per decile
    assert p["deciles"]["curves"]["suppressed"]
    assert set(p["model"]["psi"]) == {"psi", "level"}
    assert all("mean_score" not in row for row in p["deciles"]["rows"])
    arm, y, score = _scored_campaign()
    big = _strict_json(partner_report(evaluate_campaign(y, arm, score=score), 10))
    assert not any(row.get("suppressed") for row in big["deciles"]["rows"])
    assert len(big["deciles"]["curves"]["points"]) == 10


def test_partner_report_small_overall_hides_everything():
    p = partner_report(evaluate_campaign(np.array([1, 0, 1]), np.array([1, 0, 0])), 10)
    assert p["overall"]["suppressed"] and "by" not in p
    with pytest.raises(ValidationError):
        partner_report(evaluate_campaign(np.array([1, 0]), np.array([1, 0])), 0)


def test_all_scores_missing_or_equal():
    y, arm = np.array([1, 0, 1, 0]), np.array([1, 0, 1, 0])
    r = _strict_json(evaluate_campaign(y, arm, score=np.full(4, np.nan)))
    assert r["deciles"]["missing_score"] == 4 and r["deciles"]["curves"]["auuc"] is None
    assert r["model"]["auc"] is None and any("No treated customer has a score" in n for n in r["model"]["notes"])
    r = _strict_json(evaluate_campaign(y, arm, score=np.full(4, 0.5)))
    assert r["deciles"]["rows"][0]["treatment"]["n"] == 2  # ties share decile 1
    assert all(row["treatment"]["n"] == 0 for row in r["deciles"]["rows"][1:])
    assert r["deciles"]["curves"]["auuc"] == pytest.approx(r["deciles"]["curves"]["auuc_random"])


def test_a_cell_with_one_empty_arm_raises_no_warning(recwarn):
    """Several converters in a cell without a control customer: nulls and a note, no NaN maths."""
    arm, y, codes, labels = _arrays([("a", 1, 30, 3), ("a", 0, 20, 1), ("c", 1, 15, 6)])
    r = _strict_json(evaluate_campaign(y, arm, by={"seg": (codes, labels)}))
    assert r["by"]["seg"]["c"]["p_value"] is None
    assert any("No control customer" in n for n in r["by"]["seg"]["c"]["notes"])
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []
