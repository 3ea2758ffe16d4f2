"""Vertically federated SecureBoost (Paillier), sans-IO: see docs/secureboost.md.

Roles: ``LabelParty`` (labels + own features, key owner) and ``FeatureParty`` (features only);
``driver.run_training`` passes their messages in memory, ``driver.federated_scores`` scores.
"""

from app.protocols.secureboost.binning import Binning, fit_binning
from app.protocols.secureboost.driver import Transcript, federated_scores, run_training
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.model import FeatureModel, LabelModel
from app.protocols.secureboost.params import TrainParams

__all__ = ["Binning", "fit_binning", "Transcript", "federated_scores", "run_training",
           "FeatureParty", "LabelParty", "FeatureModel", "LabelModel", "TrainParams"]
