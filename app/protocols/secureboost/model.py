"""The two model halves, their plain-data form, and federated scoring.

The label party's half holds the tree structure, leaf weights, its own split rules, and for a
partner node only ``(PARTNER, split_ref)``. The feature party's half maps each ``split_ref`` to
(feature, bin, missing direction); its bin edges never leave it. Both halves serialise to dicts of
plain values and numpy arrays (msgpack/JSON-friendly after array encoding; never pickle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.errors import ValidationError
from app.protocols.secureboost.binning import Binning
from app.protocols.secureboost.tree import goes_left

ABSENT, LEAF, OWN_SPLIT, PARTNER_SPLIT = -1, 0, 1, 2


@dataclass
class TreeArrays:
    """One tree in heap order (node i has children 2i+1, 2i+2)."""

    kind: np.ndarray        # int8: ABSENT / LEAF / OWN_SPLIT / PARTNER_SPLIT
    feature: np.ndarray     # int32: own feature index, or the partner's split_ref
    bin: np.ndarray         # int16: own split bin (-1 for partner splits: the partner keeps it)
    missing_left: np.ndarray  # bool (own splits only)
    value: np.ndarray       # float64 leaf weights (learning rate applied)
    gain: np.ndarray        # float64 split gains (feature importance)
    partner_feature: np.ndarray  # int32 anonymised partner feature position, -1 otherwise

    @classmethod
    def empty(cls, max_depth: int) -> "TreeArrays":
        n = 2 ** (max_depth + 1) - 1
        return cls(np.full(n, ABSENT, np.int8), np.full(n, -1, np.int32), np.full(n, -1, np.int16),
                   np.zeros(n, bool), np.zeros(n), np.zeros(n), np.full(n, -1, np.int32))

    def to_plain(self) -> dict:
        return {k: getattr(self, k).copy() for k in _TREE_FIELDS}

    @classmethod
    def from_plain(cls, d: dict) -> "TreeArrays":
        return cls(**{k: np.asarray(d[k], dtype=dt) for k, dt in _TREE_FIELDS.items()})


_TREE_FIELDS = {"kind": np.int8, "feature": np.int32, "bin": np.int16, "missing_left": bool,
                "value": np.float64, "gain": np.float64, "partner_feature": np.int32}


@dataclass
class LabelModel:
    """The label party's half."""

    base_margin: float
    max_depth: int
    binning: Binning
    trees: list[TreeArrays] = field(default_factory=list)

    def margin(self, own_bins: np.ndarray, partner: "PartnerDecisions | None",
               n_trees: int | None = None) -> np.ndarray:
        n = own_bins.shape[0]
        out = np.full(n, self.base_margin)
        for tree in self.trees[: n_trees if n_trees is not None else len(self.trees)]:
            out += tree.value[self._leaves(tree, own_bins, partner, n)]
        return out

    def _leaves(self, t: TreeArrays, own_bins: np.ndarray, partner, n: int) -> np.ndarray:
        pos = np.zeros(n, dtype=np.int64)
        rows = np.arange(n)
        for _ in range(self.max_depth):
            kind = t.kind[pos]
            own, theirs = kind == OWN_SPLIT, kind == PARTNER_SPLIT
            if not (own.any() or theirs.any()):
                break
            left = np.zeros(n, dtype=bool)
            if own.any():
                r = rows[own]
                col = own_bins[r, t.feature[pos[r]]]
                left[r] = goes_left(col, t.bin[pos[r]].astype(np.int64), self.binning.missing_bin,
                                    t.missing_left[pos[r]])
            if theirs.any():
                if partner is None:
                    raise ValidationError.coded("training.needs_partner_decisions")
                r = rows[theirs]
                left[r] = partner.lookup(t.feature[pos[r]], r)
            step = own | theirs
            pos = np.where(step, np.where(left, 2 * pos + 1, 2 * pos + 2), pos)
        return pos

    def importance(self, partner_label: str = "partner feature #{}") -> dict[str, float]:
        """Total gain per feature; partner features only by anonymous position."""
        imp: dict[str, float] = {}
        for t in self.trees:
            for i in np.flatnonzero(t.kind == OWN_SPLIT):
                name = self.binning.features[int(t.feature[i])].name
                imp[name] = imp.get(name, 0.0) + float(t.gain[i])
            for i in np.flatnonzero(t.kind == PARTNER_SPLIT):
                name = partner_label.format(int(t.partner_feature[i]) + 1)
                imp[name] = imp.get(name, 0.0) + float(t.gain[i])
        return dict(sorted(imp.items(), key=lambda kv: -kv[1]))

    def to_plain(self) -> dict:
        return {"base_margin": self.base_margin, "max_depth": self.max_depth,
                "binning": self.binning.to_dict(), "trees": [t.to_plain() for t in self.trees]}

    @classmethod
    def from_plain(cls, d: dict) -> "LabelModel":
        return cls(float(d["base_margin"]), int(d["max_depth"]), Binning.from_dict(d["binning"]),
                   [TreeArrays.from_plain(t) for t in d["trees"]])


