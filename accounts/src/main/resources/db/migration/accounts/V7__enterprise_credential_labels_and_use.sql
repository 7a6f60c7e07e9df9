-- What an enterprise's admin sees of a credential: the label given when it was made ("sync on
-- the EMR host") and when it was last used (recorded at most once a minute per credential).
ALTER TABLE enterprise_credentials ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprise_credentials ADD COLUMN last_used_at BIGINT;
