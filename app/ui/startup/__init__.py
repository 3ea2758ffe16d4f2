"""Start-up views: open or create a workspace, then sign in (flow: app/workflows/wizard.py)."""
