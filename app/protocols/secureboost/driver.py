"""In-memory runner: passes encoded messages between the two roles (real jobs carry them over TLS).

Every message crosses as bytes through the same encode/validate path a socket would use, and the
runner can keep a transcript (direction, bytes) for the leakage tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from app.protocols.secureboost import messages as m
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.gradients import sigmoid
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.model import LabelModel, PartnerDecisions

Checkpoint = Callable[[int, dict, dict | None], None]


@dataclass
class Transcript:
    to_feature: list[bytes] = field(default_factory=list)
    to_label: list[bytes] = field(default_factory=list)


def run_training(label: LabelParty, feature: FeatureParty | None,
                 transcript: Transcript | None = None,
                 on_checkpoint: Checkpoint | None = None) -> LabelModel:
    """Drive both roles to the end; ``on_checkpoint(tree, label_state, feature_state)`` per tree."""
    if on_checkpoint is not None:
        label.on_tree_done = lambda t: on_checkpoint(
            t, label.checkpoint(), feature.checkpoint() if feature is not None else None)
    gen = label.protocol()
    try:
        request = next(gen)
        while True:
            if feature is None:
                raise RuntimeError("the label party expected a partner")
            request = bytes(request)  # joined: in memory there is no link to stream it over
            if transcript is not None:
                transcript.to_feature.append(request)
            reply = feature.handle(request)
            if transcript is not None:
                transcript.to_label.append(reply)
            request = gen.send(reply)
    except StopIteration as done:
        return done.value


def federated_scores(label_model: LabelModel, own_bins: np.ndarray, feature: FeatureParty | None,
                     partner_bins: np.ndarray | None, transcript: Transcript | None = None) -> np.ndarray:
    """Scores (probabilities) for aligned rows: the partner sends its decisions as bits."""
    n = own_bins.shape[0]
    decisions = None
    if feature is not None:
        request = m.encode(m.make("score_request", n_rows=n))
        reply = feature.score(request, partner_bins)
        if transcript is not None:
            transcript.to_feature.append(request)
            transcript.to_label.append(reply)
        msg = m.decode(reply, {"score_decisions"})
        m.require(msg.n_rows == n, "score_decisions", "n_rows")
        m.require(len(msg.bits) == len(msg.refs) * m.packed_len(n), "score_decisions", "bits")
        packed = np.frombuffer(msg.bits, dtype=np.uint8).reshape(len(msg.refs), m.packed_len(n))
        decisions = PartnerDecisions(msg.refs, packed, n)
    return sigmoid(label_model.margin(own_bins, decisions))
