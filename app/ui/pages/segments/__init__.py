"""Segments: turn scores into a campaign plan, review it branch by branch, export it."""

from app.ui.pages.segments.page import (  # noqa: F401
    DEBOUNCE_MS, SegmentsPage, live_counts_in_background, load_source_in_background,
    plan_in_background,
)
