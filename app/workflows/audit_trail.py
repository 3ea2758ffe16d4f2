"""Reading, verifying and exporting the audit chain; offline verification for auditors."""

from __future__ import annotations

import json
from pathlib import Path

from app.errors import ValidationError
from app.store.audit import FIELDS, ChainReport, genesis_hash, verify_entries
from app.store.workspace import now_iso
from app.workflows.session import Session
from app.workflows.tasks import NullTask, Task

EXPORT_FORMAT = "lianmo-audit-export/1"


def list_entries(session: Session, text: str = "", actor: str = "", action: str = "") -> list[dict]:
    session.require("audit.read")
    entries = session.workspace.audit.entries()
    text = text.lower()
    return [e for e in entries
            if (not actor or e["actor"] == actor) and (not action or e["action"].startswith(action))
            and (not text or text in (e["actor"] + e["action"] + e["objects"]).lower())]


def verify_chain(session: Session, task: Task | None = None) -> ChainReport:
    session.require("audit.read")
    task = task or NullTask()
    entries = session.workspace.audit.entries()
    total = len(entries)
    return verify_entries(entries, session.workspace.audit.genesis,
                          lambda done: task.progress(done, total, "verifying") if done % 200 == 0
                          or done == total else None)


def export_chain(session: Session, out: str | Path) -> Path:
    """JSON Lines: a header naming the workspace and the head, then one line per entry."""
    session.require("audit.read")
    ws = session.workspace
    entries = ws.audit.entries()
    header = {"format": EXPORT_FORMAT, "workspace": ws.id, "party_name": ws.party_name,
              "exported_at": now_iso(), "exported_by": session.user.name, "count": len(entries),
              "head": entries[-1]["hash"] if entries else ws.audit.genesis}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(header, ensure_ascii=False) + "\n")
        for entry in entries:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out


def verify_export(path: str | Path) -> ChainReport:
    """Verify an exported file with no workspace (what an auditor receives)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0]) if lines else None
        entries = [json.loads(line) for line in lines[1:] if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError.coded("trail.unreadable", file=path.name, reason=str(exc)) from exc
    if not isinstance(header, dict) or header.get("format") != EXPORT_FORMAT:
        raise ValidationError.coded("trail.not_export", file=path.name)
    for i, entry in enumerate(entries, start=2):
        if not isinstance(entry, dict) or set(entry) != set(FIELDS):
            raise ValidationError.coded("trail.bad_entry", file=path.name, line=i)
    report = verify_entries(entries, genesis_hash(str(header.get("workspace"))))
    if report.ok and (report.count != header.get("count") or report.head != header.get("head")):
        return ChainReport(False, report.count, report.head, report.count + 1,
                           "the file ends before the head its header names (entries were cut off)")
    return report
