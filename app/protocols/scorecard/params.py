"""SS-LR job parameters: both parties hold the same approved values and check their digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from app.crypto.paillier import DEFAULT_KEY_BITS
from app.errors import LocalProtocolError

MAX_EPOCHS = 1000
MAX_FEATURES = 255      # per party, intercept included
BATCH_SIZES = (16, 1 << 20)    # smallest and largest rows per gradient step
MAX_LEARNING_RATE = 10.0       # above 0, up to this
MAX_L2 = 10.0
MAX_VALID_FRACTION = 0.9       # the validation share stays below it


@dataclass(frozen=True)
class LRParams:
    epochs: int = 10
    batch_size: int = 8192
    learning_rate: float = 0.5
    l2: float = 0.001            # L2 penalty on the weights (not the intercept)
    valid_fraction: float = 0.0  # > 0: validation loss per epoch (bank only) and early stopping
    patience: int = 2            # epochs without a better validation loss before stopping;
                                 # 0: the fixed number of epochs even with a validation split
    seed: int = 0                # batch order and validation split (model-relevant randomness)
    key_bits: int = DEFAULT_KEY_BITS
    keep_shared: bool = False    # True: neither party learns weights; both keep their shares

    def __post_init__(self) -> None:
        if not (1 <= self.epochs <= MAX_EPOCHS
                and BATCH_SIZES[0] <= self.batch_size <= BATCH_SIZES[1]
                and 0 < self.learning_rate <= MAX_LEARNING_RATE and 0 <= self.l2 <= MAX_L2
                and 0 <= self.valid_fraction < MAX_VALID_FRACTION
                and 0 <= self.patience <= MAX_EPOCHS
                and self.key_bits >= 1024 and self.key_bits % 8 == 0):
            raise LocalProtocolError("The logistic regression parameters are out of range.")

    def digest(self) -> bytes:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).digest()
