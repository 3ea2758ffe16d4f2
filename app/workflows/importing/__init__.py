"""Bringing customer data in: consent-gated import, the preview before it, profiles, and the checks that stop surprises before anything is stored."""
