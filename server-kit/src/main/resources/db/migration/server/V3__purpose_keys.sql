-- Keys for one purpose each (the audit chain's MAC key, the endpoint's at-rest file keys), stored
-- sealed under the master key (MasterKey.seal, associated data 'purpose-key:' || label) so that they
-- keep their values when the master key is rotated or moved into an HSM. Made on first use; on a
-- deployment with a file master key the first value is what earlier versions derived from it.
CREATE TABLE purpose_keys (
    label      VARCHAR(100) PRIMARY KEY,
    sealed_key TEXT NOT NULL,
    created_at BIGINT NOT NULL   -- epoch milliseconds
);
