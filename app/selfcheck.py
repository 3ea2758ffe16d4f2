"""``--self-check``: prove the installation (source or frozen bundle) has every part it needs.

Each check prints one line; any failure makes the exit code non-zero. The checks target silent
failures: phe without gmpy2 quietly runs in pure Python (~8x slower), keyring without its
metadata quietly has no backend, a bundle without ``resources/`` quietly shows English and boxes,
and a frozen app without ``freeze_support()`` cannot start its crypto worker processes.
"""

from __future__ import annotations

import hashlib
from typing import Callable


def check_gmpy2_in_phe() -> str:
    # phe.util does ``try: import gmpy2; HAVE_GMP = True except ImportError: HAVE_GMP = False`` and
    # every phe primitive branches on HAVE_GMP: it is exactly the switch we care about.
    from phe import util
    if not getattr(util, "HAVE_GMP", False):
        raise RuntimeError("phe runs without gmpy2 (pure Python, ~8x slower)")
    import gmpy2
    return f"gmpy2 {gmpy2.version()} active in phe"


def check_sqlcipher() -> str:
    from app.store.database import cipher_version
    version = cipher_version()
    if not version or not str(version).startswith("4."):
        raise RuntimeError(f"SQLCipher 4.x required, found {version}")
    return f"SQLCipher {version}"


def check_ristretto() -> str:
    import rbcl
    point = rbcl.crypto_core_ristretto255_from_hash(bytes(64))
    if not rbcl.crypto_core_ristretto255_is_valid_point(point):
        raise RuntimeError("rbcl Ristretto255 hash-to-group returned an invalid point")
    return "rbcl Ristretto255 functions present"


def _qt(name: str) -> str:
    """Run a Qt check from ``app.ui``: imported only here, so headless runs never load Qt."""
    from app.ui import selfcheck_qt
    return getattr(selfcheck_qt, name)()


def check_qt() -> str:
    return _qt("check_qt")


def check_qtcharts() -> str:
    return _qt("check_qtcharts")


def check_cjk_font() -> str:
    return _qt("check_cjk_font")


def check_resources() -> str:
    from app.store.migrations import available
    from app.ui.resources import i18n_dir, resource_dir  # plain paths, no Qt
    try:
        migrations = available()  # also raises when the numbers have gaps
    except FileNotFoundError:
        raise RuntimeError("schema migrations are not installed (app/store/migrations/*.sql)") from None
    if not migrations:
        raise RuntimeError("no schema migrations shipped")
    missing = [p.name for p in (i18n_dir() / "lianmo_zh_CN.qm", resource_dir() / "id_vectors_v1.json")
               if not p.is_file()]
    if missing:
        raise RuntimeError(f"missing from {resource_dir()}: {', '.join(missing)}")
    return f"{len(migrations)} schema migrations, zh_CN translation, ID test vectors"


def check_keyring() -> str:
    from importlib.metadata import entry_points
    from app.store import keys
    if not list(entry_points(group="keyring.backends")):
        raise RuntimeError("keyring has no backends registered (its package metadata is missing)")
    if keys.keyring_available():
        return f"OS keyring backend: {keys.backend_name()}"
    return "no usable OS keyring here: workspaces will use passphrase mode (--passphrase-env)"


def check_paillier() -> str:
    from phe import paillier
    pub, priv = paillier.generate_paillier_keypair(n_length=1024)
    a, b = pub.encrypt(20), pub.encrypt(22)
    if priv.decrypt(a + b) != 42:
        raise RuntimeError("Paillier round trip failed")
    return "Paillier round trip (1024-bit test key)"


