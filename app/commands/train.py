"""``train``, ``models``, ``score``: federated training and scoring jobs with a pinned peer.

The peer must be running ``python -m app serve``; its users approve the job in their own app (or
by an auto-approve policy). Progress is printed per tree; a failed run resumes with ``--resume``.
"""

from __future__ import annotations

import json
import secrets
import sys

from app.commands._common import add_executor_args, add_workspace_args, signed_in
from app import messages
from app.errors import UserFacingError
from app.workflows import executors, jobs, training
from app.workflows.training import SCHEMES
from app.workflows.peering import link
from app.workflows.tasks import Task


def register(sub) -> None:
    p = sub.add_parser("train", help="train a federated SecureBoost model or scorecard with a peer")
    add_workspace_args(p)
    p.add_argument("--peer", required=True, help="pinned peer name")
    p.add_argument("--alignment", help="alignment id (the alignment job id, shared by both parties)")
    p.add_argument("--name", help="the model's name, stored by both parties (default: its dataset "
                                  "and date)")
    p.add_argument("--model", choices=["secureboost", "scorecard"], default="secureboost",
                   help="secureboost (gradient-boosted trees) or scorecard (WOE bins, "
                        "secret-shared logistic regression, points)")
    add_card_args(p)
    p.add_argument("--trees", type=int, default=100)
    p.add_argument("--depth", type=int, default=5)
    p.add_argument("--learning-rate", type=float, default=0.3)
    p.add_argument("--bins", type=int, default=32)
    p.add_argument("--l2", type=float, default=1.0)
    p.add_argument("--min-child-weight", type=float, default=1.0)
    p.add_argument("--first-tree-label-only", choices=["true", "false"], default="true")
    p.add_argument("--key-bits", type=int, default=2048, choices=[2048, 3072])
    p.add_argument("--scheme", choices=list(SCHEMES), default=SCHEMES[0],
                   help="homomorphic encryption: paillier (default) or ou (faster; docs/he-schemes.md)")
    p.add_argument("--seed", type=int, help="shared random seed (default: a fresh one)")
    p.add_argument("--early-stopping", type=int, default=10, help="rounds; 0 = off")
    p.add_argument("--validation-fraction", type=float, default=0.2,
                   help="share of the agreed rows held back for early stopping and the report "
                        "(0 only with --early-stopping 0)")
    p.add_argument("--labels-from-evaluation", metavar="EVALUATION_ID",
                   help="retrain on a campaign's outcomes (bound within the window) as labels")
    p.add_argument("--partner-features", type=int,
                   help="the peer's feature count, for the estimate (default: as many as ours)")
    add_executor_args(p)
    p.add_argument("--estimate-only", action="store_true", help="print the estimate and stop")
    p.add_argument("--wait", type=float, default=600.0, help="seconds to wait for the decision")
    p.add_argument("--resume", metavar="JOB_ID", help="run an approved or failed training job again")
    p.add_argument("--replay", metavar="MODEL_ID",
                   help="retrain a model with its recorded alignment, parameters and seed, and "
                        "say whether the result is the same model")
    p.set_defaults(handler=_train)

    m = sub.add_parser("models", help="stored models (and a training report on the bank side)")
    add_workspace_args(m)
    m.add_argument("action", nargs="?", choices=["list", "show", "rename", "main", "use-bank-only"],
                   default="list",
                   help="show: the record a validator needs to rebuild --model; rename: give "
                        "--model the name --name; main: plan from --model from now on; "
                        "use-bank-only: score every eligible customer with the bank-only model "
                        "of --model and plan from it (when the joint model is worse)")
    m.add_argument("--model", metavar="MODEL_ID",
                   help="the model for 'show', 'rename', 'main', 'use-bank-only'")
    m.add_argument("--name", help="the new name for 'rename'")
    m.add_argument("--xlsx", metavar="OUT.xlsx", help="with 'show': also write the record as a "
                                                      "sheet for model-risk review")
    m.add_argument("--pdf", metavar="OUT.pdf", help="with 'show': also write the record (and a "
                                                    "scorecard's IV table and card) as a PDF for "
                                                    "model-risk review")
    m.add_argument("--report", metavar="MODEL_ID", help="print this model's training report")
    m.set_defaults(handler=_models)

    s = sub.add_parser("score", help="score every eligible customer with a federated model")
    add_workspace_args(s)
    s.add_argument("--peer", required=True)
    s.add_argument("--model", required=True, help="federated model id (= its training job id)")
    s.add_argument("--wait", type=float, default=600.0)
    s.set_defaults(handler=_score)


