"""The cross-party job types this version runs, wired in one place.

A :class:`JobType` names its runner, the check shown to an approver before any approval, and the
peer messages its run exchanges (the link service builds its channel codec from them). The
registry is built by :func:`standard` and handed to whoever runs or judges jobs (the link service,
the approval commands and pages); a test swaps a runner with :meth:`JobTypes.replace`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from app.errors import JobRefused
from app.messages import Term
from app.protocols import alignment_messages
from app.schema import Message
from app.workflows import alignment, campaign, training
from app.workflows.campaign import share
from app.workflows.training import link as training_link

# runner(workspace, job, channel, initiator, task) -> result dict (stored with the job)
Runner = Callable[..., dict]


@dataclass(frozen=True)
class JobType:
    name: str
    runner: Runner
    messages: tuple[Message, ...] = ()
    # (workspace, job) -> problems, as catalogue records (or sentences) for messages.human
    check_proposal: Callable[..., list] | None = None


class JobTypes:
    """Job types by name (immutable: ``replace`` returns a new registry)."""

    def __init__(self, types: Iterable[JobType]) -> None:
        self._types = {t.name: t for t in types}

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self):
        return iter(self._types)

    def get(self, name: str) -> JobType:
        try:
            return self._types[name]
        except KeyError:
            raise JobRefused.coded("cross.type_not_here", type=Term(name)) from None

    def messages(self) -> tuple[Message, ...]:
        """Every message any job type exchanges (one codec serves every job on a link)."""
        return tuple(m for t in self._types.values() for m in t.messages)

    def problems(self, workspace, job) -> list:
        """Why ``job`` cannot run here (shown to the approver; approval is refused while any), as
        catalogue records: ``messages.human`` says each in the reader's language."""
        check = self.get(job.type).check_proposal if job.type in self else None
        return list(check(workspace, job)) if check else []

    def replace(self, name: str, **changes) -> JobTypes:
        return JobTypes([*(t for t in self._types.values() if t.name != name),
                         replace(self.get(name), **changes)])


def standard() -> JobTypes:
    """The job types of this version."""
    return JobTypes([
        JobType("alignment", alignment.run_alignment_job, alignment_messages.MESSAGES,
                alignment.check_proposal),
        JobType("training", training.run_training_job, training_link.MESSAGES),
        JobType("scoring", training.run_scoring_job, training_link.MESSAGES),
        JobType("evaluation_share", campaign.run_evaluation_share_job, share.MESSAGES),
    ])
