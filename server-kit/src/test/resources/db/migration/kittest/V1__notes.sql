CREATE TABLE kit_notes (
    id BIGINT PRIMARY KEY,
    body TEXT NOT NULL
);
