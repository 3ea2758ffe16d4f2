"""Selection, exclusions, channel rules and branch capacity (in memory, no store)."""

from __future__ import annotations

import numpy as np
import pytest

from app.errors import ValidationError
from app.workflows.plans.build import APP, BRANCH, build, prepare
from app.workflows.plans.control import CONTROL, TREATED
from app.workflows.plans.population import build_population
from app.workflows.plans.rules import parse_rules

NOW = 20_000 * 86400.0          # day 20000
DAY = 20_000


def population(n=1000, seed=3, **overrides):
    rng = np.random.default_rng(seed)
    cols = dict(
        customer_key=np.arange(n) + 100, score=rng.random(n), model_source=rng.integers(0, 2, n),
        branch=np.where(np.arange(n) % 2 == 0, "A", "B"),
        already_bound=np.zeros(n, bool), opted_out=np.zeros(n, bool),
        app_active_30d=np.zeros(n, bool), branch_visit_recent=np.zeros(n, bool),
        consent_ok=np.ones(n, bool), last_contacted_day=np.full(n, -1),
        custom={"age": rng.integers(15, 80, n).astype(float),
                "segment": np.where(np.arange(n) % 3 == 0, "vip", "mass")})
    cols.update(overrides)
    return build_population(cols.pop("customer_key"), cols.pop("score"), cols.pop("model_source"),
                            cols.pop("branch"), **cols)


def rules(**parts):
    base = {"campaign_id": "T1", "template_id": "tpl", "selection": {"mode": "top_percent", "value": 100},
            "control": {"fraction": 0.0, "allow_no_control": True, "reason": "unit test"}}
    base.update(parts)
    return parse_rules(base)


def run(pop, **parts):
    return build(prepare(pop), rules(**parts), now=NOW)


def test_top_n_takes_the_highest_scores():
    pop = population()
    draft = run(pop, selection={"mode": "top_n", "value": 50})
    assert len(draft.members) == 50
    assert set(draft.members.customer_key) == set(pop.customer_key[np.argsort(-pop.score)[:50]])


def test_top_percent_of_the_eligible_and_threshold():
    pop = population(opted_out=np.arange(1000) < 200)      # 800 eligible
    draft = run(pop, selection={"mode": "top_percent", "value": 25})
    assert len(draft.members) == 200
    eligible_scores = pop.score[200:]
    assert draft.members.score.min() >= np.sort(eligible_scores)[-200]
    thr = run(pop, selection={"mode": "threshold", "value": 0.9})
    assert len(thr.members) == int((eligible_scores >= 0.9).sum())
    assert thr.members.score.min() >= 0.9


def test_per_decile_selection_and_decile_filter():
    pop = population()
    draft = run(pop, selection={"mode": "top_n", "value": 7, "per_decile": True})
    assert np.bincount(draft.members.decile, minlength=11)[1:].tolist() == [7] * 10
    only = run(pop, selection={"mode": "top_percent", "value": 100, "deciles": [1, 2]})
    assert set(only.members.decile.tolist()) == {1, 2}
    assert len(only.members) == 200
    assert only.funnel["excluded"]["decile_not_selected"] == 800


@pytest.mark.parametrize("flag", ["already_bound", "opted_out"])
def test_flag_exclusions(flag):
    mask = np.arange(1000) % 4 == 0
    pop = population(**{flag: mask})
    draft = run(pop)
    assert not np.isin(draft.members.customer_key, pop.customer_key[mask]).any()
    assert len(draft.members) == 750
    assert draft.funnel["excluded"][flag] == 250


def test_already_bound_exclusion_can_be_switched_off_but_opt_out_cannot():
    pop = population(already_bound=np.arange(1000) < 100)
    assert len(run(pop, exclusions={"already_bound": False}).members) == 1000
    with pytest.raises(ValidationError, match="opted_out"):
        rules(exclusions={"opted_out": False})
    with pytest.raises(ValidationError, match="consent"):
        rules(exclusions={"consent": False})


def test_consent_revoked_or_expired_is_excluded():
    consent = np.ones(1000, bool)
    consent[:10] = False
    until = np.full(1000, np.inf)
    until[10:20] = NOW - 1          # expired a second ago
    until[20:30] = NOW + 86400      # still valid
    pop = population(consent_ok=consent, consent_until=until)
    draft = run(pop)
    assert len(draft.members) == 980
    assert not np.isin(draft.members.customer_key, pop.customer_key[:20]).any()
    assert draft.funnel["excluded"]["consent"] == 20


def test_recently_contacted_excluded_within_d_days_only():
    last = np.full(1000, -1)
    last[:5] = DAY - 3       # within 7 days
    last[5:10] = DAY - 7     # exactly 7 days ago: still within
    last[10:15] = DAY - 8    # older
    pop = population(last_contacted_day=last)
    draft = run(pop, exclusions={"contacted_within_days": 7})
    assert len(draft.members) == 990
    assert np.isin(pop.customer_key[10:15], draft.members.customer_key).all()
    assert len(run(pop).members) == 1000            # rule off by default


