-- Enterprises: membership by email domain and/or an explicit list, the PRO licence, and
-- the credentials their admin creates (API keys, key server tokens), kept as SHA-256 hashes.

CREATE TABLE enterprises (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    admin_email TEXT NOT NULL UNIQUE,
    pro         INTEGER NOT NULL,
    created_at  BIGINT NOT NULL
);

-- A domain or an address belongs to at most one enterprise, so membership is never ambiguous.
CREATE TABLE enterprise_domains (
    domain        TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE
);
CREATE INDEX enterprise_domains_enterprise ON enterprise_domains (enterprise_id);

CREATE TABLE enterprise_members (
    email         TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE
);
CREATE INDEX enterprise_members_enterprise ON enterprise_members (enterprise_id);

CREATE TABLE enterprise_credentials (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    last4         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX enterprise_credentials_enterprise ON enterprise_credentials (enterprise_id, kind);
