"""The demo: two workspaces (bank = label party, partner = feature party) on one machine.

Workspaces use passphrase mode with generated passphrases kept only in memory, so the demo runs
on machines without an OS keyring and leaves nothing secret behind; they are recreated each run.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Callable

from app.workflows.workspace_admin import init_workspace, verify_workspace

PARTIES = (("bank", "Demo Bank", "label"), ("partner", "Demo Platform", "feature"))


def create_demo_workspaces(out: Path) -> dict:
    sessions = {}
    for key, name, role in PARTIES:
        path = out / "workspaces" / key
        if path.exists():
            shutil.rmtree(path)
        sessions[key] = init_workspace(path, name, role, "admin", secrets.token_urlsafe(12),
                                       passphrase=secrets.token_urlsafe(24))
    return sessions


def run_demo(out: str | Path, echo: Callable[[str], None] = print) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sessions = create_demo_workspaces(out)
    report: dict = {"workspaces": {}}
    try:
        for key, session in sessions.items():
            info = session.workspace.info
            check = verify_workspace(session)
            report["workspaces"][key] = {"party_name": info["party_name"], "role": info["role"],
                                         "schema_version": info["schema_version"],
                                         "integrity_ok": check["ok"]}
            echo(f"{info['party_name']:<14} {info['role']:<8} party  schema v{info['schema_version']}"
                 f"  integrity {'ok' if check['ok'] else 'FAILED'}  {check['audit_report']}")
    finally:
        for session in sessions.values():
            session.workspace.close()
    path = out / "report.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
