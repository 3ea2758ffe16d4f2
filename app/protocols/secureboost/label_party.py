"""The label party (bank): labels + own features; drives training and finds every split.

Sans-IO: ``protocol()`` is a generator that yields encoded messages for the feature party and
receives the encoded replies (``reply = yield request``). With no partner (``partner=False``) the
very same code path trains the label-only comparison model and never yields.
Per tree: encrypt packed (g, h) -> root histogram -> per level: best split per node over both
parties' histograms, tell the partner only which of its candidates won (plus the partition of our
own splits it needs for the next histograms) -> smaller child histogram, sibling by subtraction.
Leaf weights, gains and gradient sums never leave this object.
"""

from __future__ import annotations

from typing import Generator

import numpy as np

from app.crypto.packing import tampered
from app.executor import Executor
from app.errors import LocalProtocolError
from app.protocols.secureboost import messages as m
from app.protocols.secureboost.binning import Binning
from app.protocols.secureboost.gradients import FixedPoint, base_margin, log_loss, logistic_grad_hess
from app.protocols.secureboost.he import LabelCrypto
from app.protocols.secureboost.model import (LEAF, OWN_SPLIT, PARTNER_SPLIT, LabelModel, TreeArrays)
from app.protocols.secureboost.params import TrainParams
from app.protocols.secureboost.sampling import train_valid_split, tree_features, tree_rows
from app.protocols.secureboost.tree import (OWN, Hist, Node, SplitParams, best_split, children,
                                            goes_left, leaf_weight, own_histogram, smaller_child)

Protocol = Generator["bytes | m.Encoded", bytes, LabelModel]  # Encoded: the 1 GiB tree_start

# Early stopping picks the number of trees from the validation loss; with fewer events (buyers, or
# non-buyers if rarer) than this in the validation rows that loss is noise and the chosen number of
# trees changes with the seed (on a 6 %-buyer set: 3 trees one run, 18 the next). Then every approved tree is
# built instead, and the report says why (docs/training.md).
MIN_VALIDATION_EVENTS = 50


