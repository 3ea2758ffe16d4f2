"""Build a plan from a scored population and rules: exclusions, selection, channels, capacity, control.

Everything is vectorised over numpy arrays; the score order and deciles are computed once per
population (``prepare``), so a preview after each rule edit only does O(n) masks plus a sort of the
selected members. Order of steps (docs/plans.md): exclusions -> selection -> channel by rules ->
control draw within decile x channel x branch -> branch capacity applied to both arms at the same
score rank, so the overflow rule cannot unbalance treated against control.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from app.errors import ValidationError
from app.workflows.plans.control import CONTROL, TREATED, draw_control, stratum_ids
from app.workflows.plans.population import ScoredPopulation
from app.workflows.plans.rules import CHANNELS, Condition, Rules

APP, BRANCH = 0, 1
DAY = 86400


@dataclass
class Prepared:
    """A population with its score order (best first, ties by key) and deciles (1 = top)."""

    pop: ScoredPopulation
    order: np.ndarray
    decile: np.ndarray
    contacted_day: np.ndarray | None = None   # from earlier finalised plans (plans.prepare_population)


def prepare(pop: ScoredPopulation) -> Prepared:
    n = len(pop)
    key = pop.customer_key
    if n < 2 or np.all(key[1:] > key[:-1]):
        order = np.argsort(-pop.score, kind="stable")   # ties keep key order
    else:
        order = np.lexsort((key, -pop.score))
    decile = np.empty(n, np.uint8)
    decile[order] = (np.arange(n) * 10 // max(n, 1) + 1).astype(np.uint8)
    return Prepared(pop, order, decile)


@dataclass
class Members:
    """One row per plan member; ``rows`` index the population (only while building)."""

    customer_key: np.ndarray
    score: np.ndarray
    model_source: np.ndarray
    branch: np.ndarray
    decile: np.ndarray
    channel: np.ndarray
    arm: np.ndarray
    overflow: np.ndarray
    consent_until: np.ndarray
    ids: np.ndarray | None = None
    custom: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.customer_key)

    def take(self, keep: np.ndarray) -> "Members":
        cut = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in vars(self).items()
               if k != "custom"}
        return Members(**cut, custom={k: v[keep] for k, v in self.custom.items()})


@dataclass
class Draft:
    rules: Rules
    members: Members
    branches: tuple[str, ...]
    funnel: dict
    id_type: str | None
    custom_meta: dict


# -- conditions ----------------------------------------------------------------------------------
def condition_mask(pop: ScoredPopulation, cond: Condition) -> np.ndarray:
    """Where ``cond`` holds; missing values (NaN, code -1) never match."""
    values, categories = pop.column(cond.column)
    wanted = list(cond.value) if cond.op == "in" else [cond.value]
    if categories is not None:
        if cond.op not in ("==", "!=", "in") or not all(isinstance(v, str) for v in wanted):
            raise ValidationError.coded("plans.compare_categories", column=cond.column)
        index = {c: i for i, c in enumerate(categories)}
        codes = [index.get(v, -2) for v in wanted]
        hit = np.isin(values, codes)
        return (values >= 0) & ~hit if cond.op == "!=" else hit
    if values.dtype.kind == "b":
        if not all(isinstance(v, (bool, int)) and not isinstance(v, float) for v in wanted) or \
                cond.op not in ("==", "!=", "in"):
            raise ValidationError.coded("plans.compare_flag", column=cond.column)
        flags = {bool(v) for v in wanted}
        hit = (values if True in flags else np.zeros(len(values), bool)) | \
            (~values if False in flags else np.zeros(len(values), bool))
        return ~hit if cond.op == "!=" else hit
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in wanted):
        raise ValidationError.coded("plans.compare_number", column=cond.column)
    with np.errstate(invalid="ignore"):
        if cond.op == "in":
            return np.isin(values, wanted)
        v = wanted[0]
        return {"==": values == v, "!=": (values != v) & ~_isnan(values), "<": values < v,
                "<=": values <= v, ">": values > v, ">=": values >= v}[cond.op]


def _isnan(values: np.ndarray) -> np.ndarray:
    return np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), bool)


def _all(pop: ScoredPopulation, conds) -> np.ndarray:
    mask = np.ones(len(pop), bool)
    for cond in conds:
        mask &= condition_mask(pop, cond)
    return mask


# -- steps ---------------------------------------------------------------------------------------
def eligibility(prep: Prepared, rules: Rules, now: float,
                contacted_day: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Mask of customers left after every exclusion, and the funnel (removed at each step)."""
    pop, today = prep.pop, int(now // DAY)
    last = pop.last_contacted_day if contacted_day is None else np.maximum(pop.last_contacted_day,
                                                                           contacted_day)
    steps = [("consent", ~pop.consent_ok | (pop.consent_until <= now)), ("opted_out", pop.opted_out)]
    if rules.exclude_already_bound:
        steps.append(("already_bound", pop.already_bound))
    if rules.contacted_within_days:
        steps.append(("contacted_recently",
                      (last >= 0) & (last >= today - rules.contacted_within_days)))
    for i, cond in enumerate(rules.custom_exclusions):
        steps.append((f"custom[{i}]", condition_mask(pop, cond)))
    if len(rules.deciles) < 10:
        steps.append(("decile_not_selected", ~np.isin(prep.decile, rules.deciles)))
    keep = np.ones(len(pop), bool)
    funnel = {"scored": len(pop), "excluded": {}}
    for name, excluded in steps:
        hit = keep & excluded
        funnel["excluded"][name] = int(hit.sum())
        keep &= ~hit
    funnel["eligible"] = int(keep.sum())
    return keep, funnel


def _take_top(ordered_rows: np.ndarray, score: np.ndarray, rules: Rules) -> np.ndarray:
    """Rows (already best-first) chosen by the selection mode."""
    if rules.mode == "threshold":
        return ordered_rows[score[ordered_rows] >= rules.value]
    if rules.mode == "top_n":
        count = int(rules.value)
    else:
        count = int(np.floor(len(ordered_rows) * rules.value / 100 + 0.5))
    return ordered_rows[:count]


def select(prep: Prepared, keep: np.ndarray, rules: Rules) -> np.ndarray:
    """Population rows selected, best first (per decile when asked)."""
    ordered = prep.order[keep[prep.order]]
    if not rules.per_decile:
        return _take_top(ordered, prep.pop.score, rules)
    parts = [_take_top(ordered[prep.decile[ordered] == d], prep.pop.score, rules)
             for d in rules.deciles]
    return np.concatenate(parts) if parts else ordered[:0]


def assign_channels(pop: ScoredPopulation, rows: np.ndarray, rules: Rules) -> np.ndarray:
    """First matching channel rule wins; else the default channel."""
    channel = np.full(len(rows), CHANNELS.index(rules.default_channel), np.uint8)
    decided = np.zeros(len(rows), bool)
    for rule in rules.channel_rules:
        hit = _all(pop, rule.when)[rows] & ~decided
        channel[hit] = CHANNELS.index(rule.channel)
        decided |= hit
    return channel


def apply_capacity(m: Members, branches: tuple[str, ...], rules: Rules) -> tuple[Members, int]:
    """Cap verbal pitches per branch; past the cap-th treated member, both arms overflow alike."""
    caps = np.array([-1 if rules.capacity(b) is None else rules.capacity(b) for b in branches],
                    np.int64)
    pitched = np.flatnonzero((m.channel == BRANCH) & (caps[m.branch] >= 0))
    if len(pitched) == 0:
        return m, 0
    order = pitched[np.lexsort((m.customer_key[pitched], -m.score[pitched], m.branch[pitched]))]
    br = m.branch[order]
    treated = (m.arm[order] == TREATED).astype(np.int64)
    cum = np.cumsum(treated)
    starts = np.flatnonzero(np.r_[True, br[1:] != br[:-1]])
    before_group = np.repeat(np.r_[0, cum[starts[1:] - 1]], np.diff(np.r_[starts, len(br)]))
    prior = cum - treated - before_group            # treated members of the branch ranked above
    over = order[prior >= caps[br]]
    if rules.overflow == "overflow_to_app":
        m.channel[over] = APP
        m.overflow[over] = 1
        return m, 0
    keep = np.ones(len(m), bool)
    keep[over] = False
    return m.take(keep), len(over)


def build(prep: Prepared, rules: Rules, now: float | None = None,
          contacted_day: np.ndarray | None = None) -> Draft:
    """The whole plan in memory (nothing stored): members, arms, channels and the funnel."""
    pop = prep.pop
    for name in rules.columns():
        pop.column(name)                                    # unknown column -> clear error
    now = time.time() if now is None else now
    keep, funnel = eligibility(prep, rules, now, contacted_day)
    rows = select(prep, keep, rules)
    rows = rows[np.argsort(pop.customer_key[rows], kind="stable")]   # stored in key order
    channel = assign_channels(pop, rows, rules)
    members = Members(
        customer_key=pop.customer_key[rows], score=pop.score[rows],
        model_source=pop.model_source[rows], branch=pop.branch[rows], decile=prep.decile[rows],
        channel=channel, arm=np.zeros(len(rows), np.uint8), overflow=np.zeros(len(rows), np.uint8),
        consent_until=pop.consent_until[rows],
        ids=None if pop.ids is None else pop.ids[rows],
        custom={c: pop.custom[c].values[rows] for c in rules.call_sheet_columns})
    strata = stratum_ids(members.decile, members.channel, members.branch)
    members.arm = draw_control(members.customer_key, strata, rules.control_fraction, rules.seed)
    members, dropped = apply_capacity(members, pop.branches, rules)
    funnel["selected"] = int(len(rows))
    funnel["dropped_capacity"] = int(dropped)
    funnel["members"] = len(members)
    custom_meta = {c: {"categories": (list(pop.custom[c].categories)
                                      if pop.custom[c].categories is not None else None),
                       "personal": pop.custom[c].personal} for c in rules.call_sheet_columns}
    return Draft(rules, members, pop.branches, funnel, pop.id_type, custom_meta)


def counts(members: Members, branches: tuple[str, ...], active: np.ndarray | None = None) -> dict:
    """Treated/control counts overall and by channel, branch and decile (the live view)."""
    active = np.ones(len(members), bool) if active is None else active
    out = {"treated": 0, "control": 0, "by_channel": {}, "by_branch": {}, "by_decile": {}}
    for arm_code, arm in ((TREATED, "treated"), (CONTROL, "control")):
        sel = active & (members.arm == arm_code)
        out[arm] = int(sel.sum())
        for key, values, labels in (("by_channel", members.channel, CHANNELS),
                                    ("by_branch", members.branch, branches),
                                    ("by_decile", members.decile, [str(d) for d in range(11)])):
            tally = np.bincount(values[sel], minlength=len(labels))
            for i in np.flatnonzero(tally):
                out[key].setdefault(labels[i], {"treated": 0, "control": 0})[arm] = int(tally[i])
    out["overflowed_to_app"] = int((active & (members.overflow == 1) & (members.arm == TREATED)).sum())
    return out
