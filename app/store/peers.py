"""The peer link's trust, as stored: our TLS identity, the pinned peers and their countersigned heads.

Our private key never leaves the encrypted store, and a peer is trusted only through the row an
administrator pinned (fingerprint obtained out of band, certificate learned later). The audit heads
each peer signed are kept so a later session can reveal a rolled-back chain on either side. These
functions take the connection (call them inside ``Database.run``/``transaction``); checking
fingerprints and auditing are the workflow's business.
"""

from __future__ import annotations

from app.store.workspace import now_iso

PEER_COLUMNS = ("name", "address", "fingerprint", "party_name", "added_at", "last_seen")
_SELECT_PEERS = f"SELECT {', '.join(PEER_COLUMNS)} FROM peers"


# -- our identity --------------------------------------------------------------------------------
def load_identity(conn) -> tuple[bytes, bytes] | None:
    """Our (certificate, private key) PEMs, or None before the first use."""
    row = conn.execute("SELECT cert_pem, key_pem FROM identity WHERE id = 1").fetchone()
    return (bytes(row[0]), bytes(row[1])) if row else None


def save_identity(conn, key_pem: bytes, cert_pem: bytes, fingerprint_hex: str) -> None:
    conn.execute("INSERT INTO identity (id, key_pem, cert_pem, fingerprint, created_at) "
                 "VALUES (1, ?, ?, ?, ?)", (key_pem, cert_pem, fingerprint_hex, now_iso()))


# -- pinned peers (rows in PEER_COLUMNS order; the fingerprint as hex) ----------------------------
def exists(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM peers WHERE name = ?", (name,)).fetchone() is not None


def insert(conn, name: str, address: str, fingerprint_hex: str, added_by: str) -> None:
    conn.execute("INSERT INTO peers (name, address, fingerprint, added_by, added_at) "
                 "VALUES (?, ?, ?, ?, ?)", (name, address, fingerprint_hex, added_by, now_iso()))


def delete(conn, name: str) -> bool:
    """False when there was no such peer."""
    return conn.execute("DELETE FROM peers WHERE name = ?", (name,)).rowcount > 0


def get(conn, name: str) -> tuple | None:
    return conn.execute(f"{_SELECT_PEERS} WHERE name = ?", (name,)).fetchone()


def by_fingerprint(conn, fingerprint_hex: str) -> tuple | None:
    return conn.execute(f"{_SELECT_PEERS} WHERE fingerprint = ?", (fingerprint_hex,)).fetchone()


def list_all(conn) -> list[tuple]:
    return conn.execute(f"{_SELECT_PEERS} ORDER BY name").fetchall()


def mark_seen(conn, name: str, party_name: str) -> None:
    conn.execute("UPDATE peers SET last_seen = ?, party_name = ? WHERE name = ?",
                 (now_iso(), party_name, name))


def set_certificate(conn, name: str, cert_pem: bytes) -> None:
    conn.execute("UPDATE peers SET cert_pem = ? WHERE name = ?", (cert_pem, name))


def certificate(conn, name: str) -> bytes | None:
    """The peer's learned certificate (None when unknown or not learned yet)."""
    row = conn.execute("SELECT cert_pem FROM peers WHERE name = ?", (name,)).fetchone()
    return bytes(row[0]) if row and row[0] else None


def certificates(conn) -> dict[str, bytes]:
    """Peer name -> certificate, for the peers whose certificate we hold."""
    rows = conn.execute("SELECT name, cert_pem FROM peers WHERE cert_pem IS NOT NULL")
    return {name: bytes(cert) for name, cert in rows}


# -- countersigned audit heads -------------------------------------------------------------------
def last_head(conn, peer: str) -> tuple[int, str] | None:
    """The (sequence number, hash) of the peer's chain head it signed most recently."""
    row = conn.execute("SELECT their_seq, their_head FROM peer_heads WHERE peer = ? "
                       "ORDER BY id DESC LIMIT 1", (peer,)).fetchone()
    return (row[0], row[1]) if row else None


def record_head(conn, peer: str, their_seq: int, their_head: str, signature: bytes,
                our_seq: int, our_head: str, session_id: bytes = b"") -> None:
    conn.execute("INSERT INTO peer_heads (peer, seen_at, their_seq, their_head, signature, "
                 "our_seq, our_head, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (peer, now_iso(), their_seq, their_head, signature, our_seq, our_head,
                  session_id))


def last_signed_head(conn, peer: str) -> dict | None:
    """The peer's most recent signed head with its signature and session, to echo back to it."""
    row = conn.execute("SELECT their_seq, their_head, signature, session_id FROM peer_heads "
                       "WHERE peer = ? ORDER BY id DESC LIMIT 1", (peer,)).fetchone()
    if row is None or not row[3]:
        return None
    return {"seq": row[0], "head": row[1], "signature": bytes(row[2]), "session_id": bytes(row[3])}
