"""``--self-check``: prove the installation (source or frozen bundle) has every part it needs.

Each check prints one line; any failure makes the exit code non-zero. The classic silent failure is a
bundle without gmpy2's metadata, where ``phe`` quietly falls back to pure Python (8x slower).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Callable


def check_gmpy2_in_phe() -> str:
    from phe import util
    if not getattr(util, "HAVE_GMP", False):
        raise RuntimeError("phe runs without gmpy2 (pure Python, ~8x slower)")
    import gmpy2
    return f"gmpy2 {gmpy2.version()} active in phe"


def check_sqlcipher() -> str:
    from sqlcipher3 import dbapi2
    conn = dbapi2.connect(":memory:")
    version = conn.execute("PRAGMA cipher_version").fetchone()
    conn.close()
    if not version or not str(version[0]).startswith("4."):
        raise RuntimeError(f"SQLCipher 4.x required, found {version}")
    return f"SQLCipher {version[0]}"


def check_ristretto() -> str:
    import rbcl
    point = rbcl.crypto_core_ristretto255_from_hash(bytes(64))
    if not rbcl.crypto_core_ristretto255_is_valid_point(point):
        raise RuntimeError("rbcl Ristretto255 hash-to-group returned an invalid point")
    return "rbcl Ristretto255 functions present"


def check_qt() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
    from PySide6.QtGui import QFontDatabase, QGuiApplication
    importlib.import_module("PySide6.QtCharts")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    return f"Qt platform plugin '{app.platformName()}' loaded; QtCharts present; " \
           f"{len(QFontDatabase.families())} font families"


def check_cjk_font() -> str:
    check_qt()
    from PySide6.QtGui import QFontDatabase
    from app.ui.fonts import load_bundled_fonts  # noqa: PLC0415 - UI module, only in this check
    load_bundled_fonts()
    cjk = [f for f in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)]
    if not cjk:
        raise RuntimeError("no font can render Simplified Chinese")
    return f"CJK font available ({cjk[0]})"


def check_keyring() -> str:
    from app.store import keys
    if keys.keyring_available():
        return f"OS keyring backend: {keys.backend_name()}"
    return "no OS keyring: workspaces will use passphrase mode (--passphrase-env)"


def check_paillier() -> str:
    from phe import paillier
    pub, priv = paillier.generate_paillier_keypair(n_length=1024)
    a, b = pub.encrypt(20), pub.encrypt(22)
    if priv.decrypt(a + b) != 42:
        raise RuntimeError("Paillier round trip failed")
    return "Paillier round trip (1024-bit test key)"


def check_psi() -> str:
    import hashlib
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


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("gmpy2", check_gmpy2_in_phe), ("sqlcipher", check_sqlcipher), ("ristretto", check_ristretto),
    ("qt", check_qt), ("cjk-font", check_cjk_font), ("keyring", check_keyring),
    ("paillier", check_paillier), ("psi", check_psi),
]


def run_self_check() -> int:
    failures = 0
    for name, check in CHECKS:
        try:
            print(f"[ok]   {name}: {check()}")
        except Exception as exc:  # each failure is reported, then the next check runs
            failures += 1
            print(f"[FAIL] {name}: {exc}")
    print("self-check passed" if not failures else f"self-check FAILED ({failures})")
    return 1 if failures else 0
