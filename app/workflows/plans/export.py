"""Reach-list files: the app recommendation file (CSV + JSON) and branch call sheets (XLSX, PDF).

Customers appear only as a pseudonymous reference, ``C`` + 20 hex digits of keyed BLAKE2b
(RFC 7693 MAC mode, 80-bit output) of the canonical identifier under the workspace secret: stable
across plans of one workspace, useless outside it. BLAKE2b rather than HMAC-SHA256 because it is a
keyed PRF in one pass, 3-5x faster at millions of customers. Personal columns appear masked.

Every text cell of a spreadsheet-readable file (CSV, XLSX) that starts with ``= + - @``, TAB or
CR gets a leading apostrophe, so a spreadsheet shows it as text instead of running it as a
formula (OWASP "CSV injection"). JSON is typed data for machines and keeps exact values. Files
are written to a temporary name and renamed, then synced together before the manifest, so a
crash never leaves a half-written list presented as exported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.data.escape import escape_cell
from app.data.ids import mask
from app.workflows.plans.xlsx import xlsx_bytes

_SAFE_FILE = re.compile(r"[^A-Za-z0-9_\-]")


def safe_file_part(text: str) -> str:
    """A branch code or campaign id as part of a file name (no path separators, no dots)."""
    cleaned = _SAFE_FILE.sub("_", text)[:64]
    return cleaned or "_"


def references(secret: bytes, ids: np.ndarray | None, keys: np.ndarray) -> list[str]:
    """Pseudonymous references; without identifiers, of the row key (documented fallback)."""
    items = ids.tolist() if ids is not None else [b"key:%d" % k for k in keys.tolist()]
    copy = hashlib.blake2b(key=secret, digest_size=10, person=b"lianmo-ref-v1").copy
    out = []
    for item in items:
        h = copy()
        h.update(item)
        out.append("C" + h.hexdigest())
    return out


def masked_ids(id_type: str | None, ids: np.ndarray | None, n: int) -> list[str]:
    if ids is None or id_type is None:
        return [""] * n
    return [mask(id_type, raw.decode("ascii", "replace")) for raw in ids.tolist()]


def mask_text(text: str) -> str:
    """Mask a personal free-text value the way opaque identifiers are masked."""
    return mask("opaque", text) if text else ""


@dataclass
class ExportMeta:
    campaign_id: str
    plan_id: str
    version: int
    exported_by: str
    exported_at: str


def _atomic_write(path: Path, data: bytes, durable: bool = False) -> str:
    """Write under a temporary name and rename; returns the SHA-256 of ``data``.

    Lists are written without a per-file fsync (600 fsyncs cost seconds); the exporter flushes
    them all at once (``flush_to_disk``) before writing the manifest, which is durable.
    """
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def flush_to_disk(paths: list[Path]) -> None:
    """Make written files durable: one ``sync`` where the OS has it, else fsync each file."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())


def write_app_csv(path: Path, refs: list[str], template_id: str, meta: ExportMeta) -> str:
    """One row per customer; campaign, exporter and time on every row so the file stands alone."""
    header = io.StringIO()
    writer = csv.writer(header, lineterminator="\r\n")
    writer.writerow(["customer_reference", "template_id", "campaign_id", "exported_by", "exported_at"])
    tail = io.StringIO()
    csv.writer(tail, lineterminator="\r\n").writerow(
        [escape_cell(v) for v in ("", template_id, meta.campaign_id, meta.exported_by,
                                  meta.exported_at)])
    suffix = tail.getvalue()  # ",<template>,<campaign>,...\r\n" shared by every row
    body = suffix.join(refs) + suffix if refs else ""
    return _atomic_write(path, (header.getvalue() + body).encode("utf-8"))


def write_app_json(path: Path, refs: list[str], template_id: str, meta: ExportMeta) -> str:
    """The same list as JSON; built by string joins (references are ``C`` + hex, JSON-safe)."""
    head = {"format": "lianmo-app-recommendations", "version": 1, "campaign_id": meta.campaign_id,
            "plan_id": meta.plan_id, "plan_version": meta.version, "template_id": template_id,
            "exported_by": meta.exported_by, "exported_at": meta.exported_at, "count": len(refs)}
    tail = (', "template_id": ' + json.dumps(template_id, ensure_ascii=False) +
            ', "campaign_id": ' + json.dumps(meta.campaign_id, ensure_ascii=False) + "}")
    items = ", ".join('{"customer_reference": "' + r + '"' + tail for r in refs)
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "recommendations": [' + items + "]}"
    return _atomic_write(path, text.encode("utf-8"))


@dataclass
class CallSheet:
    """What a branch prints: plain strings only, so XLSX and PDF renderers stay dumb."""

    branch: str
    title: str
    pitch_script: str
    meta: ExportMeta
    header: list[str]
    rows: list[list[str]]

    def info_lines(self) -> list[tuple[str, str]]:
        return [("Campaign", self.meta.campaign_id), ("Branch", self.branch),
                ("Plan", f"{self.meta.plan_id} v{self.meta.version}"),
                ("Exported by", self.meta.exported_by), ("Exported at", self.meta.exported_at),
                ("Pitch", self.pitch_script), ("Customers", str(len(self.rows)))]


def write_call_sheet_xlsx(path: Path, sheet: CallSheet) -> str:
    """Info block, then the table; every cell formula-escaped (see plan_xlsx for the format)."""
    info = [[label, escape_cell(value)] for label, value in sheet.info_lines()]
    table = [[escape_cell(v) for v in row] for row in [sheet.header, *sheet.rows]]
    widths = [min(60.0, 2.0 + max(len(row[i]) for row in table[:200])) for i in range(len(sheet.header))]
    widths[0] = max(widths[0], 14.0)
    data = xlsx_bytes("Call sheet", [*info, [], *table], {len(info) + 1}, widths)
    return _atomic_write(path, data)


def write_manifest(path: Path, meta: ExportMeta, files: list[dict]) -> str:
    doc = {"format": "lianmo-reach-lists", "version": 1, "campaign_id": meta.campaign_id,
           "plan_id": meta.plan_id, "plan_version": meta.version, "exported_by": meta.exported_by,
           "exported_at": meta.exported_at, "files": files}
    return _atomic_write(path, json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8"),
                         durable=True)
