"""Reach-list files: the app recommendation file (CSV + JSON) and branch call sheets (XLSX, PDF).

Customers appear only as a pseudonymous reference, ``C`` + the first 20 hex digits of
HMAC-SHA256(workspace secret, canonical identifier): stable across plans of one workspace, useless
outside it. Personal columns appear masked. Every text cell of a spreadsheet-readable file (CSV,
XLSX) that starts with ``= + - @``, TAB or CR gets a leading apostrophe, so a spreadsheet shows it
as text instead of running it as a formula (OWASP "CSV injection"). JSON is typed data for
machines and keeps exact values. Files are written to a temporary name and renamed, so a crash
never leaves a half-written list under the final name.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.data.ids import mask

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SAFE_FILE = re.compile(r"[^A-Za-z0-9_\-]")


def escape_cell(value) -> str:
    """Text for one spreadsheet cell: a leading apostrophe defuses formula-looking text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def safe_file_part(text: str) -> str:
    """A branch code or campaign id as part of a file name (no path separators, no dots)."""
    cleaned = _SAFE_FILE.sub("_", text)[:64]
    return cleaned or "_"


def references(secret: bytes, ids: np.ndarray | None, keys: np.ndarray) -> list[str]:
    """Pseudonymous references; without identifiers, of the row key (documented fallback)."""
    if ids is not None:
        items = ids.tolist()
    else:
        items = [b"key:%d" % k for k in keys.tolist()]
    return ["C" + hmac.digest(secret, item, "sha256").hex()[:20] for item in items]


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


def _atomic_write(path: Path, data: bytes) -> str:
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


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
    doc = {"format": "lianmo-app-recommendations", "version": 1, "campaign_id": meta.campaign_id,
           "plan_id": meta.plan_id, "plan_version": meta.version, "template_id": template_id,
           "exported_by": meta.exported_by, "exported_at": meta.exported_at, "count": len(refs),
           "recommendations": [{"customer_reference": r, "template_id": template_id,
                                "campaign_id": meta.campaign_id} for r in refs]}
    return _atomic_write(path, json.dumps(doc, ensure_ascii=False).encode("utf-8"))


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
    from openpyxl import Workbook  # imported here: only exports need it

    def cell(value: str) -> str:
        return _XLSX_ILLEGAL.sub("", escape_cell(value))

    book = Workbook(write_only=True)
    ws = book.create_sheet(title="Call sheet")
    for label, value in sheet.info_lines():
        ws.append([label, cell(value)])
    ws.append([])
    ws.append([cell(h) for h in sheet.header])
    for row in sheet.rows:
        ws.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return _atomic_write(path, buffer.getvalue())


def write_manifest(path: Path, meta: ExportMeta, files: list[dict]) -> str:
    doc = {"format": "lianmo-reach-lists", "version": 1, "campaign_id": meta.campaign_id,
           "plan_id": meta.plan_id, "plan_version": meta.version, "exported_by": meta.exported_by,
           "exported_at": meta.exported_at, "files": files}
    return _atomic_write(path, json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8"))
