-- Box and Dropbox: one row per user and service they connected. The tokens are sealed under the
-- master key (AES-GCM, the user and service as associated data), so a dump of this table alone
-- opens nothing and a row copied onto another user's does not open either.

CREATE TABLE storage_connections (
    user_id       TEXT NOT NULL,
    provider      TEXT NOT NULL,
    sealed_tokens TEXT NOT NULL,
    connected_at  BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, provider)
);
