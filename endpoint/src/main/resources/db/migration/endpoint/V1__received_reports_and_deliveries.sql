-- Reports the endpoint has acknowledged, and the state of opening each one. A row is committed
-- only after its file is synced in DATA_DIR/endpoint/received (stored_as), so every row has its file.
CREATE TABLE endpoint_reports (
    report_id       TEXT PRIMARY KEY,
    sender_email    TEXT NOT NULL,
    sender_verified INTEGER NOT NULL,  -- 1 when a verified token vouched for sender_email
    source          TEXT NOT NULL,     -- HTTPS or MAILBOX
    reference       TEXT,              -- the mail's Message-ID; NULL for HTTPS
    received_at     BIGINT NOT NULL,   -- epoch milliseconds
    kind            TEXT NOT NULL,     -- plain, dynamic or static
    size            BIGINT NOT NULL,   -- bytes as received
    sha256          TEXT NOT NULL,     -- lowercase hex of the bytes as received
    stored_as       TEXT NOT NULL,     -- file name in the received folder
    at_rest         TEXT NOT NULL,     -- 'as-received' (sealed) or 'master-key' (plain, encrypted by us)
    state           TEXT NOT NULL,     -- received, waiting, opened, delivered, parked
    open_attempts   INTEGER NOT NULL,
    last_error      TEXT,
    -- When a worker should next look at the report (open it, or deliver what is due); NULL when
    -- nothing is due. A worker's claim moves it a lease ahead, so a crashed worker's report comes due again.
    next_attempt_at BIGINT,
    claim           TEXT,              -- the current claim's random token
    opened_at       BIGINT,
    purged_at       BIGINT             -- when the received file was deleted after every delivery
);

CREATE INDEX endpoint_reports_due ON endpoint_reports (next_attempt_at);
CREATE INDEX endpoint_reports_by_time ON endpoint_reports (received_at, report_id);
CREATE INDEX endpoint_reports_by_sender ON endpoint_reports (sender_email, received_at);

-- One row per report and configured destination, created with the report.
CREATE TABLE endpoint_deliveries (
    report_id       TEXT NOT NULL REFERENCES endpoint_reports (report_id),
    destination     TEXT NOT NULL,
    status          TEXT NOT NULL,     -- pending, delivered, parked
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT,            -- epoch milliseconds; NULL unless pending
    last_error      TEXT,
    delivered_at    BIGINT,
    PRIMARY KEY (report_id, destination)
);
