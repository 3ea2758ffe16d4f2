"""Training and scoring jobs between two workspaces over real loopback TLS, with 2048-bit Paillier.

Data: the breast data set of FATE (bank: label + 10 features, partner: 20 features), imported
through the consent-gated import; the partner knows 90 % of the bank's customers.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import numpy as np
import pytest

from app.data.ids import CANON_VERSION
from app.errors import (JobRefused, LocalProtocolError, PeerError, PermissionDenied, StoreError,
                        ValidationError)
from app.protocols.secureboost import messages as sbm
from app.protocols.secureboost import metrics
from app.protocols.secureboost.params import TrainParams
from app.store import alignments as alignment_store
from app.store import models as model_store
from app.workflows import jobs, plans, training
from app.workflows.importing import data_import
from app.workflows.training import train as training_train
from app.workflows.training.link import SB
from fixture_data import DATA as FIXTURES
from linked import close, serve_and_pair, workspaces

DATA = FIXTURES / "fate_small_hetero"
GRANT = "joint-marketing-model,2020-01-01 00:00:00,,\n"
PASSPHRASE = "workspace passphrase"
PARAMS = TrainParams(n_trees=2, max_depth=3, key_bits=2048, seed=11)


def _read(name: str) -> list[dict]:
    with open(DATA / name, newline="") as fh:
        return list(csv.DictReader(fh))


def _write_party(folder: Path, side: str) -> tuple[str, str, str, list[str]]:
    """Data, consent and profile files for one side; returns their paths and the customer ids."""
    rows = _read("breast_hetero_guest.csv" if side == "bank" else "breast_hetero_host.csv")
    if side == "partner":
        rows = [r for r in rows if int(r["id"]) % 10 != 0]  # customers the partner does not know
    feats = [c for c in rows[0] if c.startswith("x")]
    ids = [f"C{int(r['id']):05d}" for r in rows]
    extra = ["y", "branch", "app_active_30d", "name", "last_contact"] if side == "bank" else []
    lines = [",".join(["customer_id", *extra, *feats])]
    for cid, r in zip(ids, rows):
        bank = [r["y"], f"BR0{int(r['id']) % 3 + 1}", str(int(r["id"]) % 2), *_counter(r["id"])
                ] if side == "bank" else []
        lines.append(",".join([cid, *bank, *(r[f] for f in feats)]))
    data = folder / f"{side}.csv"
    data.write_text("\n".join(lines) + "\n")
    consent = folder / f"{side}_consent.csv"
    consent.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n"
                       + "".join(f"{c},{GRANT}" for c in ids))
    profile = {"format": "lianmo-import-profile", "version": 1, "dataset": f"{side}_breast",
               "side": side, "identifier": {"column": "customer_id", "type": "opaque"},
               "features": [{"column": f, "type": "numeric"} for f in feats]}
    if side == "bank":
        profile.update(label={"column": "y"}, branch={"column": "branch"},
                       contact={"app_active_30d": "app_active_30d"},
                       customer_name={"column": "name"}, last_contact={"column": "last_contact"})
    prof = folder / f"{side}_profile.json"
    prof.write_text(json.dumps(profile))
    return str(data), str(consent), str(prof), ids


def _counter(row_id: str) -> tuple[str, str]:
    """What a branch sees at the counter: a name, and every other customer's last contact."""
    i = int(row_id)
    return "王李张刘陈"[i % 5] + "小明", (f"2025-05-{1 + i % 28:02d}" if i % 2 else "")


