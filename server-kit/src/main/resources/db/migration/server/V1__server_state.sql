-- Small named facts about the deployment as a whole, shared by every instance and role on this
-- database (which master key the stored secrets are sealed under, a rotation under way).
CREATE TABLE server_state (
    name  VARCHAR(100) PRIMARY KEY,
    value TEXT NOT NULL
);
