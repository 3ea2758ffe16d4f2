"""Data dictionary: how sensitive each kind of column is and who may see it in clear.

Levels follow JR/T 0171-2020 (personal financial information): C3 is information that identifies
a person or account (here: the customer identifier, mobile or resident ID number); C2 is
information about a person's accounts and behaviour (features, the label, contact flags, branch);
C1 is internal information not about an individual (aggregates: counts, rates, model metrics).
Roles come from app/workflows/permissions.py; branch managers only ever see masked identifiers
of their own branch's targets (app/data/ids.py ``mask``).
"""

from __future__ import annotations

LEVELS = {
    "C3": "identifies a person (JR/T 0171-2020 C3): encrypted at rest, never displayed in clear",
    "C2": "a person's financial or behavioural data (C2): analysts only, inside the workspace",
    "C1": "aggregate, not about one person (C1): may appear in reports and shared evaluations",
}

# column role -> (level, roles that may see values in clear, roles that see a masked form)
DICTIONARY = {
    "identifier": ("C3", (), ("analyst", "branch_manager")),
    "feature": ("C2", ("analyst",), ()),
    "label": ("C2", ("analyst",), ()),
    "branch": ("C2", ("analyst", "branch_manager"), ()),
    "contact": ("C2", ("analyst", "branch_manager"), ()),
    "consent": ("C2", ("analyst", "administrator"), ()),
    "aggregate": ("C1", ("analyst", "administrator", "branch_manager"), ()),
}


def sensitivity(role: str) -> str:
    """Level (C1/C2/C3) of a column role; unknown roles are treated as the most sensitive."""
    return DICTIONARY.get(role, ("C3",))[0]


def may_see_clear(role: str, user_role: str) -> bool:
    entry = DICTIONARY.get(role)
    return bool(entry) and user_role in entry[1]


def may_see_masked(role: str, user_role: str) -> bool:
    entry = DICTIONARY.get(role)
    return bool(entry) and (user_role in entry[1] or user_role in entry[2])


def data_dictionary(profile) -> list[dict]:
    """One entry per imported column of ``profile`` (for the docs page and the GUI)."""
    entries = [("identifier", profile.id_column, profile.id_type)]
    entries += [("feature", f.column, f.type) for f in profile.features]
    if profile.label:
        entries.append(("label", profile.label, "label"))
    if profile.branch:
        entries.append(("branch", profile.branch, "branch"))
    entries += [("contact", col, f"flag:{flag}") for flag, col in profile.contact.items()]
    return [{"column": col, "role": role, "type": typ, "sensitivity": DICTIONARY[role][0],
             "clear": list(DICTIONARY[role][1]), "masked": list(DICTIONARY[role][2])}
            for role, col, typ in entries]
