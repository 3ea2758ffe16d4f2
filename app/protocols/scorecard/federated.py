"""Federated WOE/IV, sans-IO: per-bin label counts of the partner's features, and the merge map.

Exchange (bank = label party, key owner; partner = feature party):

1. ``woe_setup`` bank -> partner: the job digest, the Paillier modulus and, for every training row
   in the agreed order, one ciphertext of the packed label: SecureBoost's (g, h, count) layout
   (app/crypto/packing.py) with g = the label (0 or 1), h = 0 and the count slot 1. Same key sizes,
   same fixed-width encoding, same kernel, nothing value-dependent on the wire.
2. ``woe_counts`` partner -> bank: per feature, the product of the ciphertexts of the rows in each
   of its used fine bins plus the missing one (app/crypto/histogram.py), folded several to a
   ciphertext and re-randomised; the number of used bins per feature, and names only when the job
   says the partner shares them. The bank decrypts (positive = g sum, rows = count slot,
   negative = rows - positive).
3. ``woe_merge`` bank -> partner: per feature a map fine slot -> merged bin (fixed-width bytes) and
   whether the feature is selected. The partner learns this grouping (see docs/threat-model.md).
4. ``woe_done`` partner -> bank: the partner's acknowledgement, with its count of selected
   columns after one-hot encoding (the size of its regression input).

What the partner learns: ciphertexts, then the merge map and the selection. What the bank learns:
per-bin positive and negative counts of the partner's fine bins on the training rows, as in
SecureBoost's first histogram; never an edge, a category or a row's bin.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from app.errors import LocalProtocolError, RemoteProtocolError
from app.executor import Executor
from app.protocols.scorecard import binning as merging
from app.protocols.scorecard.points import decode_points, encode_points
from app.protocols.scorecard.woe import FeatureWoe, WoeParams, partner_name
from app.protocols.secureboost.he import FeatureCrypto, LabelCrypto
from app.schema import Bytes, Codec, Int, Message

VERSION = 1
LABEL_SCALE_BITS = 1  # g = label in {0, 1}: the smallest grid that holds it exactly
MAX_FEATURES = 10_000
MAX_BYTES = 1 << 30
_SMALL = 4096
_NAMES = 64 * MAX_FEATURES

MESSAGES = (
    Message("scorecard.woe_setup", VERSION, {
        "digest": Bytes(size=32), "key_n": Bytes(max_len=1024, min_len=128),
        "n_rows": Int(1, 1 << 31), "labels": Bytes(max_len=MAX_BYTES)}, max_bytes=MAX_BYTES + _SMALL),
    Message("scorecard.woe_counts", VERSION, {
        "digest": Bytes(size=32), "used": Bytes(max_len=MAX_FEATURES),
        "names": Bytes(max_len=_NAMES), "cts": Bytes(max_len=MAX_BYTES)},
        max_bytes=MAX_BYTES + _NAMES + 2 * MAX_FEATURES),
    Message("scorecard.woe_merge", VERSION, {
        "maps": Bytes(max_len=MAX_FEATURES * 256), "selected": Bytes(max_len=MAX_FEATURES)},
        max_bytes=MAX_FEATURES * 258 + _SMALL),
    Message("scorecard.woe_done", VERSION, {"columns": Int(0, MAX_FEATURES * 256)},
            max_bytes=_SMALL),
    # scoring (and the training report): the partner's points column for the agreed rows
    Message("scorecard.points_request", VERSION, {"n_rows": Int(0, 1 << 31)}, max_bytes=_SMALL),
    Message("scorecard.points", VERSION, {"n_rows": Int(0, 1 << 31), "points": Bytes(
        max_len=MAX_BYTES, multiple=8)}, max_bytes=MAX_BYTES + _SMALL),
)
CODEC = Codec(MESSAGES)


def job_digest(params: dict) -> bytes:
    """SHA-256 of the approved job parameters: both sides refuse a peer on another job."""
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).digest()


def points_request(n_rows: int) -> bytes:
    return CODEC.encode("scorecard.points_request", {"n_rows": int(n_rows)})


def answer_points(data: bytes, n_rows: int, column: np.ndarray) -> bytes:
    """The partner: its points column (fixed-width) for the ``n_rows`` rows both agreed."""
    body = _expect(data, "scorecard.points_request")
    _require(body["n_rows"] == n_rows == len(column), "points_request", "n_rows")
    return CODEC.encode("scorecard.points", {"n_rows": n_rows, "points": encode_points(column)})


def read_points(data: bytes, n_rows: int) -> np.ndarray:
    body = _expect(data, "scorecard.points")
    _require(body["n_rows"] == n_rows, "points", "n_rows")
    return decode_points(body["points"], n_rows)


def _expect(data: bytes, name: str) -> dict:
    msg_type, body = CODEC.decode(data)
    if msg_type != name:
        raise RemoteProtocolError.coded("protocol.wrong_message", got=msg_type[:48], expected=name)
    return body


def _require(ok: bool, message: str, field: str) -> None:
    if not ok:
        raise RemoteProtocolError.coded("protocol.field_wrong", field=field, message=message)


class BankWoe:
    """The bank's side: encrypts its training labels, decrypts partner bin counts, merges."""

    def __init__(self, ex: Executor, y_train: np.ndarray, params: WoeParams, digest: bytes,
                 key_bits: int) -> None:
        self.y = (np.asarray(y_train) > 0).astype(np.int64)
        self.p, self.digest = params, digest
        self.n_slots = params.fine_bins + 1
        self.crypto = LabelCrypto(ex, key_bits, len(self.y), LABEL_SCALE_BITS)
        self.features: list[FeatureWoe] = []

    def setup(self) -> bytes:
        scale = int(self.crypto.packer.scale)
        labels = b"".join(self.crypto.encrypt_gradients(self.y * scale, np.zeros_like(self.y)))
        return CODEC.encode("scorecard.woe_setup", {
            "digest": self.digest, "key_n": self.crypto.n_bytes, "n_rows": len(self.y),
            "labels": labels})

    def on_counts(self, data: bytes) -> list[FeatureWoe]:
        """Decrypt per-fine-bin counts, merge each feature's bins, compute its WOE/IV."""
        body = _expect(data, "scorecard.woe_counts")
        _require(body["digest"] == self.digest, "woe_counts", "digest")
        used = np.frombuffer(body["used"], dtype=np.uint8)
        _require(bool((used <= self.p.fine_bins).all()), "woe_counts", "used")
        try:
            names = body["names"].decode("utf-8", "strict").split("\n") if body["names"] else None
        except UnicodeDecodeError:
            names = []
        _require(names is None or (len(names) == len(used) and all(0 < len(n) <= 64 for n in names)),
                 "woe_counts", "names")
        hist = self.crypto.decrypt_histograms(body["cts"], 1, used, self.n_slots)[0] if len(used) else None
        scale = self.crypto.packer.scale
        self.features = []
        for j in range(len(used)):
            pos = np.rint(hist.g[j] / scale).astype(np.int64)
            rows = hist.c[j].astype(np.int64)
            _require(bool(((pos >= 0) & (pos <= rows)).all()) and int(rows.sum()) == len(self.y),
                     "woe_counts", "cts")
            mapping = merging.merge_map(pos, rows - pos, self.p.min_bin_share)
            mp, mn = merging.merged_counts(mapping, pos, rows - pos)
            name = names[j] if names is not None and self.p.partner_names else partner_name(j)
            self.features.append(FeatureWoe(name, "partner", mapping, mp, mn))
        return self.features

    def merge(self) -> bytes:
        """The merge maps and the selection (call after marking ``selected``)."""
        maps = b"".join(f.mapping.astype(np.uint8).tobytes() for f in self.features)
        sel = bytes(int(f.selected) for f in self.features)
        return CODEC.encode("scorecard.woe_merge", {"maps": maps, "selected": sel})

    def on_done(self, data: bytes) -> int:
        body = _expect(data, "scorecard.woe_done")
        want = sum(f.n_bins for f in self.features if f.selected)
        _require(body["columns"] == want, "woe_done", "columns")
        return want


