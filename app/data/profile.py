"""Import profiles: which column is what (documented in docs/data-import.md).

A profile is user-written JSON, so it is validated field by field with an allow-list of keys;
column names in it are matched against the file's header as plain strings and never reach SQL.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from app.data.ids import ID_TYPES
from app.errors import ValidationError

FORMAT = "lianmo-import-profile"
FEATURE_TYPES = ("numeric", "categorical", "date")
CONTACT_FLAGS = ("app_active_30d", "branch_visit_recent", "already_bound", "opted_out")
CONSENT_FIELDS = ("customer_id", "purpose", "granted_at", "expires_at", "revoked_at")
PURPOSE = "joint-marketing-model"
_TOP_KEYS = {"format", "version", "dataset", "side", "encoding", "delimiter", "identifier",
             "features", "label", "branch", "contact", "customer_name", "last_contact", "consent",
             "description"}
_SAFE_NAME = set("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class Feature:
    column: str
    type: str


@dataclass(frozen=True)
class Profile:
    dataset: str
    side: str                      # "bank" (has label) or "partner"
    id_column: str
    id_type: str
    features: tuple[Feature, ...]
    label: str | None = None
    branch: str | None = None
    contact: dict[str, str] = field(default_factory=dict)   # flag name -> column
    consent: dict[str, str] = field(default_factory=dict)   # consent field -> column
    encoding: str = "auto"
    delimiter: str = ","
    customer_name: str | None = None   # personal (C3): stored encrypted, shown masked only
    last_contact: str | None = None    # date of the last marketing contact

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": 1, "dataset": self.dataset, "side": self.side,
                "encoding": self.encoding, "delimiter": self.delimiter,
                "identifier": {"column": self.id_column, "type": self.id_type},
                "features": [{"column": f.column, "type": f.type} for f in self.features],
                **({"label": {"column": self.label}} if self.label else {}),
                **({"branch": {"column": self.branch}} if self.branch else {}),
                **({"contact": dict(self.contact)} if self.contact else {}),
                **({"customer_name": {"column": self.customer_name}} if self.customer_name else {}),
                **({"last_contact": {"column": self.last_contact}} if self.last_contact else {}),
                "consent": dict(self.consent)}


def _err(label: str, code: str, **params):
    """Raise catalogue entry ``code`` about the profile file ``label``."""
    raise ValidationError.coded(code, file=label, **params)


def _column(label: str, obj, where: str) -> str:
    if not isinstance(obj, dict) or set(obj) - {"column", "type"} or not isinstance(obj.get("column"), str) \
            or not obj["column"].strip() or len(obj["column"]) > 256:
        _err(label, "profile.bad_column", where=where)
    return obj["column"].strip()


def parse_profile(doc, label: str = "profile") -> Profile:
    """Validate a decoded JSON document and build a :class:`Profile`."""
    if not isinstance(doc, dict):
        _err(label, "profile.not_object")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        _err(label, "profile.unknown_keys", keys=sorted(unknown))
    if doc.get("format") != FORMAT or doc.get("version") != 1:
        _err(label, "profile.format", format=FORMAT)
    dataset = doc.get("dataset")
    if not isinstance(dataset, str) or not dataset or set(dataset) - _SAFE_NAME or len(dataset) > 40:
        _err(label, "profile.dataset_name")
    side = doc.get("side")
    if side not in ("bank", "partner"):
        _err(label, "profile.side")
    ident = doc.get("identifier")
    id_column = _column(label, ident, "identifier")
    if ident.get("type") not in ID_TYPES:
        _err(label, "profile.id_type", choices=list(ID_TYPES))
    feats = doc.get("features")
    if not isinstance(feats, list) or not feats:
        _err(label, "profile.no_features")
    features = []
    for i, f in enumerate(feats):
        col = _column(label, f, f"features[{i}]")
        if f.get("type") not in FEATURE_TYPES:
            _err(label, "profile.feature_type", where=f"features[{i}]", choices=list(FEATURE_TYPES))
        features.append(Feature(col, f["type"]))
    label_col = _column(label, doc["label"], "label") if "label" in doc else None
    if side == "bank" and label_col is None:
        _err(label, "profile.bank_label")
    if side == "partner" and label_col is not None:
        _err(label, "profile.partner_label")
    branch = _column(label, doc["branch"], "branch") if "branch" in doc else None
    name_col, last_col = (_column(label, doc[k], k) if k in doc else None
                          for k in ("customer_name", "last_contact"))
    if side == "partner" and (name_col or last_col):
        _err(label, "profile.partner_customer_columns")
    contact = _mapping(label, doc.get("contact", {}), CONTACT_FLAGS, "contact", {})
    consent = _mapping(label, doc.get("consent", {}), CONSENT_FIELDS, "consent",
                       {k: k for k in CONSENT_FIELDS})
    encoding = doc.get("encoding", "auto")
    delimiter = doc.get("delimiter", ",")
    if not isinstance(encoding, str) or not isinstance(delimiter, str) or len(delimiter) != 1:
        _err(label, "profile.encoding_delimiter")
    used = [id_column] + [f.column for f in features] \
        + [c for c in (label_col, branch, name_col, last_col) if c] + list(contact.values())
    dupes = {c for c in used if used.count(c) > 1}
    if dupes:
        _err(label, "profile.mapped_twice", columns=sorted(dupes))
    return Profile(dataset, side, id_column, ident["type"], tuple(features), label_col, branch,
                   contact, consent, encoding, delimiter, name_col, last_col)


def _mapping(label: str, obj, allowed, where: str, defaults: dict) -> dict[str, str]:
    if not isinstance(obj, dict) or set(obj) - set(allowed) \
            or not all(isinstance(v, str) and v.strip() for v in obj.values()):
        _err(label, "profile.bad_mapping", where=where, allowed=list(allowed))
    return {**defaults, **{k: v.strip() for k, v in obj.items()}}


def load_profile(path: str) -> Profile:
    label = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(1024 * 1024 + 1)
        if len(raw) > 1024 * 1024:
            _err(label, "profile.too_large")
        doc = json.loads(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError.coded("import.profile_unreadable", file=label) from None
    return parse_profile(doc, label)
