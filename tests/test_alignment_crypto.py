"""Ristretto255 building blocks of private alignment: hash-to-group, scalars, batch kernels."""

import hashlib
import pickle

import pytest
import rbcl

from app.crypto import ristretto as r
from app.errors import LocalProtocolError

TAG = r.domain_tag("mobile", "canon-v1", "job-1")


def test_hash_to_group_is_from_hash_of_sha512_and_deterministic():
    item = b"13800138000"
    expected = rbcl.crypto_core_ristretto255_from_hash(hashlib.sha512(TAG + item).digest())
    assert r.hash_to_group(TAG, item) == expected
    assert r.hash_to_group(TAG, item) == r.hash_to_group(TAG, item)
    assert rbcl.crypto_core_ristretto255_is_valid_point(expected)
    assert r.hash_to_group(TAG, b"13800138001") != expected


@pytest.mark.parametrize("other", [("idcard", "canon-v1", "job-1"), ("mobile", "canon-v2", "job-1"),
                                   ("mobile", "canon-v1", "job-2")])
def test_each_tag_field_separates_domains(other):
    assert r.domain_tag(*other) != TAG
    item = b"13800138000"
    assert r.hash_to_group(r.domain_tag(*other), item) != r.hash_to_group(TAG, item)


def test_domain_tag_is_length_prefixed_so_field_boundaries_cannot_shift():
    assert r.domain_tag("ab", "c", "j") != r.domain_tag("a", "bc", "j")
    assert r.domain_tag("a", "b", "cj") != r.domain_tag("a", "bc", "j")
    with pytest.raises(LocalProtocolError):
        r.domain_tag("", "v1", "j")


def test_blinding_commutes_so_both_orders_give_the_same_double_blind():
    a, b = r.SecretScalar(), r.SecretScalar()
    items = [b"1%010d" % i for i in range(20)]
    ha = r.hash_and_blind(TAG, a.raw(), items)
    hb = r.hash_and_blind(TAG, b.raw(), items)
    hab, bad1 = r.reblind(b.raw(), ha)
    hba, bad2 = r.reblind(a.raw(), hb)
    assert bad1 == bad2 == -1 and len(hab) == 32 * 20 and hab == hba
    single = rbcl.crypto_scalarmult_ristretto255(a.raw(), r.hash_to_group(TAG, items[3]))
    assert ha[96:128] == single


def test_different_tags_never_match_after_double_blinding():
    a, b = r.SecretScalar(), r.SecretScalar()
    items = [b"1%010d" % i for i in range(50)]
    mine, _ = r.reblind(b.raw(), r.hash_and_blind(TAG, a.raw(), items))
    theirs, _ = r.reblind(a.raw(), r.hash_and_blind(r.domain_tag("mobile", "canon-v2", "job-1"),
                                                     b.raw(), items))
    split = lambda blob: {blob[i:i + 32] for i in range(0, len(blob), 32)}
    assert len(split(mine)) == 50 and not split(mine) & split(theirs)


def test_reblind_reports_first_invalid_or_identity_point():
    s = r.SecretScalar()
    good = rbcl.crypto_core_ristretto255_random()
    assert r.reblind(s.raw(), good + bytes(32) + good) == (b"", 1)        # identity
    assert r.reblind(s.raw(), good + good + b"\xff" * 32) == (b"", 2)     # not canonical
    assert r.first_invalid_point(good + bytes(32)) == 1
    assert r.first_invalid_point(b"\xff" * 32) == 0
    assert r.first_invalid_point(good * 3) == -1


def test_secret_scalar_is_fresh_hidden_and_never_serialised():
    a, b = r.SecretScalar(), r.SecretScalar()
    assert a.raw() != b.raw() and len(a.raw()) == 32
    assert "hidden" in repr(a) and a.raw().hex() not in repr(a)
    with pytest.raises(TypeError):
        pickle.dumps(a)


def test_executor_runs_the_batch_kernel(executor):
    s = r.SecretScalar()
    items = [b"1%010d" % i for i in range(10)]
    assert executor.submit(r.hash_and_blind, TAG, s.raw(), items).result(timeout=60) == \
        r.hash_and_blind(TAG, s.raw(), items)
