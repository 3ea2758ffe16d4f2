"""Import profiles (docs/data-import.md): the column mapping a person saves once and reuses.

The data page and the CLI read and write the same JSON document, checked by the same rules
(app/data/profile.py), so a profile saved in the GUI imports unchanged from the command line.
"""

from __future__ import annotations

import json

from app.data.encoding import ENCODINGS  # noqa: F401 (the encodings a profile may name)
from app.data.profile import (CONSENT_FIELDS, CONTACT_FLAGS, FORMAT, Profile,  # noqa: F401
                              load_profile, parse_profile)


def save_profile(profile: Profile, path: str) -> None:
    """Write ``profile`` as the document ``load_profile`` reads (OSError when it cannot)."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(profile.to_json(), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