class World:
    """Bank (label) and platform (feature) linked over loopback TLS, data imported, aligned."""

    def __init__(self, root: Path) -> None:
        # a passphrase, not the per-test in-memory keyring: the CLI test reopens the workspaces
        self.admins, (self.bank, self.platform) = workspaces(root, PASSPHRASE)
        self.links = serve_and_pair(self.admins, (self.bank, self.platform))
        for kind in ("training", "scoring"):
            jobs.set_policy(self.admins[1], kind, True)
        files = {}
        for session, side in ((self.bank, "bank"), (self.platform, "partner")):
            data, consent, prof, ids = _write_party(root, side)
            data_import.import_dataset(session, data, consent, prof)
            files[side] = ids
        self.bank_ids, self.partner_ids = files["bank"], files["partner"]
        shared = np.array(sorted(set(self.bank_ids) & set(self.partner_ids)), dtype=bytes)
        self.alignment_id = "align-breast-1"
        for session, dataset, own, other in ((self.bank, "bank_breast", self.bank_ids, self.partner_ids),
                                             (self.platform, "partner_breast", self.partner_ids,
                                              self.bank_ids)):
            peer = "platform" if session is self.bank else "bank"
            record = alignment_store.new_record(self.alignment_id, self.alignment_id, peer, dataset,
                                                "opaque", CANON_VERSION, len(shared), len(own),
                                                len(other), "ana")
            session.workspace.db.transaction(alignment_store.save_alignment_in, record, shared)
        self.aligned = len(shared)

    def train(self, params: TrainParams = PARAMS) -> tuple[jobs.Job, jobs.Job]:
        job = self.links[0].propose("training", "platform",
                                    training.job_params(self.alignment_id, params), wait=10)
        assert job.state == "approved"
        return self.links[0].run(job.id), self.peer_job(job.id, "finished")

    def peer_job(self, job_id: str, state: str) -> jobs.Job:
        """The platform's copy once it reached ``state`` (it finishes a moment after the bank)."""
        for _ in range(200):
            theirs = jobs.get(self.platform.workspace, job_id)
            if theirs.state == state:
                return theirs
            time.sleep(0.05)
        return theirs

    def close(self) -> None:
        close(self.links, self.admins)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("training"))
    yield w
    w.close()


@pytest.fixture(scope="module")
def first(world):
    return world.train()


def test_training_finishes_on_both_sides_with_the_same_transcript(world, first):
    ours, theirs = first
    assert ours.state == "finished" and theirs.state == "finished"
    assert ours.transcript_hash == theirs.transcript_hash
    assert ours.result["rows_used"] == theirs.result["rows_used"] == world.aligned
    assert ours.result["trees"] == theirs.result["trees"] >= 1
    assert ours.result["auc_federated"] > 0.9 and ours.result["auc_label_only"] > 0.8
    assert set(theirs.result) == {"role", "rows_used", "trees", "feature_usage", "model_digest", "executor"}
    assert sum(theirs.result["feature_usage"].values()) >= 1  # partner features were used
    assert ours.progress_done == theirs.progress_done == PARAMS.n_trees


def test_model_halves_stored_and_metrics_only_at_the_label_party(world, first):
    ours, _ = first
    bank_models = {m["id"]: m for m in training.models(world.bank)}
    assert bank_models[ours.id]["kind"] == "federated" and bank_models[ours.id]["half"] == "label"
    only = bank_models[model_store.label_only_id(ours.id)]
    assert only["kind"] == "label_only" and only["rows_used"] == world.aligned
    report = training.model_report(world.bank, ours.id)
    assert report["federated"]["auc"] > 0.9 and len(report["federated"]["lift"]) == 10
    assert 0 < report["federated"]["ks"] <= 1 and report["label_only"]["auc"] > 0.8
    assert all(not k.startswith("x") or int(k[1:]) < 10 for k in report["importance"])
    assert any(k.startswith("partner feature #") for k in report["importance"])
    assert report["paillier"]["encryption_exponent_bits"] >= 256  # recorded with the model
    platform_models = training.models(world.platform)
    assert [(m["id"], m["half"], m["auc"]) for m in platform_models] == [(ours.id, "feature", None)]
    assert world.platform.workspace.db.query("SELECT count(*) FROM models WHERE metrics IS NOT NULL"
                                             ) == [(0,)]
    with pytest.raises(PermissionDenied, match="not available to the feature party"):
        training.model_report(world.platform, ours.id)


