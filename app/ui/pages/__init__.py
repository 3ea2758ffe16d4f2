"""The registry of the main window's steps, in sidebar order.

To add a page: write ``app/ui/pages/<name>.py`` with a ``base.Page`` subclass (it takes
``(session, parent)``), then put its class in the matching line below (``factory`` None means
"not built yet": the step is shown greyed out with a tooltip, never as a fake page).
``permission`` is one permission or a tuple meaning "any of"; roles without it do not see the
step. The workflow functions check permissions again, so hiding is a courtesy, not the control.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QWidget

from app.ui.pages.alignment import AlignmentPage
from app.ui.pages.audit import AuditPage
from app.ui.pages.campaign import CampaignPage
from app.ui.pages.data import DataPage
from app.ui.pages.jobs import JobsPage
from app.ui.pages.peers import PeersPage
from app.ui.pages.segments import SegmentsPage
from app.ui.pages.training import TrainingPage
from app.ui.pages.users import UsersPage
from app.workflows.wizard import Step


@dataclass(frozen=True)
class PageEntry:
    key: str
    title: str  # source text in the "Steps" translation context
    factory: Callable[..., QWidget] | None
    permission: str | tuple[str, ...] | None

    @property
    def display_title(self) -> str:
        return QCoreApplication.translate("Steps", self.title)

    def step(self) -> Step:
        return Step(self.key, self.permission, self.factory is not None)


PAGES: list[PageEntry] = [
    PageEntry("data", QT_TRANSLATE_NOOP("Steps", "Consent & data"), DataPage,
              ("data.import", "data.view")),
    PageEntry("peers", QT_TRANSLATE_NOOP("Steps", "Peers"), PeersPage,
              ("peers.manage", "jobs.propose")),
    PageEntry("jobs", QT_TRANSLATE_NOOP("Steps", "Jobs"), JobsPage, ("jobs.approve", "jobs.propose")),
    PageEntry("alignment", QT_TRANSLATE_NOOP("Steps", "Alignment"), AlignmentPage,
              "align.run"),
    PageEntry("training", QT_TRANSLATE_NOOP("Steps", "Training"), TrainingPage,
              "train.run"),
    PageEntry("segments", QT_TRANSLATE_NOOP("Steps", "Segments"), SegmentsPage,
              ("plan.create", "plan.review")),
    PageEntry("campaign", QT_TRANSLATE_NOOP("Steps", "Campaign"), CampaignPage,
              ("campaign.evaluate", "campaign.evaluate.branch")),
    PageEntry("audit", QT_TRANSLATE_NOOP("Steps", "Audit"), AuditPage, "audit.read"),
    PageEntry("users", QT_TRANSLATE_NOOP("Steps", "Users"), UsersPage, "users.manage"),
]


def entry(key: str) -> PageEntry:
    return next(p for p in PAGES if p.key == key)
