"""What an import must say before it commits: one import of a dataset at a time, and consent
files that would surprise the person importing them.

Two analysts importing the same dataset at once would both succeed and the last writer would win
unnoticed; a consent file for another purpose, or with every expiry before its grant, would still
import every row on the strength of consents stored earlier. Both are refused or confirmed first.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from app.data.consent import eligible_ids
from app import messages
from app.errors import UserFacingError
from app.workflows import processes


class ImportWarnings(UserFacingError):
    """The import stopped before committing: the user confirms (``accept_warnings``) or stops."""

    def __init__(self, warnings: list[tuple[str, dict]]) -> None:
        self.coded_warnings = warnings
        self.warnings = messages.render_all(warnings, "en")
        super().__init__(self.text("en"))

    def text(self, language: str | None = None) -> str:
        language = language or messages.locale_language()
        said = messages.Sentences(messages.render_all(self.coded_warnings, language))
        return messages.render("import.warnings", {"warnings": said}, language)


def consent_warnings(events, stored_events, now: float) -> list[tuple[str, dict]]:
    """(code, parameters) for a consent file that grants nothing new or has impossible dates."""
    warnings = []
    granted, expires = np.asarray(events.granted_at), np.asarray(events.expires_at)
    dated = ~np.isnan(expires) & ~np.isnan(granted)
    if dated.any() and (expires[dated] < granted[dated]).all():
        warnings.append(("import.consent_dates_reversed", {"file": os.path.basename(events.file)}))
    if len(events.ids) == 0 and events.rejected_rows:
        warnings.append(("import.consent_all_rejected", {"file": os.path.basename(events.file),
                                                          "rows": int(events.rejected_rows)}))
    elif len(events.ids) == 0 and events.other_purpose:
        warnings.append(("import.consent_other_purpose", {"file": os.path.basename(events.file),
                                                           "rows": int(events.other_purpose)}))
    elif stored_events is not None and len(eligible_ids(events, now)) == 0:
        warnings.append(("import.consent_nothing_new", {"file": os.path.basename(events.file)}))
    return warnings


@contextmanager
def only_import(workspace_folder: str | os.PathLike, dataset: str) -> Iterator[None]:
    """Refuse a second import of ``dataset`` while one runs (in any process on this machine)."""
    name = hashlib.sha256(dataset.encode()).hexdigest()[:16]
    lock = Path(workspace_folder) / f".import-{name}.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                holder = lock.read_text(encoding="ascii").strip()
            except OSError:
                holder = ""
            if processes.alive(holder):
                raise UserFacingError.coded("import.busy", dataset=dataset)
            lock.unlink(missing_ok=True)  # left by a process that is gone
            continue
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(processes.THIS)
        break
    else:
        raise UserFacingError.coded("import.busy_retry", dataset=dataset)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