def test_scoring_stores_a_population_plans_can_load(world, first):
    ours, _ = first
    job = world.links[0].propose("scoring", "platform", {"model": ours.id}, wait=10)
    done = world.links[0].run(job.id)
    theirs = world.peer_job(job.id, "finished")
    assert done.transcript_hash == theirs.transcript_hash
    assert done.result["scored"] == len(world.bank_ids)
    assert done.result["federated"] == world.aligned
    assert done.result["label_only"] == len(world.bank_ids) - world.aligned > 0
    assert theirs.result == {"role": "feature", "rows_scored": world.aligned}
    assert world.platform.workspace.db.query("SELECT count(*) FROM scores") == [(0,)]
    pop = plans.load_population(world.bank.workspace, ours.id)
    assert len(pop) == len(world.bank_ids) and pop.consent_ok.all()
    assert set(pop.branches) == {"BR01", "BR02", "BR03"}
    eligible = data_import.load_eligible(world.bank, "bank_breast")
    label = dict(zip(eligible.ids.tolist(), eligible.label.tolist()))
    y = np.array([label[i] for i in pop.ids.tolist()])
    fed, only = pop.model_source == 0, pop.model_source == 1
    assert metrics.auc(y[fed], pop.score[fed]) > 0.9
    assert metrics.auc(y[only], pop.score[only]) > 0.8
    partner_known = np.isin(pop.ids, np.array(world.partner_ids, dtype=bytes))
    assert (fed == partner_known).all()
    counter = {f"C{int(r['id']):05d}": _counter(r["id"]) for r in _read("breast_hetero_guest.csv")}
    name = pop.custom[plans.NAME_COLUMN]          # the imported name, a personal column
    assert name.personal and [name.categories[c] for c in name.values.tolist()] == \
        [counter[i.decode()][0] for i in pop.ids.tolist()]
    expected = [(np.datetime64(counter[i.decode()][1], "D").astype(int) if counter[i.decode()][1]
                 else -1) for i in pop.ids.tolist()]
    assert pop.last_contacted_day.tolist() == expected
    plans.prepare_population(world.bank, pop)  # the plan step accepts it


FLAKY = {"armed": False, "starts": []}


class _Breaking:
    """The platform's channel: the connection drops right after it checkpointed tree 2."""

    def __init__(self, channel, workspace, job_id: str) -> None:
        self.channel, self.workspace, self.job_id = channel, workspace, job_id

    def send(self, msg_type, body):
        rows = self.workspace.db.query("SELECT max(next_tree) FROM training_checkpoints WHERE "
                                       "job_id = ?", (self.job_id,))
        if rows[0][0] is not None and rows[0][0] >= 2:
            self.channel.channel.close()
            raise PeerError("The connection to the peer was lost.")
        self.channel.send(msg_type, body)

    def recv(self, timeout=None):
        return self.channel.recv(timeout)


class _Watching:
    """The bank's channel: records at which tree each run starts (setup.start_tree)."""

    def __init__(self, channel) -> None:
        self.channel = channel

    def send(self, msg_type, body):
        if msg_type == SB:
            try:
                FLAKY["starts"].append(sbm.decode(body["data"], {"setup"}).start_tree)
            except Exception:
                pass
        self.channel.send(msg_type, body)

    def recv(self, timeout=None):
        return self.channel.recv(timeout)


def flaky_training(workspace, job, channel, initiator, task):
    if workspace.role == "feature" and FLAKY["armed"]:
        FLAKY["armed"] = False
        channel = _Breaking(channel, workspace, job.id)
    elif workspace.role == "label":
        channel = _Watching(channel)
    return training.run_training_job(workspace, job, channel, initiator, task)


