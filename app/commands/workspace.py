"""``workspace init|info|set-listen|set-executor|verify|destroy``."""

from __future__ import annotations

import json
import sys

from app.commands._common import (add_executor_args, add_workspace_args, console_task, signed_in, passphrase_from,
                                  read_password)
from app.errors import UserFacingError
from app.workflows import executors, workspace_admin
from app.workflows.peering import peers


def register(sub) -> None:
    parser = sub.add_parser("workspace", help="create, inspect, verify or destroy a workspace")
    actions = parser.add_subparsers(dest="action", required=True)

    init = actions.add_parser("init", help="create a workspace and its first administrator")
    add_workspace_args(init, user=False)
    init.add_argument("--party-name", required=True)
    init.add_argument("--role", choices=["label", "feature"], required=True,
                      help="label = holds the labels (bank); feature = features only (partner)")
    init.add_argument("--admin", default="admin", help="first administrator's user name")
    init.set_defaults(handler=_init)

    info = actions.add_parser("info", help="party, role, schema version")
    add_workspace_args(info)
    info.set_defaults(handler=_info)

    listen = actions.add_parser("set-listen", help="where this workspace listens for its peers "
                                                   "(administrators; used by the GUI and serve)")
    add_workspace_args(listen)
    listen.add_argument("--address", required=True, metavar="HOST:PORT",
                        help="e.g. 0.0.0.0:7800 to accept peers on every interface")
    listen.set_defaults(handler=_set_listen)

    compute = actions.add_parser("set-executor", help="where this workspace's crypto work runs: "
                                                      "local processes or the party's Dask cluster "
                                                      "(administrators)")
    add_workspace_args(compute)
    add_executor_args(compute, required=True)
    compute.add_argument("--tls-ca", metavar="FILE", help="the party's CA certificate (PEM)")
    compute.add_argument("--tls-cert", metavar="FILE", help="this computer's client certificate")
    compute.add_argument("--tls-key", metavar="FILE", help="the client certificate's key")
    compute.set_defaults(handler=_set_executor)
    verify = actions.add_parser("verify", help="file integrity and audit chain")
    add_workspace_args(verify)
    verify.set_defaults(handler=_verify)

    destroy = actions.add_parser("destroy", help="export the audit, shred the key, delete the files")
    add_workspace_args(destroy)
    destroy.add_argument("--audit-out", required=True, help="where to write the final audit export")
    destroy.add_argument("--confirm", help="the party name, to confirm (asked when omitted)")
    destroy.set_defaults(handler=_destroy)


def _init(args) -> int:
    password = read_password(f"New password for {args.admin}: ")
    session = workspace_admin.init_workspace(args.workspace, args.party_name, args.role, args.admin,
                                             password, passphrase=passphrase_from(args))
    info = session.workspace.info
    session.workspace.close()
    print(f"Created workspace {info['uuid']} for {info['party_name']} ({info['role']} party), "
          f"key in {'the OS keyring' if info['key_mode'] == 'keyring' else 'a passphrase'}.")
    return 0


def _info(args) -> int:
    with signed_in(args, read_only=True) as session:
        info = {**session.workspace.info, "listen": peers.listen_address(session.workspace),
                "executor": executors.executor_setting(session.workspace).to_dict()}
        print(json.dumps(info, indent=2, ensure_ascii=False))
    return 0


def _set_listen(args) -> int:
    with signed_in(args) as session:
        print(f"Listening address: {peers.set_listen_address(session, args.address)} "
              "(the GUI and serve use it from now on; give it to the peer with your fingerprint)")
    return 0


def _set_executor(args) -> int:
    with signed_in(args) as session:
        choice = executors.set_executor(session, args.executor, args.scheduler,
                                        (args.tls_ca, args.tls_cert, args.tls_key))
        print(f"Crypto executor: {executors.describe(choice)} (jobs started from now on use it)")
    return 0


def _verify(args) -> int:
    with signed_in(args, read_only=True) as session:
        result = workspace_admin.verify_workspace(session, console_task("audit chain"))
    print(f"integrity_check: {'ok' if result['integrity_check'] else result['integrity_errors']}")
    print(f"cipher_integrity_check: {'ok' if result['cipher_integrity_check'] else result['cipher_errors']}")
    print(result["audit_report"])
    return 0 if result["ok"] else 1


def _destroy(args) -> int:
    with signed_in(args) as session:
        confirm = args.confirm
        if confirm is None:
            if not sys.stdin.isatty():
                raise UserFacingError.coded("cli_input.confirm_destroy")
            confirm = input(f"Type the party name ({session.workspace.party_name}) to destroy "
                            "this workspace for good: ")
        out = workspace_admin.destroy_workspace(session, args.audit_out, confirm)
    print(f"Audit exported to {out}; key shredded and workspace deleted.")
    return 0
