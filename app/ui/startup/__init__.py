"""The start-up views: open or create a workspace, then sign in (flow in app/workflows/wizard.py)."""
