"""Countersigned audit-chain heads: each party signs its chain head and keeps the peer's.

SQLCipher cannot notice a whole database file being restored from an old copy, and a local chain
cannot notice its newest entries being cut off. The peer can: it remembers the last head we signed
and hands it back, signature and all, at the next session. We believe a "you were rolled back"
only when that echo carries our own valid signature: a peer cannot raise a false alarm by merely
claiming a larger count, and cannot hide a real rollback without dropping the echo, which its own
audit then shows.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import load_pem_x509_certificate

from app.errors import RemoteProtocolError
from app.store import peers as peer_store
from app.store.workspace import Workspace


def _statement(workspace_id: str, seq: int, head: str, session_id: bytes) -> bytes:
    return f"lianmo-audit-head/1|{workspace_id}|{seq}|{head}|{session_id.hex()}".encode()


def sign_head(workspace: Workspace, key_pem: bytes, session_id: bytes) -> dict:
    seq, head = workspace.audit.head()
    key = serialization.load_pem_private_key(key_pem, password=None)
    signature = key.sign(_statement(workspace.id, seq, head, session_id), ec.ECDSA(hashes.SHA256()))
    return {"workspace": workspace.id, "seq": seq, "head": head, "signature": signature}


def verify_head(message: dict, peer_cert_pem: bytes, session_id: bytes) -> None:
    public = load_pem_x509_certificate(peer_cert_pem).public_key()
    try:
        public.verify(message["signature"], _statement(message["workspace"], message["seq"],
                                                       message["head"], session_id),
                      ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise RemoteProtocolError.coded("peering.head_signature") from exc


def echo_for(workspace: Workspace, peer: str) -> dict:
    """The fields that hand the peer its own last signed head back (empty when we have none)."""
    last = workspace.db.run(peer_store.last_signed_head, peer)
    if last is None:
        return {"seen_your_seq": -1, "seen_your_head": "", "seen_your_signature": b"",
                "seen_your_session": b""}
    return {"seen_your_seq": last["seq"], "seen_your_head": last["head"],
            "seen_your_signature": last["signature"], "seen_your_session": last["session_id"]}


def rolled_back(workspace: Workspace, own_cert_pem: bytes, message: dict) -> int | None:
    """The sequence number the peer proves it saw, when it is beyond our chain; else None.

    The echo must verify under our own key; anything else is no evidence and is ignored."""
    seq = message["seen_your_seq"]
    if seq < 0 or not message["seen_your_signature"] or seq <= workspace.audit.head()[0]:
        return None
    echoed = {"workspace": workspace.id, "seq": seq, "head": message["seen_your_head"],
              "signature": message["seen_your_signature"]}
    try:
        verify_head(echoed, own_cert_pem, message["seen_your_session"])
    except RemoteProtocolError:
        return None
    return seq


def record_peer_head(workspace: Workspace, peer: str, message: dict,
                     session_id: bytes = b"") -> tuple[str, dict] | None:
    """Store the peer's signed head; return a warning (code, parameters) when it shows a
    rollback."""
    our_seq, our_head = workspace.audit.head()

    def store(conn):
        last = peer_store.last_head(conn, peer)
        warning = None
        if last:
            last_seq, last_head = last
            if message["seq"] < last_seq or (message["seq"] == last_seq and message["head"] != last_head):
                warning = ("peering.peer_rolled_back",
                           {"peer": peer, "seq": message["seq"], "last_seq": last_seq})
        peer_store.record_head(conn, peer, message["seq"], message["head"], message["signature"],
                               our_seq, our_head, session_id)
        workspace.audit.append_in(conn, f"peer:{peer}",
                                  "peer.head_rollback" if warning else "peer.head",
                                  {"peer": peer, "seq": message["seq"], "head": message["head"]}, {})
        return warning
    return workspace.db.transaction(store)
