package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;
import static org.safelight.keys.KeyServerFixture.status;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/** The public status of many reports in one request, for a list of one's reports. */
class ReportStatusBatchTest {
    private static final String BATCH = "/api/v1/reports/status";

    private static Answer ask(KeyServerFixture server, List<String> ids) {
        String json = ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "{\"report_ids\":[", "]}"));
        return server.send(server.request(BATCH, null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @EachDatabase
    void anyone_learns_the_status_of_many_reports_at_once_and_unknown_ones_are_simply_absent(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            server.post(key("r-open"), server.token("sender"));
            server.post(key("r-gone"), server.token("sender"));
            Instant revokedAt = server.clock.instant();
            assertThat(server.post(revoke("r-gone"), server.token("sender")).status()).isEqualTo(200);
            long eventsBefore = ((AuditVerification.Intact) server.audit.verify()).events();

            Answer answer = ask(server, List.of("r-open", "never-made", "r-gone", "r-open"));

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"reports\":[{\"report_id\":\"r-open\",\"revoked\":false},"
                    + "{\"report_id\":\"r-gone\",\"revoked\":true,\"revoked_at\":\"" + revokedAt + "\"}]}");
            assertThat(((AuditVerification.Intact) server.audit.verify()).events()).as("not audited")
                    .isEqualTo(eventsBefore);
        }
    }

    @EachDatabase
    void a_batch_counts_as_one_request_in_the_per_address_status_limit(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get(), 2)) {
            List<String> many = IntStream.range(0, 100).mapToObj(i -> "r-" + i).toList();

            Answer first = ask(server, many);
            Answer single = server.get(status("r-1"), null);
            Answer third = ask(server, many);

            assertThat(first.status()).isEqualTo(200);
            assertThat(single.status()).as("the single route shares the bucket").isEqualTo(404);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.error()).isEqualTo("rate_limited");
        }
    }

    @EachDatabase
    void more_than_a_hundred_ids_or_a_malformed_one_is_refused_with_a_clear_code(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            Answer tooMany = ask(server, IntStream.range(0, 101).mapToObj(i -> "r-" + i).toList());
            Answer malformed = ask(server, List.of("r-1", "has.dot"));
            Answer noList = server.send(server.request(BATCH, null).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));

            assertThat(tooMany.status()).isEqualTo(400);
            assertThat(tooMany.error()).isEqualTo("too_many_reports");
            assertThat(tooMany.json().get("message").asText()).contains("at most 100");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.error()).isEqualTo("invalid_report_id");
            assertThat(noList.status()).isEqualTo(400);
            assertThat(noList.error()).isEqualTo("bad_request");
        }
    }

    @EachDatabase
    void a_trusted_web_origin_may_ask_from_a_browser_after_a_json_preflight(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            Answer preflight = server.send(server.request(BATCH, null)
                    .header("Origin", KeyServerFixture.TRUSTED_ORIGIN)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            Answer trusted = server.send(server.request(BATCH, null).header("Origin", KeyServerFixture.TRUSTED_ORIGIN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"report_ids\":[]}")));
            Answer other = server.send(server.request(BATCH, null).header("Origin", "https://elsewhere.example")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"report_ids\":[]}")));

            assertThat(preflight.status()).isEqualTo(204);
            assertThat(preflight.headers().allValues("Access-Control-Allow-Methods").toString()).contains("POST");
            assertThat(preflight.headers().allValues("Access-Control-Allow-Headers").toString()).contains("Content-Type");
            assertThat(trusted.status()).isEqualTo(200);
            assertThat(trusted.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(KeyServerFixture.TRUSTED_ORIGIN);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }
}