def check_psi() -> str:
    import rbcl
    items = [b"13800138000", b"13900139000"]
    k1, k2 = rbcl.crypto_core_ristretto255_scalar_random(), rbcl.crypto_core_ristretto255_scalar_random()

    def h(x):
        return rbcl.crypto_core_ristretto255_from_hash(hashlib.sha512(b"selfcheck|" + x).digest())
    a = {rbcl.crypto_scalarmult_ristretto255(k2, rbcl.crypto_scalarmult_ristretto255(k1, h(x)))
         for x in items}
    b = {rbcl.crypto_scalarmult_ristretto255(k1, rbcl.crypto_scalarmult_ristretto255(k2, h(x)))
         for x in items[:1]}
    if len(a & b) != 1:
        raise RuntimeError("tiny ECDH-PSI gave the wrong intersection")
    return "tiny ECDH-PSI over Ristretto255"


def check_process_pool() -> str:
    """Crypto worker processes start (spawn; frozen apps need freeze_support) and compute."""
    from phe import paillier as phe_paillier
    from app.crypto import paillier, ristretto
    from app.executor import LocalExecutor

    pub, priv = phe_paillier.generate_paillier_keypair(n_length=1024)
    width = 2 * ((pub.n.bit_length() + 7) // 8)
    values = [[7, 11], [13]]
    blobs = [b"".join(pub.raw_encrypt(m).to_bytes(width, "big") for m in part) for part in values]
    tag, scalar = b"selfcheck", ristretto.SecretScalar().raw()
    with LocalExecutor(size=2) as executor:
        got = executor.run_each(paillier.task_decrypt,
                                [(blob, int(priv.p), int(priv.q)) for blob in blobs])
        blinded = executor.submit(ristretto.hash_and_blind, tag, scalar, [b"1", b"2"]).result(timeout=120)
    if got != values:
        raise RuntimeError("Paillier decryption in the worker processes gave wrong results")
    if blinded != ristretto.hash_and_blind(tag, scalar, [b"1", b"2"]):
        raise RuntimeError("Ristretto blinding in a worker process differs from this process")
    return "Paillier decryption and Ristretto blinding on 2 worker processes"


def check_dask() -> str:
    """The cluster executor's packages import with their defaults (YAML package data, TLS comm),
    Dask can compare its packages' versions with a cluster's (their metadata), and the workers'
    settings file ships (operators point DASK_CONFIG at it)."""
    import dask
    import distributed
    from distributed.comm.registry import backends
    from distributed.security import Security
    from distributed.versions import get_package_info, required_packages
    from app.executor.dask import WORKER_CONFIG, worker_settings
    if "tls" not in backends or dask.config.get("distributed.comm.timeouts.connect", None) is None:
        raise RuntimeError("dask.distributed is missing its TLS backend or its configuration")
    Security(require_encryption=True)
    unknown = sorted(name for name, found in get_package_info(required_packages).items() if not found)
    if unknown:
        raise RuntimeError(f"no version for {', '.join(unknown)}: Dask would warn of a mismatch "
                           "on every connection (package metadata missing)")
    try:
        settings = worker_settings()
    except FileNotFoundError:
        raise RuntimeError(f"the workers' Dask settings are not installed "
                           f"(resources/{'/'.join(WORKER_CONFIG)})") from None
    if settings.get("distributed.worker.profile.enabled") is not False:
        raise RuntimeError("the workers' Dask settings do not turn the sampling profiler off")
    return (f"dask {dask.__version__}, distributed {distributed.__version__} with TLS, "
            f"workers' settings {WORKER_CONFIG[-1]}")


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("gmpy2", check_gmpy2_in_phe), ("sqlcipher", check_sqlcipher), ("ristretto", check_ristretto),
    ("qt", check_qt), ("qtcharts", check_qtcharts), ("cjk-font", check_cjk_font),
    ("resources", check_resources), ("keyring", check_keyring), ("paillier", check_paillier),
    ("psi", check_psi), ("process-pool", check_process_pool), ("dask", check_dask),
]


def run_self_check() -> int:
    failures = 0
    for name, check in CHECKS:
        try:
            print(f"[ok]   {name}: {check()}", flush=True)
        except Exception as exc:  # each failure is reported, then the next check runs
            failures += 1
            print(f"[FAIL] {name}: {exc}", flush=True)
    print("self-check passed" if not failures else f"self-check FAILED ({failures})", flush=True)
    return 1 if failures else 0
