"""A party's TLS identity: an ECDSA P-256 key and a self-signed certificate, pinned by fingerprint.

Why P-256: it is what every OpenSSL build accepts for TLS 1.3 client *and* server authentication
(``ecdsa_secp256r1_sha256`` is mandatory-to-implement in RFC 8446), so no peer build can refuse it.

Why self-signed: two institutions pair once, out of band; there is no CA both trust. Each party's
certificate is public (an "identity card" exchanged by file) and the humans confirm it by reading
its fingerprint, or the shorter :func:`short_code`, over the phone. The fingerprint is the SHA-256
of the certificate's SubjectPublicKeyInfo (DER), so re-issuing a certificate for the same key (for
example on expiry) keeps the pin.

The certificate passes OpenSSL's ``VERIFY_X509_STRICT`` (what Python 3.13 turns on by default):
critical basicConstraints CA:FALSE, critical keyUsage digitalSignature, extendedKeyUsage server+
client auth, subject/authority key identifiers, a subjectAltName and a bounded validity period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.errors import PeerError, ValidationError

FINGERPRINT_SIZE = 32
DEFAULT_VALID_DAYS = 730
SAN_NAME = "peer.lianmo.invalid"  # RFC 6761 reserved: never resolvable, we never check hostnames
SHORT_CODE_GROUPS = 6
_CLOCK_SKEW = dt.timedelta(hours=1)


@dataclass(frozen=True, repr=False)
class Identity:
    """Our key and certificate as PEM bytes; they are kept in the encrypted workspace."""

    cert_pem: bytes
    key_pem: bytes

    @property
    def fingerprint(self) -> bytes:
        return certificate_fingerprint(self.cert_pem)

    def __repr__(self) -> str:  # never print the private key
        return f"Identity(fingerprint={format_fingerprint(self.fingerprint)!r})"


def generate_identity(party_name: str, *, valid_days: int = DEFAULT_VALID_DAYS,
                      not_before: dt.datetime | None = None) -> Identity:
    """A fresh P-256 key and a self-signed certificate named after the party."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build_certificate(key, party_name, valid_days, not_before)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return Identity(cert.public_bytes(serialization.Encoding.PEM), key_pem)


def renew_certificate(identity: Identity, party_name: str, *,
                      valid_days: int = DEFAULT_VALID_DAYS) -> Identity:
    """A new certificate for the same key: the fingerprint, hence every pin, stays valid."""
    key = serialization.load_pem_private_key(identity.key_pem, password=None)
    cert = _build_certificate(key, party_name, valid_days, None)
    return Identity(cert.public_bytes(serialization.Encoding.PEM), identity.key_pem)


def _build_certificate(key: ec.EllipticCurvePrivateKey, party_name: str, valid_days: int,
                       not_before: dt.datetime | None) -> x509.Certificate:
    start = not_before or (dt.datetime.now(dt.timezone.utc) - _CLOCK_SKEW)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Lianmo"),
                      x509.NameAttribute(NameOID.COMMON_NAME, party_name[:64] or "Lianmo peer")])
    public = key.public_key()
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False,
                          crl_sign=False, encipher_only=False, decipher_only=False)
    builder = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                              ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(SAN_NAME)]), critical=False)
    )
    return builder.sign(key, hashes.SHA256())


def load_certificate(cert: bytes) -> x509.Certificate:
    """Parse a PEM or DER certificate; PeerError if it is not one."""
    try:
        if cert.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(cert)
        return x509.load_der_x509_certificate(cert)
    except ValueError as exc:
        raise PeerError.coded("net.certificate_unreadable") from exc


def certificate_fingerprint(cert: bytes | x509.Certificate) -> bytes:
    """SHA-256 of the SubjectPublicKeyInfo DER: the pin (survives certificate renewal)."""
    parsed = cert if isinstance(cert, x509.Certificate) else load_certificate(cert)
    spki = parsed.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).digest()


def check_certificate(cert: bytes | x509.Certificate,
                      now: dt.datetime | None = None) -> x509.Certificate:
    """Our own checks on a peer certificate, on top of (or instead of) OpenSSL's.

    The client side of a link verifies by pin, not by OpenSSL chain validation, so the validity
    window, the key type, the self-signature and the end-entity constraints are checked here.
    """
    parsed = check_structure(cert)
    now = now or dt.datetime.now(dt.timezone.utc)
    if now < parsed.not_valid_before_utc:
        raise PeerError.coded("net.certificate_not_yet_valid")
    if now > parsed.not_valid_after_utc:
        raise PeerError.coded("net.certificate_expired")
    return parsed


def check_structure(cert: bytes | x509.Certificate) -> x509.Certificate:
    """A self-signed P-256 end-entity certificate (no CA powers), whatever the date."""
    parsed = cert if isinstance(cert, x509.Certificate) else load_certificate(cert)
    public = parsed.public_key()
    if not (isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"):
        raise PeerError.coded("net.certificate_key_type")
    try:
        parsed.verify_directly_issued_by(parsed)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise PeerError.coded("net.certificate_signature") from exc
    try:
        constraints = parsed.extensions.get_extension_for_class(x509.BasicConstraints).value
    except (x509.ExtensionNotFound, ValueError) as exc:
        raise PeerError.coded("net.certificate_constraints") from exc
    if constraints.ca:
        raise PeerError.coded("net.certificate_is_ca")
    return parsed


def format_fingerprint(fp: bytes) -> str:
    """Upper-case hex in groups of four: ``AB12 CD34 ...`` (16 groups for SHA-256)."""
    hexed = _check_size(fp).hex().upper()
    return " ".join(hexed[i:i + 4] for i in range(0, len(hexed), 4))


def short_code(fp: bytes) -> str:
    """Six groups of four decimal digits (24 digits, about 80 bits) to read aloud over the phone.

    Digits, not words, because both parties speak Chinese and English and digits read the same in
    both. It is the first 128 bits of the fingerprint reduced mod 10**24 (bias below 2**-48). Not
    reversible: it is a comparison aid; the full fingerprint is what is stored and pinned. Forging a
    different key with the same code is a targeted 80-bit second-preimage search.
    """
    value = int.from_bytes(_check_size(fp)[:16], "big") % 10 ** (4 * SHORT_CODE_GROUPS)
    digits = f"{value:0{4 * SHORT_CODE_GROUPS}d}"
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def parse_fingerprint(text: str) -> bytes:
    """Accept 64 hex digits with optional spaces, colons or dashes (grouped or OpenSSL style)."""
    cleaned = re.sub(r"[\s:\-]", "", text)
    if len(cleaned) != 2 * FINGERPRINT_SIZE or not re.fullmatch(r"[0-9a-fA-F]+", cleaned):
        raise ValidationError.coded("peering.bad_fingerprint")
    return bytes.fromhex(cleaned)


def _check_size(fp: bytes) -> bytes:
    if len(fp) != FINGERPRINT_SIZE:
        raise ValueError("A fingerprint is 32 bytes (SHA-256).")
    return bytes(fp)
