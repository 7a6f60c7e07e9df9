-- Cloud: the quota sums the sizes of one uploader's unexpired reports.
CREATE INDEX cloud_reports_uploader ON cloud_reports (uploader_id, expires_at);
