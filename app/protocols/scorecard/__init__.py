"""The federated scorecard, sans-IO: secret-shared logistic regression over WOE features.

``Bank`` (labels, own columns, intercept) and ``Partner`` (own columns) train a vertical logistic
regression whose weights and intermediates are additive shares over Z_2^64 (docs/scorecard.md);
``run_in_memory`` runs both, ``run_bank``/``run_partner`` one role over a message link.
Before it: binning (``binning``: merge maps), WOE/IV and selection (``woe``), the partner's per-bin
label counts under Paillier (``federated``); after it: points (``points``).
"""

from app.protocols.scorecard.cross import Columns
from app.protocols.scorecard.driver import Transcript, run_bank, run_in_memory, run_partner
from app.protocols.scorecard.lr_bank import Bank, BankResult
from app.protocols.scorecard.lr_partner import Partner
from app.protocols.scorecard.messages import CODEC, MESSAGES
from app.protocols.scorecard.params import LRParams

__all__ = ["Bank", "BankResult", "CODEC", "Columns", "LRParams", "MESSAGES", "Partner",
           "Transcript", "run_bank", "run_in_memory", "run_partner"]
