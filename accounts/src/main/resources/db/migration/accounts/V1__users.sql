-- Accounts: users and the one-time tokens of the links we email them.
-- Portable between SQLite and PostgreSQL: TEXT, BIGINT, INTEGER only; times are epoch
-- milliseconds, flags are 0/1, ids are assigned by the application.

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    number         BIGINT NOT NULL UNIQUE,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    title          TEXT NOT NULL,
    country        TEXT NOT NULL,
    email_verified INTEGER NOT NULL,
    created_at     BIGINT NOT NULL
);

-- The last user number handed out. Taking the next one updates this row, which also
-- serializes concurrent sign-ups on PostgreSQL (SQLite has one writer anyway).
CREATE TABLE user_numbers (
    name       TEXT PRIMARY KEY,
    last_value BIGINT NOT NULL
);
INSERT INTO user_numbers (name, last_value) VALUES ('users', 0);

-- Email verification and password reset links: only the SHA-256 of the token is kept.
CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);
