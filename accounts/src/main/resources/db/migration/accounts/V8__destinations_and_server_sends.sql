-- Sending a sealed report on a user's behalf. An enterprise's admin lists the institution's
-- destinations: intake endpoints (kind 'endpoint': url, and an optional static public key the
-- composer may seal with) and mailboxes (kind 'mailbox': address). server_emails counts the sends
-- this server made for users (kind 'email' to a typed address, 'mailbox', 'endpoint'), for the
-- per-user daily and hourly limits and the server's hourly one (the server must not be a spam
-- relay); rows older than a day are purged.

CREATE TABLE enterprise_destinations (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    target        TEXT NOT NULL,
    static_key    TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX enterprise_destinations_enterprise ON enterprise_destinations (enterprise_id, created_at);

CREATE TABLE server_emails (
    id      TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL DEFAULT 'email',
    sent_at BIGINT NOT NULL
);
CREATE INDEX server_emails_user ON server_emails (user_id, sent_at);
CREATE INDEX server_emails_time ON server_emails (sent_at, kind);
