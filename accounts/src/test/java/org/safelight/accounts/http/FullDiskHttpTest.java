package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/**
 * A database that cannot take a write (a full disk) makes sign-up and sign-in answer 503
 * {@code storage_unavailable}, which clients retry, rather than 500. PostgreSQL's failure is its
 * own {@code disk_full} error (SQLSTATE 53100); SQLite's is a write the engine aborts.
 */
class FullDiskHttpTest {

    private static void fill(Database db, String table) {
        db.jdbi().useHandle(h -> {
            if (db.dialect() == Database.Dialect.POSTGRES) {
                h.execute("CREATE OR REPLACE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';"
                        + " END $$");
                h.execute("CREATE TRIGGER full_" + table + " BEFORE INSERT ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION disk_full()");
            } else {
                h.execute("CREATE TRIGGER full_" + table + " BEFORE INSERT ON " + table
                        + " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
            }
        });
    }

    @EachDatabase
    void signing_in_on_a_full_disk_answers_503_and_no_session(DatabaseEngine engine, Supplier<Database> fresh) {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@hospital.org");
            fill(server.db, "refresh_tokens");

            HttpResponse<String> r = server.post("/api/v1/accounts/signin",
                    "{\"email\": \"ada@hospital.org\", \"password\": \"" + AccountsServer.PASSWORD + "\"}");

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r).get("error").asText()).isEqualTo("storage_unavailable");
            assertThat(json(r).has("access_token")).isFalse();
        }
    }

    @EachDatabase
    void signing_up_on_a_full_disk_answers_503_and_mails_nothing(DatabaseEngine engine, Supplier<Database> fresh) {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            fill(server.db, "users");

            HttpResponse<String> r = server.post("/api/v1/accounts/signup", """
                    {"email": "ada@hospital.org", "password": "violet tram harbour 42", "first_name": "A",
                     "last_name": "B"}""");

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r).get("error").asText()).isEqualTo("storage_unavailable");
            assertThat(server.outbox().messages()).isEmpty();
        }
    }
}
