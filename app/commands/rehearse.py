"""``rehearse``: the two-party pipeline on one machine over loopback TLS, on the user's own files."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from app.commands._common import add_executor_args, console_task
from app.commands.train import add_card_args, lr_args
from app.errors import UserFacingError
from app.workflows.rehearsal import RehearsalOptions, rehearse
from app.workflows.training import SCHEMES


def _bool(text: str) -> bool:
    if text.lower() in ("true", "yes", "1"):
        return True
    if text.lower() in ("false", "no", "0"):
        return False
    raise UserFacingError.coded("cli_input.expected_bool", text=text)


def _names(text: str | None) -> list[str] | None:
    return [n.strip() for n in text.split(",") if n.strip()] if text else None


def register(sub) -> None:
    p = sub.add_parser("rehearse", help="run both parties on this machine over loopback TLS")
    p.add_argument("--label-data", required=True, help="the bank's CSV (with the label)")
    p.add_argument("--feature-data", required=True, help="the partner's CSV (may be the same file)")
    p.add_argument("--id-column", help="shared customer id column (default: the row number)")
    p.add_argument("--label-column", required=True)
    p.add_argument("--label-features", help="comma-separated (default: every other column)")
    p.add_argument("--feature-features", help="comma-separated (default: every other column)")
    p.add_argument("--delimiter", default=",")
    p.add_argument("--split-column", help="values train/test; default: a seeded random split")
    p.add_argument("--test-fraction", type=float, default=0.3)
    p.add_argument("--seed", type=int, help="decides the split and every model-relevant draw "
                   "(default: a fresh one, printed and kept in the report)")
    p.add_argument("--model", choices=["secureboost", "scorecard"], default="secureboost")
    add_card_args(p)
    p.add_argument("--trees", type=int, default=30)
    p.add_argument("--depth", type=int, default=5)
    p.add_argument("--learning-rate", type=float, default=0.3)
    p.add_argument("--bins", type=int, default=32)
    p.add_argument("--l2", type=float, default=1.0)
    p.add_argument("--early-stopping", type=int, default=10, help="rounds; 0 = off")
    p.add_argument("--validation-fraction", type=float, default=0.2,
                   help="share of the training rows held back for early stopping "
                        "(0 only with --early-stopping 0)")
    p.add_argument("--first-tree-label-only", type=_bool, default=True)
    p.add_argument("--key-bits", type=int, default=2048, choices=[2048, 3072])
    add_executor_args(p)
    p.add_argument("--scheme", choices=list(SCHEMES), default=SCHEMES[0],
                   help="homomorphic encryption: paillier (default) or ou (faster; docs/he-schemes.md)")
    p.add_argument("--keep", help="keep the two workspaces and files in this folder")
    p.add_argument("--report", required=True, help="write the JSON report here")
    p.set_defaults(handler=_run)


def _run(args) -> int:
    if args.executor != "dask" and args.scheduler:
        raise UserFacingError.coded("cli_input.scheduler_needs_dask")
    options = RehearsalOptions(
        label_data=args.label_data, feature_data=args.feature_data, label_column=args.label_column,
        id_column=args.id_column, label_features=_names(args.label_features),
        feature_features=_names(args.feature_features), delimiter=args.delimiter,
        split_column=args.split_column, test_fraction=args.test_fraction,
        seed=args.seed if args.seed is not None else secrets.randbelow(2 ** 31),
        trees=args.trees, depth=args.depth, learning_rate=args.learning_rate, bins=args.bins,
        l2=args.l2, first_tree_label_only=args.first_tree_label_only, key_bits=args.key_bits,
        scheme=args.scheme,
        early_stopping_rounds=args.early_stopping, valid_fraction=args.validation_fraction,
        executor=args.executor or "local", scheduler=args.scheduler,
        model=args.model, card={"fine_bins": args.fine_bins, "min_bin_share": args.min_bin_share,
                                "iv_threshold": args.iv_threshold,
                                "partner_names": args.partner_names,
                                "base_score": args.base_score, "base_odds": args.base_odds,
                                "pdo": args.pdo, **lr_args(args)})
    report = rehearse(options, console_task("rehearsal"), keep_dir=args.keep)
    report.pop("_holdout", None)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    t = report["timings_s"]
    built = (f"features selected {sum(1 for r in report['iv'] if r['selected'])}"
             if args.model == "scorecard" else f"trees {report['trees_built']}")
    print(f"intersection {report['intersection_size']}, test rows {report['test_rows']}, {built}")
    print(f"test AUC federated {report['auc_federated']:.4f} vs bank-only "
          f"{report['auc_label_only']:.4f}; KS {report['ks_federated']:.4f}")
    print(f"seed {options.seed}, model digest {report['model_digest']}")
    if report.get("note"):
        print(report["note"])
    if (report.get("comparison") or {}).get("verdict") == "worse":
        print("warning: on the validation rows the joint model is worse than the bank's own model "
              "(beyond noise); consider the bank-only model.")
    print(f"align {t['align']} s, train {t['train']} s, score {t['score']} s, total {t['total']} s")
    return 0
