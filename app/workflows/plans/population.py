"""The input of a campaign plan: everyone eligible, scored, as aligned numpy arrays.

Scoring is not this module's job. It defines what a plan needs (``ScoredPopulation``), a checked
constructor from plain arrays (``build_population``) and the store layout the scoring step writes
and ``load_population`` reads (table ``scores`` + arrays ``scores/<model_id>/<column>``, see
docs/plans.md), so the scoring code and the plan code only meet here.

Customers in the alignment carry the federated model's score (``model_source`` 0); eligible bank
customers the partner does not know carry the label-only model's score (1): nobody is dropped for
lack of partner data, and every score says which model produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from app.data.ids import ID_TYPES
from app.errors import ValidationError
from app.store import plans as plan_store

FEDERATED, LABEL_ONLY = 0, 1
FLAGS = ("already_bound", "opted_out", "app_active_30d", "branch_visit_recent", "consent_ok")
BUILTIN_COLUMNS = ("score", "model_source", "branch", "last_contacted_day", *FLAGS)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class CustomColumn:
    """A bank column usable in rules and call sheets: numbers, or int32 codes into ``categories``."""

    values: np.ndarray
    categories: tuple[str, ...] | None = None   # code -1 = missing
    personal: bool = False                      # masked wherever it is shown


@dataclass
class ScoredPopulation:
    customer_key: np.ndarray        # int64, the row key into the bank's dataset (unique)
    score: np.ndarray               # float64
    model_source: np.ndarray        # uint8: 0 federated, 1 label-only
    branch: np.ndarray              # int32 codes into ``branches``
    branches: tuple[str, ...]
    already_bound: np.ndarray       # bool ...
    opted_out: np.ndarray
    app_active_30d: np.ndarray
    branch_visit_recent: np.ndarray
    consent_ok: np.ndarray
    last_contacted_day: np.ndarray  # int32 days since 1970-01-01, -1 = never
    consent_until: np.ndarray       # float64 epoch seconds the consent expires, inf = never
    ids: np.ndarray | None = None   # canonical identifiers (bytes 'S'), for masking and references
    id_type: str | None = None
    custom: dict[str, CustomColumn] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.customer_key)

    def column(self, name: str) -> tuple[np.ndarray, tuple[str, ...] | None]:
        """Values and category table of a column rules may refer to (built-in or custom)."""
        if name == "branch":
            return self.branch, self.branches
        if name in BUILTIN_COLUMNS:
            return getattr(self, name), None
        if name in self.custom:
            col = self.custom[name]
            return col.values, col.categories
        raise ValidationError.coded("plans.unknown_column", column=name)


def _codes(name: str, values, categories) -> tuple[np.ndarray, tuple[str, ...]]:
    arr = np.asarray(values)
    if arr.dtype.kind in "USO":
        table, codes = np.unique(arr.astype(str), return_inverse=True)
        return codes.astype(np.int32), tuple(str(t) for t in table)
    if categories is None:
        raise ValidationError.coded("plans.codes_without_table", column=name)
    codes = arr.astype(np.int32)
    if len(codes) and (codes.min() < -1 or codes.max() >= len(categories)):
        raise ValidationError.coded("plans.codes_outside_table", column=name)
    return codes, tuple(str(c) for c in categories)


def _custom(name: str, values, categories=None, personal=False) -> CustomColumn:
    if not _NAME.match(name) or name in BUILTIN_COLUMNS:
        raise ValidationError.coded("plans.custom_name", column=name)
    arr = np.asarray(values)
    if arr.dtype.kind in "USO" or categories is not None:
        codes, table = _codes(name, arr, categories)
        return CustomColumn(codes, table, personal)
    if arr.dtype.kind not in "biuf":
        raise ValidationError.coded("plans.column_kind", column=name)
    return CustomColumn(arr, None, personal)


def build_population(customer_key, score, model_source, branch, *, already_bound, opted_out,
                     app_active_30d, branch_visit_recent, consent_ok, last_contacted_day=None,
                     consent_until=None, branches=None, ids=None, id_type=None, custom=None,
                     custom_categories=None, personal=()) -> ScoredPopulation:
    """Check and convert plain arrays (branch as strings, or codes plus ``branches``)."""
    key = np.asarray(customer_key, dtype=np.int64)
    n = len(key)
    branch_codes, branch_table = _codes("branch", branch, branches)
    custom_categories = custom_categories or {}
    pop = ScoredPopulation(
        customer_key=key, score=np.asarray(score, dtype=np.float64),
        model_source=np.asarray(model_source, dtype=np.uint8), branch=branch_codes,
        branches=branch_table,
        already_bound=np.asarray(already_bound, dtype=bool), opted_out=np.asarray(opted_out, bool),
        app_active_30d=np.asarray(app_active_30d, bool),
        branch_visit_recent=np.asarray(branch_visit_recent, bool),
        consent_ok=np.asarray(consent_ok, bool),
        last_contacted_day=(np.full(n, -1, np.int32) if last_contacted_day is None
                            else np.asarray(last_contacted_day, dtype=np.int32)),
        consent_until=(np.full(n, np.inf) if consent_until is None
                       else np.asarray(consent_until, dtype=np.float64)),
        ids=None if ids is None else np.asarray(ids).astype(bytes),
        id_type=id_type,
        custom={name: _custom(name, values, custom_categories.get(name), name in personal)
                for name, values in (custom or {}).items()})
    check_population(pop)
    return pop


def _unique_keys(keys: np.ndarray) -> bool:
    """Sort-based (numpy 2.4's hash-based ``np.unique`` takes seconds on arithmetic key runs)."""
    if len(keys) < 2 or np.all(keys[1:] > keys[:-1]):
        return True
    ordered = np.sort(keys)
    return not np.any(ordered[1:] == ordered[:-1])


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values, sort-based for the same reason."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def check_population(pop: ScoredPopulation) -> None:
    n = len(pop.customer_key)
    arrays = [pop.score, pop.model_source, pop.branch, pop.last_contacted_day, pop.consent_until,
              *(getattr(pop, f) for f in FLAGS), *(c.values for c in pop.custom.values())]
    if pop.ids is not None:
        arrays.append(pop.ids)
    if any(a.ndim != 1 or len(a) != n for a in arrays):
        raise ValidationError.coded("plans.population_lengths")
    if not np.all(np.isfinite(pop.score)):
        raise ValidationError.coded("plans.population_scores")
    if n and pop.model_source.max() > LABEL_ONLY:
        raise ValidationError.coded("plans.population_source")
    if not _unique_keys(pop.customer_key):
        raise ValidationError.coded("plans.population_keys")
    if n and (pop.branch.min() < 0):
        raise ValidationError.coded("plans.population_branch")
    if pop.ids is not None and pop.id_type not in ID_TYPES:
        raise ValidationError.coded("plans.population_id_type", choices=", ".join(ID_TYPES))


# -- store layout ---------------------------------------------------------------------------------
_STORED = ("customer_key", "score", "model_source", "branch", "last_contacted_day", "consent_until",
           *FLAGS)


def save_population(conn, model_id: str, pop: ScoredPopulation, created_at: str) -> None:
    """Write the layout ``load_population_in`` reads (the scoring step calls this)."""
    check_population(pop)
    custom = {name: (col.values, {"categories": list(col.categories)
                                  if col.categories is not None else None,
                                  "personal": col.personal})
              for name, col in pop.custom.items()}
    plan_store.save_scores(conn, model_id, {name: getattr(pop, name) for name in _STORED}, pop.ids,
                           pop.id_type, pop.branches, custom, created_at)


def load_population_in(conn, model_id: str) -> ScoredPopulation:
    stored = plan_store.load_scores(conn, model_id, _STORED)
    if stored is None:
        raise ValidationError.coded("plans.no_scores", model=model_id)
    custom = {name: CustomColumn(values,
                                 tuple(m["categories"]) if m["categories"] is not None else None,
                                 bool(m["personal"]))
              for name, (values, m) in stored["custom"].items()}
    pop = ScoredPopulation(branches=stored["branches"], ids=stored["ids"],
                           id_type=stored["id_type"], custom=custom, **stored["columns"])
    check_population(pop)
    return pop
