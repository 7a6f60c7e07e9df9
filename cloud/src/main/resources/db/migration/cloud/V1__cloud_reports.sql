-- Cloud: the reports stored for 7 days, by the link they are reached at. The bytes live in the
-- blob store under {region}/{name}; a row stays after expiry (deleted_at set by the sweeper), so
-- the link answers "expired" rather than "unknown". Portable between SQLite and PostgreSQL.

CREATE TABLE cloud_reports (
    region        TEXT NOT NULL,
    name          TEXT NOT NULL,
    report_id     TEXT NOT NULL,
    uploader_id   TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    size          BIGINT NOT NULL,
    uploaded_at   BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    deleted_at    BIGINT,
    PRIMARY KEY (region, name)
);
CREATE INDEX cloud_reports_expiry ON cloud_reports (deleted_at, expires_at);
