-- When an address was confirmed: a password reset lists the enterprise credentials made since
-- then (they may be an impostor's, made before the owner took the address back). Accounts
-- confirmed before this column existed count from their creation.
ALTER TABLE users ADD COLUMN verified_at BIGINT;
UPDATE users SET verified_at = created_at WHERE email_verified = 1;

-- A refresh token's successor, sealed under a key derived from the refresh token itself (so only
-- its holder can open it, and a copy of the database opens nothing). Presenting a token again
-- within a few seconds of its rotation (two tabs refreshing at once) gives back this successor
-- instead of ending the session.
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT;