class PartnerWoe:
    """The partner's side: sums encrypted labels per bin of its own features, applies the merge."""

    def __init__(self, ex: Executor, fine: np.ndarray, used: np.ndarray, params: WoeParams,
                 digest: bytes, key_bits: int, names: list[str] | None = None) -> None:
        self.fine = np.ascontiguousarray(fine, dtype=np.uint8)   # training rows x features
        self.used = np.asarray(used, dtype=np.uint8)
        if self.fine.shape[1] != len(self.used) or len(self.used) > MAX_FEATURES:
            raise LocalProtocolError("The binned columns do not match their bin counts.")
        self.ex, self.p, self.digest, self.key_bits = ex, params, digest, key_bits
        self.names = names
        self.n_slots = params.fine_bins + 1
        self.maps: list[np.ndarray] | None = None
        self.selected: np.ndarray | None = None

    def on_setup(self, data: bytes) -> bytes:
        body = _expect(data, "scorecard.woe_setup")
        _require(body["digest"] == self.digest, "woe_setup", "digest")
        _require(body["n_rows"] == self.fine.shape[0], "woe_setup", "n_rows")
        n = int.from_bytes(body["key_n"], "big")
        _require(n.bit_length() == self.key_bits, "woe_setup", "key_n")
        crypto = FeatureCrypto(self.ex, n, self.key_bits, self.fine.shape[0], LABEL_SCALE_BITS)
        try:
            crypto.load_gradients(body["labels"], self.fine.shape[0], self.fine)
            cts = (crypto.node_histograms([np.arange(self.fine.shape[0])], self.n_slots, self.used)
                   if len(self.used) else b"")
        finally:
            crypto.drop_tree()
        names = "\n".join(self.names).encode() if self.names and self.p.partner_names else b""
        return CODEC.encode("scorecard.woe_counts", {
            "digest": self.digest, "used": self.used.tobytes(), "names": names, "cts": cts})

    def on_merge(self, data: bytes) -> bytes:
        body = _expect(data, "scorecard.woe_merge")
        f = len(self.used)
        _require(len(body["maps"]) == f * self.n_slots, "woe_merge", "maps")
        _require(len(body["selected"]) == f and set(body["selected"]) <= {0, 1}, "woe_merge",
                 "selected")
        raw = np.frombuffer(body["maps"], dtype=np.uint8).reshape(f, self.n_slots)
        try:
            self.maps = [merging.check_map(raw[j], self.n_slots) for j in range(f)]
        except Exception as exc:
            raise RemoteProtocolError.coded("protocol.field_wrong", field="maps", message="woe_merge") from exc
        self.selected = np.frombuffer(body["selected"], dtype=np.uint8).astype(bool)
        return CODEC.encode("scorecard.woe_done", {"columns": sum(self.n_merged())})

    def n_merged(self) -> list[int]:
        """Merged bins (missing included) of each selected feature."""
        return [int(m[-1]) + 1 for m, s in zip(self.maps, self.selected) if s]

    def merged(self, fine: np.ndarray) -> np.ndarray:
        """Merged bins of the selected features for rows binned finely (training or scoring)."""
        cols = [merging.apply_map(m, fine[:, j]) for j, (m, s) in
                enumerate(zip(self.maps, self.selected)) if s]
        return np.column_stack(cols) if cols else np.zeros((fine.shape[0], 0), np.uint8)