def test_failed_training_resumes_from_its_checkpoint_to_the_identical_model(world, first, monkeypatch):
    for service in world.links:
        monkeypatch.setattr(service, "job_types",
                            service.job_types.replace("training", runner=flaky_training))
    FLAKY.update(armed=True, starts=[])
    job = world.links[0].propose("training", "platform",
                                 training.job_params(world.alignment_id, PARAMS), wait=10)
    with pytest.raises(PeerError):
        world.links[0].run(job.id)
    assert jobs.get(world.bank.workspace, job.id).state == "failed"
    assert world.peer_job(job.id, "failed").state == "failed"
    tree = "SELECT max(next_tree) FROM training_checkpoints WHERE job_id = ?"
    # the bank saves after the partner's ack, the partner before it: one tree apart
    assert world.bank.workspace.db.query(tree, (job.id,)) == [(1,)]
    assert world.platform.workspace.db.query(tree, (job.id,)) == [(2,)]
    with pytest.raises(JobRefused, match="approval again"):   # one approval, one run
        world.links[0].run(job.id)
    done = world.links[0].resume(job.id, wait=10)   # a new decision (auto-approve policy here)
    theirs = world.peer_job(job.id, "finished")
    assert done.state == theirs.state == "finished" and done.transcript_hash == theirs.transcript_hash
    assert "job.resume_requested" in [e["action"] for e in world.platform.workspace.audit.entries()]
    assert FLAKY["starts"] == [0, 1]  # the second run resumed after the first tree
    for session in (world.bank, world.platform):
        resumed = session.workspace.db.run(model_store.get_model, job.id)[1]
        straight = session.workspace.db.run(model_store.get_model, first[0].id)[1]
        _assert_same(resumed, straight)
    assert done.result["auc_federated"] == first[0].result["auc_federated"]


def _assert_same(a, b) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    else:
        assert a == b


def test_partner_revocations_shrink_the_rows_on_both_sides(world, first, tmp_path):
    """Runs last in this module: it changes the partner's consent."""
    revoked = sorted(set(world.bank_ids) & set(world.partner_ids))[::13][:30]
    path = tmp_path / "revoke.csv"
    path.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n" + "".join(
        f"{c},joint-marketing-model,2020-01-01 00:00:00,,2024-01-01 00:00:00\n" for c in revoked))
    data_import.import_consent(world.platform, "partner_breast", str(path))
    ours, theirs = world.train()
    assert ours.state == theirs.state == "finished"
    assert ours.result["rows_used"] == theirs.result["rows_used"] == world.aligned - len(revoked)
    assert first[0].result["rows_used"] == world.aligned
    for session in (world.bank, world.platform):  # a finished job's checkpoints are dropped
        assert session.workspace.db.query("SELECT count(*) FROM training_checkpoints WHERE job_id = ?",
                                          (first[0].id,)) == [(0,)]


@pytest.fixture(scope="module")
def costs(executor):
    """Primitive costs measured once on this machine (real keys, real pool)."""
    return training_train.measure_costs(executor, 2048, rows=256)


def test_estimate_and_parameter_checks(world, costs):
    est = training.estimate_training(world.bank, world.alignment_id, PARAMS, partner_features=20,
                                     costs=costs)
    assert est["rows"] == world.aligned and est["seconds"] > 0 and est["ops"]["encrypt"] > 0
    assert (est["label_features"], est["partner_features"]) == (10, 20)
    with pytest.raises(ValidationError, match="2048"):
        training.job_params("a", TrainParams(key_bits=1024))
    with pytest.raises(ValidationError, match="2048"):
        training.train_params({"alignment_id": "a", "key_bits": 1024})
    with pytest.raises(ValidationError, match="type"):
        training.train_params({"n_trees": "3"})


