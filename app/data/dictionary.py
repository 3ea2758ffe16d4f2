"""Data dictionary: how sensitive each kind of column is (JR/T 0171-2020 levels).

Levels follow JR/T 0171-2020 (personal financial information): C3 is information that identifies
a person or account (here: the customer identifier, mobile or resident ID number, and the name);
C2 is information about a person's accounts and behaviour (features, the label, contact flags,
branch, the date of the last contact); C1 is internal information not about an individual
(aggregates: counts, rates, model metrics).

The dictionary records levels only; who may see what is decided in one place, the permissions
table (app/workflows/permissions.py), and identifiers are only ever shown masked
(app/data/ids.py ``mask``). A second, unconsulted list of roles here could only drift from it.
"""

from __future__ import annotations

# column role -> sensitivity level
DICTIONARY = {
    "identifier": "C3",
    "name": "C3",
    "feature": "C2",
    "label": "C2",
    "branch": "C2",
    "contact": "C2",
    "last_contact": "C2",
    "consent": "C2",
    "aggregate": "C1",
}


# column role -> the permission (app/workflows/permissions.py) a user needs to see its values
# per customer, always masked: a customer's name helps the branch that calls them, nobody else.
# Roles not listed here are governed by the showing workflow's own permission alone.
DISPLAY_PERMISSION = {
    "name": "customer.name.masked",
}


def display_permission(role: str) -> str | None:
    """Permission needed to see a column role's masked values per customer (None: not gated)."""
    return DISPLAY_PERMISSION.get(role)


def sensitivity(role: str) -> str:
    """Level (C1/C2/C3) of a column role; unknown roles are treated as the most sensitive."""
    return DICTIONARY.get(role, "C3")


def data_dictionary(profile) -> list[dict]:
    """One entry per imported column of ``profile`` (for the docs page and the GUI)."""
    entries = [("identifier", profile.id_column, profile.id_type)]
    entries += [("feature", f.column, f.type) for f in profile.features]
    if profile.label:
        entries.append(("label", profile.label, "label"))
    if profile.branch:
        entries.append(("branch", profile.branch, "branch"))
    entries += [("contact", col, f"flag:{flag}") for flag, col in profile.contact.items()]
    if profile.customer_name:
        entries.append(("name", profile.customer_name, "name"))
    if profile.last_contact:
        entries.append(("last_contact", profile.last_contact, "date"))
    return [{"column": col, "role": role, "type": typ, "sensitivity": DICTIONARY[role]}
            for role, col, typ in entries]
