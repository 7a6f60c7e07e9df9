-- Authenticates where the keyed audit chain begins: HMAC-SHA256(chain key, 'keyed_from:' || keyed_from),
-- lowercase hex. Written by the key server (which holds the chain key) at its first start on this
-- version, never by a migration; verify reports the chain broken while it is missing or wrong.
ALTER TABLE audit_head ADD COLUMN keyed_from_mac TEXT;
