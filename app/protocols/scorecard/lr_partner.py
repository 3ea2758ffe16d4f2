"""The partner's side of SS-LR (own WOE columns, no labels): answers the bank, in order.

Sans-IO: ``handle(bytes) -> bytes`` answers one bank message. Internally a generator walks the
same sequence as the bank (setup, per epoch: triples, batches, loss share; finish), so a message
of the wrong type, epoch or batch is refused with a RemoteProtocolError and the run stops.
What the partner receives: the bank's Paillier key, ciphertexts under it, masked products and
gradients under its own key (uniform to it), Beaver openings (uniform), and at the end its
own weights (or nothing, when the weights stay shared). With early stopping it also learns when
the bank stopped and which epoch's weights are kept (at most ``patience`` epochs earlier): the
partner keeps its shares of every epoch's weights until the bank names that epoch.
"""

from __future__ import annotations

from typing import Generator

import numpy as np

from app.crypto.mpc import TripleGen, ring
from app.errors import RemoteProtocolError
from app.executor import Executor
from app.protocols.scorecard import messages as m
from app.protocols.scorecard.cross import Columns
from app.protocols.scorecard.params import LRParams
from app.protocols.scorecard.shares import (Side, batches, early_stopping, triples_per_epoch,
                                            valid_batches)


