-- The log of reports uploaded to the cloud: each sender's list, and the enterprise listing its
-- sync script polls. seq is handed out from user_numbers('uploads') inside the inserting
-- transaction, so it grows in commit order and is a safe cursor ("everything after N").

CREATE TABLE uploads (
    seq           BIGINT NOT NULL UNIQUE,
    region        TEXT NOT NULL,
    name          TEXT NOT NULL,
    report_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    sender_email  TEXT NOT NULL,
    sender_name   TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    link          TEXT NOT NULL,
    download_url  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    uploaded_at   BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    PRIMARY KEY (region, name)
);
CREATE INDEX uploads_user ON uploads (user_id, uploaded_at);
CREATE INDEX uploads_enterprise ON uploads (enterprise_id, seq);
INSERT INTO user_numbers (name, last_value) VALUES ('uploads', 0);
