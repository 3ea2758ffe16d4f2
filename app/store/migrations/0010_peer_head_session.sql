-- The session a peer's signed head was signed in: with it we can hand the peer's own signature
-- back to it next time, so a rollback claim is checked against its signer, not taken on trust.
ALTER TABLE peer_heads ADD COLUMN session_id BLOB;
