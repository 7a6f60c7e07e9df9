-- Deliveries that wait for a person (issue 11): a destination such as FHIR may need someone to
-- pick the patient or the sender's practitioner. Such a delivery has status 'needs_person', no
-- next attempt, and its question kept sealed under the master key (it names patients); once an
-- admin answers, the answer is kept with the delivery and it is due again.
ALTER TABLE endpoint_deliveries ADD COLUMN question TEXT;  -- the Question as JSON, sealed (MasterKey.seal); NULL unless needs_person
ALTER TABLE endpoint_deliveries ADD COLUMN answers TEXT;   -- JSON object of what people answered (patient, create_patient, practitioner), sealed like the question; NULL for none

-- Every resource a FHIR destination created for a report, by a key derived from the report and
-- item ({reportId}/{itemId}/media, {reportId}/report.pdf/binary, ...): a retry reuses them
-- instead of creating them again (a raw Binary carries no identifier to search for).
CREATE TABLE endpoint_fhir_resources (
    report_id   TEXT NOT NULL,
    destination TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    reference   TEXT NOT NULL,         -- Type/id on the destination's server, sealed (MasterKey.seal, bound to report, destination and key)
    created_at  BIGINT NOT NULL,       -- epoch milliseconds
    PRIMARY KEY (report_id, destination, item_key)
);

-- The institution's own mapping of senders to Practitioners on its FHIR server, set by an admin
-- answering "who is this sender?" with remember, and used for the sender's later reports.
CREATE TABLE endpoint_practitioners (
    sender_email TEXT PRIMARY KEY,     -- lower case
    reference    TEXT NOT NULL,        -- Practitioner/id
    display      TEXT,                 -- the practitioner's name as the server wrote it, when known
    set_by       TEXT NOT NULL,        -- the admin's email
    set_at       BIGINT NOT NULL       -- epoch milliseconds
);
