"""Outcome files read without a workspace: the import dialog's column choice and the standalone
``campaign evaluate`` (file in, report out)."""

from __future__ import annotations

from app.data.tabular import open_table
from app.evaluation import evaluate_campaign, partner_report  # noqa: F401
from app.evaluation.outcomes_file import load_campaign, parse_scores, read_columns  # noqa: F401


def outcome_columns(path: str, delimiter: str) -> list[str]:
    """The named columns of an outcome file. Only the header is read, no customer value; an
    .xlsx workbook is unpacked to get there, so the GUI calls this off its thread."""
    return [name for name in open_table(path, "auto", delimiter).header if name]