def add_card_args(p) -> None:
    """The scorecard's binning, selection and points flags (train and rehearse)."""
    d, pts = training.WoeParams(), training.PointsParams()
    p.add_argument("--fine-bins", type=int, default=d.fine_bins,
                   help="scorecard: equal-frequency bins before merging")
    p.add_argument("--min-bin-share", type=float, default=d.min_bin_share,
                   help="scorecard: smallest share of rows in a merged bin")
    p.add_argument("--iv-threshold", type=float, default=d.iv_threshold,
                   help="scorecard: features with a lower information value are left out")
    p.add_argument("--partner-names", action="store_true",
                   help="scorecard: the partner shows its feature names (else partner_01, ...)")
    p.add_argument("--base-score", type=float, default=pts.base_score)
    p.add_argument("--base-odds", type=float, default=pts.base_odds,
                   help="scorecard: event odds at the base score")
    p.add_argument("--pdo", type=float, default=pts.pdo, help="scorecard: points to double the odds")
    lr = training.lr_fields({})
    p.add_argument("--lr-epochs", type=int, default=lr["lr_epochs"],
                   help="scorecard: passes of the secret-shared regression over the training rows")
    p.add_argument("--lr-batch-size", type=int, default=lr["lr_batch_size"],
                   help="scorecard: rows per gradient step of the regression")
    p.add_argument("--lr-learning-rate", type=float, default=lr["lr_learning_rate"],
                   help="scorecard: the regression's step size")
    p.add_argument("--lr-l2", type=float, default=lr["lr_l2"],
                   help="scorecard: L2 penalty on the regression's weights (not the intercept)")
    p.add_argument("--lr-validation-fraction", type=float, default=lr["lr_valid_fraction"],
                   help="scorecard: share of the training rows the regression holds out for "
                        "early stopping (0 = off)")
    p.add_argument("--lr-patience", type=int, default=lr["lr_patience"],
                   help="scorecard: epochs without a better validation loss before the "
                        "regression stops (0 = the fixed number of epochs)")


def lr_args(args) -> dict:
    """The regression's ``lr_*`` job fields from the flags (train and rehearse)."""
    return {"lr_epochs": args.lr_epochs, "lr_batch_size": args.lr_batch_size,
            "lr_learning_rate": args.lr_learning_rate, "lr_l2": args.lr_l2,
            "lr_valid_fraction": args.lr_validation_fraction, "lr_patience": args.lr_patience}


def card_fields(args) -> dict | None:
    """Scorecard job fields from the flags, or None for SecureBoost."""
    if args.model != "scorecard":
        return None
    return training.job_fields(
        training.WoeParams(fine_bins=args.fine_bins, min_bin_share=args.min_bin_share,
                           iv_threshold=args.iv_threshold, partner_names=args.partner_names),
        training.PointsParams(base_score=args.base_score, base_odds=args.base_odds, pdo=args.pdo),
        lr_args(args))


def _params(args) -> training.TrainParams:
    return training.TrainParams(n_trees=args.trees, max_depth=args.depth, learning_rate=args.learning_rate,
                       n_bins=args.bins, reg_lambda=args.l2, min_child_weight=args.min_child_weight,
                       first_tree_label_only=args.first_tree_label_only == "true",
                       key_bits=args.key_bits, scheme=args.scheme,
                       early_stopping_rounds=args.early_stopping,
                       valid_fraction=args.validation_fraction,
                       seed=args.seed if args.seed is not None else secrets.randbelow(2 ** 63))


def _printing_task(choice=None) -> Task:
    task = Task(lambda done, total, message, eta: print(
        f"  {message or f'{done}/{total}'}" + (f" (about {eta:.0f} s left)" if eta else ""),
        flush=True))
    task.executor_choice = choice   # None: the workspace's executor setting
    return task


def _executor_choice(args):
    """This run's executor when --executor is given (checked before anything is proposed)."""
    if args.executor is None:
        if args.scheduler:
            raise UserFacingError.coded("cli_input.scheduler_needs_dask")
        return None
    return executors.executor_choice(args.executor, args.scheduler)


def _print_estimate(est: dict) -> None:
    costs = est["costs"]
    assumed = " (assumed equal to ours)" if est["assumed"] else ""
    print(f"Estimate: about {est['seconds'] / 60:.1f} min for {est['rows']} aligned customers, "
          f"{est['label_features']} bank + {est['partner_features']} partner features{assumed}.")
    print(f"  homomorphic work {est['he_seconds']:.0f} s, plaintext {est['plaintext_seconds']:.0f} s; "
          f"measured here: encrypt {costs['encrypt'] * 1e3:.2f} ms, add {costs['add'] * 1e6:.1f} us, "
          f"decrypt {costs['decrypt'] * 1e3:.2f} ms per operation", flush=True)


