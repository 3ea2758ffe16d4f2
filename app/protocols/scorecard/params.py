"""SS-LR job parameters: both parties hold the same approved values and check their digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from app.crypto.paillier import DEFAULT_KEY_BITS
from app.errors import LocalProtocolError

MAX_EPOCHS = 1000
MAX_FEATURES = 255      # per party, intercept included


@dataclass(frozen=True)
class LRParams:
    epochs: int = 10
    batch_size: int = 8192
    learning_rate: float = 0.5
    l2: float = 0.001            # L2 penalty on the weights (not the intercept)
    valid_fraction: float = 0.0  # > 0: validation loss per epoch and early stopping on it
    patience: int = 2            # epochs without a better validation loss before stopping
    seed: int = 0                # batch order and validation split (model-relevant randomness)
    key_bits: int = DEFAULT_KEY_BITS
    keep_shared: bool = False    # True: neither party learns weights; both keep their shares

    def __post_init__(self) -> None:
        if not (1 <= self.epochs <= MAX_EPOCHS and 16 <= self.batch_size <= 1 << 20
                and 0 < self.learning_rate <= 10 and 0 <= self.l2 <= 10
                and 0 <= self.valid_fraction < 0.9 and self.patience >= 1
                and self.key_bits >= 1024 and self.key_bits % 8 == 0):
            raise LocalProtocolError("The logistic regression parameters are out of range.")

    def digest(self) -> bytes:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).digest()
