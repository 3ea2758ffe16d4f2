"""What a branch acts on at the counter: masked name, last contact and bank-side reasons per row.

Everything here comes from the bank's own stored population (``scores/<model>``, written from the
bank's import): never a partner feature or value, only the joint score's decile. The name is the
population's personal column ``customer_name``; it is C3 in the data dictionary, so it is shown
masked (``app.data.ids.mask_name``) and only to roles the dictionary's display rule allows
(``may_see``). Reasons are simple, explainable bank-side codes a branch can check with the
customer, not model internals, so they reveal nothing about the partner's half of the model.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from app.data.dictionary import display_permission
from app.data.ids import mask_name
from app.store import plans as plan_store
from app.workflows.plans.plan import Plan, contact_history
from app.workflows.plans.population import FEDERATED
from app.workflows.session import Session

NAME_COLUMN = "customer_name"
RECENT_DAYS = 90
REASONS = ("top_decile", "joint_model", "app_active", "branch_visit", "not_contacted_recently")
REASON_TEXT = {"top_decile": "Top 20% score", "joint_model": "Scored by the joint model",
               "app_active": "Active in the app (30 days)", "branch_visit": "Visited a branch recently",
               "not_contacted_recently": f"Not contacted in {RECENT_DAYS} days"}
_LOOKUP = ("customer_key", "last_contacted_day", "app_active_30d", "branch_visit_recent")


def may_see(session: Session, column_role: str) -> bool:
    """Whether the user's role may see a (masked) column of this dictionary role."""
    need = display_permission(column_role)
    return need is None or session.can(need)


def _lookup(conn, plan: Plan, keys: np.ndarray, with_name: bool) -> dict:
    """The population's bank-side columns for ``keys`` (missing population: nothing known)."""
    n = len(keys)
    out = {"last": np.full(n, -1, np.int64), "app": np.zeros(n, bool),
           "visit": np.zeros(n, bool), "name": None}
    stored = plan_store.load_scores(conn, plan.model_id, _LOOKUP) if n else None
    if stored is not None:
        cols = stored["columns"]
        order = np.argsort(cols["customer_key"], kind="stable")
        at = np.searchsorted(cols["customer_key"], keys, sorter=order)
        if len(order):
            pos = order[np.minimum(at, len(order) - 1)]
            hit = cols["customer_key"][pos] == keys
            out["last"] = np.where(hit, cols["last_contacted_day"][pos], -1).astype(np.int64)
            out["app"] = hit & (cols["app_active_30d"][pos] != 0)
            out["visit"] = hit & (cols["branch_visit_recent"][pos] != 0)
            name = stored["custom"].get(NAME_COLUMN)
            cats = (name[1].get("categories") or []) if name is not None else []
            if with_name and cats:      # a name is text: codes into its category table
                out["name"] = [mask_name(cats[c]) if h and c >= 0 else ""
                               for c, h in zip(name[0][pos].tolist(), hit.tolist())]
    out["last"] = np.maximum(out["last"], contact_history(conn, keys).astype(np.int64))
    return out


def row_context(session: Session, plan: Plan, rows: np.ndarray, today_day: int) -> list[dict]:
    """Per member row: ``name`` (masked; None when the role may not see names or the bank
    imported none),
    ``last_contact`` (days since 1970 or None) and ``reasons`` (codes from ``REASONS``)."""
    m = plan.members
    show_name = may_see(session, "name")
    keys = m.customer_key[rows]
    known = session.workspace.db.run(_lookup, plan, keys, show_name)
    out = []
    for i, r in enumerate(rows.tolist()):
        last = int(known["last"][i])
        reasons = [code for code, hit in (
            ("top_decile", int(m.decile[r]) <= 2),
            ("joint_model", int(m.model_source[r]) == FEDERATED),
            ("app_active", bool(known["app"][i])),
            ("branch_visit", bool(known["visit"][i])),
            ("not_contacted_recently", last < 0 or today_day - last > RECENT_DAYS)) if hit]
        names = known["name"] if show_name else None     # None: no name column, or not allowed
        out.append({"name": None if names is None else names[i],
                    "last_contact": None if last < 0 else last, "reasons": reasons})
    return out


def day_text(day: int | None) -> str:
    """A contact day (days since 1970) as an ISO date; empty for never."""
    return "" if day is None else (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()
