"""Rehearsal: the whole two-party pipeline on one machine over real loopback TLS.

Two workspaces, real consent-gated imports, pinned peers, jobs proposed by the bank and approved
by the partner's analyst in the partner's own workspace, ECDH-PSI alignment, SecureBoost training
with Paillier, and federated scoring of the held-out rows — the same code the two institutions run.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


from app.data.idmatch import positions
from app.protocols.secureboost import metrics
from app.protocols.secureboost.params import TrainParams
from app.workflows import alignment, training
from app.workflows.training import SCHEME_NAMES
from app.workflows.importing import data_import
from app.workflows.plans import load_population
from app.workflows.rehearsal.data import prepare
from app.workflows.rehearsal.link import (Party, approve_when_proposed, close_parties, create_party,
                                          link_parties, require_approved)
from app.workflows import executors
from app.workflows.tasks import NullTask, Task
from app.workflows.training.link import feature_columns

PEER = {"bank": "partner", "partner": "bank"}


@dataclass
class RehearsalOptions:
    label_data: str
    feature_data: str
    label_column: str
    id_column: str | None = None
    label_features: list[str] | None = None
    feature_features: list[str] | None = None
    delimiter: str = ","
    split_column: str | None = None
    test_fraction: float = 0.3
    seed: int = 0
    trees: int = 30
    depth: int = 5
    learning_rate: float = 0.3
    bins: int = 32
    l2: float = 1.0
    first_tree_label_only: bool = True
    key_bits: int = 2048
    scheme: str = "paillier"
    early_stopping_rounds: int = 10
    valid_fraction: float = 0.2
    executor: str = "local"               # both rehearsal parties' crypto executor
    scheduler: str | None = None          # the Dask scheduler when executor == "dask"
    model: str = "secureboost"          # or "scorecard" (docs/scorecard.md)
    card: dict = field(default_factory=dict)   # scorecard binning and points fields
    extra: dict = field(default_factory=dict)

    def card_fields(self) -> dict | None:
        """Scorecard job fields, or None for SecureBoost."""
        if self.model == "secureboost":
            return None
        values = {"model_type": self.model, **self.card}
        return training.job_fields(*training.card_params(values), values)

    def train_params(self) -> TrainParams:
        chosen = dict(n_trees=self.trees, max_depth=self.depth, learning_rate=self.learning_rate,
                      reg_lambda=self.l2, n_bins=self.bins, key_bits=self.key_bits,
                      scheme=self.scheme,
                      first_tree_label_only=self.first_tree_label_only, seed=self.seed,
                      early_stopping_rounds=self.early_stopping_rounds,
                      valid_fraction=self.valid_fraction)
        return TrainParams(**{**chosen, **self.extra})   # ``extra`` names anything else


def run_job(bank: Party, partner: Party, job_type: str, propose, task: Task):
    """Propose from the bank, approved by the partner's analyst, then run across the link."""
    watcher = approve_when_proposed(partner.analyst, job_type)
    job = propose()
    watcher.join(timeout=5)
    require_approved(job)
    return bank.service.run(job.id, task)


def run_pipeline(bank: Party, partner: Party, datasets: list[str], params: TrainParams,
                 task: Task, echo=lambda s: None, id_type: str = "opaque",
                 model_name: str | None = None, card: dict | None = None) -> dict:
    """Align each bank dataset, train on the first (a model named ``model_name`` when given; a
    scorecard when ``card`` is given), score the last; returns jobs and timings."""
    timings, aligned = {}, {}
    started = time.perf_counter()
    for name in datasets:
        echo(f"aligning {name} …")
        job = run_job(bank, partner, "alignment", lambda n=name: alignment.propose_alignment(
            bank.analyst, bank.service, PEER["bank"], n, id_type, wait=60), task)
        aligned[name] = job
    timings["align"] = time.perf_counter() - started
    echo("training a scorecard …" if card else
         f"training ({params.n_trees} trees at most, depth {params.max_depth}, "
         f"{params.key_bits}-bit {SCHEME_NAMES[params.scheme]}) …")
    started = time.perf_counter()
    train_job = run_job(bank, partner, "training", lambda: bank.service.propose(
        "training", PEER["bank"],
        training.job_params(aligned[datasets[0]].id, params, model_name, card=card),
        wait=60), task)
    timings["train"] = time.perf_counter() - started
    echo("scoring …")
    started = time.perf_counter()
    score_job = run_job(bank, partner, "scoring", lambda: bank.service.propose(
        "scoring", PEER["bank"], {"model": train_job.id, "alignment_id": aligned[datasets[-1]].id},
        wait=60), task)
    timings["score"] = time.perf_counter() - started
    return {"alignments": aligned, "training": train_job, "scoring": score_job, "timings": timings}