def _run(service: link.PeerService, job: jobs.Job, label: str, choice=None) -> int:
    if job.state == "proposed":
        print("The peer did not decide in time; propose again when its users are ready "
              "(or ask them to set an auto-approve policy).", file=sys.stderr)
        return 2
    if job.type != label:
        raise UserFacingError.coded("cli_input.job_wrong_type", job=job.id,
                                     type=messages.Term(job.type), expected=messages.Term(label))
    if job.state not in ("approved", *jobs.RESUMABLE):
        if job.reason:
            raise UserFacingError.coded("cli_input.job_ended_because", type=messages.Term(label),
                                        state=messages.Term(job.state),
                                        reason=messages.parse_stored(job.reason) or job.reason)
        raise UserFacingError.coded("cli_input.job_ended", type=messages.Term(label),
                                    state=messages.Term(job.state))
    print(f"Running {label} job {job.id} ...", flush=True)
    done = service.run_or_resume(job.id, _printing_task(choice), wait=service.decision_timeout)
    if done.state == "proposed":
        print("The peer has not approved resuming the job yet; run again once it has.",
              file=sys.stderr)
        return 2
    print(json.dumps(done.result, indent=2, ensure_ascii=False))
    return 0


def _train(args) -> int:
    choice = _executor_choice(args)
    with signed_in(args) as session:
        service = link.PeerService(session, decision_timeout=args.wait)
        if args.resume:
            return _run(service, jobs.show(session, args.resume), "training", choice)
        if args.replay:
            body = training.replay_job_params(session, args.replay)
            if args.name:
                body["name"] = args.name
            args.alignment = body["alignment_id"]
            params = training.train_params(body)
        elif not args.alignment:
            raise UserFacingError.coded("cli_input.alignment_needed")
        else:
            params, card = _params(args), card_fields(args)
            body = (training.retrain_job_params(session, args.alignment,
                                                args.labels_from_evaluation, params, args.name,
                                                card)
                    if args.labels_from_evaluation
                    else training.job_params(args.alignment, params, args.name, card))
        if training.model_type(body) == "secureboost":  # the estimate models trees
            print("Measuring this machine's encryption speed ...", flush=True)
            _print_estimate(training.estimate_training(session, args.alignment, params,
                                                       args.partner_features,
                                                       task=_printing_task(choice)))
        if args.estimate_only:
            return 0
        print(f"Proposing to '{args.peer}' (seed {params.seed}); waiting for its decision ...",
              flush=True)
        job = service.propose("training", args.peer, body, wait=args.wait)
        return _run(service, job, "training", choice)


def _models(args) -> int:
    with signed_in(args) as session:
        if args.action in ("rename", "main", "use-bank-only") and not args.model:
            raise UserFacingError.coded("cli_input.model_needed", action=args.action)
        if args.action == "rename":
            if args.name is None:
                raise UserFacingError.coded("cli_input.new_name_needed")
            print(f"Renamed: {training.rename_model(session, args.model, args.name)}")
            return 0
        if args.action == "main":
            training.mark_main(session, args.model)
            print(f"Main model: {args.model}")
            return 0
        if args.action == "use-bank-only":
            used = training.use_label_only(session, args.model)
            print(f"Main model: {used['name']} ({used['model_id']}), bank features only; "
                  f"{used['scored']} eligible customers scored for plans.")
            return 0
        if args.action == "show":
            if not args.model:
                raise UserFacingError.coded("cli_input.model_needed", action="show")
            print(json.dumps(training.model_record(session, args.model), indent=2,
                             ensure_ascii=False))
            if args.xlsx:
                print(f"Written: {training.export_model_record(session, args.model, args.xlsx)}")
            if args.pdf:
                from app.ui.print_sheets import write_review_pdf  # Qt, only when asked for
                written = training.export_model_pdf(session, args.model, args.pdf, write_review_pdf)
                print(f"Written: {written}")
            return 0
        if args.report:
            print(json.dumps(training.model_report(session, args.report), indent=2,
                             ensure_ascii=False))
            return 0
        rows = training.models(session)
        if not rows:
            print("No models yet.", file=sys.stderr)
        for m in rows:  # "*" marks the main model
            auc = "" if m["auc"] is None else f"AUC {m['auc']:.4f}"
            print(f"{'*' if m['main'] else ' '} {m['name']}\t{m['id']}\t{m['kind']}\t{m['half']}\t"
                  f"{m['trees']} trees\t{m['rows_used']} rows\t{auc}\t{m['created_at']}\t"
                  f"{m['origin']}\t{'scored' if m['scored'] else 'not scored'}")
        return 0


def _score(args) -> int:
    with signed_in(args) as session:
        service = link.PeerService(session, decision_timeout=args.wait)
        job = service.propose("scoring", args.peer, {"model": args.model}, wait=args.wait)
        return _run(service, job, "scoring")
