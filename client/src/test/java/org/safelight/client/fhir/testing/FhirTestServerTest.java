package org.safelight.client.fhir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.safelight.client.fhir.FhirVersion;

/** The test FHIR server behaves like a strict, real one, for STU3 and R4. */
class FhirTestServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString((FhirTestServer.USER + ":" + FhirTestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final String FHIR_JSON = "application/fhir+json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FhirTestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_missing_or_wrong_login_is_a_401_with_a_challenge_and_the_right_one_is_served(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String patient = server.addPatient("Ada", "Lovelace", "1815-12-10");

        HttpResponse<String> none = http.send(get(patient).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = http.send(get(patient).setHeader("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("fhir:guess".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> right = http.send(get(patient).setHeader("Authorization", BASIC).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"fhir\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(right.body()).path("name").path(0).path("family").asText()).isEqualTo("Lovelace");
        assertThat(server.requests()).extracting(Recorded::status).containsExactly(401, 401, 200);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_bearer_server_takes_the_tokens_its_check_accepts(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version, FhirTestServer.Options.bearerToken("t-123"));
        server.addPatient("Ada", "Lovelace", "1815-12-10");

        HttpResponse<String> good = http.send(get("Patient").setHeader("Authorization", "Bearer t-123").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bad = http.send(get("Patient").setHeader("Authorization", "Bearer t-124").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"fhir\"");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void an_unknown_element_or_a_dangling_reference_is_refused_and_nothing_is_stored(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);

        HttpResponse<String> unknown = post("Patient", "{\"resourceType\":\"Patient\",\"nickname\":\"Ada\"}", null);
        HttpResponse<String> dangling = post("Media", media(version, "r1/i1", "Patient/99"), null);

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("nickname");
        assertThat(dangling.statusCode()).isEqualTo(400);
        assertThat(dangling.body()).contains("Patient/99");
        assertThat(server.count("Patient")).isZero();
        assertThat(server.count("Media")).isZero();
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_resource_missing_a_required_element_or_with_a_wrong_code_is_refused(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String patient = server.addPatient("Ada", "Lovelace", "1815-12-10");
        String media = media(version, "r1/i1", patient);
        String withoutRequired = version == FhirVersion.STU3
                ? media.replace("\"type\":\"photo\",", "") : media.replace("\"status\":\"completed\",", "");
        String wrongCode = version == FhirVersion.STU3
                ? media.replace("\"photo\"", "\"image\"") : media.replace("\"completed\"", "\"done\"");

        HttpResponse<String> missing = post("Media", withoutRequired, null);
        HttpResponse<String> wrong = post("Media", wrongCode, null);

        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(missing.body()).contains(version == FhirVersion.STU3 ? "Media.type" : "Media.status");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(server.count("Media")).isZero();
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_conditional_create_stores_once_and_answers_the_same_resource_again(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String patient = server.addPatient("Ada", "Lovelace", "1815-12-10");
        String condition = "identifier=urn:safelight:item|r1/i1";

        HttpResponse<String> first = post("Media", media(version, "r1/i1", patient), condition);
        HttpResponse<String> second = post("Media", media(version, "r1/i1", patient), condition);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).path("id").asText()).isEqualTo(JSON.readTree(first.body()).path("id").asText());
        assertThat(first.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
                .startsWith(server.baseUrl() + "/Media/"));
        assertThat(server.count("Media")).isEqualTo(1);
        assertThat(server.requests()).extracting(Recorded::ifNoneExist).allSatisfy(h -> assertThat(h).hasValue(condition));
        assertThat(server.requests().get(0).contentType()).hasValueSatisfying(ct -> assertThat(ct).startsWith(FHIR_JSON));
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void with_prefer_return_minimal_a_create_answers_its_location_and_no_body(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        byte[] video = new byte[300_000];
        HttpRequest.Builder raw = request("Binary").setHeader("Content-Type", "video/mp4").setHeader("Prefer", "return=minimal")
                .POST(HttpRequest.BodyPublishers.ofByteArray(video));
        String patient = server.addPatient("Ada", "Lovelace", "1815-12-10");

        HttpResponse<String> binary = http.send(raw.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> first = http.send(request("Media").setHeader("Content-Type", FHIR_JSON)
                .setHeader("Prefer", "return=minimal").setHeader("If-None-Exist", "identifier=urn:safelight:item|r1/i1")
                .POST(HttpRequest.BodyPublishers.ofString(media(version, "r1/i1", patient))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = http.send(request("Media").setHeader("Content-Type", FHIR_JSON)
                .setHeader("Prefer", "return=minimal").setHeader("If-None-Exist", "identifier=urn:safelight:item|r1/i1")
                .POST(HttpRequest.BodyPublishers.ofString(media(version, "r1/i1", patient))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(binary.statusCode()).isEqualTo(201);
        assertThat(binary.body()).isEmpty();
        assertThat(binary.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/Binary/"));
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_conditional_create_matching_several_is_a_412(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        server.addPatient("Ada", "Lovelace", "1815-12-10", "urn:mrn|42");
        server.addPatient("Ada", "Byron", "1815-12-10", "urn:mrn|42");

        HttpResponse<String> answer = post("Patient",
                "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"42\"}]}",
                "identifier=urn:mrn|42");

        assertThat(answer.statusCode()).isEqualTo(412);
        assertThat(server.count("Patient")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_raw_binary_of_a_few_megabytes_comes_back_byte_identical(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        byte[] photo = new byte[5 * 1024 * 1024 + 17];
        new Random(11).nextBytes(photo);

        HttpResponse<byte[]> created = http.send(request("Binary").setHeader("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build(), HttpResponse.BodyHandlers.ofByteArray());
        String binary = server.requests().get(0).locationReference().orElseThrow();
        HttpResponse<byte[]> read = http.send(get(binary).setHeader("Accept", "image/jpeg").setHeader("Authorization", BASIC).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).as("HAPI answers a raw Binary with itself unless Prefer: return=minimal").isEqualTo(photo);
        assertThat(binary).startsWith("Binary/");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("image/jpeg"));
        assertThat(read.body()).isEqualTo(photo);
        assertThat(server.binaryBytes(binary)).isEqualTo(photo);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_json_binary_is_created_once_by_its_tag(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String bytes = Base64.getEncoder().encodeToString("small".getBytes(StandardCharsets.UTF_8));
        String body = "{\"resourceType\":\"Binary\",\"meta\":{\"tag\":[{\"system\":\"urn:safelight:item\",\"code\":\"r1/i2\"}]},"
                + "\"contentType\":\"image/jpeg\",\"" + (version == FhirVersion.STU3 ? "content" : "data") + "\":\"" + bytes + "\"}";

        HttpResponse<String> first = post("Binary", body, "_tag=urn:safelight:item|r1/i2");
        HttpResponse<String> again = post("Binary", body, "_tag=urn:safelight:item|r1/i2");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(server.count("Binary")).isEqualTo(1);
        String reference = server.reference(server.resources("Binary").get(0));
        assertThat(server.binaryBytes(reference)).isEqualTo("small".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void patients_are_found_by_given_family_and_birth_date_like_a_real_server(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String ada = server.addPatient("Ada", "Lovelace", "1815-12-10", "urn:mrn|42");
        server.addPatient("Annabella", "Lovelace", "1815-12-10");
        server.addPatient("Ada", "Lovelace", "1816-01-01");

        assertThat(search("Patient?given=ada&family=LOVELACE&birthdate=1815-12-10")).containsExactly(ada);
        assertThat(search("Patient?family=Lovelace&birthdate=1815-12-10")).hasSize(2);
        assertThat(search("Patient?given=Ann&family=Lovelace")).hasSize(1);
        assertThat(search("Patient?family=Lovelace&birthdate=1815")).hasSize(2);
        assertThat(search("Patient?identifier=urn:mrn%7C42")).containsExactly(ada);
        assertThat(search("Patient?identifier=42")).containsExactly(ada);
        assertThat(search("Patient?family=Babbage")).isEmpty();
        assertThat(server.requests().get(0).target()).isEqualTo("Patient?given=ada&family=LOVELACE&birthdate=1815-12-10");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void practitioners_are_listed_and_found_by_email_in_any_case(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String house = server.addPractitioner("Dr.", "Gregory", "House", "House@Example.org", "urn:npi|7");
        server.addPractitioner(null, "James", "Wilson", "wilson@example.org");

        assertThat(search("Practitioner")).hasSize(2);
        assertThat(search("Practitioner?email=house@example.org")).containsExactly(house);
        assertThat(search("Practitioner?identifier=urn:npi%7C7")).containsExactly(house);
        assertThat(search("Practitioner?email=nobody@example.org")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_stopped_server_refuses_and_a_restarted_one_has_the_same_port_and_data(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String patient = server.addPatient("Ada", "Lovelace", "1815-12-10");
        URI base = server.baseUrl();

        server.stop();
        assertThatThrownBy(() -> http.send(get(patient).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
        server.restart();

        assertThat(server.baseUrl()).isEqualTo(base);
        assertThat(http.send(get(patient).setHeader("Authorization", BASIC).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_fault_drops_the_answer_after_the_second_media_is_stored_and_a_retry_after_restart_finds_it(FhirVersion version)
            throws Exception {
        server = FhirTestServer.start(version);
        String patient = server.addPatient("Ada", "Lovelace", "1815-12-10");
        AtomicInteger media = new AtomicInteger();
        server.failWhen(r -> r.created("Media") && media.incrementAndGet() == 2);

        assertThat(post("Media", media(version, "r1/i1", patient), "identifier=urn:safelight:item|r1/i1").statusCode())
                .isEqualTo(201);
        assertThatThrownBy(() -> post("Media", media(version, "r1/i2", patient), "identifier=urn:safelight:item|r1/i2"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> post("Media", media(version, "r1/i3", patient), null)).isInstanceOf(IOException.class);
        assertThat(server.count("Media")).isEqualTo(2);

        server.restart();
        HttpResponse<String> retry = post("Media", media(version, "r1/i2", patient), "identifier=urn:safelight:item|r1/i2");

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(server.count("Media")).isEqualTo(2);
        assertThat(server.requests()).extracting(Recorded::status).containsExactly(201, 201, 200);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void stop_after_answers_first_and_a_restart_straight_after_the_answer_stays_up(FhirVersion version) throws Exception {
        server = FhirTestServer.start(version);
        String patient = server.addPatient("Ada", "Lovelace", "1815-12-10");
        server.stopAfter(r -> r.created("Media"));

        HttpResponse<String> answered = post("Media", media(version, "r1/i1", patient), null);
        server.restart();
        HttpResponse<String> after = http.send(get(patient).setHeader("Authorization", BASIC).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answered.statusCode()).isEqualTo(201);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(server.running()).isTrue();
    }

    private List<String> search(String query) throws Exception {
        HttpResponse<String> answer = http.send(get(query).setHeader("Authorization", BASIC).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(answer.body());
        assertThat(bundle.path("type").asText()).isEqualTo("searchset");
        return bundle.path("entry").findValues("resource").stream()
                .map(r -> r.path("resourceType").asText() + "/" + r.path("id").asText()).toList();
    }

    private HttpResponse<String> post(String type, String body, String ifNoneExist) throws Exception {
        HttpRequest.Builder request = request(type).setHeader("Content-Type", FHIR_JSON + ";charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (ifNoneExist != null) {
            request.setHeader("If-None-Exist", ifNoneExist);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + path)).timeout(Duration.ofSeconds(30))
                .setHeader("Authorization", BASIC);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + path)).timeout(Duration.ofSeconds(30))
                .setHeader("Accept", FHIR_JSON);
    }

    private static String media(FhirVersion version, String item, String patient) {
        String identifier = "\"identifier\":[{\"system\":\"urn:safelight:item\",\"value\":\"" + item + "\"}]";
        String content = "\"content\":{\"contentType\":\"image/jpeg\",\"data\":\"AAEC\",\"size\":3}";
        String subject = "\"subject\":{\"reference\":\"" + patient + "\"}";
        return version == FhirVersion.STU3
                ? "{\"resourceType\":\"Media\"," + identifier + ",\"type\":\"photo\"," + subject + "," + content + "}"
                : "{\"resourceType\":\"Media\"," + identifier + ",\"status\":\"completed\",\"type\":{\"coding\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/media-type\",\"code\":\"image\"}]}," + subject + "," + content + "}";
    }
}
