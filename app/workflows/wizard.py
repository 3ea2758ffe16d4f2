"""The app's flow as plain Python, so it is tested without Qt (Electrum's ``wizard.py`` model).

Two pieces:
- ``Wizard``: a navigation map (view -> where "next" goes, whether it is the last view, what to
  undo when going back) plus a back stack of (view, data) snapshots. Front ends only map views to
  widgets; they never decide where to go.
- ``step_states``: which product steps (sidebar entries) a role sees and which of them work in this
  version. Hidden means the role may not use the step at all; disabled means not built yet. The
  workflow layer still checks every permission itself — this only keeps the screen honest.

Wizard data never holds passwords or passphrases: snapshots live on the back stack, and secrets
must not outlive the field they were typed into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from app.workflows.permissions import allowed

SECRET_KEYS = frozenset({"password", "passphrase", "admin_password", "new_password"})


@dataclass(frozen=True)
class WizardState:
    view: str
    data: dict = field(default_factory=dict)


class Wizard:
    """A navigation map plus a back stack.

    navmap[view] may hold: ``next`` (a view name or ``fn(data) -> view``), ``last`` (bool or
    ``fn(data) -> bool``), ``on_back`` (``fn(data)``, called when the user leaves the view
    backwards, e.g. to close what the view opened) and ``irreversible`` (once left forwards, the
    view is not on the back stack: going back must not offer to create a workspace twice).
    """

    def __init__(self, navmap: dict[str, dict[str, Any]], start_view: str):
        if start_view not in navmap:
            raise ValueError(f"unknown start view {start_view!r}")
        self.navmap = navmap
        self.start_view = start_view
        self.stack: list[WizardState] = []
        self.current = WizardState(start_view, {})

    def start(self, data: dict | None = None) -> WizardState:
        self.stack = []
        self.current = WizardState(self.start_view, _clean(data or {}))
        return self.current

    def next_view(self, view: str, data: dict) -> str:
        target = self.navmap[view].get("next")
        if target is None:
            raise ValueError(f"view {view!r} has no next view")
        name = target(data) if callable(target) else target
        if name not in self.navmap:
            raise ValueError(f"view {view!r} leads to unknown view {name!r}")
        return name

    def is_last(self, view: str | None = None, data: dict | None = None) -> bool:
        view = view or self.current.view
        last = self.navmap[view].get("last", False)
        if callable(last):
            return bool(last(data if data is not None else self.current.data))
        return bool(last)

    def resolve_next(self, data: dict | None = None) -> WizardState:
        """Move forward from the current view with the data the view collected."""
        merged = {**self.current.data, **_clean(data or {})}
        if self.is_last(self.current.view, merged):
            raise ValueError(f"view {self.current.view!r} is the last one")
        if not self.navmap[self.current.view].get("irreversible", False):
            self.stack.append(self.current)
        self.current = WizardState(self.next_view(self.current.view, merged), merged)
        return self.current

    def can_go_back(self) -> bool:
        return bool(self.stack)

    def go_back(self) -> WizardState:
        if not self.stack:
            raise ValueError("already at the first view")
        on_back = self.navmap[self.current.view].get("on_back")
        if on_back is not None:
            on_back(self.current.data)
        self.current = self.stack.pop()
        return self.current


def _clean(data: dict) -> dict:
    """Drop secrets: they must never be kept in a snapshot on the back stack."""
    return {k: v for k, v in data.items() if k not in SECRET_KEYS}


# -- the start-up flow: open or create a workspace, then sign in ----------------------------------

OPEN, CREATE, LOGIN = "open", "create", "login"


def startup_wizard(on_leave_login: Callable[[dict], None] | None = None) -> Wizard:
    """open -> login, or open -> create -> login.

    Leaving ``login`` backwards closes the workspace; after a workspace was created, "back" from
    ``login`` returns to ``open`` (the creation cannot be undone by going back).
    """
    navmap = {
        OPEN: {"next": lambda d: CREATE if d.get("action") == "create" else LOGIN},
        CREATE: {"next": LOGIN, "irreversible": True},
        LOGIN: {"last": True, "on_back": on_leave_login},
    }
    return Wizard(navmap, OPEN)


# -- the product's steps (the main window's sidebar) -------------------------------------------

@dataclass(frozen=True)
class Step:
    """A sidebar entry. ``permission``: one permission, a tuple (any of them) or None (all)."""

    key: str
    permission: str | tuple[str, ...] | None
    available: bool  # False: not built in this version; shown greyed, never a fake page


@dataclass(frozen=True)
class StepState:
    key: str
    enabled: bool


def may_use(role: str, permission: str | tuple[str, ...] | None) -> bool:
    if permission is None:
        return True
    wanted = (permission,) if isinstance(permission, str) else permission
    return any(allowed(role, p) for p in wanted)


def step_states(steps: Iterable[Step], role: str, party_role: str | None = None) -> list[StepState]:
    """The steps this role (and, when given, this party) sees, in order; those not built yet are
    present but disabled. The feature party plans no campaigns: it has no labels or scores."""
    from app.workflows.guide import party_uses
    return [StepState(s.key, s.available) for s in steps if may_use(role, s.permission)
            and (party_role is None or party_uses(party_role, s.key))]


def first_enabled(states: Iterable[StepState]) -> str | None:
    return next((s.key for s in states if s.enabled), None)
