package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.safelight.server.http.Cors;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.role.RoleName;
import org.safelight.server.testing.Ports;

/**
 * The answers the Institution page cannot provoke from a real endpoint on demand: a question whose
 * candidates carry markup (they come from a FHIR server: hostile until shown as text), an answer the
 * endpoint refuses (400, 409) or never gets (the endpoint unreachable), with the question kept for
 * another try. The endpoint here is a scripted stand-in for the institution API on another origin
 * (its routes, CORS and JSON as {@code openapi/endpoint.yaml} has them); the real chain, from a
 * report to a FHIR server, is {@link InstitutionAnswersBrowserTest}.
 */
class InstitutionQuestionsBrowserTest extends BrowserTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATIENT_REPORT = "0000000421795377908451q7Zk2mR9xTb";
    private static final String SENDER_REPORT = "0000000421795377999999Bb3Kd0wQ1yZ";
    private static final String HOSTILE = "<img src=x onerror=\"window.pwned=1\">Joe";
    private static Javalin endpoint;
    /** What the stand-in answers to the next POST .../answer: 200, or an error code with its status. */
    private static volatile String nextAnswer = "ok";
    private static volatile boolean admin = true;
    /** Whether answers get no CORS headers, which a browser takes for an endpoint it cannot reach. */
    private static volatile boolean unreachable;
    private static final List<JsonNode> answers = new CopyOnWriteArrayList<>();
    private static final Map<String, ObjectNode> reports = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        site = Ports.onFreePorts(2, ports -> {
            String endpointUrl = "http://127.0.0.1:" + ports[1];
            Site started = Site.withEndpointAt(dir.resolve("data-" + ports[0]), ports[0], endpointUrl);
            try {
                endpoint = standIn(new Cors(List.of(started.url))).start("127.0.0.1", ports[1]);
                started.confirmedUser("it@stvincents.example", "Iris");
                return started;
            } catch (Exception e) {
                started.close();
                throw e;
            }
        });
        openBrowser();
    }

    @AfterAll
    static void stopEndpoint() {
        if (endpoint != null) {
            endpoint.stop();
        }
    }

    @BeforeEach
    void freshReports() throws Exception {
        nextAnswer = "ok";
        admin = true;
        unreachable = false;
        answers.clear();
        reports.put(PATIENT_REPORT, (ObjectNode) JSON.readTree("""
                {"report_id": "%s", "sender_email": "ada@stvincents.example", "sender_verified": true,
                 "source": "https", "received_at": "%s", "kind": "dynamic", "size": 3500000, "state": "opened",
                 "open_attempts": 1, "last_error": null, "deliveries": [
                  {"destination": "folder", "status": "delivered", "attempts": 1, "delivered_at": "%s",
                   "next_attempt_at": null, "last_error": null},
                  {"destination": "emr", "status": "needs_person", "attempts": 1, "delivered_at": null,
                   "next_attempt_at": null, "last_error": "Several patients match the report.",
                   "question": {"kind": "patient", "reason": "several_matches",
                    "message": "Several patients match the report.",
                    "report": {"given": "Joe", "family": "Patient", "birth_date": "1979-10-24", "patient_id": "MRN-204817"},
                    "candidates": [
                     {"reference": "Patient/1", "display": "Joe Patient", "birth_date": "1979-10-24",
                      "identifiers": ["urn:oid:1.2.36.146.595.217.0.1|MRN-7731"]},
                     {"reference": "Patient/2", "display": "%s Patient", "birth_date": "1979-10-24",
                      "identifiers": ["urn:oid:1.2.36.146.595.217.0.1|<b>MRN-9</b>"]}],
                    "can_create": true}}]}
                """.formatted(PATIENT_REPORT, Instant.now().minusSeconds(3600), Instant.now().minusSeconds(3500),
                HOSTILE.replace("\"", "\\\""))));
        reports.put(SENDER_REPORT, (ObjectNode) JSON.readTree("""
                {"report_id": "%s", "sender_email": "noor@example.org", "sender_verified": false,
                 "source": "mailbox", "received_at": "%s", "kind": "static", "size": 1200000, "state": "opened",
                 "open_attempts": 1, "last_error": null, "deliveries": [
                  {"destination": "emr", "status": "needs_person", "attempts": 1, "delivered_at": null,
                   "next_attempt_at": null, "last_error": null,
                   "question": {"kind": "practitioner", "reason": "unverified_sender",
                    "message": "The sender's address is not confirmed.",
                    "report": {"sender_email": "noor@example.org", "sender_name": "Dr Noor Haddad"},
                    "candidates": [
                     {"reference": "Practitioner/7", "display": "Dr Noor Haddad", "emails": ["noor@example.org"]},
                     {"reference": "Practitioner/8", "display": "Dr Nora Hadid", "emails": ["nora@example.org"]}],
                    "can_create": false}}]}
                """.formatted(SENDER_REPORT, Instant.now().minusSeconds(60))));
    }

    /** The institution API's routes for the two reports above, refusing or taking answers as scripted. */
    private static Javalin standIn(Cors cors) {
        return ServerApp.create(List.of(new Role() {
            @Override
            public RoleName roleName() {
                return RoleName.ENDPOINT;
            }

            @Override
            public void routes(JavalinDefaultRoutingApi r) {
                for (String path : List.of("/api/v1/endpoint/reports", "/api/v1/endpoint/reports/{id}",
                        "/api/v1/endpoint/reports/{id}/deliveries/{destination}/answer")) {
                    r.before(path, ctx -> {
                        if (!unreachable) {
                            cors.decorate(ctx);
                        }
                    });
                    r.options(path, cors::preflight);
                }
                r.get("/api/v1/endpoint/reports", ctx -> {
                    ArrayNode list = JSON.createArrayNode();
                    reports.values().stream().sorted((a, b) -> b.path("received_at").asText()
                            .compareTo(a.path("received_at").asText())).map(InstitutionQuestionsBrowserTest::seen)
                            .forEach(list::add);
                    ctx.json(Map.of("scope", admin ? "all" : "own", "reports", list));
                });
                r.get("/api/v1/endpoint/reports/{id}", ctx -> ctx.json(seen(reports.get(ctx.pathParam("id")))));
                r.post("/api/v1/endpoint/reports/{id}/deliveries/{destination}/answer", this::answer);
            }

            private void answer(Context ctx) throws Exception {
                if (unreachable) {
                    ctx.status(503);
                    return;
                }
                answers.add(JSON.readTree(ctx.body()));
                ObjectNode report = reports.get(ctx.pathParam("id"));
                switch (nextAnswer) {
                    case "ok" -> {
                        delivered(report, ctx.pathParam("destination"));
                        ctx.json(Map.of("report", report));
                    }
                    case "not_waiting_for_a_person" -> { // someone else answered first
                        delivered(report, ctx.pathParam("destination"));
                        ctx.status(409).json(Map.of("error", nextAnswer, "message", "this delivery is not waiting for a person"));
                    }
                    default -> ctx.status(400).json(Map.of("error", nextAnswer,
                            "message", "Patient/2 is not one of the candidates."));
                }
            }
        }), c -> { });
    }

    private static void delivered(ObjectNode report, String destination) {
        for (JsonNode d : report.get("deliveries")) {
            if (d.path("destination").asText().equals(destination)) {
                ((ObjectNode) d).put("status", "delivered").put("delivered_at", Instant.now().toString())
                        .putNull("last_error").remove("question");
            }
        }
        report.put("state", "delivered");
    }

    /** A report as the caller sees it: a sender gets no question and no error texts. */
    private static JsonNode seen(ObjectNode report) {
        ObjectNode copy = report.deepCopy();
        if (!admin) {
            for (JsonNode d : copy.get("deliveries")) {
                ((ObjectNode) d).remove(List.of("question", "last_error", "next_attempt_at"));
            }
        }
        return copy;
    }

    private static String card(String id) {
        return "li[data-report='" + id + "']";
    }

    private static void openAsAdmin() {
        SignIn.as(browser, site, "it@stvincents.example");
        SignIn.nav(browser, "#nav-institution");
        browser.visible(card(PATIENT_REPORT) + " .question");
    }

    private static List<String> texts(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    @Test
    void the_admin_sees_the_question_with_hostile_candidates_as_text_and_files_after_confirming() {
        openAsAdmin();
        String c = card(PATIENT_REPORT);
        assertThat(browser.text(c + " .deliveries")).contains("emr: waiting for a person to choose the patient");
        assertThat(browser.text(c + " .reason")).isEqualTo(
                "Several patients in the record have the name and birth date in the report.");
        assertThat(browser.text(c + " .report-patient")).isEqualTo("Joe Patient");
        assertThat(browser.text(c + " .report-birth-date")).isEqualTo("24 October 1979");
        assertThat(texts(c + " .candidate .candidate-name")).containsExactly("Joe Patient", HOSTILE + " Patient");
        assertThat(browser.text(c + " .candidates")).contains("MRN-7731 (urn:oid:1.2.36.146.595.217.0.1)",
                "<b>MRN-9</b>");
        assertThat(browser.driver().findElements(By.cssSelector(c + " .candidates img, " + c + " .candidates b")))
                .as("markup from the FHIR server stays text").isEmpty();
        assertThat(browser.script("return window.pwned === undefined")).isEqualTo(true);
        assertThat(browser.driver().findElements(By.cssSelector(c + " .create-patient"))).hasSize(1);
        Views.fit(browser);
        browser.script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", c + " .question");
        shows("institution-questions-0-patient");

        browser.click(c + " .candidate[data-reference='Patient/1']");
        assertThat(browser.text(c + " .confirm-question")).isEqualTo(
                "File this report to Joe Patient, born 24 October 1979 (MRN-7731)?");
        assertThat(browser.script("return document.activeElement.classList.contains('confirm-answer')")).isEqualTo(true);
        assertThat(answers).as("nothing is sent before the confirmation").isEmpty();
        Views.fit(browser);
        shows("institution-questions-1-confirm");

        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .state").contains("Delivered to emr."));
        assertThat(answers).extracting(JsonNode::toString).containsExactly("{\"patient\":\"Patient/1\"}");
        assertThat(browser.text(c + " .state")).isEqualTo(
                "Answered: this report is about Joe Patient, born 24 October 1979 (MRN-7731). Delivered to emr.");
        assertThat(browser.driver().findElements(By.cssSelector(c + " .question"))).isEmpty();
        assertThat(browser.script("return document.activeElement.classList.contains('state')")).isEqualTo(true);
        shows("institution-questions-2-filed");
    }

    @Test
    void refused_or_lost_answers_are_told_in_plain_words_and_the_question_stays_for_another_try() {
        openAsAdmin();
        String c = card(PATIENT_REPORT);
        nextAnswer = "invalid_answer";
        browser.click(c + " .candidate[data-reference='Patient/2']");
        browser.click(c + " .confirm-answer");
        browser.until(d -> !browser.driver().findElements(By.cssSelector(c + " .answer-status .error")).isEmpty());
        assertThat(browser.text(c + " .answer-status .error")).startsWith("The endpoint did not take this answer: "
                + "Patient/2 is not one of the candidates.");
        assertThat(browser.driver().findElement(By.cssSelector(c + " .confirm-answer")).isEnabled()).isTrue();

        unreachable = true;
        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .answer-status")
                .startsWith("The endpoint could not be reached, so your answer may not have arrived."));
        assertThat(browser.script("return document.activeElement.classList.contains('confirm-answer')")).isEqualTo(true);
        assertThat(texts(c + " .candidate")).hasSize(2);
        unreachable = false;

        nextAnswer = "not_waiting_for_a_person";
        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .state").startsWith("This delivery no longer waits for an answer"));
        assertThat(browser.text(c + " .deliveries")).contains("emr: delivered");
        assertThat(browser.driver().findElements(By.cssSelector(c + " .question"))).isEmpty();
        assertThat(answers).hasSize(2).allSatisfy(a -> assertThat(a.toString()).isEqualTo("{\"patient\":\"Patient/2\"}"));
        Views.fit(browser);
        shows("institution-questions-3-refused");
    }

    @Test
    void a_mailed_senders_practitioner_is_chosen_and_never_offered_to_be_remembered() {
        openAsAdmin();
        String c = card(SENDER_REPORT);
        assertThat(browser.text(c + " h3")).isEqualTo("emr: who sent this report?");
        assertThat(browser.text(c + " .report-sender")).isEqualTo("noor@example.org");
        assertThat(browser.driver().findElements(By.cssSelector(c + " .create-patient"))).isEmpty();
        assertThat(browser.driver().findElements(By.cssSelector(c + " .remember, " + c + " .remember-label"))).isEmpty();
        Views.fit(browser);
        browser.script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", c + " .question");
        shows("institution-questions-4-practitioner");

        browser.click(c + " .candidate[data-reference='Practitioner/7']");
        assertThat(browser.text(c + " .confirm-question")).isEqualTo("File this report as sent by Dr Noor Haddad (noor@example.org)?");
        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .state").contains("Delivered to emr."));
        assertThat(answers).extracting(JsonNode::toString)
                .containsExactly("{\"practitioner\":\"Practitioner/7\",\"remember\":false}");
    }

    @Test
    void a_verified_senders_practitioner_is_remembered_only_when_ticked() {
        ObjectNode report = reports.get(SENDER_REPORT);
        report.put("sender_verified", true).put("source", "https");
        ((ObjectNode) report.path("deliveries").get(0).path("question")).put("reason", "unknown_sender");
        openAsAdmin();
        String c = card(SENDER_REPORT);
        assertThat(browser.driver().findElement(By.cssSelector(c + " .remember")).isSelected()).isFalse();

        browser.click(c + " .candidate[data-reference='Practitioner/7']");
        assertThat(browser.text(c + " .confirm-question")).isEqualTo("File this report as sent by Dr Noor Haddad (noor@example.org)?");
        browser.click(c + " .cancel-answer");
        assertThat(browser.script("return document.activeElement.dataset.reference")).isEqualTo("Practitioner/7");
        browser.click(c + " .remember-label");
        browser.click(c + " .candidate[data-reference='Practitioner/7']");
        assertThat(browser.text(c + " .confirm-question")).endsWith(
                "Reports from noor@example.org go to this practitioner from now on.");
        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .state").contains("Delivered to emr."));
        assertThat(answers).extracting(JsonNode::toString)
                .containsExactly("{\"practitioner\":\"Practitioner/7\",\"remember\":true}");
    }

    @Test
    void a_sender_sees_that_the_institution_confirms_the_patient_but_not_the_question() {
        admin = false;
        SignIn.as(browser, site, "it@stvincents.example");
        SignIn.nav(browser, "#nav-institution");
        browser.visible("#received-list");
        assertThat(browser.text(card(PATIENT_REPORT) + " .deliveries"))
                .contains("emr: waiting for the institution to confirm the patient");
        assertThat(browser.driver().findElements(By.cssSelector("#received-list .question, #received-list .candidate")))
                .isEmpty();
        assertThat(browser.text("#received-list")).doesNotContain("Joe Patient", "Haddad");
    }
}
