package org.safelight.keys;

import org.safelight.server.crypto.MasterKeyException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.key;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.server.testing.TestDatabases;

/** Logs are for operators: no keys, no tokens, no stack traces, whatever goes wrong. */
class LogHygieneTest {

    @Test
    void nothing_the_server_logs_holds_a_key_a_token_or_a_stack_trace() throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String theKey;
        String sender;
        String recipient;
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            sender = server.token("sender");
            recipient = server.token("recipient");
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));

            theKey = server.post(key("r1"), sender).json().get("key").asText();
            server.get(key("r1"), recipient);
            server.get(key("r1"), recipient + "x");
            // A stored key that does not open, written behind the server's back (so not in its memory).
            server.keysDb.jdbi().useHandle(h -> h.execute("INSERT INTO report_keys (report_id, owner_user_id,"
                    + " owner_email, sealed_key, created_at) VALUES ('r2', 'sender', 'sender@example.org', 'AAAA', 0)"));
            Answer broken = server.get(key("r2"), recipient);
            server.keysDb.jdbi().useHandle(h -> h.execute("DROP TABLE audit_events"));
            Answer unlogged = server.get(key("r1"), recipient);

            assertThat(broken.status()).isEqualTo(500);
            assertThat(broken.error()).isEqualTo("internal_error");
            assertThat(unlogged.status()).isEqualTo(503);
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the failures were logged at all").contains("audit log is unavailable")
                .contains("MasterKeyException");
        assertThat(log).doesNotContain(theKey).doesNotContain(sender).doesNotContain(recipient)
                .doesNotContain(recipient.substring(recipient.lastIndexOf('.') + 1))
                .doesNotContain("\tat ").doesNotContain("recipient@example.org");
    }
}
