"""Password hashing with scrypt (memory-hard), a per-user salt and parameters stored per hash.

Parameters travel with each hash so they can be raised later without locking anybody out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

DEFAULT_PARAMS = {"n": 2 ** 15, "r": 8, "p": 1, "dklen": 32}  # ~32 MiB, ~0.1 s per check


def hash_password(password: str, params: dict | None = None) -> tuple[bytes, bytes, str]:
    """Return (salt, hash, params_json) for a new password."""
    params = dict(params or DEFAULT_PARAMS)
    salt = secrets.token_bytes(16)
    return salt, _derive(password, salt, params), json.dumps(params, sort_keys=True)


def check_password(password: str, salt: bytes, expected: bytes, params_json: str) -> bool:
    params = json.loads(params_json)
    return hmac.compare_digest(_derive(password, salt, params), expected)


def _derive(password: str, salt: bytes, params: dict) -> bytes:
    n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          dklen=int(params["dklen"]), maxmem=256 * n * r + 2 ** 20)
