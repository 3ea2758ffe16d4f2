"""``identity show``, ``peer add|list|remove``: pinning peers by fingerprint."""

from __future__ import annotations

from pathlib import Path

from app import messages
from app.commands._common import add_workspace_args, signed_in
from app.errors import PeerError
from app.workflows.peering import PinMismatch, peers


def register(sub) -> None:
    ident = sub.add_parser("identity", help="this workspace's TLS identity")
    ident_actions = ident.add_subparsers(dest="action", required=True)
    show = ident_actions.add_parser("show", help="print the fingerprint to give to the peer")
    add_workspace_args(show)
    show.add_argument("--cert-out", help="also write our certificate (public) to this file")
    show.set_defaults(handler=_show)

    peer = sub.add_parser("peer", help="pin, list or remove peers")
    actions = peer.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="pin a peer by the fingerprint obtained out of band")
    add_workspace_args(add)
    add.add_argument("--name", required=True)
    add.add_argument("--address", required=True, help="HOST:PORT")
    add.add_argument("--fingerprint", required=True, help="hex, spaces and colons allowed")
    add.add_argument("--certificate", help="the peer's certificate file (air-gapped pairing); "
                                           "otherwise it is fetched from the peer and checked")
    add.set_defaults(handler=_add)
    lst = actions.add_parser("list")
    add_workspace_args(lst)
    lst.set_defaults(handler=_list)
    remove = actions.add_parser("remove")
    add_workspace_args(remove)
    remove.add_argument("--name", required=True)
    remove.set_defaults(handler=_remove)
    check = actions.add_parser("check", help="connect, ping, print version, RTT and party name")
    add_workspace_args(check)
    check.add_argument("--name", required=True)
    check.set_defaults(handler=_check)


def _show(args) -> int:
    with signed_in(args) as session:
        info = peers.describe_identity(session.workspace)
        if args.cert_out:
            Path(args.cert_out).write_bytes(peers.identity(session.workspace).cert_pem)
    print(f"Party:       {info['party_name']}")
    print(f"Fingerprint: {info['fingerprint']}")
    print(f"Read aloud:  {info['short_code']}")
    return 0


def _add(args) -> int:
    from app.workflows.peering.link import PeerService, store_certificate
    with signed_in(args) as session:
        peer = peers.add_peer(session, args.name, args.address, args.fingerprint)
        print(f"Pinned {peer['name']} at {peer['address']} ({peer['short_code']}).")
        if args.certificate:
            store_certificate(session.workspace, args.name, Path(args.certificate).read_bytes())
            print("Stored the peer's certificate (it matches the fingerprint).")
        else:
            try:
                PeerService(session).learn_certificate(args.name)
                print("Fetched the peer's certificate (it matches the fingerprint).")
            except PinMismatch as exc:
                print(f"WARNING: {exc} Check the fingerprint with the peer, then remove and add "
                      "it again.")
                return 1
            except PeerError as exc:
                print(f"The peer is not reachable now ({exc}); its certificate will be fetched "
                      "at the first connection.")
    return 0


def _list(args) -> int:
    with signed_in(args) as session:
        for p in peers.list_peers(session):
            seen = p["last_seen"] or "never"
            print(f"{p['name']}\t{p['address']}\t{p['party_name'] or '?'}\tlast seen {seen}\t"
                  f"{p['fingerprint']}")
    return 0


def _check(args) -> int:
    from app.workflows.peering.link import PeerService
    with signed_in(args) as session:
        result = PeerService(session).check(args.name)
    print(f"Peer {result['peer']} ({result['party_name']}): protocol v{result['protocol_version']}, "
          f"round trip {result['rtt_ms']} ms, session {result['session_id'][:16]}...")
    for warning in messages.render_all(result["coded_warnings"],
                                       args.lang or messages.locale_language()):
        print(f"WARNING: {warning}")
    return 0


def _remove(args) -> int:
    with signed_in(args) as session:
        peers.remove_peer(session, args.name)
    print(f"Removed {args.name}.")
    return 0
