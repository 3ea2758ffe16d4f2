"""``serve``: the listener that lets pinned peers reach this workspace (jobs, checks)."""

from __future__ import annotations

import signal
import threading

from app.commands._common import add_workspace_args, signed_in
from app.workflows.peering import link
from app.workflows.peering import peers


def register(sub) -> None:
    parser = sub.add_parser("serve", help="listen for pinned peers (runs until interrupted)")
    add_workspace_args(parser)
    parser.add_argument("--listen", help="HOST:PORT (port 0 = any free); default: the address "
                                          "set with `workspace set-listen`, else 127.0.0.1:0")
    parser.add_argument("--allow-from", action="append", default=[], metavar="HOST",
                        help="also give this address or name the pinned peers' connection slots "
                             "(repeatable); the pinned peers' hosts always have them")
    parser.set_defaults(handler=_serve)


def _serve(args) -> int:
    with signed_in(args) as session:
        address = args.listen or peers.listen_address(session.workspace) or "127.0.0.1:0"
        host, port = peers.parse_address(address, allow_any_port=True)
        service = link.PeerService(session, host=host, port=port, allow_from=args.allow_from)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            bound = service.start()
            print(f"Listening on {host}:{bound} as {session.workspace.party_name}. Ctrl-C stops.",
                  flush=True)
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            service.stop()
    return 0