def test_custom_rules_numeric_category_and_in():
    pop = population()
    age = pop.custom["age"].values
    draft = run(pop, exclusions={"custom": [{"column": "age", "op": "<", "value": 18}]})
    assert len(draft.members) == int((age >= 18).sum())
    vip = run(pop, exclusions={"custom": [{"column": "segment", "op": "!=", "value": "vip"}]})
    assert len(vip.members) == 334
    branch_in = run(pop, exclusions={"custom": [{"column": "branch", "op": "in", "value": ["A"]}]})
    assert len(branch_in.members) == 500
    with pytest.raises(ValidationError):
        run(pop, exclusions={"custom": [{"column": "segment", "op": "<", "value": "vip"}]})
    with pytest.raises(ValidationError, match="column 'nope'"):
        run(pop, exclusions={"custom": [{"column": "nope", "op": "==", "value": 1}]})


def test_rules_are_never_evaluated_as_code():
    with pytest.raises(ValidationError, match="op"):
        rules(exclusions={"custom": [{"column": "age", "op": "__import__('os')", "value": 1}]})
    with pytest.raises(ValidationError, match="unknown key"):
        rules(exclusions={"custom": [], "typo": 1})


def test_channel_rules_first_match_wins():
    n = 1000
    app = np.arange(n) % 2 == 0
    visit = np.arange(n) % 3 == 0
    pop = population(app_active_30d=app, branch_visit_recent=visit)
    draft = run(pop, channels={"rules": [
        {"when": {"column": "app_active_30d", "op": "==", "value": True}, "channel": "app"},
        {"when": {"column": "branch_visit_recent", "op": "==", "value": True}, "channel": "branch"}],
        "default": "app"})
    key_to_row = {k: i for i, k in enumerate(pop.customer_key)}
    rows = np.array([key_to_row[k] for k in draft.members.customer_key])
    expected = np.where(~app[rows] & visit[rows], BRANCH, APP)
    assert (draft.members.channel == expected).all()


def _branch_everyone(**channels):
    pop = population(branch_visit_recent=np.ones(1000, bool))
    return pop, {"rules": [{"when": {"column": "branch_visit_recent", "op": "==", "value": True},
                            "channel": "branch"}], **channels}


def test_capacity_overflow_to_app_keeps_the_best_for_branch():
    pop, channels = _branch_everyone(branch_weekly_capacity=30, weeks=2, overflow="overflow_to_app")
    draft = run(pop, channels=channels)
    m = draft.members
    assert len(m) == 1000
    for code in (0, 1):
        in_branch = m.branch == code
        pitched = in_branch & (m.channel == BRANCH)
        assert pitched.sum() == 60
        assert m.score[pitched].min() > m.score[in_branch & (m.channel == APP)].max()
    assert m.overflow.sum() == 880


def test_capacity_drop_lowest_scores_and_per_branch_override():
    pop, channels = _branch_everyone(branch_weekly_capacity=10, branch_capacity={"B": 3},
                                     overflow="drop_lowest_scores")
    draft = run(pop, channels=channels)
    m = draft.members
    assert ((m.branch == 0) & (m.channel == BRANCH)).sum() == 10
    assert ((m.branch == 1) & (m.channel == BRANCH)).sum() == 3
    assert len(m) == 13 and draft.funnel["dropped_capacity"] == 987


def test_capacity_counts_only_treated_and_cuts_both_arms_at_the_same_rank():
    pop, channels = _branch_everyone(branch_weekly_capacity=100, overflow="drop_lowest_scores")
    draft = build(prepare(pop), rules(channels=channels, control={"fraction": 0.2, "seed": 5}), now=NOW)
    m = draft.members
    for code in (0, 1):
        sel = m.branch == code
        assert (sel & (m.arm == TREATED)).sum() == 100
        cutoff = m.score[sel & (m.arm == TREATED)].min()
        assert (m.score[sel & (m.arm == CONTROL)] >= cutoff).all()    # no low-score controls left
        assert 15 <= (sel & (m.arm == CONTROL)).sum() <= 35


def test_rule_validation_messages_name_the_field():
    with pytest.raises(ValidationError, match="selection.mode"):
        rules(selection={"mode": "everyone", "value": 1})
    with pytest.raises(ValidationError, match="campaign_id"):
        parse_rules({"campaign_id": "=evil", "template_id": "t", "selection": {"value": 1}})
    with pytest.raises(ValidationError, match="overflow"):
        rules(channels={"overflow": "spill"})
    with pytest.raises(ValidationError, match="non_responding"):
        rules(review={"non_responding_branches": "maybe"})


def test_rules_round_trip_through_stored_json():
    r = rules(exclusions={"custom": [{"column": "segment", "op": "in", "value": ["vip", "x"]}],
                          "contacted_within_days": 5},
              channels={"branch_weekly_capacity": 5, "branch_capacity": {"A": 2}})
    assert parse_rules(r.to_json()) == r
