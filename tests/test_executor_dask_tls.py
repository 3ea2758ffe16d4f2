"""The cluster executor over real TLS: a Dask scheduler and workers started here with certificates
from a CA made here; Lianmo runs a kernel there with its own certificate from that CA, and is
refused, before anything runs, with a certificate from elsewhere.

Private keys travel to the workers (decryption runs there) and Dask pickles what it carries, so
the TLS link is what keeps the cluster the party's own. What the party's certificates must carry,
as found here (docs/operator-guide.md, "A Dask cluster for the crypto work", says the same):

- A CA that issues for this cluster only. Dask checks that a certificate chains to the CA, never a
  host name (no subjectAltName is needed), so any certificate of that CA is admitted as scheduler,
  worker or client.
- With an extended key usage: scheduler and worker certificates need both TLS server and TLS
  client authentication (each accepts connections and opens them to the others); a scheduler
  certificate for server use only lets workers join but not be reached. Lianmo's needs client
  authentication.
- Keys as unencrypted PEM files: Dask loads them without a passphrase.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from distributed import LocalCluster
from distributed.security import Security

from app.crypto import paillier
from app.errors import UserFacingError
from app.executor import LocalExecutor
from app.executor.dask import DaskExecutor
from test_executor_dask import NO_HTTP_PORT

SERVER_AND_CLIENT = (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH)
CLIENT = (ExtendedKeyUsageOID.CLIENT_AUTH,)
REFUSAL_S = 5.0


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bank"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: x509.Name, issuer: x509.Name, key) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1)))


def _key_usage(*allowed: str) -> x509.KeyUsage:
    flags = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{flag: flag in allowed for flag in flags})


def _authority(folder: Path, common_name: str) -> SimpleNamespace:
    """A party's CA: its certificate file and what it needs to sign."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name(common_name), _name(common_name), key)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage("key_cert_sign", "crl_sign"), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / f"{common_name.replace(' ', '-')}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return SimpleNamespace(key=key, cert=cert, file=str(path))


def _issue(ca: SimpleNamespace, folder: Path, common_name: str, usages) -> tuple[str, str]:
    """A certificate from ``ca`` for one machine or workstation: (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name(common_name), ca.cert.subject, key)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage("digital_signature"), critical=True)
            .add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
            .sign(ca.key, hashes.SHA256()))
    cert_path, key_path = folder / f"{common_name}.pem", folder / f"{common_name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    bank, other = _authority(folder, "Bank CA"), _authority(folder, "Other CA")
    return SimpleNamespace(
        ca=bank.file, other_ca=other.file,
        scheduler=_issue(bank, folder, "scheduler", SERVER_AND_CLIENT),
        scheduler_server_only=_issue(bank, folder, "scheduler-server-only",
                                     (ExtendedKeyUsageOID.SERVER_AUTH,)),
        worker=_issue(bank, folder, "worker", SERVER_AND_CLIENT),
        lianmo=_issue(bank, folder, "lianmo", CLIENT),
        stranger=_issue(other, folder, "stranger", CLIENT))


def _tls_cluster(pki, scheduler: tuple[str, str]) -> LocalCluster:
    """Scheduler and two worker processes on 127.0.0.1 that speak TLS only, with the party's CA."""
    security = Security(tls_ca_file=pki.ca,
                        tls_scheduler_cert=scheduler[0], tls_scheduler_key=scheduler[1],
                        tls_worker_cert=pki.worker[0], tls_worker_key=pki.worker[1],
                        tls_client_cert=pki.lianmo[0], tls_client_key=pki.lianmo[1],
                        require_encryption=True)
    return LocalCluster(protocol="tls://", security=security, host="127.0.0.1", n_workers=2,
                        threads_per_worker=1, processes=True, dashboard_address=None,
                        scheduler_kwargs=NO_HTTP_PORT)


@pytest.fixture(scope="module")
def cluster(pki):
    with _tls_cluster(pki, pki.scheduler) as c:
        yield c


def test_lianmo_runs_a_kernel_on_a_tls_cluster_with_the_partys_certificates(cluster, pki):
    pub, priv = paillier.generate_keypair(2048)
    plains = [i * 7919 for i in range(40)]
    assert all(w.startswith("tls://") for w in cluster.scheduler_info["workers"])
    with DaskExecutor(cluster.scheduler_address, tls=(pki.ca, *pki.lianmo), timeout=10) as ex:
        assert ex.describe() == {"kind": "dask", "workers": 2, "where": cluster.scheduler_address}
        cts = paillier.encrypt_batch(ex, pub, plains, priv=priv)
        assert paillier.decrypt_batch(ex, priv, cts) == plains   # the private key went over TLS
    with LocalExecutor(1) as local:
        assert paillier.decrypt_batch(local, priv, cts) == plains


@pytest.mark.parametrize("case", ["client certificate from another CA",
                                  "scheduler not from the CA Lianmo trusts",
                                  "plain tcp to the TLS port"])
def test_lianmo_without_the_partys_certificates_is_refused_before_anything_runs(cluster, pki,
                                                                                 case):
    port = cluster.scheduler_address.rpartition(":")[2]
    tls_address = f"tls://127.0.0.1:{port}"
    scheduler, tls = {
        "client certificate from another CA": (tls_address, (pki.ca, *pki.stranger)),
        "scheduler not from the CA Lianmo trusts": (tls_address, (pki.other_ca, *pki.lianmo)),
        "plain tcp to the TLS port": (f"tcp://127.0.0.1:{port}", None),
    }[case]
    clients = set(cluster.scheduler.clients)
    started = time.monotonic()
    with pytest.raises(UserFacingError) as refused:
        DaskExecutor(scheduler, tls=tls, timeout=REFUSAL_S)
    assert refused.value.code == "executor.unreachable"
    assert refused.value.params["address"] == scheduler
    assert time.monotonic() - started < REFUSAL_S
    assert set(cluster.scheduler.clients) == clients   # the scheduler never took it as a client


def test_refused_connections_leave_no_threads_behind(cluster, pki):
    def refuse() -> None:
        with pytest.raises(UserFacingError):
            DaskExecutor(cluster.scheduler_address, tls=(pki.ca, *pki.stranger), timeout=REFUSAL_S)

    refuse()  # distributed starts its own lasting threads on first use
    before = threading.active_count()
    for _ in range(3):
        refuse()
    time.sleep(0.5)
    assert threading.active_count() <= before


def test_a_scheduler_certificate_for_server_use_only_is_said_in_a_sentence(pki):
    with _tls_cluster(pki, pki.scheduler_server_only) as broken:
        with pytest.raises(UserFacingError) as refused:
            DaskExecutor(broken.scheduler_address, tls=(pki.ca, *pki.lianmo), timeout=REFUSAL_S)
    assert refused.value.code == "executor.workers_unreachable"
