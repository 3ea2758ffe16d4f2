"""Headless entry point: ``python -m app <command>``; no command starts the GUI.

Each command lives in its own module under ``app/commands/`` and exposes
``register(subparsers)``; this file only discovers them, so parallel work never edits it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from app import __version__, commands, messages
from app.errors import LianmoError, UserCancelled

log = logging.getLogger("lianmo")
ERROR_PREFIX = {"en": "error: ", "zh_CN": "错误："}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lianmo", description="Lianmo (联模) joint marketing models")
    parser.add_argument("--version", action="version", version=f"lianmo {__version__}")
    parser.add_argument("--self-check", action="store_true", help="check the installation and exit")
    parser.add_argument("--verbose", action="store_true", help="log details to stderr")
    parser.add_argument("--lang", choices=messages.LANGUAGES,
                        help="language of error messages (default: from LC_ALL, LC_MESSAGES or "
                             "LANG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"app.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.self_check:
        from app.selfcheck import run_self_check
        return run_self_check()
    if args.command is None:
        from app.ui.main import run_gui  # only here: keeps Qt out of headless runs
        return run_gui()
    language = args.lang or messages.locale_language()
    try:
        return int(args.handler(args) or 0)
    except UserCancelled as exc:
        print(exc.text(language), file=sys.stderr)
        return 130
    except LianmoError as exc:
        log.debug("command failed", exc_info=True)
        print(f"{ERROR_PREFIX[language]}{exc.text(language)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(messages.render("task.interrupted", {}, language), file=sys.stderr)
        return 130
