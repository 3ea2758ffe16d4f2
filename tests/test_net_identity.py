"""Identity: key + strict self-signed certificate, fingerprints, and keys that never hit disk."""

import datetime as dt
import hashlib
import os
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.errors import PeerError, ValidationError
from app.net import tls
from app.net.identity import (
    check_certificate, format_fingerprint, generate_identity, load_certificate, parse_fingerprint,
    renew_certificate, short_code,
)


@pytest.fixture(scope="module")
def ident():
    return generate_identity("银行 Bank")


def test_certificate_has_what_strict_x509_checks_require(ident):
    cert = load_certificate(ident.cert_pem)
    ext = cert.extensions
    assert ext.get_extension_for_class(x509.BasicConstraints).critical
    assert ext.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ext.get_extension_for_class(x509.KeyUsage).value.digital_signature
    ski = ext.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = ext.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert ext.get_extension_for_class(x509.SubjectAlternativeName).value
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    assert cert.not_valid_before_utc < dt.datetime.now(dt.timezone.utc) < cert.not_valid_after_utc


def test_openssl_strict_mode_accepts_it_as_a_trust_anchor(ident):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    ctx.load_verify_locations(cadata=ident.cert_pem.decode())
    assert ctx.cert_store_stats()["x509"] == 1


def test_fingerprint_is_sha256_of_the_spki_and_survives_renewal(ident):
    spki = load_certificate(ident.cert_pem).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert ident.fingerprint == hashlib.sha256(spki).digest()
    renewed = renew_certificate(ident, "Bank")
    assert renewed.cert_pem != ident.cert_pem
    assert renewed.fingerprint == ident.fingerprint


def test_two_identities_differ():
    assert generate_identity("A").fingerprint != generate_identity("A").fingerprint


def test_formatting_and_parsing(ident):
    grouped = format_fingerprint(ident.fingerprint)
    assert len(grouped.split(" ")) == 16 and all(len(g) == 4 for g in grouped.split(" "))
    assert parse_fingerprint(grouped) == ident.fingerprint
    colon = ":".join(f"{b:02x}" for b in ident.fingerprint)  # openssl x509 -fingerprint style
    assert parse_fingerprint(colon) == ident.fingerprint
    assert parse_fingerprint(f"  {grouped.lower()}\n") == ident.fingerprint
    for bad in ["", "AB12", grouped + " 00", grouped.replace("A", "G", 1) if "A" in grouped
                else "G" + grouped[1:]]:
        with pytest.raises(ValidationError):
            parse_fingerprint(bad)


def test_short_code_is_six_groups_of_four_digits(ident):
    code = short_code(ident.fingerprint)
    groups = code.split(" ")
    assert len(groups) == 6 and all(g.isdigit() and len(g) == 4 for g in groups)
    assert short_code(ident.fingerprint) == code
    other = bytearray(ident.fingerprint)
    other[0] ^= 1
    assert short_code(bytes(other)) != code
    with pytest.raises(ValueError):
        short_code(b"short")


def test_repr_never_shows_the_key(ident):
    assert "PRIVATE" not in repr(ident) and format_fingerprint(ident.fingerprint) in repr(ident)


def test_expired_and_future_certificates_are_refused():
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)
    expired = generate_identity("Old", not_before=past, valid_days=2)
    with pytest.raises(PeerError, match="expired"):
        check_certificate(expired.cert_pem)
    future = generate_identity("Soon", not_before=past + dt.timedelta(days=20))
    with pytest.raises(PeerError, match="not valid yet"):
        check_certificate(future.cert_pem)


def _self_signed(key, ca):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "X")])
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
            .sign(key, hashes.SHA256()))


def test_ca_certificates_and_other_keys_are_refused():
    with pytest.raises(PeerError, match="P-256"):
        check_certificate(_self_signed(ec.generate_private_key(ec.SECP384R1()), ca=False))
    with pytest.raises(PeerError, match="authority"):
        check_certificate(_self_signed(ec.generate_private_key(ec.SECP256R1()), ca=True))
    assert check_certificate(_self_signed(ec.generate_private_key(ec.SECP256R1()), ca=False))
    with pytest.raises(PeerError, match="could not be read"):
        check_certificate(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")


def test_a_certificate_signed_by_another_key_is_refused(ident):
    cert = load_certificate(ident.cert_pem)
    other = ec.generate_private_key(ec.SECP256R1())
    forged = (x509.CertificateBuilder().subject_name(cert.subject).issuer_name(cert.issuer)
              .public_key(cert.public_key()).serial_number(2)
              .not_valid_before(cert.not_valid_before_utc).not_valid_after(cert.not_valid_after_utc)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
              .sign(other, hashes.SHA256()))
    with pytest.raises(PeerError, match="self-signed"):
        check_certificate(forged)


def test_private_key_loading_leaves_nothing_on_disk(ident, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    tls.client_context(ident.cert_pem, ident.key_pem)
    assert list(tmp_path.iterdir()) == []


def test_fallback_without_memfd_writes_only_an_encrypted_key_and_removes_it(ident, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.delattr(os, "memfd_create", raising=False)
    seen = []
    real_load = ssl.SSLContext.load_cert_chain

    def spy(self, certfile, keyfile=None, password=None):
        with open(certfile, "rb") as handle:
            seen.append((handle.read(), os.stat(certfile).st_mode & 0o777,
                         os.stat(os.path.dirname(certfile)).st_mode & 0o777))
        return real_load(self, certfile, keyfile, password)

    monkeypatch.setattr(ssl.SSLContext, "load_cert_chain", spy)
    tls.server_context(ident.cert_pem, ident.key_pem, [])
    (content, file_mode, dir_mode), = seen
    assert b"ENCRYPTED PRIVATE KEY" in content and b"BEGIN PRIVATE KEY" not in content
    assert file_mode == 0o600 and dir_mode == 0o700
    assert list(tmp_path.iterdir()) == []
