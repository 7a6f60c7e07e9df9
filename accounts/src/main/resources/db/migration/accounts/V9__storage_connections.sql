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

-- One upload to Box or Dropbox at a time per user, across every instance of the accounts role: the
-- row is taken when an upload starts (the primary key refuses a second) and given back when it ends.
-- A row older than an hour is an instance that died mid-upload, and may be taken over.
CREATE TABLE storage_upload_slots (
    user_id    TEXT NOT NULL PRIMARY KEY,
    started_at BIGINT NOT NULL
);

-- When each user's uploads started, for the hourly count (rows older than a day are purged on use).
CREATE TABLE storage_uploads (
    user_id    TEXT NOT NULL,
    started_at BIGINT NOT NULL
);
CREATE INDEX storage_uploads_user ON storage_uploads (user_id, started_at);

-- The OAuth state of a connection being made: issued by /connect to one user for one service, good
-- for ten minutes and once (/finish deletes it), so a code cannot be finished by anyone else.
CREATE TABLE storage_oauth_states (
    state      TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL,
    provider   TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
