-- The ES256 key pairs that sign user tokens, shared by every instance of the accounts role (they
-- lived in DATA_DIR/signing-keys.json before, one set per instance, so instances refused each
-- other's tokens). The private JWK is sealed under the master key with "signing-key:KID" as
-- associated data: a dump of this table signs nothing, and a row's secret cannot be moved to
-- another key id. There is no public key column on purpose: a key is trusted only when its sealed
-- part opens to a key whose thumbprint is KID, and the public key is taken from it, so whoever can
-- write this table but lacks the master key cannot add a key. Retiring a key deletes its row:
-- tokens it signed stop verifying.
CREATE TABLE signing_keys (
    kid         TEXT NOT NULL PRIMARY KEY,
    sealed_jwk  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    -- when it stopped being the current key (NULL while current or never current): its tokens
    -- live at most the longest token lifetime after that, so retiring waits until then
    superseded_at BIGINT
);

-- Which key signs new tokens: one row at most (the check), so two instances starting at once on an
-- empty database cannot each make their own current key; the second insert does nothing.
CREATE TABLE signing_key_current (
    slot INTEGER NOT NULL PRIMARY KEY CHECK (slot = 1),
    kid  TEXT NOT NULL REFERENCES signing_keys (kid)
);