class LabelParty:
    def __init__(self, params: TrainParams, y: np.ndarray, bins: np.ndarray, binning: Binning,
                 partner: bool = True, state: dict | None = None,
                 executor: Executor | None = None) -> None:
        y = np.asarray(y, dtype=np.float64)
        if bins.shape[0] != len(y) or bins.shape[1] != len(binning.features):
            raise LocalProtocolError("Labels, bins and binning do not match.")
        if partner and executor is None:
            raise LocalProtocolError("Training with a partner needs a crypto executor.")
        self.p, self.y, self.bins, self.partner = params, y, np.ascontiguousarray(bins, np.uint8), partner
        self.executor = executor
        self.n_rows = len(y)
        self.train_rows, self.valid_rows = train_valid_split(self.n_rows, params.valid_fraction, params.seed)
        self.fixed = FixedPoint(params.scale_bits)
        self.sp = SplitParams(params.reg_lambda, params.min_child_weight, params.min_leaf_size, self.fixed.scale)
        self.n_slots = params.n_bins + 1
        self.model = LabelModel(base_margin(y[self.train_rows]), params.max_depth, binning)
        self.margin = np.full(self.n_rows, self.model.base_margin)
        self.next_tree, self.best_tree, self.best_loss, self.history = 0, 0, np.inf, []
        self.stopped = False
        valid_y = y[self.valid_rows]
        self.validation_events = int(min(valid_y.sum(), len(valid_y) - valid_y.sum()))
        self.early_stopping_refused = (params.early_stopping_rounds > 0 and len(self.valid_rows) > 0
                                       and self.validation_events < MIN_VALIDATION_EVENTS)
        if state is not None:
            self._restore(state)
        self.n_partner_features = 0
        self.crypto: LabelCrypto | None = None
        self.on_tree_done = None  # optional callback(tree_index) at each tree boundary

    # ---------------------------------------------------------------- the protocol

    def protocol(self) -> Protocol:
        if self.partner:
            yield from self._setup()
        while not self.stopped and self.next_tree < self.p.n_trees:
            yield from self._grow_tree(self.next_tree)
            self._end_of_tree()
            if self.partner:
                self._expect((yield m.encode(m.make("tree_done", tree=self.next_tree - 1))), "ack")
            if self.on_tree_done is not None:
                self.on_tree_done(self.next_tree - 1)
        keep = self.best_tree if self._early_stopping else len(self.model.trees)
        self.model.trees = self.model.trees[:keep]
        if self.partner:
            self._expect((yield m.encode(m.make("finish", n_trees=np.array([keep], np.uint32)))), "ack")
        return self.model

    def _setup(self) -> Generator[bytes, bytes, None]:
        n_train = len(self.train_rows)
        self.crypto = LabelCrypto(self.executor, self.p.key_bits, n_train, self.p.scale_bits,
                                  self.p.scheme)
        reply = yield m.encode(m.make("setup", version=m.VERSION, params_digest=self.p.digest(),
                                      key_n=self.crypto.n_bytes, start_tree=self.next_tree,
                                      n_rows=self.n_rows))
        ack = self._expect(reply, "setup_ack")
        m.require(ack.params_digest == self.p.digest(), "setup_ack", "params_digest",
                  "does not match the approved job")
        self.n_partner_features = ack.n_features
        counts = ack.bin_counts
        m.require(len(counts) == ack.n_features, "setup_ack", "bin_counts")
        m.require(bool(((counts >= 1) & (counts <= self.p.n_bins)).all()), "setup_ack", "bin_counts",
                  "is out of range")
        self.partner_used = counts.astype(np.int64)

    @staticmethod
    def _expect(data: bytes, type_: str) -> m.Message:
        return m.decode(data, {type_})

    # ---------------------------------------------------------------- one tree

    def _grow_tree(self, t: int) -> Generator[bytes, bytes, None]:
        p = self.p
        rows = tree_rows(self.train_rows, p.row_subsample, p.seed, t)
        other = np.setdiff1d(np.arange(self.n_rows), rows, assume_unique=True)
        g, h = logistic_grad_hess(self.y[rows], self.margin[rows])
        g_int, h_int = self.fixed.encode(g, h)
        own_feats = tree_features(self.bins.shape[1], p.col_subsample, p.seed, t, 0)
        with_partner = self.partner and not (t == 0 and p.first_tree_label_only)
        partner_feats = (tree_features(self.n_partner_features, p.col_subsample, p.seed, t, 1)
                         if with_partner else np.zeros(0, np.int64))
        ctx = _TreeContext(self.bins[np.ix_(rows, own_feats)], g_int, h_int, own_feats, partner_feats)
        all_rows = np.arange(len(rows))
        root = Node(0, 0, all_rows, (int(g_int.sum()), int(h_int.sum()), len(rows)))
        root.own = own_histogram(ctx.bins, all_rows, g_int, h_int, self.n_slots)
        if with_partner:
            reply = yield m.encode_parts(m.make(
                "tree_start", tree=t, gradients=self.crypto.encrypt_gradients(g_int, h_int)))
            self._read_histograms(self._expect(reply, "histograms"), t, 0, {0: root}, ctx)
        tree = TreeArrays.empty(p.max_depth)
        other_pos = np.zeros(len(other), dtype=np.int64)
        level = [root]
        for depth in range(p.max_depth):
            for node in level:
                node.split = best_split(self._offers(node, ctx), node.totals, self.sp)
            splitting = [n for n in level if n.split is not None]
            part = {}
            if with_partner:
                msg = self._expect((yield self._level_message(t, depth, level, ctx)), "histograms")
                part = self._read_partitions(msg, t, depth, splitting, len(other))
                next_level = self._split_nodes(splitting, ctx, part)
                self._read_histograms(msg, t, depth + 1, {n.id: n for n in next_level}, ctx)
            else:
                next_level = self._split_nodes(splitting, ctx, part)
            self._own_histograms(next_level, ctx, depth)
            other_pos = self._route_other(other_pos, other, splitting, ctx, part)
            for node in level:
                self._record(tree, node, ctx)
            level = next_level
        for node in level:
            self._record(tree, node, ctx)
        leaf_of_row = np.empty(len(rows), dtype=np.int64)
        for node_id, node_rows in ctx.leaf_rows.items():
            leaf_of_row[node_rows] = node_id
        self.margin[rows] += tree.value[leaf_of_row]
        self.margin[other] += tree.value[other_pos]
        self.model.trees.append(tree)

    def _offers(self, node: Node, ctx: "_TreeContext") -> list[tuple[int, Hist]]:
        offers = [(OWN, node.own)]
        if node.partner is not None:
            offers.append((1, node.partner))
        return offers

    def _level_message(self, t: int, depth: int, level: list[Node], ctx: "_TreeContext") -> bytes:
        n_slots = 1 << depth
        kinds = np.zeros(n_slots, np.uint8)
        split_ids = np.zeros(n_slots, np.uint32)
        missing_left = np.zeros(n_slots, np.uint8)
        left_bits = np.zeros(len(ctx.g_int), dtype=bool)
        for node in level:
            k = node.id - (n_slots - 1)
            s = node.split
            if s is None:
                kinds[k] = m.NODE_LEAF
            elif s.owner == OWN:
                kinds[k] = m.NODE_LABEL_SPLIT
                left_bits[node.rows] = goes_left(ctx.bins[node.rows, s.feature], s.bin,
                                                 self.model.binning.missing_bin, s.missing_left)
            else:
                kinds[k] = m.NODE_PARTNER_SPLIT
                split_ids[k] = s.feature * self.p.n_bins + s.bin
                missing_left[k] = s.missing_left
        # The partner needs our partitions only to build histograms of the next level.
        last = depth + 1 >= self.p.max_depth
        blob = b"" if last else np.packbits(left_bits).tobytes()
        return m.encode(m.make("level", tree=t, depth=depth, kinds=kinds, split_ids=split_ids,
                               missing_left=missing_left, left_bits=blob))

    def _read_partitions(self, msg: m.Message, t, depth, splitting, n_other) -> dict:
        """Our copy of the partner's winning splits: node rows going left, and all other rows."""
        m.require(msg.tree == t and msg.depth == depth + 1, "histograms", "depth", "is out of order")
        theirs = [n for n in splitting if n.split.owner != OWN]
        m.require(list(msg.part_nodes) == [n.id for n in theirs], "histograms", "part_nodes")
        m.require(len(msg.part_refs) == len(theirs), "histograms", "part_refs")
        m.require(len(set(msg.part_refs.tolist())) == len(theirs), "histograms", "part_refs",
                  "repeats a split reference")
        sizes = [m.packed_len(len(n.rows)) for n in theirs]
        m.require(len(msg.part_bits) == sum(sizes), "histograms", "part_bits")
        ob = m.packed_len(n_other)
        m.require(len(msg.other_bits) == ob * len(theirs), "histograms", "other_bits")
        part, off = {}, 0
        for i, (node, size) in enumerate(zip(theirs, sizes)):
            left = m.unpack_bits(msg.part_bits[off:off + size], len(node.rows), "histograms", "part_bits")
            other = m.unpack_bits(msg.other_bits[i * ob:(i + 1) * ob], n_other, "histograms", "other_bits")
            part[node.id] = (left, other)
            node.split_ref = int(msg.part_refs[i])
            off += size
        return part

    def _read_histograms(self, msg: m.Message, t: int, depth: int, nodes: dict[int, Node], ctx) -> None:
        """Decrypt the smaller children's partner histograms; siblings = parent - smaller."""
        if depth == 0:
            m.require(msg.tree == t and msg.depth == 0, "histograms", "depth", "is out of order")
            m.require(len(msg.part_nodes) == 0, "histograms", "part_nodes")
        expected = self._direct_children(nodes) if depth > 0 else [0]
        last = depth >= self.p.max_depth
        m.require(list(msg.node_ids) == ([] if last else expected), "histograms", "node_ids")
        used = self.partner_used[ctx.partner_feats]
        hists = self.crypto.decrypt_histograms(msg.cts, len(msg.node_ids), used, self.n_slots)
        for node_id, hist in zip(msg.node_ids.tolist(), hists):
            node = nodes[node_id]
            node.partner = hist
            # Range check beyond the slots: each feature's bins partition the node, so its sums
            # equal the node's exact totals; anything else is a tampered ciphertext (under OU a
            # probe for p), and the job stops before any decision depends on it.
            g_total, h_total, _ = node.totals
            if not ((node.partner.c.sum(axis=1) == len(node.rows)).all()
                    and (node.partner.g.sum(axis=1) == g_total).all()
                    and (node.partner.h.sum(axis=1) == h_total).all()):
                raise tampered("a feature's bins do not add up to the node's rows")
            sib = nodes.get(_sibling(node_id))
            if sib is not None and node_id > 0:
                sib.partner = ctx.parent_partner[node_id] - node.partner

    def _direct_children(self, nodes: dict[int, Node]) -> list[int]:
        out = []
        for node_id in sorted(nodes):
            if node_id % 2 == 1:
                left, right = nodes[node_id], nodes[node_id + 1]
                out.append((node_id, node_id + 1)[smaller_child(len(left.rows), len(right.rows))])
        return out

    def _split_nodes(self, splitting: list[Node], ctx, part: dict) -> list[Node]:
        out = []
        for node in splitting:
            s = node.split
            if s.owner == OWN:
                left = goes_left(ctx.bins[node.rows, s.feature], s.bin, self.model.binning.missing_bin,
                                 s.missing_left)
            else:
                left = part[node.id][0]
            lc, rc = children(node.id)
            for cid, r in ((lc, node.rows[left]), (rc, node.rows[~left])):
                out.append(Node(cid, node.depth + 1, r,
                                (int(ctx.g_int[r].sum()), int(ctx.h_int[r].sum()), len(r))))
            m.require(len(out[-2].rows) > 0 and len(out[-1].rows) > 0, "histograms", "part_bits",
                      "leaves a child empty")
            if node.partner is not None:
                ctx.parent_partner[lc] = ctx.parent_partner[rc] = node.partner
            ctx.parent_own[lc] = ctx.parent_own[rc] = node.own
        return out

    def _own_histograms(self, level: list[Node], ctx, depth: int) -> None:
        if depth + 1 >= self.p.max_depth:
            return
        for i in range(0, len(level), 2):
            left, right = level[i], level[i + 1]
            small, big = (left, right) if smaller_child(len(left.rows), len(right.rows)) == 0 else (right, left)
            small.own = own_histogram(ctx.bins, small.rows, ctx.g_int, ctx.h_int, self.n_slots)
            big.own = ctx.parent_own[small.id] - small.own

    def _route_other(self, pos, other, splitting, ctx, part) -> np.ndarray:
        for node in splitting:
            at = pos == node.id
            if not at.any():
                continue
            s = node.split
            if s.owner == OWN:
                col = self.bins[other[at], ctx.own_feats[s.feature]]
                left = goes_left(col, s.bin, self.model.binning.missing_bin, s.missing_left)
            else:
                left = part[node.id][1][at]
            lc, rc = children(node.id)
            pos[at] = np.where(left, lc, rc)
        return pos

    def _record(self, tree: TreeArrays, node: Node, ctx: "_TreeContext") -> None:
        s = node.split
        if s is None:
            tree.kind[node.id] = LEAF
            tree.value[node.id] = leaf_weight(node.totals[0], node.totals[1], self.sp, self.p.learning_rate)
            ctx.leaf_rows[node.id] = node.rows
            return
        tree.gain[node.id] = s.gain
        tree.missing_left[node.id] = s.missing_left
        if s.owner == OWN:
            tree.kind[node.id], tree.feature[node.id] = OWN_SPLIT, ctx.own_feats[s.feature]
            tree.bin[node.id] = s.bin
        else:
            tree.kind[node.id], tree.feature[node.id] = PARTNER_SPLIT, node.split_ref
            tree.partner_feature[node.id] = ctx.partner_feats[s.feature]
            tree.missing_left[node.id] = False  # the partner keeps its rule

    # ---------------------------------------------------------------- early stopping, checkpoints

    @property
    def _early_stopping(self) -> bool:
        return (self.p.early_stopping_rounds > 0 and len(self.valid_rows) > 0
                and not self.early_stopping_refused)

    def early_stopping_note(self) -> dict:
        """For the report: whether early stopping chose the trees, and on how many events."""
        return {"rounds": self.p.early_stopping_rounds, "used": self._early_stopping,
                "refused": self.early_stopping_refused, "validation_rows": len(self.valid_rows),
                "validation_events": self.validation_events, "minimum": MIN_VALIDATION_EVENTS}

    def _end_of_tree(self) -> None:
        self.next_tree += 1
        if not self._early_stopping:
            return
        loss = log_loss(self.y[self.valid_rows], self.margin[self.valid_rows])
        self.history.append(loss)
        if loss < self.best_loss:
            self.best_loss, self.best_tree = loss, self.next_tree
        elif self.next_tree - self.best_tree >= self.p.early_stopping_rounds:
            self.stopped = True

    def checkpoint(self) -> dict:
        """Plain data at a tree boundary: no key (a resumed run makes a fresh one)."""
        return {"params_digest": self.p.digest(), "next_tree": self.next_tree,
                "best_tree": self.best_tree, "best_loss": float(self.best_loss),
                "history": np.array(self.history, dtype=np.float64), "stopped": self.stopped,
                "margin": self.margin.copy(), "model": self.model.to_plain()}

    def _restore(self, st: dict) -> None:
        if bytes(st["params_digest"]) != self.p.digest():
            raise LocalProtocolError("The checkpoint belongs to a different job.")
        self.next_tree, self.best_tree = int(st["next_tree"]), int(st["best_tree"])
        self.best_loss, self.stopped = float(st["best_loss"]), bool(st["stopped"])
        self.history = [float(x) for x in st["history"]]
        self.margin = np.asarray(st["margin"], dtype=np.float64).copy()
        self.model = LabelModel.from_plain(st["model"])


class _TreeContext:
    """Per-tree working data shared by the level steps."""

    def __init__(self, bins, g_int, h_int, own_feats, partner_feats) -> None:
        self.bins, self.g_int, self.h_int = bins, g_int, h_int
        self.own_feats, self.partner_feats = own_feats, partner_feats
        self.parent_own: dict[int, Hist] = {}
        self.parent_partner: dict[int, Hist] = {}
        self.leaf_rows: dict[int, np.ndarray] = {}


def _sibling(node_id: int) -> int:
    return node_id + 1 if node_id % 2 == 1 else node_id - 1
