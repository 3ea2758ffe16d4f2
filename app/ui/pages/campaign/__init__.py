"""Campaign: did the campaign work? Outcomes in, uplift with intervals and breakdowns out."""

from app.ui.pages.campaign.page import (  # noqa: F401
    CampaignPage, evaluate_in_background, import_in_background, log, share_in_background,
)
