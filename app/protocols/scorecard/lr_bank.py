"""The bank's side of SS-LR (labels, own WOE columns, the intercept): drives the protocol.

Sans-IO like SecureBoost's label party: ``protocol()`` is a generator yielding encoded messages
for the partner and receiving its encoded replies. Per batch (docs/scorecard.md):
forward (encrypted weight shares both ways, masked packed products back) -> z shares ->
z^2, z^3 and y·z by Beaver triples -> residual shares -> encrypted residual shares both ways,
masked per-feature gradients back -> update of the weight shares. Triples for an epoch are
made at its start by the two parties alone (IKNP OT, app.crypto.mpc). With a validation split,
each epoch ends with a forward pass over the held-out rows whose loss only the bank learns; with
early stopping the bank ends training after ``patience`` epochs without a better validation loss
and both parties keep their shares of the best epoch's weights. What the bank learns: the training
(and validation) loss per epoch and, at the end, the weights of its own features (intercept first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Generator

import numpy as np

from app.crypto.mpc import TripleGen, ring
from app.errors import LocalProtocolError, RemoteProtocolError
from app.executor import Executor
from app.protocols.scorecard import messages as m
from app.protocols.scorecard.cross import Columns
from app.protocols.scorecard.params import LRParams
from app.protocols.scorecard.shares import (Side, batches, early_stopping, triples_per_epoch,
                                            valid_batches)

Protocol = Generator[bytes, bytes, "BankResult"]


@dataclass
class BankResult:
    """``weights``: intercept then one weight per bank feature (None if kept shared);
    ``shares``: the bank's shares (own weights, partner's weights) when kept shared;
    ``valid_losses``: validation loss per epoch (empty without a split); ``best_epoch``: the epoch
    whose weights were kept (the last one unless early stopping chose an earlier one)."""
    weights: np.ndarray | None
    losses: list[float] = field(default_factory=list)
    shares: tuple[np.ndarray, np.ndarray] | None = None
    valid_losses: list[float] = field(default_factory=list)
    best_epoch: int = -1


class Bank:
    def __init__(self, params: LRParams, x: np.ndarray | Columns, y: np.ndarray,
                 executor: Executor) -> None:
        cols = x if isinstance(x, Columns) else Columns.from_matrix(x, intercept=True)
        y = np.asarray(y)
        if len(y) != cols.n_rows or not np.isin(y, (0, 1)).all():
            raise LocalProtocolError("Labels must be 0 or 1, one per row.")
        self.p, self.side = params, Side(0, params, cols, executor)
        self.y = y.astype(np.int64)
        self.n_rows = cols.n_rows
        self.losses: list[float] = []
        self.valid_losses: list[float] = []

    # ---------------------------------------------------------------- the protocol

    def protocol(self) -> Protocol:
        s = self.side
        ack = m.expect((yield m.make("setup", version=m.VERSION, params_digest=self.p.digest(),
                                     key_n=s.key.n_bytes, n_rows=self.n_rows,
                                     n_features=s.cols.n_features)), "setup_ack")
        if ack["params_digest"] != self.p.digest():
            raise RemoteProtocolError.coded("protocol.partner_params_differ")
        s.meet(ack["key_n"], ack["n_features"])
        stopping, valid = early_stopping(self.p, self.n_rows), valid_batches(self.p, self.n_rows)
        best, kept = -1, None
        for epoch in range(self.p.epochs):
            yield from self._triples(epoch)
            train = batches(self.p, self.n_rows, epoch)
            for b, rows in enumerate(train):
                yield from self._batch(epoch, b, rows)
            for b, rows in enumerate(valid, start=len(train)):
                z, z2, yz, _ = yield from self._forward(epoch, b, rows)
                s.add_loss(z, z2, yz, valid=True)
            reply = m.expect((yield m.make("epoch_end", epoch=epoch)), "loss", epoch)
            self.losses.append(self._mean_loss(s.loss_share, reply["share"], train))
            if valid:
                self.valid_losses.append(self._mean_loss(s.valid_loss_share, reply["valid"], valid))
            else:
                m.ring_from(reply["valid"], 0, "loss", "valid")
            s.loss_share = s.valid_loss_share = np.uint64(0)
            if not stopping:
                best = epoch
            elif best < 0 or self.valid_losses[-1] < self.valid_losses[best]:
                best, kept = epoch, (s.own_w.copy(), s.peer_w.copy())
            elif epoch - best >= self.p.patience:
                break
        if kept is not None:
            s.own_w, s.peer_w = kept
        reveal = b"" if self.p.keep_shared else m.ring_bytes(s.peer_w)
        done = m.expect((yield m.make("finish", epoch=best, weights=reveal)), "finish_ack")
        if self.p.keep_shared:
            m.ring_from(done["weights"], 0, "finish_ack", "weights")
            return BankResult(None, self.losses, (s.own_w.copy(), s.peer_w.copy()),
                              self.valid_losses, best)
        theirs = m.ring_from(done["weights"], s.cols.n_features, "finish_ack", "weights")
        return BankResult(ring.decode(s.own_w + theirs), self.losses, None, self.valid_losses, best)

    @staticmethod
    def _mean_loss(ours: np.uint64, theirs: bytes, pieces: list[np.ndarray]) -> float:
        """Mean loss from both shares of 8·(sum of loss - log 2) over the rows of ``pieces``."""
        total = ring.decode(ours + m.ring_from(theirs, 1, "loss", "share"))[0]
        return math.log(2) + total / 8 / sum(len(r) for r in pieces)

    def _triples(self, epoch: int) -> Generator[bytes, bytes, None]:
        # In this process, not on the executor: see docs/mpc.md (Figures) for why. The OT phase's
        # wall time as the bank sees it stands beside the triples' bound in benchmarks.
        with self.side.key.timed("triples"):
            gen = TripleGen(0, triples_per_epoch(self.p, self.n_rows))
            out = gen.start()
            while True:
                data = m.expect((yield m.make("mpc", epoch=epoch, batch=0, data=out)), "mpc",
                                epoch)["data"]
                if gen.done:
                    if data:
                        raise RemoteProtocolError.coded("protocol.extra_triples")
                    break
                out = gen.receive(data)
            self.side.triples = gen.result

    def _forward(self, epoch: int, b: int, rows: np.ndarray) -> Generator[bytes, bytes, tuple]:
        """Shares of z, z^2 and y·z for ``rows`` (and the labels in the ring)."""
        s, n = self.side, len(rows)
        # Weight shares, encrypted, both ways; masked packed products come back.
        reply = m.expect((yield m.make("forward", epoch=epoch, batch=b,
                                       shares=s.key.encrypt_slotted(s.peer_w, s.peer_features))),
                         "forward_reply", epoch, b)
        peer_cross = s.key.decrypt_products(reply["products"], n, s.peer_features)
        blob, own_cross = s.peer_key.products(reply["shares"], s.cols, rows)
        z = s.z_share(rows, own_cross, peer_cross)
        y_enc = ring.encode(self.y[rows].astype(np.float64))
        # z^2 and y·z in one Beaver product of length 2n: (z, y) x (z, z).
        both = s.mul(np.concatenate([z, y_enc]), np.concatenate([z, z]))
        reply = m.expect((yield m.make("products", epoch=epoch, batch=b, products=blob,
                                       open=both.start())), "mpc", epoch, b)
        both.receive(reply["data"])
        return z, both.result[:n], both.result[n:], y_enc

    def _batch(self, epoch: int, b: int, rows: np.ndarray) -> Generator[bytes, bytes, None]:
        s, n = self.side, len(rows)
        # 1. The forward pass: z, z^2 and y·z on shares.
        z, z2, yz, y_enc = yield from self._forward(epoch, b, rows)
        cube = s.mul(z2, z)
        reply = m.expect((yield m.make("mpc", epoch=epoch, batch=b, data=cube.start())), "mpc", epoch, b)
        cube.receive(reply["data"])
        s.add_loss(z, z2, yz)
        e = s.residual(z, cube.result, y_enc)
        # 2. Residual shares, encrypted, both ways; masked gradients come back.
        reply = m.expect((yield m.make("residuals", epoch=epoch, batch=b, cts=s.key.encrypt_rows(e))),
                         "residuals_reply", epoch, b)
        peer_grad = s.key.decrypt_gradient(reply["gradient"], s.peer_features, n)
        blob, own_grad_cross = s.peer_key.gradient(reply["cts"], s.cols, rows)
        m.expect((yield m.make("gradient", epoch=epoch, batch=b, gradient=blob)), "ack", epoch, b)
        s.own_w = s.update(s.own_w, s.local_gradient(rows, e) + own_grad_cross, n, intercept=True)
        s.peer_w = s.update(s.peer_w, peer_grad, n, intercept=False)