def test_plain_store_round_trip_refuses_objects():
    state = {"a": np.arange(5, dtype=np.int32), "b": [np.zeros((2, 3))], "c": b"\x00", "d": float("inf")}
    back = model_store.unpack_plain(model_store.pack_plain(state))
    _assert_same(back, state)
    with pytest.raises(LocalProtocolError):   # only our own code could try to store one
        model_store.pack_plain({"x": np.array([object()], dtype=object)})
    forged = model_store.pack_plain({"x": {"__nd__": "|O", "shape": [1], "data": b"\0" * 8}})
    with pytest.raises(StoreError):
        model_store.unpack_plain(forged)


def test_cli_train_models_and_score(world, costs, monkeypatch, capsys):
    from app import cli
    monkeypatch.setattr(training_train, "measure_costs", lambda *args, **kwargs: costs)  # measured above
    monkeypatch.setenv("LIANMO_PASSWORD", "analyst-pass")
    monkeypatch.setenv("WS_PASS", PASSPHRASE)
    ws = ["--workspace", str(world.bank.workspace.path), "--passphrase-env", "WS_PASS", "--user", "ana"]
    assert cli.main(["train", *ws, "--peer", "platform", "--alignment", world.alignment_id,
                     "--trees", "1", "--depth", "2", "--key-bits", "2048", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "Estimate: about" in out and "tree 1 of 1" in out
    result = json.loads(out[out.index("{"):])
    assert result["role"] == "label" and result["trees"] >= 1
    assert cli.main(["models", *ws]) == 0
    assert result["model_id"] in capsys.readouterr().out
    assert cli.main(["models", *ws, "--report", result["model_id"]]) == 0
    assert json.loads(capsys.readouterr().out)["federated"]["auc"] > 0.8
    assert cli.main(["score", *ws, "--peer", "platform", "--model", result["model_id"]]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{"):])["scored"] == len(world.bank_ids)
    assert len(plans.load_population(world.bank.workspace, result["model_id"])) == len(world.bank_ids)
    platform = ["--workspace", str(world.platform.workspace.path), "--passphrase-env", "WS_PASS",
                "--user", "ana"]
    assert cli.main(["models", *platform, "--report", result["model_id"]]) != 0
    assert "not available to the feature party" in capsys.readouterr().err


def test_a_full_disk_during_training_fails_both_jobs_clearly_and_the_resume_finishes(
        world, monkeypatch):
    """The disk fills when a party stores its checkpoint after tree 2 (SQLite's own error from the
    real SQLCipher connection's caller): a sentence, no job left running, and once space is back
    the resumed job gives the model of an uninterrupted run."""
    import sqlcipher3.dbapi2 as sqlcipher
    from app.store import models as stored_models
    real, hit = stored_models.save_checkpoint, []

    def full(conn, job_id, next_tree, *args, **kwargs):
        if next_tree == 2 and not hit:
            hit.append(job_id)
            raise sqlcipher.OperationalError("database or disk is full")
        return real(conn, job_id, next_tree, *args, **kwargs)
    monkeypatch.setattr(stored_models, "save_checkpoint", full)
    job = world.links[0].propose("training", "platform",
                                 training.job_params(world.alignment_id, PARAMS), wait=10)
    with pytest.raises((StoreError, PeerError)):
        world.links[0].run(job.id)
    ours, theirs = jobs.get(world.bank.workspace, job.id), world.peer_job(job.id, "failed")
    assert ours.state == theirs.state == "failed" and hit == [job.id]
    assert any("disk" in (j.error or "").lower() or "not saved" in (j.error or "")
               for j in (ours, theirs))
    monkeypatch.setattr(stored_models, "save_checkpoint", real)   # space freed
    done = world.links[0].resume(job.id, wait=10)
    assert done.state == "finished"
    straight = world.train()[0]   # the same job uninterrupted, on the data as it is now
    for session in (world.bank, world.platform):
        _assert_same(session.workspace.db.run(model_store.get_model, job.id)[1],
                     session.workspace.db.run(model_store.get_model, straight.id)[1])
