"""Job hyper-parameters both parties approve; the setup message carries only their digest.

Each party is constructed with the parameters of the approved job and refuses a peer whose digest
differs, so nobody can steer the other's row sampling or tree depth mid-protocol.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from app.crypto import schemes
from app.errors import ValidationError

MAX_DEPTH = 10
MAX_TREES = 1000


@dataclass(frozen=True)
class TrainParams:
    n_trees: int = 100
    max_depth: int = 5
    learning_rate: float = 0.3
    reg_lambda: float = 1.0
    min_child_weight: float = 1.0
    min_leaf_size: int = 20            # label protection: no leaf isolates a handful of customers
    n_bins: int = 32
    valid_fraction: float = 0.2
    early_stopping_rounds: int = 10    # 0: off
    row_subsample: float = 1.0
    col_subsample: float = 1.0
    first_tree_label_only: bool = True  # label protection (FATE complete_secure)
    key_bits: int = 2048
    scale_bits: int = 24
    seed: int = 0
    scheme: str = schemes.DEFAULT      # "paillier" or "ou" (docs/he-schemes.md)

    def __post_init__(self) -> None:
        checks = [
            (1 <= self.n_trees <= MAX_TREES, "training.trees_range", {"maximum": MAX_TREES}),
            (1 <= self.max_depth <= MAX_DEPTH, "training.depth_range", {"maximum": MAX_DEPTH}),
            (0.0 < self.learning_rate <= 1.0, "training.learning_rate", {}),
            (0.0 <= self.reg_lambda <= 1e6, "training.l2_range", {}),
            (0.0 <= self.min_child_weight <= 1e9, "training.min_child_weight", {}),
            (1 <= self.min_leaf_size <= 10**9, "training.min_leaf_size", {}),
            (2 <= self.n_bins <= 254, "training.bins_range", {"maximum": 254}),
            (0.0 <= self.valid_fraction < 0.9, "training.validation_share", {}),
            (0 <= self.early_stopping_rounds <= MAX_TREES, "training.early_stopping_range", {}),
            (self.early_stopping_rounds == 0 or self.valid_fraction > 0.0,
             "training.early_stopping_needs_validation", {}),
            (0.0 < self.row_subsample <= 1.0, "training.row_subsample", {}),
            (0.0 < self.col_subsample <= 1.0, "training.feature_subsample", {}),
            (self.key_bits in (1024, 2048, 3072, 4096), "training.key_size", {}),
            (16 <= self.scale_bits <= 40, "training.scale_bits", {}),
            (0 <= self.seed < 2**63, "training.seed", {}),
            (self.scheme in schemes.NAMES, "crypto.unknown_scheme",
             {"choices": list(schemes.NAMES)}),
        ]
        for ok, code, params in checks:
            if not ok:
                raise ValidationError(code=code, params=params)

    def digest(self) -> bytes:
        """SHA-256 of the canonical JSON form; equal digests mean equal jobs. The default scheme
        is left out, so jobs approved before the scheme was a parameter keep their digest."""
        form = asdict(self)
        if form["scheme"] == schemes.DEFAULT:
            del form["scheme"]
        return hashlib.sha256(json.dumps(form, sort_keys=True).encode()).digest()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainParams":
        return cls(**d)
