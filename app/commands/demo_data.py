"""``demo-data``: write realistic bank and partner demo files (see app/data/generator.py)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo-data", help="generate demo customer, consent and profile files for both parties",
        description="Write bank.csv, bank_consent.csv, bank_profile.json, partner.csv, "
                    "partner_consent.csv and partner_profile.json; deterministic per seed.")
    parser.add_argument("--rows", type=int, default=20_000, help="bank customers (default 20000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--gzip", action="store_true", help="write .csv.gz instead of .csv")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.workflows.rehearsal import generate_demo_data
    from app.errors import UserFacingError

    if not 10 <= args.rows <= 50_000_000:
        raise UserFacingError.coded("cli_input.demo_rows")
    paths = generate_demo_data(args.rows, args.seed, args.out, compress=args.gzip)
    for role, path in paths.items():
        print(f"{role}: {path}")
    return 0