class Partner:
    def __init__(self, params: LRParams, x: np.ndarray | Columns, executor: Executor) -> None:
        cols = x if isinstance(x, Columns) else Columns.from_matrix(x)
        self.p, self.side, self.n_rows = params, Side(1, params, cols, executor), cols.n_rows
        self.weights: np.ndarray | None = None      # our features' weights, once revealed
        self.shares: tuple[np.ndarray, np.ndarray] | None = None
        self.done = False
        self._gen = self._protocol()
        next(self._gen)

    def handle(self, data: bytes) -> bytes:
        if self.done:
            raise RemoteProtocolError("The bank sent a message after the end of training.")
        try:
            return self._gen.send(data)
        except StopIteration:
            self.done = True
            raise RemoteProtocolError("The bank sent a message after the end of training.") from None
        except Exception:
            self.done = True        # a refused message ends the run: no resynchronising
            raise

    def _protocol(self) -> Generator[bytes | None, bytes, None]:
        s = self.side
        setup = m.expect((yield None), "setup")
        if setup["params_digest"] != self.p.digest():
            raise RemoteProtocolError("The bank's parameters do not match the approved job.")
        if setup["n_rows"] != self.n_rows:
            raise RemoteProtocolError("The bank's row count does not match the aligned rows.")
        if int.from_bytes(setup["key_n"], "big").bit_length() != self.p.key_bits:
            raise RemoteProtocolError("The bank's Paillier key is not the approved size.")
        s.meet(setup["key_n"], setup["n_features"])
        data = yield m.make("setup_ack", version=m.VERSION, params_digest=self.p.digest(),
                            key_n=s.key.n_bytes, n_features=s.cols.n_features)
        stopping, valid = early_stopping(self.p, self.n_rows), valid_batches(self.p, self.n_rows)
        kept: list[tuple[np.ndarray, np.ndarray]] = []     # our shares at the end of each epoch
        for epoch in range(self.p.epochs):
            if stopping and epoch > 0 and m.kind_of(data) == "finish":
                break
            data = yield from self._triples(epoch, data)
            train = batches(self.p, self.n_rows, epoch)
            for b, rows in enumerate(train):
                data = yield from self._batch(epoch, b, rows, data)
            for b, rows in enumerate(valid, start=len(train)):
                z, z2, yz, data = yield from self._forward(epoch, b, rows, data)
                s.add_loss(z, z2, yz, valid=True)
            m.expect(data, "epoch_end", epoch)
            data = yield m.make("loss", epoch=epoch, share=m.ring_bytes(np.array([s.loss_share])),
                                valid=m.ring_bytes(np.array([s.valid_loss_share])) if valid else b"")
            s.loss_share = s.valid_loss_share = np.uint64(0)
            kept.append((s.own_w.copy(), s.peer_w.copy()) if stopping else ())
        body = m.expect(data, "finish")
        last, best = len(kept) - 1, body["epoch"]
        # Without early stopping the bank must name the last epoch; with it, one at most
        # ``patience`` epochs back, and exactly that far back when it stopped before the end.
        back = last - best
        if not (back == 0 if not stopping else
                0 <= back <= self.p.patience and (len(kept) == self.p.epochs
                                                  or back == self.p.patience)):
            raise RemoteProtocolError("The bank named an epoch that early stopping cannot have kept.")
        if stopping:
            s.own_w, s.peer_w = (w.copy() for w in kept[best])
        if self.p.keep_shared:
            m.ring_from(body["weights"], 0, "finish", "weights")
            self.shares = (s.own_w.copy(), s.peer_w.copy())
            reply = m.make("finish_ack", weights=b"")
        else:
            theirs = m.ring_from(body["weights"], s.cols.n_features, "finish", "weights")
            self.weights = ring.decode(s.own_w + theirs)
            reply = m.make("finish_ack", weights=m.ring_bytes(s.peer_w))
        self.done = True    # before the last answer leaves: a driver must stop reading here,
        yield reply         # the next message on the link belongs to the job, not to us

    def _triples(self, epoch: int, data: bytes) -> Generator[bytes, bytes, bytes]:
        gen = TripleGen(1, triples_per_epoch(self.p, self.n_rows))
        gen.start()
        while not gen.done:
            out = gen.receive(m.expect(data, "mpc", epoch, 0)["data"])
            data = yield m.make("mpc", epoch=epoch, batch=0, data=out or b"")
        self.side.triples = gen.result
        return data

    def _forward(self, epoch: int, b: int, rows: np.ndarray, data: bytes) -> Generator[bytes, bytes, tuple]:
        """Our shares of z, z^2 and y·z for ``rows``, and the bank's next message."""
        s, n = self.side, len(rows)
        body = m.expect(data, "forward", epoch, b)
        blob, own_cross = s.peer_key.products(body["shares"], s.cols, rows)
        body = m.expect((yield m.make("forward_reply", epoch=epoch, batch=b, products=blob,
                                      shares=s.key.encrypt_slotted(s.peer_w, s.peer_features))),
                        "products", epoch, b)
        peer_cross = s.key.decrypt_products(body["products"], n, s.peer_features)
        z = s.z_share(rows, own_cross, peer_cross)
        both = s.mul(np.concatenate([z, np.zeros(n, np.uint64)]), np.concatenate([z, z]))
        opening = both.start()
        both.receive(body["open"])
        data = yield m.make("mpc", epoch=epoch, batch=b, data=opening)
        return z, both.result[:n], both.result[n:], data

    def _batch(self, epoch: int, b: int, rows: np.ndarray, data: bytes) -> Generator[bytes, bytes, bytes]:
        s, n = self.side, len(rows)
        z, z2, yz, data = yield from self._forward(epoch, b, rows, data)
        cube = s.mul(z2, z)
        opening = cube.start()
        cube.receive(m.expect(data, "mpc", epoch, b)["data"])
        data = yield m.make("mpc", epoch=epoch, batch=b, data=opening)
        s.add_loss(z, z2, yz)
        e = s.residual(z, cube.result, None)
        body = m.expect(data, "residuals", epoch, b)
        blob, own_grad_cross = s.peer_key.gradient(body["cts"], s.cols, rows)
        body = m.expect((yield m.make("residuals_reply", epoch=epoch, batch=b, gradient=blob,
                                      cts=s.key.encrypt_rows(e))), "gradient", epoch, b)
        peer_grad = s.key.decrypt_gradient(body["gradient"], s.peer_features, n)
        s.own_w = s.update(s.own_w, s.local_gradient(rows, e) + own_grad_cross, n, intercept=False)
        s.peer_w = s.update(s.peer_w, peer_grad, n, intercept=True)
        return (yield m.make("ack", epoch=epoch, batch=b))
