"""The additively homomorphic schemes SecureBoost can run on, behind one interface.

Why modules as the interface: each scheme (app.crypto.paillier, app.crypto.ou) exposes the same
functions — keys, ``plaintext_bits``, ``ct_modulus``, ``ct_width``, wire format, and batched
encrypt/decrypt/fold/re-randomise as executor tasks — so the kernels (histograms, packing, the
SecureBoost roles) ask ``of(pub)`` once per batch and the Paillier path pays nothing per ciphertext.
A ciphertext array names its modulus, and n = p^2 q (OU) can never equal a Paillier n = pq, so
a key also tells which scheme its ciphertexts belong to.
"""

from __future__ import annotations

from types import ModuleType

from app.crypto import ou, paillier
from app.errors import ValidationError

DEFAULT = paillier.NAME
SCHEMES: dict[str, ModuleType] = {paillier.NAME: paillier, ou.NAME: ou}
NAMES = tuple(SCHEMES)
TITLES = {paillier.NAME: "Paillier", ou.NAME: "Okamoto-Uchiyama (OU)"}  # English, for CLI and logs


def get(name: str) -> ModuleType:
    """The scheme module for an approved parameter value ("paillier" or "ou")."""
    try:
        return SCHEMES[name]
    except KeyError:
        raise ValidationError.coded("crypto.unknown_scheme", choices=list(NAMES)) from None


def of(pub) -> ModuleType:
    """The scheme a public key belongs to."""
    return ou if isinstance(pub, ou.PublicKey) else paillier
