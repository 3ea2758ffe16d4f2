"""Plan rules: user-written JSON (docs/plans.md), validated key by key into a frozen ``Rules``.

Rules are data, never code: a condition is (column, operator, value) with the operator from a
fixed table, so nothing a user types is evaluated. Unknown keys are errors, so a typo cannot
silently switch a rule off. Consent and marketing opt-outs are always excluded; the rules may
say so but cannot turn them off.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import ValidationError

FORMAT = "lianmo-plan-rules"
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in")
CHANNELS = ("app", "branch")
MODES = ("top_n", "top_percent", "threshold")
OVERFLOW = ("overflow_to_app", "drop_lowest_scores")
NON_RESPONDING = ("include", "exclude")
DEFAULT_CONTROL = 0.10
_CAMPAIGN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: object


@dataclass(frozen=True)
class ChannelRule:
    when: tuple[Condition, ...]
    channel: str


@dataclass(frozen=True)
class Rules:
    campaign_id: str
    template_id: str
    pitch_script: str = ""
    mode: str = "top_percent"
    value: float = 100.0
    per_decile: bool = False
    deciles: tuple[int, ...] = tuple(range(1, 11))
    exclude_already_bound: bool = True
    contacted_within_days: int = 0
    custom_exclusions: tuple[Condition, ...] = ()
    channel_rules: tuple[ChannelRule, ...] = ()
    default_channel: str = "app"
    weekly_capacity: int | None = None
    branch_capacity: dict = field(default_factory=dict)
    weeks: int = 1
    overflow: str = "overflow_to_app"
    control_fraction: float = DEFAULT_CONTROL
    seed: int = 0
    allow_no_control: bool = False
    no_control_reason: str = ""
    non_responding: str = "include"
    call_sheet_columns: tuple[str, ...] = ()

    def capacity(self, branch: str) -> int | None:
        """Verbal pitches a branch can make over the whole campaign (None = unlimited)."""
        weekly = self.branch_capacity.get(branch, self.weekly_capacity)
        return None if weekly is None else weekly * self.weeks

    def columns(self) -> set[str]:
        conds = [*self.custom_exclusions, *(c for r in self.channel_rules for c in r.when)]
        return {c.column for c in conds} | set(self.call_sheet_columns)

    def to_json(self) -> dict:
        """The canonical form stored with each plan version (seed filled in)."""
        def cond(c: Condition) -> dict:
            value = list(c.value) if isinstance(c.value, tuple) else c.value
            return {"column": c.column, "op": c.op, "value": value}
        return {
            "format": FORMAT, "version": 1, "campaign_id": self.campaign_id,
            "template_id": self.template_id, "pitch_script": self.pitch_script,
            "selection": {"mode": self.mode, "value": self.value, "per_decile": self.per_decile,
                          "deciles": list(self.deciles)},
            "exclusions": {"consent": True, "opted_out": True,
                           "already_bound": self.exclude_already_bound,
                           "contacted_within_days": self.contacted_within_days,
                           "custom": [cond(c) for c in self.custom_exclusions]},
            "channels": {"rules": [{"when": [cond(c) for c in r.when], "channel": r.channel}
                                   for r in self.channel_rules],
                         "default": self.default_channel,
                         "branch_weekly_capacity": self.weekly_capacity,
                         "branch_capacity": dict(sorted(self.branch_capacity.items())),
                         "weeks": self.weeks, "overflow": self.overflow},
            "control": {"fraction": self.control_fraction, "seed": self.seed,
                        "allow_no_control": self.allow_no_control, "reason": self.no_control_reason},
            "review": {"non_responding_branches": self.non_responding},
            "call_sheet": {"columns": list(self.call_sheet_columns)},
        }


class _Reader:
    """Reads one JSON object, naming the path of any bad field; refuses unknown keys."""

    def __init__(self, obj, path: str, allowed: set[str]):
        if not isinstance(obj, dict):
            raise ValidationError.coded("plans.rules_not_object", path=path)
        unknown = sorted(set(obj) - allowed)
        if unknown:
            raise ValidationError.coded("plans.rules_unknown_key", key=unknown[0], path=path)
        self.obj, self.path = obj, path

    def get(self, key, kind, default=None, required=False):
        if key not in self.obj or self.obj[key] is None:
            if required:
                raise ValidationError.coded("plans.rules_required", path=f"{self.path}.{key}")
            return default
        value = self.obj[key]
        ok = (isinstance(value, bool) if kind is bool else
              isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
              if kind is float else
              isinstance(value, int) and not isinstance(value, bool) if kind is int else
              isinstance(value, kind))
        if not ok:
            raise ValidationError.coded("plans.rules_wrong_type", path=f"{self.path}.{key}")
        return value

    def sub(self, key, allowed: set[str]) -> "_Reader":
        return _Reader(self.obj.get(key) or {}, f"{self.path}.{key}", allowed)


def _text(value: str, path: str, limit: int) -> str:
    if len(value) > limit or _CONTROL_CHARS.search(value):
        raise ValidationError.coded("plans.rules_bad_text", path=path, limit=limit)
    return value


def _scalar_ok(v) -> bool:
    return (isinstance(v, (bool, str)) or
            isinstance(v, (int, float)) and math.isfinite(v)) and not (isinstance(v, str) and len(v) > 256)


def parse_condition(obj, path: str) -> Condition:
    r = _Reader(obj, path, {"column", "op", "value"})
    column = r.get("column", str, required=True)
    op = r.get("op", str, required=True)
    if op not in OPERATORS:
        raise ValidationError.coded("plans.rules_one_of", path=f"{path}.op", choices=" ".join(OPERATORS))
    if "value" not in obj:
        raise ValidationError.coded("plans.rules_required", path=f"{path}.value")
    value = obj["value"]
    if op == "in":
        if not isinstance(value, list) or not value or not all(_scalar_ok(v) for v in value):
            raise ValidationError.coded("plans.rules_in_list", path=f"{path}.value")
        value = tuple(value)
    elif not _scalar_ok(value):
        raise ValidationError.coded("plans.rules_scalar", path=f"{path}.value")
    return Condition(column, op, value)


def _conditions(value, path: str) -> tuple[Condition, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(parse_condition(c, f"{path}[{i}]") for i, c in enumerate(items))


def parse_rules(obj: dict) -> Rules:
    """Validate user JSON; a missing control seed is drawn here so the stored rules reproduce."""
    top = _Reader(obj, "rules", {"format", "version", "campaign_id", "template_id", "pitch_script",
                                 "selection", "exclusions", "channels", "control", "review",
                                 "call_sheet", "description"})
    if top.get("format", str, FORMAT) != FORMAT or top.get("version", int, 1) != 1:
        raise ValidationError.coded("plans.rules_format", format=FORMAT)
    campaign = top.get("campaign_id", str, required=True)
    if not _CAMPAIGN.match(campaign):
        raise ValidationError.coded("plans.rules_campaign_id")
    template = _text(top.get("template_id", str, required=True), "template_id", 128)
    if not template.strip():
        raise ValidationError.coded("plans.rules_template_empty")
    script = _text(top.get("pitch_script", str, ""), "pitch_script", 500)
    sel = top.sub("selection", {"mode", "value", "per_decile", "deciles"})
    mode = sel.get("mode", str, "top_percent")
    if mode not in MODES:
        raise ValidationError.coded("plans.rules_one_of", path="selection.mode", choices=", ".join(MODES))
    value = float(sel.get("value", float, required=True))
    if mode == "top_n" and (value < 0 or value != int(value)):
        raise ValidationError.coded("plans.rules_top_n")
    if mode == "top_percent" and not 0 <= value <= 100:
        raise ValidationError.coded("plans.rules_top_percent")
    deciles = sel.get("deciles", list, list(range(1, 11)))
    if not deciles or any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 10
                          for d in deciles):
        raise ValidationError.coded("plans.rules_deciles")
    exc = top.sub("exclusions", {"consent", "opted_out", "already_bound", "contacted_within_days",
                                 "custom"})
    for forced in ("consent", "opted_out"):
        if exc.get(forced, bool, True) is not True:
            raise ValidationError.coded("plans.rules_forced_exclusion", path=f"exclusions.{forced}")
    within = exc.get("contacted_within_days", int, 0)
    if within < 0:
        raise ValidationError.coded("plans.rules_negative_days")
    custom = tuple(parse_condition(c, f"exclusions.custom[{i}]")
                   for i, c in enumerate(exc.get("custom", list, [])))
    ch = top.sub("channels", {"rules", "default", "branch_weekly_capacity", "branch_capacity",
                              "weeks", "overflow"})
    channel_rules = []
    for i, item in enumerate(ch.get("rules", list, [])):
        rr = _Reader(item, f"channels.rules[{i}]", {"when", "channel"})
        if "when" not in item:
            raise ValidationError.coded("plans.rules_required", path=f"channels.rules[{i}].when")
        channel_rules.append(ChannelRule(_conditions(item["when"], f"channels.rules[{i}].when"),
                                         _channel(rr.get("channel", str, required=True),
                                                  f"channels.rules[{i}].channel")))
    weekly = ch.get("branch_weekly_capacity", int)
    per_branch = ch.get("branch_capacity", dict, {})
    for name, cap in [("branch_weekly_capacity", weekly), *per_branch.items()]:
        if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 0):
            raise ValidationError.coded("plans.rules_capacity", name=name)
    weeks = ch.get("weeks", int, 1)
    overflow = ch.get("overflow", str, "overflow_to_app")
    if weeks < 1 or overflow not in OVERFLOW:
        raise ValidationError.coded("plans.rules_weeks_overflow", choices=", ".join(OVERFLOW))
    ctl = top.sub("control", {"fraction", "seed", "allow_no_control", "reason"})
    fraction = float(ctl.get("fraction", float, DEFAULT_CONTROL))
    allow = ctl.get("allow_no_control", bool, False)
    reason = _text(ctl.get("reason", str, ""), "control.reason", 500).strip()
    if not 0 <= fraction < 1:
        raise ValidationError.coded("plans.rules_control_fraction")
    if fraction == 0 and not (allow and reason):
        raise ValidationError.coded("plans.rules_no_control")
    if fraction > 0 and allow:
        raise ValidationError.coded("plans.rules_allow_no_control")
    seed = ctl.get("seed", int)
    if seed is None:
        seed = secrets.randbits(63)
    elif not 0 <= seed < 2 ** 63:
        raise ValidationError.coded("plans.rules_seed")
    review = top.sub("review", {"non_responding_branches"})
    non_responding = review.get("non_responding_branches", str, "include")
    if non_responding not in NON_RESPONDING:
        raise ValidationError.coded("plans.rules_non_responding")
    sheet = top.sub("call_sheet", {"columns"})
    sheet_columns = sheet.get("columns", list, [])
    if not all(isinstance(c, str) for c in sheet_columns):
        raise ValidationError.coded("plans.rules_sheet_columns")
    return Rules(campaign, template, script, mode, value, bool(sel.get("per_decile", bool, False)),
                 tuple(sorted(set(deciles))), exc.get("already_bound", bool, True), within, custom,
                 tuple(channel_rules), _channel(ch.get("default", str, "app"), "channels.default"),
                 weekly, dict(per_branch), weeks, overflow, fraction, seed, allow, reason,
                 non_responding, tuple(sheet_columns))


def _channel(value: str, path: str) -> str:
    if value not in CHANNELS:
        raise ValidationError.coded("plans.rules_one_of", path=path, choices=", ".join(CHANNELS))
    return value


def load_rules(path: str | Path) -> Rules:
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError.coded("plans.rules_unreadable", file=Path(path).name,
                                    reason=exc.__class__.__name__)
    return parse_rules(obj)