def holdout_metrics(bank: Party, model_id: str, dataset: str) -> dict:
    """Test AUC/KS of the federated scores and of the bank-only model on the same rows."""
    ws = bank.workspace
    elig = ws.db.run(data_import.load_eligible_in, dataset)
    pop = load_population(ws, model_id)
    at = positions(elig.ids, pop.ids)  # every scored customer is an eligible test customer
    y = elig.label[at].astype(float)
    federated = pop.model_source == 0
    columns, _ = feature_columns(ws, elig, at)
    bank_only = training.label_only_scores(ws, model_id, columns)
    keep = federated & (y >= 0)
    joint, own = metrics.report(y[keep], pop.score[keep]), metrics.report(y[keep], bank_only[keep])
    return {"test_rows": int(keep.sum()),
            "auc_federated": float(joint["auc"]), "ks_federated": float(joint["ks"]),
            "auc_label_only": float(own["auc"]), "ks_label_only": float(own["ks"]),
            "roc_federated": joint["roc"], "lift_federated": joint["lift"],
            "roc_label_only": own["roc"], "lift_label_only": own["lift"],
            "scores": pop.score[keep], "labels": y[keep]}


def rehearse(options: RehearsalOptions, task: Task | None = None, echo=print,
             keep_dir: str | Path | None = None) -> dict:
    task = task or NullTask()
    folder = Path(keep_dir) if keep_dir else Path(tempfile.mkdtemp(prefix="lianmo-rehearsal-"))
    folder.mkdir(parents=True, exist_ok=True)
    total = time.perf_counter()
    bank = partner = None
    try:
        prepared = prepare(folder / "files", options.label_data, options.feature_data,
                           options.id_column, options.label_column, options.label_features,
                           options.feature_features, options.delimiter, options.split_column,
                           options.test_fraction, options.seed)
        bank = create_party(folder, "bank", "Rehearsal Bank", "label")
        partner = create_party(folder, "partner", "Rehearsal Platform", "feature")
        link_parties(bank, partner)
        for party in (bank, partner):  # each party's jobs run on the chosen executor
            executors.set_executor(party.admin, options.executor, options.scheduler)
        started = time.perf_counter()
        files = prepared["files"]
        for party, name in ((bank, "bank_train"), (bank, "bank_test"), (partner, "partner")):
            f = files[name]
            data_import.import_dataset(party.analyst, str(f.data), str(f.consent), str(f.profile))
        import_s = time.perf_counter() - started
        echo(f"imported {prepared['train_rows']} + {prepared['test_rows']} bank rows and "
             f"{files['partner'].rows} partner rows over real TLS workspaces")
        result = run_pipeline(bank, partner, ["bank_train", "bank_test"], options.train_params(),
                              task, echo, card=options.card_fields())
        held = holdout_metrics(bank, result["training"].id, "bank_test")
        train = result["training"].result or {}
        stopping = train.get("early_stopping") or {}
        if stopping.get("refused"):
            echo(f"early stopping refused: the validation rows hold {stopping['validation_events']} "
                 f"events (fewer than {stopping['minimum']}), so all {train.get('trees')} approved "
                 "trees were built (docs/training.md)")
        report = {
            "intersection_size": result["alignments"]["bank_train"].result["size"]
            + result["alignments"]["bank_test"].result["size"],
            "test_rows": held["test_rows"],
            "auc_federated": held["auc_federated"], "auc_label_only": held["auc_label_only"],
            "ks_federated": held["ks_federated"], "ks_label_only": held["ks_label_only"],
            **{k: held[k] for k in ("roc_federated", "roc_label_only", "lift_federated",
                                    "lift_label_only")},
            "trees_built": train.get("trees"),
            "executor": train.get("executor"),   # which crypto executor the bank's half ran on
            "timings_s": {**{k: round(v, 2) for k, v in result["timings"].items()},
                          "import": round(import_s, 2), "total": round(time.perf_counter() - total, 2)},
            "parameters": {**asdict(options), "label_features": prepared["label_features"],
                           "feature_features": prepared["feature_features"],
                           "categorical_as_codes": prepared["categorical"]},
            "jobs": {"training": result["training"].id,
                     "training_transcript": result["training"].transcript_hash},
            # same data, parameters and seed -> the same digest (docs/training.md)
            "model_digest": train.get("model_digest"),
            "comparison": train.get("comparison"),
            "early_stopping": stopping or None,
        }
        if options.model == "scorecard":  # the IV table and the card, as the model report has them
            shown = training.model_report(bank.analyst, result["training"].id)
            report["iv"], report["scorecard"] = shown.get("iv"), shown.get("scorecard")
            report["partner_features_selected"] = shown.get("partner_features_selected")
            for key in ("training_loss", "valid_losses", "best_epoch"):  # the regression's
                report[key] = shown.get(key)
            if shown.get("note"):
                report["note"] = shown["note"]
        report["_holdout"] = held
        return report
    finally:
        if bank is not None:
            close_parties(*(p for p in (bank, partner) if p is not None))
        if not keep_dir:
            shutil.rmtree(folder, ignore_errors=True)
