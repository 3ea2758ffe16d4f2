"""The scorecard's short exponentiations on the workers give the in-process results, in order."""

import secrets

import gmpy2
from gmpy2 import mpz

from app.crypto import combine, paillier
from app.executor import LocalExecutor


def test_powers_on_workers_match_powmod_in_order():
    pub, _ = paillier.generate_keypair(1024)
    nsq = mpz(pub.n) ** 2
    bases = [mpz(secrets.randbelow(int(nsq))) for _ in range(7)]
    which = [i % 7 for i in range(200)][::-1]
    exponents = [secrets.randbits(24) for _ in which]
    expected = [gmpy2.powmod(bases[i], e, nsq) for i, e in zip(which, exponents)]
    with LocalExecutor(2) as ex:
        assert combine.powers(ex, pub.n, bases, which, exponents, min_parallel=8) == expected
        assert combine.powers(ex, pub.n, bases, which[:3], exponents[:3]) == expected[:3]
        assert combine.powers(ex, pub.n, bases, [], []) == []
