"""Our TLS identity and the peers an administrator pinned by fingerprint (obtained out of band)."""

from __future__ import annotations

import re

from app.errors import UserFacingError
from app.net.identity import (Identity, format_fingerprint, generate_identity, parse_fingerprint,
                              short_code)
from app.store import peers as peer_store
from app.store.workspace import Workspace, meta_in
from app.workflows.session import Session

_PEER_NAME = re.compile(r"^[\w.\-]{1,64}$")
_ADDRESS = re.compile(r"^(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):(?P<port>\d{1,5})$")


def identity(workspace: Workspace) -> Identity:
    """Our key pair and certificate, created on first use and kept only inside the encrypted store."""
    def load_or_create(conn):
        stored = peer_store.load_identity(conn)
        if stored:
            return Identity(*stored)
        new = generate_identity(meta_in(conn, "party_name"))
        peer_store.save_identity(conn, new.key_pem, new.cert_pem, new.fingerprint.hex())
        workspace.audit.append_in(conn, "system", "identity.create",
                                  {"fingerprint": new.fingerprint.hex()}, {})
        return new
    return workspace.db.transaction(load_or_create)


def describe_identity(workspace: Workspace) -> dict:
    fp = identity(workspace).fingerprint
    return {"party_name": workspace.party_name, "fingerprint": format_fingerprint(fp),
            "short_code": short_code(fp), "fingerprint_hex": fp.hex()}


def parse_address(address: str, allow_any_port: bool = False) -> tuple[str, int]:
    match = _ADDRESS.match(address.strip())
    lowest = 0 if allow_any_port else 1
    if not match or not lowest <= int(match.group("port")) < 65536:
        raise UserFacingError.coded("peering.bad_address", address=address)
    return match.group("host").strip("[]"), int(match.group("port"))


LISTEN_KEY = "listen_address"   # a ``meta`` entry: where this workspace's listener binds


def set_listen_address(session: Session, address: str) -> str:
    """Where this workspace listens for its peers (HOST:PORT, a fixed port: the peer pins it).

    Stored in the workspace, so the GUI and ``serve`` listen on the same address every time."""
    session.require("peers.manage")
    host, port = parse_address(address)
    value = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    session.audited("peer.listen_set", {}, {"address": value},
                    lambda conn: session.workspace.set_meta_in(conn, LISTEN_KEY, value))
    return value


def listen_address(workspace: Workspace) -> str | None:
    """The administrator's listen address for this workspace, or None when none was set."""
    return workspace.meta(LISTEN_KEY) or None


def add_peer(session: Session, name: str, address: str, fingerprint: str) -> dict:
    session.require("peers.manage")
    if not _PEER_NAME.match(name or ""):
        raise UserFacingError.coded("peering.bad_name")
    parse_address(address)
    fp = parse_fingerprint(fingerprint)
    if fp == identity(session.workspace).fingerprint:
        raise UserFacingError.coded("peering.own_fingerprint")

    def insert(conn):
        if peer_store.exists(conn, name):
            raise UserFacingError.coded("peering.exists", peer=name)
        peer_store.insert(conn, name, address, fp.hex(), session.user.name)
    session.audited("peer.add", {"peer": name, "fingerprint": fp.hex()}, {"address": address}, insert)
    return get_peer(session.workspace, name)


def remove_peer(session: Session, name: str) -> None:
    session.require("peers.manage")

    def delete(conn):
        if not peer_store.delete(conn, name):
            raise UserFacingError.coded("cross.no_peer", peer=name)
    session.audited("peer.remove", {"peer": name}, {}, delete)


def get_peer(workspace: Workspace, name: str) -> dict:
    row = workspace.db.run(peer_store.get, name)
    if row is None:
        raise UserFacingError.coded("cross.no_peer", peer=name)
    return _peer_dict(row)


def find_peer_by_fingerprint(workspace: Workspace, fp: bytes) -> dict | None:
    row = workspace.db.run(peer_store.by_fingerprint, fp.hex())
    return _peer_dict(row) if row else None


def pinned_hosts(workspace: Workspace) -> list[str]:
    """The hosts of the pinned peers' addresses: where their connections are expected from."""
    at = peer_store.PEER_COLUMNS.index("address")
    return [parse_address(r[at])[0] for r in workspace.db.run(peer_store.list_all)]


def list_peers(session: Session) -> list[dict]:
    if not (session.can("peers.manage") or session.can("jobs.propose")):
        session.require("peers.manage")
    return [_peer_dict(r) for r in session.workspace.db.run(peer_store.list_all)]


def mark_seen(workspace: Workspace, name: str, party_name: str) -> None:
    workspace.db.transaction(peer_store.mark_seen, name, party_name)


def _peer_dict(row: tuple) -> dict:
    name, address, fp_hex, party, added_at, last_seen = row
    fp = bytes.fromhex(fp_hex)
    return {"name": name, "address": address, "fingerprint": format_fingerprint(fp),
            "fingerprint_bytes": fp, "short_code": short_code(fp), "party_name": party,
            "added_at": added_at, "last_seen": last_seen}
