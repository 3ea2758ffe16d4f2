"""Our TLS identity and the peers an administrator pinned by fingerprint (obtained out of band)."""

from __future__ import annotations

import re

from app.errors import UserFacingError
from app.net.identity import (Identity, format_fingerprint, generate_identity, parse_fingerprint,
                              short_code)
from app.store.workspace import Workspace, now_iso
from app.workflows.session import Session

_PEER_NAME = re.compile(r"^[\w.\-]{1,64}$")
_ADDRESS = re.compile(r"^(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):(?P<port>\d{1,5})$")


def identity(workspace: Workspace) -> Identity:
    """Our key pair and certificate, created on first use and kept only inside the encrypted store."""
    def load_or_create(conn):
        row = conn.execute("SELECT cert_pem, key_pem FROM identity WHERE id = 1").fetchone()
        if row:
            return Identity(bytes(row[0]), bytes(row[1]))
        party = conn.execute("SELECT value FROM meta WHERE key = 'party_name'").fetchone()[0]
        new = generate_identity(party)
        conn.execute("INSERT INTO identity (id, key_pem, cert_pem, fingerprint, created_at) "
                     "VALUES (1, ?, ?, ?, ?)", (new.key_pem, new.cert_pem, new.fingerprint.hex(),
                                                now_iso()))
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
        raise UserFacingError(f"'{address}' is not HOST:PORT.")
    return match.group("host").strip("[]"), int(match.group("port"))


def add_peer(session: Session, name: str, address: str, fingerprint: str) -> dict:
    session.require("peers.manage")
    if not _PEER_NAME.match(name or ""):
        raise UserFacingError("Peer names are 1-64 letters, digits, '.', '-' or '_'.")
    parse_address(address)
    fp = parse_fingerprint(fingerprint)
    if fp == identity(session.workspace).fingerprint:
        raise UserFacingError("That is this workspace's own fingerprint, not the peer's.")

    def insert(conn):
        if conn.execute("SELECT 1 FROM peers WHERE name = ?", (name,)).fetchone():
            raise UserFacingError(f"A peer named '{name}' already exists; remove it first.")
        conn.execute("INSERT INTO peers (name, address, fingerprint, added_by, added_at) "
                     "VALUES (?, ?, ?, ?, ?)", (name, address, fp.hex(), session.user.name, now_iso()))
    session.audited("peer.add", {"peer": name, "fingerprint": fp.hex()}, {"address": address}, insert)
    return get_peer(session.workspace, name)


def remove_peer(session: Session, name: str) -> None:
    session.require("peers.manage")

    def delete(conn):
        if conn.execute("DELETE FROM peers WHERE name = ?", (name,)).rowcount == 0:
            raise UserFacingError(f"There is no peer named '{name}'.")
    session.audited("peer.remove", {"peer": name}, {}, delete)


def get_peer(workspace: Workspace, name: str) -> dict:
    rows = workspace.db.query("SELECT name, address, fingerprint, party_name, added_at, last_seen "
                              "FROM peers WHERE name = ?", (name,))
    if not rows:
        raise UserFacingError(f"There is no peer named '{name}'.")
    return _peer_dict(rows[0])


def find_peer_by_fingerprint(workspace: Workspace, fp: bytes) -> dict | None:
    rows = workspace.db.query("SELECT name, address, fingerprint, party_name, added_at, last_seen "
                              "FROM peers WHERE fingerprint = ?", (fp.hex(),))
    return _peer_dict(rows[0]) if rows else None


def pinned_fingerprints(workspace: Workspace) -> set[bytes]:
    return {bytes.fromhex(r[0]) for r in workspace.db.query("SELECT fingerprint FROM peers")}


def pinned_hosts(workspace: Workspace) -> list[str]:
    """The hosts of the pinned peers' addresses: where their connections are expected from."""
    return [parse_address(r[0])[0] for r in workspace.db.query("SELECT address FROM peers")]


def list_peers(session: Session) -> list[dict]:
    if not (session.can("peers.manage") or session.can("jobs.propose")):
        session.require("peers.manage")
    rows = session.workspace.db.query("SELECT name, address, fingerprint, party_name, added_at, "
                                      "last_seen FROM peers ORDER BY name")
    return [_peer_dict(r) for r in rows]


def mark_seen(workspace: Workspace, name: str, party_name: str) -> None:
    workspace.db.execute("UPDATE peers SET last_seen = ?, party_name = ? WHERE name = ?",
                         (now_iso(), party_name, name))


def _peer_dict(row: tuple) -> dict:
    name, address, fp_hex, party, added_at, last_seen = row
    fp = bytes.fromhex(fp_hex)
    return {"name": name, "address": address, "fingerprint": format_fingerprint(fp),
            "fingerprint_bytes": fp, "short_code": short_code(fp), "party_name": party,
            "added_at": added_at, "last_seen": last_seen}
