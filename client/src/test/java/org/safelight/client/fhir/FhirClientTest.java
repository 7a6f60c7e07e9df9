package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client's HTTP behaviour against a scripted server: what the real test FHIR server cannot be made to do. */
@Timeout(60)
class FhirClientTest {
    private FakeFhir server;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = new FakeFhir();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Hands out "Bearer t1", then "Bearer t2" once told the first was refused. */
    static final class TokenAuth implements FhirAuth {
        final AtomicInteger rejections = new AtomicInteger();

        @Override
        public Optional<String> authorization() {
            return Optional.of("Bearer t" + (rejections.get() + 1));
        }

        @Override
        public void rejected() {
            rejections.incrementAndGet();
        }

        @Override
        public String describe() {
            return "token";
        }
    }

    private FhirClient client(FhirAuth auth) {
        return new FhirClient(URI.create(server.base() + "/"), FhirVersion.R4, auth);
    }

    private static String bundle(String next, String... resources) {
        String link = next == null ? "[]" : "[{\"relation\":\"self\",\"url\":\"x\"},{\"relation\":\"next\",\"url\":\"" + next + "\"}]";
        return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":" + link + ",\"entry\":["
                + String.join(",", java.util.Arrays.stream(resources).map(r -> "{\"resource\":" + r + "}").toList()) + "]}";
    }

