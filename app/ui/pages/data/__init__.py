"""Consent & data: import a customer file with its consent file, and see what is stored."""

from app.ui.pages.data.page import (  # noqa: F401
    DataPage, consent_in_background, dataset_name_for, import_in_background, log,
)
