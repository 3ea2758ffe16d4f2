"""Countersigned audit-chain heads: each party signs its chain head and keeps the peer's.

SQLCipher cannot notice a whole database file being restored from an old copy, and a local chain
cannot notice its newest entries being cut off. The peer can: it remembers the last head we signed.
A later session showing a shorter chain, or a different hash at a sequence number already seen, is
flagged as a rollback and audited on both sides.
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
        raise RemoteProtocolError("audit.head: signature does not verify") from exc


def record_peer_head(workspace: Workspace, peer: str, message: dict) -> str | None:
    """Store the peer's signed head; return a warning sentence when it shows a rollback."""
    our_seq, our_head = workspace.audit.head()

    def store(conn):
        last = peer_store.last_head(conn, peer)
        warning = None
        if last:
            last_seq, last_head = last
            if message["seq"] < last_seq or (message["seq"] == last_seq and message["head"] != last_head):
                warning = (f"The peer '{peer}' shows an audit chain of {message['seq']} entries after "
                           f"having shown {last_seq}: its history was rolled back or replaced.")
        peer_store.record_head(conn, peer, message["seq"], message["head"], message["signature"],
                               our_seq, our_head)
        workspace.audit.append_in(conn, f"peer:{peer}",
                                  "peer.head_rollback" if warning else "peer.head",
                                  {"peer": peer, "seq": message["seq"], "head": message["head"]}, {})
        return warning
    return workspace.db.transaction(store)
