-- My reports, one row per report: where each report went. An upload keeps the origin of the key
-- server its package.json names (so the web can ask whether it was revoked), and every send a
-- client records (the channel, and the recipient when known) is a row of report_sends. Recipients
-- are personal data: rows older than the reports they describe are deleted by the hourly purge.

ALTER TABLE uploads ADD COLUMN keyserver_url TEXT NOT NULL DEFAULT '';

CREATE TABLE report_sends (
    user_id   TEXT NOT NULL,
    report_id TEXT NOT NULL,
    channel   TEXT NOT NULL,
    recipient TEXT,
    sent_at   BIGINT NOT NULL
);
CREATE INDEX report_sends_user ON report_sends (user_id, sent_at);
CREATE INDEX report_sends_time ON report_sends (sent_at);