@dataclass
class PartnerSplit:
    feature: int
    bin: int
    missing_left: bool


@dataclass
class FeatureModel:
    """The feature party's half: its private split rules, addressed by split_ref."""

    binning: Binning
    splits: dict[int, PartnerSplit] = field(default_factory=dict)

    def decide(self, bins: np.ndarray, refs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(refs, packed bits n_refs x ceil(n/8)): bit = the row goes left at that split."""
        refs = np.array(sorted(self.splits), dtype=np.uint32) if refs is None else refs
        dec = np.zeros((len(refs), bins.shape[0]), dtype=bool)
        for k, ref in enumerate(refs):
            s = self.splits[int(ref)]
            dec[k] = goes_left(bins[:, s.feature], s.bin, self.binning.missing_bin, s.missing_left)
        return refs, np.packbits(dec, axis=1)

    def keep_only(self, refs: set[int]) -> None:
        self.splits = {r: s for r, s in self.splits.items() if r in refs}

    def to_plain(self) -> dict:
        refs = sorted(self.splits)
        return {"binning": self.binning.to_dict(),
                "refs": np.array(refs, dtype=np.int64),
                "feature": np.array([self.splits[r].feature for r in refs], dtype=np.int64),
                "bin": np.array([self.splits[r].bin for r in refs], dtype=np.int64),
                "missing_left": np.array([self.splits[r].missing_left for r in refs], dtype=bool)}

    @classmethod
    def from_plain(cls, d: dict) -> "FeatureModel":
        splits = {int(r): PartnerSplit(int(f), int(b), bool(m)) for r, f, b, m in
                  zip(d["refs"], d["feature"], d["bin"], d["missing_left"])}
        return cls(Binning.from_dict(d["binning"]), splits)


class PartnerDecisions:
    """The partner's decision bits as received: ref -> row -> goes left."""

    def __init__(self, refs: np.ndarray, packed: np.ndarray, n_rows: int) -> None:
        refs = np.asarray(refs, dtype=np.int64)
        self._map = np.full(int(refs.max()) + 1 if len(refs) else 0, -1, dtype=np.int64)
        self._map[refs] = np.arange(len(refs))
        self._bits = np.unpackbits(packed, axis=1, count=n_rows).astype(bool) if len(refs) \
            else np.zeros((0, n_rows), dtype=bool)

    def lookup(self, refs: np.ndarray, rows: np.ndarray) -> np.ndarray:
        refs = np.asarray(refs, dtype=np.int64)
        ok = (refs >= 0) & (refs < len(self._map))
        idx = np.where(ok, self._map[np.where(ok, refs, 0)] if len(self._map) else -1, -1)
        if (idx < 0).any():
            raise ValidationError.coded("training.decisions_incomplete")
        return self._bits[idx, rows]
