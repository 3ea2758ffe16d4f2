"""Campaign evaluation: conversion and uplift with confidence intervals, by cell and score decile.

``evaluate_campaign`` builds the local report from per-customer arrays; ``partner_report``
reduces it to suppressed aggregates that may leave the workstation.
"""

from app.evaluation.report import evaluate_campaign, partner_report

__all__ = ["evaluate_campaign", "partner_report"]
