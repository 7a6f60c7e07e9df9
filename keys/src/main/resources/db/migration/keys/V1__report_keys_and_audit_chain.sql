-- Per-report keys, sealed under the master key (which never enters the database).
CREATE TABLE report_keys (
    report_id     TEXT PRIMARY KEY,
    owner_user_id TEXT NOT NULL,
    owner_email   TEXT NOT NULL,
    sealed_key    TEXT NOT NULL,   -- base64 of AES-256-GCM(version | nonce | ciphertext | tag), AAD = report_id
    created_at    BIGINT NOT NULL, -- epoch milliseconds
    revoked_at    BIGINT           -- epoch milliseconds; NULL while the report can be opened
);

-- The audit chain: hash = SHA-256(previous hash | canonical encoding of the event), see AuditLog.
CREATE TABLE audit_events (
    seq            BIGINT PRIMARY KEY,
    occurred_at    BIGINT NOT NULL, -- epoch milliseconds
    actor_user_id  TEXT NOT NULL,
    actor_email    TEXT NOT NULL,
    report_id      TEXT NOT NULL,
    action         TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    remote_address TEXT NOT NULL,
    hash           TEXT NOT NULL    -- lowercase hex
);

CREATE INDEX audit_events_by_report ON audit_events (report_id, seq);

-- One row: the last event's number and hash. Appenders update it in their transaction, which
-- serializes them on both engines and lets verification notice a truncated tail.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY,
    last_seq  BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