    private static String patient(int id) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}";
    }

    @Test
    void a_search_goes_to_the_base_without_a_double_slash_with_the_parameters_in_order_and_the_fhir_json_accept() throws Exception {
        server.answer = (r, i) -> FakeFhir.Reply.json(200, bundle(null,
                "{\"resourceType\":\"Patient\",\"id\":\"7\",\"name\":[{\"use\":\"usual\",\"given\":[\"Addy\"],\"family\":\"Q\"},"
                        + "{\"use\":\"official\",\"given\":[\"Ada\",\"May\"],\"family\":\"Quill\"}],\"birthDate\":\"1961-03-07\","
                        + "\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"MRN-1\"},{\"value\":\"X 2\"}]}",
                "{\"resourceType\":\"OperationOutcome\"}"));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("given", "Ada May");
        query.put("family", "Quill");
        query.put("identifier", "urn:mrn|MRN-1");

        List<FhirPatient> found = client(FhirAuth.basic("fhir", "pw")).patients(query);

        assertThat(found).containsExactly(new FhirPatient("Patient/7", "Ada", "Quill", "1961-03-07",
                List.of("urn:mrn|MRN-1", "|X 2")));
        FakeFhir.Request request = server.requests.get(0);
        assertThat(request.pathAndQuery()).isEqualTo("/fhir/Patient?given=Ada%20May&family=Quill&identifier=urn:mrn%7CMRN-1");
        assertThat(request.headers()).containsEntry("Accept", "application/fhir+json")
                .containsEntry("Authorization", FhirAuth.basic("fhir", "pw").authorization().orElseThrow());
    }

    @Test
    void a_practitioner_is_shown_as_prefix_given_family_with_its_emails_in_lower_case() throws Exception {
        server.answer = (r, i) -> FakeFhir.Reply.json(200, bundle(null,
                "{\"resourceType\":\"Practitioner\",\"id\":\"p1\",\"name\":[{\"prefix\":[\"Dr\"],\"given\":[\"Noor\"],"
                        + "\"family\":\"Haddad\"}],\"telecom\":[{\"system\":\"phone\",\"value\":\"123\"},"
                        + "{\"system\":\"email\",\"value\":\"Noor.Haddad@Example.org\"}],"
                        + "\"identifier\":[{\"system\":\"urn:npi\",\"value\":\"42\"}]}",
                "{\"resourceType\":\"Practitioner\",\"id\":\"p2\"}"));

        List<FhirPractitioner> found = client(FhirAuth.none()).practitioners(Map.of());

        assertThat(found).containsExactly(
                new FhirPractitioner("Practitioner/p1", "Dr Noor Haddad", List.of("noor.haddad@example.org"), List.of("urn:npi|42")),
                new FhirPractitioner("Practitioner/p2", "Practitioner/p2", List.of(), List.of()));
        assertThat(server.requests.get(0).pathAndQuery()).isEqualTo("/fhir/Practitioner");
        assertThat(server.requests.get(0).headers()).doesNotContainKey("Authorization");
    }

    @Test
    void next_pages_on_the_same_server_are_followed_up_to_200_entries() throws Exception {
        server.answer = (r, i) -> {
            String[] page = new String[150];
            for (int k = 0; k < page.length; k++) {
                page[k] = patient(i * 150 + k);
            }
            return FakeFhir.Reply.json(200, bundle(server.base() + "?_getpages=abc&_page=" + (i + 1), page));
        };

        List<FhirPatient> found = client(FhirAuth.basic("fhir", "pw")).patients(Map.of("family", "Quill"));

        assertThat(found).hasSize(FhirClient.MAX_ENTRIES);
        assertThat(server.requests).allSatisfy(r -> assertThat(r.headers()).containsKey("Authorization"));
        assertThat(found.get(199).reference()).isEqualTo("Patient/199");
        assertThat(server.requests).hasSize(2);
        assertThat(server.requests.get(1).pathAndQuery()).isEqualTo("/fhir?_getpages=abc&_page=1");
    }

    @Test
    void a_search_cut_short_says_so_and_a_whole_one_does_not() throws Exception {
        server.answer = (r, i) -> {
            String[] page = new String[150];
            for (int k = 0; k < page.length; k++) {
                page[k] = patient(i * 150 + k);
            }
            return FakeFhir.Reply.json(200, bundle(server.base() + "?_getpages=abc&_page=" + (i + 1), page));
        };
        FhirClient client = client(FhirAuth.none());

        assertThat(client.patients(Map.of("family", "Quill")).truncated()).as("a next page not followed").isTrue();

        server.answer = (r, i) -> FakeFhir.Reply.json(200, bundle(null, patient(1), patient(2))
                .replace("\"type\":\"searchset\",", "\"type\":\"searchset\",\"total\":3,"));
        FhirResults<FhirPatient> counted = client.patients(Map.of("family", "Quill"));
        assertThat(counted).hasSize(2);
        assertThat(counted.truncated()).as("a total above the entries read").isTrue();

        server.answer = (r, i) -> !r.pathAndQuery().contains("p=2")
                ? FakeFhir.Reply.json(200, bundle(server.base() + "?p=2", patient(1)))
                : FakeFhir.Reply.json(200, bundle(null, patient(2)).replace("\"type\":\"searchset\",",
                        "\"type\":\"searchset\",\"total\":2,"));
        FhirResults<FhirPatient> both = client.patients(Map.of());
        assertThat(both).extracting(FhirPatient::reference).containsExactly("Patient/1", "Patient/2");
        assertThat(both.truncated()).isFalse();
    }

    @Test
    void a_next_link_to_another_host_is_refused_and_gets_no_credentials() throws Exception {
        try (FakeFhir other = new FakeFhir()) {
            server.answer = (r, i) -> FakeFhir.Reply.json(200, bundle(other.base() + "/Patient?page=2", patient(1)));
            FhirClient client = client(FhirAuth.basic("fhir", "secret-pw"));

            assertThatThrownBy(() -> client.patients(Map.of("family", "Quill")))
                    .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("another host").hasMessageNotContaining("secret-pw");
            assertThat(other.requests).isEmpty();
        }
    }

    @Test
    void a_401_drops_the_token_and_the_request_is_tried_once_more_with_a_fresh_one() throws Exception {
        server.answer = (r, i) -> r.headers().get("Authorization").equals("Bearer t1")
                ? FakeFhir.Reply.json(401, "")
                : new FakeFhir.Reply(201, Map.of("Location", server.base() + "/Media/12/_history/1"), "");
        TokenAuth auth = new TokenAuth();
        ObjectNode media = FhirClient.JSON.createObjectNode().put("resourceType", "Media");

        String reference = client(auth).create(media, Optional.of("identifier=urn:safelight:item|R/I"));

        assertThat(reference).isEqualTo("Media/12");
        assertThat(auth.rejections).hasValue(1);
        assertThat(server.requests).hasSize(2);
        FakeFhir.Request second = server.requests.get(1);
        assertThat(second.pathAndQuery()).isEqualTo("/fhir/Media");
        assertThat(second.headers()).containsEntry("Authorization", "Bearer t2")
                .containsEntry("If-None-Exist", "identifier=urn:safelight:item|R/I")
                .containsEntry("Content-Type", "application/fhir+json; charset=utf-8");
        assertThat(second.body()).isEqualTo("{\"resourceType\":\"Media\"}");
    }

    @Test
    void credentials_refused_twice_are_not_retried_and_the_message_says_so_without_the_header() {
        server.answer = (r, i) -> FakeFhir.Reply.json(401, "");
        TokenAuth auth = new TokenAuth();

        assertThatThrownBy(() -> client(auth).patients(Map.of()))
                .isInstanceOfSatisfying(FhirException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.retryable()).isFalse();
                })
                .hasMessageContaining("refused the credentials").hasMessageNotContaining("Bearer");
        assertThat(server.requests).hasSize(2);
    }

    @Test
    void server_errors_and_throttling_are_retryable_refusals_are_not_and_nothing_the_server_echoes_is_repeated() {
        Map<Integer, Boolean> cases = Map.of(500, true, 503, true, 429, true, 408, true, 400, false, 403, false,
                404, false, 412, false, 422, false);
        FhirClient client = client(FhirAuth.none());
        cases.forEach((status, retryable) -> {
            server.answer = (r, i) -> FakeFhir.Reply.json(status, "{\"resourceType\":\"OperationOutcome\",\"issue\":"
                    + "[{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":\"no Patient Quill, born 1961-03-07\","
                    + "\"details\":{\"text\":\"Ada Quill\"}},{\"severity\":\"error\",\"code\":\"<b>\"}]}");
            assertThatThrownBy(() -> client.patients(Map.of("family", "Quill", "birthdate", "1961-03-07")))
                    .isInstanceOfSatisfying(FhirException.class, e -> {
                        assertThat(e.status()).isEqualTo(status);
                        assertThat(e.retryable()).as("status %d", status).isEqualTo(retryable);
                        assertThat(e.getMessage()).isEqualTo("GET Patient: the FHIR server answered " + status + ": issue: invalid")
                                .doesNotContain("Quill").doesNotContain("1961");
                        assertThat(e.getMessage().length()).isLessThan(260);
                    });
        });
    }

    @Test
    void a_patient_read_is_empty_when_the_server_does_not_have_it() throws Exception {
        server.answer = (r, i) -> r.pathAndQuery().endsWith("/gone") ? FakeFhir.Reply.json(410, "")
                : r.pathAndQuery().endsWith("/9") ? FakeFhir.Reply.json(200, patient(9)) : FakeFhir.Reply.json(404, "");

        FhirClient client = client(FhirAuth.none());

        assertThat(client.patient("Patient/9")).map(FhirPatient::reference).contains("Patient/9");
        assertThat(client.patient("Patient/8")).isEmpty();
        assertThat(client.patient("Patient/gone")).isEmpty();
    }

    @Test
    void a_practitioner_read_is_empty_when_the_server_does_not_have_it() throws Exception {
        server.answer = (r, i) -> r.pathAndQuery().endsWith("/Practitioner/7")
                ? FakeFhir.Reply.json(200, "{\"resourceType\":\"Practitioner\",\"id\":\"7\"}")
                : r.pathAndQuery().endsWith("/Practitioner/5") ? FakeFhir.Reply.json(200, patient(5))
                : FakeFhir.Reply.json(404, "");

        FhirClient client = client(FhirAuth.none());

        assertThat(client.practitioner("Practitioner/7")).map(FhirPractitioner::reference).contains("Practitioner/7");
        assertThat(client.practitioner("Practitioner/8")).isEmpty();
        assertThatThrownBy(() -> client.practitioner("Practitioner/5")).isInstanceOf(FhirException.class);
        assertThatThrownBy(() -> client.practitioner("Patient/7")).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests).extracting(FakeFhir.Request::pathAndQuery)
                .containsExactly("/fhir/Practitioner/7", "/fhir/Practitioner/8", "/fhir/Practitioner/5");
    }

    @Test
    void no_answer_is_a_retryable_failure_with_status_0() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        FhirClient client = new FhirClient(URI.create("http://127.0.0.1:" + port + "/fhir"), FhirVersion.STU3, FhirAuth.none());

        assertThatThrownBy(() -> client.practitioners(Map.of()))
                .isInstanceOfSatisfying(FhirException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.retryable()).isTrue();
                })
                .hasMessageContaining("cannot connect to http://127.0.0.1:" + port);
    }

    @Test
    void a_server_that_does_not_answer_in_time_is_a_retryable_failure() {
        CountDownLatch release = new CountDownLatch(1);
        server.answer = (r, i) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeFhir.Reply.json(200, "{}");
        };
        FhirClient client = new FhirClient(server.base(), FhirVersion.R4, FhirAuth.none(), Duration.ofMillis(300));
        try {
            assertThatThrownBy(() -> client.practitioners(Map.of()))
                    .isInstanceOfSatisfying(FhirException.class, e -> {
                        assertThat(e.status()).isZero();
                        assertThat(e.retryable()).isTrue();
                    })
                    .hasMessageContaining("in time");
        } finally {
            release.countDown();
        }
    }

    @Test
    void a_created_resource_is_named_by_its_body_when_there_is_no_location() throws Exception {
        server.answer = (r, i) -> FakeFhir.Reply.json(201, "{\"resourceType\":\"Binary\",\"id\":\"b-3\"}");

        String reference = client(FhirAuth.none()).create(
                FhirClient.JSON.createObjectNode().put("resourceType", "Binary"), Optional.empty());

        assertThat(reference).isEqualTo("Binary/b-3");
        assertThat(server.requests.get(0).headers()).doesNotContainKey("If-None-Exist");
    }

    @Test
    void a_raw_binary_is_streamed_from_its_file_with_its_content_type() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(11).nextBytes(bytes);
        Path file = Files.write(dir.resolve("clip.m4v"), bytes);
        server.answer = (r, i) -> new FakeFhir.Reply(201, Map.of("Location", "Binary/77/_history/1"), "");

        String reference = client(FhirAuth.basic("fhir", "pw")).createBinary(file, "video/mp4");

        assertThat(reference).isEqualTo("Binary/77");
        FakeFhir.Request request = server.requests.get(0);
        assertThat(request.headers()).containsEntry("Content-Type", "video/mp4").containsKey("Authorization");
        assertThat(request.size()).isEqualTo(bytes.length);
        assertThat(request.sha256()).isEqualTo(Hashes.sha256(file));
    }

    @Test
    void a_big_upload_gets_a_longer_timeout() {
        FhirClient client = new FhirClient(server.base(), FhirVersion.R4, FhirAuth.none(), Duration.ofSeconds(20));

        assertThat(client.uploadTimeout(0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(client.uploadTimeout(2L * 1024 * 1024 * 1024)).isEqualTo(Duration.ofSeconds(60 + 512));
    }
}
