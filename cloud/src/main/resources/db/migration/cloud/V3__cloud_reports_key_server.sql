-- Cloud: the origin of the key server a stored report's package.json names, so that its link's
-- public status can say where to ask whether the report was revoked ('' when none).
ALTER TABLE cloud_reports ADD COLUMN keyserver_url TEXT NOT NULL DEFAULT '';
