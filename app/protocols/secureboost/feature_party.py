"""The feature party (partner): features only, no labels; answers the label party's requests.

Sans-IO: ``handle(bytes) -> bytes`` turns one validated peer message into one reply. What it
learns: encrypted gradients, which of its own split candidates won at which node, the row
partition of label-party splits it needs to build the next histograms, and the tree shape.
What it never receives: labels, gradients in the clear, leaf weights, gains, gradient sums.
"""

from __future__ import annotations

import numpy as np

from app.executor import Executor
from app.errors import LocalProtocolError
from app.protocols.secureboost import messages as m
from app.protocols.secureboost.binning import Binning
from app.protocols.secureboost.he import FeatureCrypto
from app.protocols.secureboost.model import FeatureModel, PartnerSplit
from app.protocols.secureboost.params import TrainParams
from app.protocols.secureboost.sampling import train_valid_split, tree_features, tree_rows
from app.protocols.secureboost.tree import children, goes_left, smaller_child


class FeatureParty:
    def __init__(self, params: TrainParams, bins: np.ndarray, binning: Binning,
                 state: dict | None = None, executor: Executor | None = None) -> None:
        if binning.n_bins != params.n_bins or bins.shape[1] != len(binning.features):
            raise LocalProtocolError("The binning does not match the job parameters.")
        self.p, self.bins, self.binning = params, np.ascontiguousarray(bins, np.uint8), binning
        self.executor = executor  # None: scoring only
        self.n_rows = bins.shape[0]
        self.used = np.array([f.n_used for f in binning.features], dtype=np.uint8)
        self.train_rows, _ = train_valid_split(self.n_rows, params.valid_fraction, params.seed)
        self.model = FeatureModel(binning)
        self.ref_tree: dict[int, int] = {}
        self.next_tree = 0
        if state is not None:
            self._restore(state)
        self.crypto: FeatureCrypto | None = None
        self._tree: dict | None = None

    # ---------------------------------------------------------------- dispatch

    ACCEPTS = frozenset({"setup", "tree_start", "level", "tree_done", "finish"})

    def handle(self, data: bytes) -> bytes:
        return self.handle_message(m.decode(data, self.ACCEPTS))

    def handle_message(self, msg: m.Message) -> bytes:
        """A message the caller decoded with ``ACCEPTS`` (it looks at the type too: decoding once
        keeps a 1 GiB tree_start from being parsed twice)."""
        if msg.type not in self.ACCEPTS:  # decode() refuses other types: only our own bug
            raise LocalProtocolError("A message type the feature party does not take was passed.")
        return m.encode(getattr(self, "_on_" + msg.type)(msg))

    def _on_setup(self, msg: m.Message) -> m.Message:
        m.require(msg.params_digest == self.p.digest(), "setup", "params_digest",
                  "does not match the approved job")
        m.require(msg.start_tree == self.next_tree, "setup", "start_tree", "is not where this party stopped")
        m.require(msg.n_rows == self.n_rows, "setup", "n_rows", "does not match the aligned rows")
        n = int.from_bytes(msg.key_n, "big")
        m.require(n.bit_length() == self.p.key_bits, "setup", "key_n", "is not the approved key size")
        if self.executor is None:
            raise LocalProtocolError("Training needs a crypto executor.")
        self.crypto = FeatureCrypto(self.executor, n, self.p.key_bits, len(self.train_rows),
                                    self.p.scale_bits, self.p.scheme)
        return m.make("setup_ack", version=m.VERSION, params_digest=self.p.digest(),
                      n_features=len(self.binning.features), bin_counts=self.used)

    def _on_tree_start(self, msg: m.Message) -> m.Message:
        self._need_crypto("tree_start")
        m.require(msg.tree == self.next_tree and self._tree is None, "tree_start", "tree", "is out of order")
        t = msg.tree
        # What the partner approved, it enforces: no more trees, and no partner data in a first
        # tree that was approved as bank-only.
        m.require(t < self.p.n_trees, "tree_start", "tree", "exceeds the approved number of trees")
        m.require(not (t == 0 and self.p.first_tree_label_only), "tree_start", "tree",
                  "asks for partner features in a first tree approved as bank-only")
        rows = tree_rows(self.train_rows, self.p.row_subsample, self.p.seed, t)
        feats = tree_features(self.bins.shape[1], self.p.col_subsample, self.p.seed, t, 1)
        other = np.setdiff1d(np.arange(self.n_rows), rows, assume_unique=True)
        self.crypto.load_gradients(msg.gradients, len(rows), self.bins[np.ix_(rows, feats)])
        all_rows = np.arange(len(rows))
        self._tree = {"t": t, "rows": rows, "feats": feats, "other": other, "nodes": {0: all_rows}}
        blob = self.crypto.node_histograms([all_rows], self.p.n_bins + 1, self.used[feats]) if self.p.max_depth > 0 else b""
        return self._histograms(t, 0, [0], [blob], [], [], [], [])

    def _on_level(self, msg: m.Message) -> m.Message:
        st = self._tree
        m.require(st is not None and msg.tree == st["t"], "level", "tree", "is out of order")
        depth, n_slots = msg.depth, 1 << msg.depth
        m.require(depth < self.p.max_depth, "level", "depth", "exceeds the approved depth")
        for name in ("kinds", "split_ids", "missing_left"):
            m.require(len(msg.fields[name]) == n_slots, "level", name)
        last = depth + 1 >= self.p.max_depth
        n_tree_rows = len(st["rows"])
        label_left = (np.zeros(n_tree_rows, bool) if last
                      else m.unpack_bits(msg.left_bits, n_tree_rows, "level", "left_bits"))
        if last:
            m.require(msg.left_bits == b"", "level", "left_bits")
        first_id = n_slots - 1
        new_nodes, part = {}, ([], [], [], [])
        for k in range(n_slots):
            node_id, kind = first_id + k, int(msg.kinds[k])
            m.require(kind <= m.NODE_PARTNER_SPLIT, "level", "kinds", "has an unknown node kind")
            if kind in (m.NODE_ABSENT, m.NODE_LEAF):
                continue
            m.require(node_id in st["nodes"], "level", "kinds", "splits a node that does not exist")
            rows = st["nodes"][node_id]
            if kind == m.NODE_LABEL_SPLIT:
                left = label_left[rows]
            else:
                left = self._own_split(node_id, int(msg.split_ids[k]), bool(msg.missing_left[k]),
                                       rows, part)
            lc, rc = children(node_id)
            new_nodes[lc], new_nodes[rc] = rows[left], rows[~left]
        hist_ids, blobs = [], []
        if not last:
            for node_id in range(2 * n_slots - 1, 4 * n_slots - 1, 2):  # left children in order
                if node_id in new_nodes:
                    lc, rc = node_id, node_id + 1
                    hist_ids.append((lc, rc)[smaller_child(len(new_nodes[lc]), len(new_nodes[rc]))])
            blobs = [self.crypto.node_histograms([new_nodes[i] for i in hist_ids], self.p.n_bins + 1,
                                                 self.used[st["feats"]])]
        st["nodes"] = new_nodes
        return self._histograms(st["t"], depth + 1, hist_ids, blobs, *part)

    def _own_split(self, node_id, split_id, missing_left, rows, part) -> np.ndarray:
        """Apply our winning candidate; record it under a fresh ref; report both partitions.

        ``other_bits`` covers every row outside this tree's sample (validation and unsampled
        training rows) so the label party can keep all margins current without a scoring round.
        """
        n_bins = self.p.n_bins
        st = self._tree
        f_local, b = divmod(split_id, n_bins)
        m.require(f_local < len(st["feats"]), "level", "split_ids", "names no offered feature")
        f = int(st["feats"][f_local])
        col = self.bins[st["rows"][rows], f]
        left = goes_left(col, b, self.binning.missing_bin, missing_left)
        n_left = int(left.sum())
        # Our own guard (beyond semi-honest): a split of ours never isolates a handful of rows.
        m.require(min(n_left, len(left) - n_left) >= self.p.min_leaf_size, "level", "split_ids",
                  "would leave a child below the minimum leaf size")
        ref = max(self.ref_tree, default=-1) + 1
        self.model.splits[ref] = PartnerSplit(f, b, missing_left)
        self.ref_tree[ref] = st["t"]
        all_other = goes_left(self.bins[st["other"], f], b, self.binning.missing_bin, missing_left)
        part[0].append(node_id)
        part[1].append(ref)
        part[2].append(np.packbits(left).tobytes())
        part[3].append(np.packbits(all_other).tobytes())
        return left

    def _on_tree_done(self, msg: m.Message) -> m.Message:
        m.require(self._tree is not None and msg.tree == self._tree["t"] or
                  self._tree is None and msg.tree == self.next_tree, "tree_done", "tree", "is out of order")
        self._tree = None
        if self.crypto is not None:
            self.crypto.drop_tree()
        m.require(msg.tree < self.p.n_trees, "tree_done", "tree", "exceeds the approved number of trees")
        self.next_tree = msg.tree + 1
        return m.make("ack", tree=msg.tree)

    def _on_finish(self, msg: m.Message) -> m.Message:
        n_trees = int(msg.n_trees[0])
        m.require(n_trees <= self.next_tree, "finish", "n_trees", "is out of range")
        keep = {r for r, t in self.ref_tree.items() if t < n_trees}
        self.model.keep_only(keep)
        self.ref_tree = {r: t for r, t in self.ref_tree.items() if r in keep}
        return m.make("ack", tree=self.next_tree)

    # ---------------------------------------------------------------- helpers

    def _need_crypto(self, type_: str) -> None:
        m.require(self.crypto is not None, type_, "type", "came before setup")

    @staticmethod
    def _histograms(t, depth, node_ids, blobs, p_nodes, p_refs, p_bits, o_bits) -> m.Message:
        return m.make("histograms", tree=t, depth=depth, node_ids=np.array(node_ids, np.uint32),
                      cts=b"".join(blobs), part_nodes=np.array(p_nodes, np.uint32),
                      part_refs=np.array(p_refs, np.uint32), part_bits=b"".join(p_bits),
                      other_bits=b"".join(o_bits))

    def score(self, data: bytes, bins: np.ndarray) -> bytes:
        """Federated scoring: our decision at every split of the model for every row, as bits."""
        msg = m.decode(data, {"score_request"})
        m.require(msg.n_rows == bins.shape[0], "score_request", "n_rows", "does not match the rows to score")
        refs, bits = self.model.decide(bins)
        return m.encode(m.make("score_decisions", n_rows=bins.shape[0], refs=refs, bits=bits.tobytes()))

    # ---------------------------------------------------------------- checkpoint

    def checkpoint(self) -> dict:
        """Plain data at a tree boundary (no keys, no ciphertexts)."""
        if self._tree is not None:
            raise LocalProtocolError("A checkpoint can only be taken between trees.")
        refs = sorted(self.ref_tree)
        return {"next_tree": self.next_tree, "model": self.model.to_plain(),
                "ref_tree": np.array([self.ref_tree[r] for r in refs], dtype=np.int64),
                "params_digest": self.p.digest()}

    def _restore(self, state: dict) -> None:
        if bytes(state["params_digest"]) != self.p.digest():
            raise LocalProtocolError("The checkpoint belongs to a different job.")
        self.next_tree = int(state["next_tree"])
        self.model = FeatureModel.from_plain(state["model"])
        refs = sorted(self.model.splits)
        self.ref_tree = {r: int(t) for r, t in zip(refs, state["ref_tree"])}
