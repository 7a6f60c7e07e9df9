-- The enterprise the report's creator belonged to when the key was made (the `ent` claim of the
-- creating user token; '' for none). A Key Server Token of that enterprise may fetch the key.
ALTER TABLE report_keys ADD COLUMN owner_enterprise_id TEXT NOT NULL DEFAULT '';
