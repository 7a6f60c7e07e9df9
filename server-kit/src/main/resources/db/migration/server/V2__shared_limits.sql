-- Rate limits shared by every instance on one PostgreSQL (on SQLite, one process owns the data
-- folder and keeps its buckets in memory). One token bucket per limiter and key; the key is an
-- HMAC of what is limited (an address, an account) under a random secret kept in server_state
-- ('rate-limit-key', sealed under the master key), so no address is stored and none is found again
-- by hashing candidates. A take is one statement
-- (INSERT ... ON CONFLICT DO UPDATE ... RETURNING): two instances cannot both take the last token.
-- A bucket untouched long enough to be full again is deleted (the limiter does so on the fly).
CREATE TABLE rate_buckets (
    limiter    TEXT NOT NULL,
    bucket_key TEXT NOT NULL,
    tokens     DOUBLE PRECISION NOT NULL,
    at         BIGINT NOT NULL,
    taken      INTEGER NOT NULL,
    PRIMARY KEY (limiter, bucket_key)
);
CREATE INDEX rate_buckets_age ON rate_buckets (limiter, at);

-- Bytes of cloud uploads in flight, per user, across every instance: a reservation is made before
-- an upload is read and dropped when it is stored or refused. One that outlives expires_at belongs
-- to an instance that died mid-upload and no longer counts.
CREATE TABLE upload_reservations (
    id         TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL,
    bytes      BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX upload_reservations_user ON upload_reservations (user_id, expires_at);
