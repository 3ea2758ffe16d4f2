"""Ristretto255 for ECDH private set intersection: hash-to-group, secret scalars, batch blinding.

Why this shape:
- Hash-to-group is ``from_hash(SHA-512(tag || item))`` (RFC 9496 §4.3.4 element derivation from
  64 uniform bytes), never ``h(x)·G``: with ``h(x)·G`` anyone who learns one discrete log relation
  links every blinded value, and the peer could unblind by trying candidates.
- The tag binds the protocol, ID type, canonicalisation version and job id (each length-prefixed,
  so distinct parameter tuples can never produce the same prefix). Values from another job, ID
  type or canonicalisation version are unrelated group elements: they cannot match by accident
  and cannot be linked across jobs.
- Batch functions take and return one ``bytes`` of 32·k bytes, so a chunk crosses the process
  executor's workers as two pickled byte strings, not k objects. They are plain module-level
  functions marked as worker tasks: workers run them on our own data only (peer bytes are
  length-checked before they get here and are never unpickled).
"""

from __future__ import annotations

import hashlib

import rbcl

from app.executor import task
from app.errors import LocalProtocolError

POINT_BYTES = 32
PROTOCOL_LABEL = "lianmo/ecdh-psi/ristretto255-sha512/v1"
_IDENTITY = bytes(POINT_BYTES)
_mul = rbcl.crypto_scalarmult_ristretto255
_from_hash = rbcl.crypto_core_ristretto255_from_hash
_is_valid = rbcl.crypto_core_ristretto255_is_valid_point


def domain_tag(id_type: str, canon_version: str, job_id: str) -> bytes:
    """The hash prefix for one job: every field length-prefixed (2 bytes, big-endian) UTF-8."""
    parts = [PROTOCOL_LABEL, id_type, canon_version, job_id]
    out = bytearray()
    for part in parts:
        if not isinstance(part, str) or not part:
            raise LocalProtocolError("Every domain-separation field must be non-empty text.")
        data = part.encode("utf-8")
        if len(data) > 0xFFFF:
            raise LocalProtocolError("A domain-separation field is too long.")
        out += len(data).to_bytes(2, "big") + data
    return bytes(out)


class SecretScalar:
    """A fresh non-zero scalar mod the group order, for one party in one job.

    It lives in memory only: pickling or copying it into a checkpoint file fails loudly, and its
    repr never shows the value. ``raw()`` exists solely to hand it to a worker process.
    """

    __slots__ = ("_value",)

    def __init__(self) -> None:
        self._value = rbcl.crypto_core_ristretto255_scalar_random()  # uniform in [1, l)

    @classmethod
    def restore(cls, raw: bytes) -> "SecretScalar":
        """The scalar of an interrupted alignment, read back from the encrypted workspace: a
        resumed run must use the same scalar for the chunks already exchanged to stay valid."""
        if not isinstance(raw, bytes) or len(raw) != 32:
            raise ValueError("A stored scalar must be 32 bytes.")
        scalar = cls.__new__(cls)
        scalar._value = raw
        return scalar

    def raw(self) -> bytes:
        return self._value

    def __repr__(self) -> str:
        return "SecretScalar(<hidden>)"

    def __reduce__(self):
        raise TypeError("A secret scalar is never serialised.")


def hash_to_group(tag: bytes, item: bytes) -> bytes:
    """H(item): the 32-byte encoding of a Ristretto255 element derived from SHA-512(tag || item)."""
    return _from_hash(hashlib.sha512(tag + item).digest())


@task
def hash_and_blind(tag: bytes, scalar: bytes, items: list[bytes]) -> bytes:
    """H(x)^a for each item, concatenated (32·k bytes). Runs in a worker process."""
    base = hashlib.sha512(tag)
    out = []
    append = out.append
    for item in items:
        h = base.copy()
        h.update(item)
        append(_mul(scalar, _from_hash(h.digest())))
    return b"".join(out)


@task
def reblind(scalar: bytes, points: bytes) -> tuple[bytes, int]:
    """P^a for each 32-byte point; returns (concatenated result, -1) or (b"", index of a bad point).

    libsodium's scalar multiplication decodes the point strictly (canonical encoding, on the
    curve) and refuses an identity result; with a non-zero scalar in a prime-order group the result
    is the identity only if the input was. So an invalid or identity point costs nothing extra to
    detect here.
    """
    out = []
    append = out.append
    try:
        for offset in range(0, len(points), POINT_BYTES):
            append(_mul(scalar, points[offset:offset + POINT_BYTES]))
    except RuntimeError:
        return b"", offset // POINT_BYTES
    return b"".join(out), -1


def first_invalid_point(points: bytes) -> int:
    """Index of the first point that is not a valid, non-identity Ristretto255 encoding, else -1."""
    for offset in range(0, len(points), POINT_BYTES):
        point = points[offset:offset + POINT_BYTES]
        if point == _IDENTITY or not _is_valid(point):
            return offset // POINT_BYTES
    return -1
