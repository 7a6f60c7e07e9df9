package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.safelight.accounts.AccountsStores;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.client.ApiClient;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.endpoint.EndpointOptions;
import org.safelight.endpoint.EndpointWiring;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.testing.Ports;
import picocli.CommandLine;

/**
 * The Proof's "the institution's page resolves a parked delivery in a real browser", on the real
 * chain: a report sent to a real endpoint role (its own server, with the FHIR destination configured
 * by its flags) whose FHIR server (the tests' HAPI server, R4, Basic auth) holds two patients of the
 * report's name and birth date, so the delivery waits for a person; the enterprise's admin sees both
 * candidates on the Institution page of My Safelight (another origin, endpoint-scoped tokens), picks
 * one, confirms, and the report is filed to that patient and no other. A sender sees only that the
 * institution confirms the patient.
 */
class InstitutionAnswersBrowserTest extends BrowserTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServeConfig.Cloud SHARED = ServeConfig.Cloud.DEFAULTS.withServiceCredential(
            new ServiceCredential("institution-answers-browser-test-service-credential-0123456789"));
    private static final String MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1";
    private static final String ADMIN = "it@stvincents.example";
    private static final String SENDER = "ada@stvincents.example";
    /** A sender whose address no Practitioner of the record has. */
    private static final String NEWCOMER = "ben@stvincents.example";

    private static FhirTestServer fhir;
    private static SafelightServer endpoint;
    private static String endpointUrl;
    private static String first;
    private static String second;
    private static String carter;

    @BeforeAll
    static void start() throws Exception {
        fhir = FhirTestServer.start(FhirVersion.R4);
        fhir.addPractitioner("Dr", "Ada", "Tester", SENDER);
        carter = fhir.addPractitioner("Dr", "Ben", "Carter", "b.carter@stvincents-health.example");
        first = fhir.addPatient("Joe", "Patient", "1961-03-07", MRN_SYSTEM + "|MRN-7731");
        second = fhir.addPatient("Joe", "Patient", "1961-03-07", MRN_SYSTEM + "|MRN-9120");
        site = Ports.onFreePorts(2, ports -> {
            endpointUrl = "http://127.0.0.1:" + ports[1];
            Site started = Site.withEndpointAt(dir.resolve("data-" + ports[0]), ports[0], endpointUrl, SHARED);
            try {
                started.confirmedUser(ADMIN, "Iris");
                started.confirmedUser(SENDER, "Ada");
                started.confirmedUser(NEWCOMER, "Ben");
                String enterprise = AccountsStores.open(started.server.database(), Clock.systemUTC()).enterprises()
                        .create("St Vincent's", ADMIN, List.of("stvincents.example"), List.of());
                endpoint = startEndpoint(started, enterprise, ports[1]);
                return started;
            } catch (Exception e) {
                started.close();
                throw e;
            }
        });
        openBrowser();
    }

    /**
     * The endpoint role as an operator starts it apart from the accounts server: its flags parsed as
     * {@code safelight serve} parses them, the FHIR destination's password in a file.
     */
    private static SafelightServer startEndpoint(Site accounts, String enterprise, int port) throws Exception {
        Path data = Files.createDirectories(dir.resolve("endpoint-" + port));
        Path password = Files.writeString(data.resolve("fhir-password"), FhirTestServer.PASSWORD);
        EndpointOptions options = new EndpointOptions();
        new CommandLine(options).parseArgs("--endpoint-enterprise", enterprise, "--endpoint-allow-plain-http",
                "--endpoint-trusted-origins", accounts.url,
                "--endpoint-fhir-url", fhir.baseUrl().toString(), "--endpoint-fhir-version", "r4",
                "--endpoint-fhir-auth", "basic", "--endpoint-fhir-user", FhirTestServer.USER,
                "--endpoint-fhir-password-file", password.toString(), "--endpoint-fhir-create-patients",
                "--endpoint-fhir-patient-id-system", MRN_SYSTEM);
        return SafelightServer.start(new ServeConfig(data, "127.0.0.1", port, Set.of(), Database.sqliteUrl(data), null,
                null, URI.create(accounts.url), URI.create(endpointUrl), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60, SHARED)
                .with(new EndpointWiring(options.settings())), Clock.systemUTC());
    }

    @AfterAll
    static void stopServers() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (fhir != null) {
            fhir.close();
        }
    }

    /**
     * A plain report about a patient born 7 March 1961 with the patient ID {@code patientId}, sent by
     * {@link #SENDER} to the endpoint's intake as the CLI sends it, once its FHIR delivery waits for a person.
     */
    private static String sendAndAwaitTheQuestion(String given, String family, String patientId) throws Exception {
        return sendAndAwaitTheQuestion(SENDER, given, family, patientId);
    }

    private static String sendAndAwaitTheQuestion(String sender, String given, String family, String patientId)
            throws Exception {
        Path draftDir = Site.draft(dir.resolve("draft-" + System.nanoTime()), given, family, "Pressure sore, heel");
        Path metadata = draftDir.resolve("metadata.json");
        Files.writeString(metadata, Files.readString(metadata).replace("MRN-204817", patientId));
        Path report = Sealer.seal(Draft.load(draftDir, Clock.systemUTC()), new Protection.Plain(),
                Files.createDirectories(dir.resolve("sealed-" + System.nanoTime())));
        String endpointToken = site.call("POST", "/api/v1/accounts/endpoint-token", site.token(sender),
                JSON.writeValueAsString(Map.of("endpoint", endpointUrl))).path("token").asText();
        String id = ApiClient.create().postMultipart(URI.create(endpointUrl + "/api/report"),
                Map.of("token", endpointToken), "picsafe_file", report.getFileName().toString(), report)
                .path("report_id").asText();
        String admin = site.token(ADMIN);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"needs_person".equals(fhirDelivery(id, admin).path("status").asText())) {
            assertThat(System.nanoTime()).as("the FHIR delivery waits for a person within 60 s: "
                    + fhirDelivery(id, admin)).isLessThan(deadline);
            Thread.sleep(200);
        }
        return id;
    }

    /** The FHIR delivery of a report, as the institution API shows it to its admin. */
    private static JsonNode fhirDelivery(String reportId, String adminToken) throws Exception {
        JsonNode report = JSON.readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpointUrl + "/api/v1/endpoint/reports/" + reportId))
                        .header("Authorization", "Bearer " + adminToken).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode d : report.path("deliveries")) {
            if (d.path("destination").asText().equals("fhir")) {
                return d;
            }
        }
        return JSON.createObjectNode();
    }

    private static String card(String id) {
        return "li[data-report='" + id + "']";
    }

    private static List<String> attributes(String css, String attribute) {
        return browser.driver().findElements(By.cssSelector(css)).stream().map(e -> e.getAttribute(attribute)).toList();
    }

    /** The subjects of the resources of {@code type} filed for the report (by their Safelight identifiers). */
    private static List<String> subjectsOf(String type, String reportId) throws Exception {
        List<String> subjects = new ArrayList<>();
        for (var resource : fhir.resources(type)) {
            JsonNode json = JSON.readTree(fhir.json(fhir.reference(resource)));
            String id = json.path("masterIdentifier").path("value").asText(json.path("identifier").path(0)
                    .path("value").asText());
            if (id.equals(reportId) || id.startsWith(reportId + "/")) {
                subjects.add(json.path("subject").path("reference").asText());
            }
        }
        return subjects;
    }

    /** Brings a card's question into the window (a phone shows the report's facts first). */
    private static void scrollTo(String css) {
        browser.script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", css);
    }

    @Test
    void the_admin_picks_one_of_two_patients_on_the_page_and_the_report_is_filed_to_that_patient() throws Exception {
        String id = sendAndAwaitTheQuestion("Joe", "Patient", "MRN-204817");
        assertThat(subjectsOf("DocumentManifest", id)).as("nothing filed before a person answered").isEmpty();

        SignIn.as(browser, site, ADMIN);
        SignIn.nav(browser, "#nav-institution");
        String c = card(id);
        browser.visible(c + " .question");
        assertThat(browser.text(c + " .deliveries")).contains("fhir: waiting for a person to choose the patient");
        assertThat(browser.text(c + " .report-patient")).isEqualTo("Joe Patient");
        assertThat(browser.text(c + " .report-birth-date")).isEqualTo("7 March 1961");
        assertThat(attributes(c + " .candidate", "data-reference")).containsExactlyInAnyOrder(first, second);
        assertThat(browser.driver().findElements(By.cssSelector(c + " .candidate")).stream().map(WebElement::getText)
                .toList()).allSatisfy(t -> assertThat(t).contains("Joe Patient", "Born 7 March 1961"))
                .anySatisfy(t -> assertThat(t).contains("MRN-9120"));
        assertThat(browser.driver().findElements(By.cssSelector(c + " .create-patient"))).hasSize(1);
        Views.fit(browser);
        scrollTo(c + " .question");
        shows("institution-answers-0-question");

        browser.click(c + " .candidate[data-reference='" + second + "']");
        assertThat(browser.text(c + " .confirm-question"))
                .isEqualTo("File this report to Joe Patient, born 7 March 1961 (MRN-9120)?");
        Views.fit(browser);
        shows("institution-answers-1-confirm");
        assertThat(subjectsOf("DocumentManifest", id)).as("nothing filed before the confirmation").isEmpty();

        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .state").endsWith("Delivered to fhir."));
        assertThat(browser.text(c + " .state")).isEqualTo(
                "Answered: this report is about Joe Patient, born 7 March 1961 (MRN-9120). Delivered to fhir.");
        assertThat(browser.text(c + " .deliveries")).contains("fhir: delivered");
        assertThat(browser.driver().findElements(By.cssSelector(c + " .question"))).isEmpty();
        Views.fit(browser);
        shows("institution-answers-2-filed");

        assertThat(fhirDelivery(id, site.token(ADMIN)).path("status").asText()).isEqualTo("delivered");
        assertThat(subjectsOf("DocumentManifest", id)).containsExactly(second);
        assertThat(subjectsOf("Media", id)).isNotEmpty().containsOnly(second);
    }

    @Test
    void the_admin_creates_the_patient_the_record_lacks_and_the_report_is_filed_to_the_new_record() throws Exception {
        String id = sendAndAwaitTheQuestion("Mary", "Newcomb", "MRN-555001");
        int patients = fhir.count("Patient");
        SignIn.as(browser, site, ADMIN);
        SignIn.nav(browser, "#nav-institution");
        String c = card(id);
        browser.visible(c + " .question");
        assertThat(browser.text(c + " .reason")).isEqualTo("No patient in the record matches the report.");
        assertThat(browser.driver().findElements(By.cssSelector(c + " .candidate"))).isEmpty();

        browser.click(c + " .create-patient");
        assertThat(browser.text(c + " .confirm-question"))
                .isEqualTo("Create Mary Newcomb, born 7 March 1961, as a new patient in the record, and file this report to them?");
        Views.fit(browser);
        scrollTo(c + " .question");
        shows("institution-answers-4-create");
        assertThat(fhir.count("Patient")).as("nothing created before the confirmation").isEqualTo(patients);

        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .state").endsWith("Delivered to fhir."));
        assertThat(fhir.count("Patient")).isEqualTo(patients + 1);
        List<String> subjects = subjectsOf("DocumentManifest", id);
        assertThat(subjects).hasSize(1).doesNotContain(first, second);
        JsonNode created = JSON.readTree(fhir.json(subjects.get(0)));
        assertThat(created.path("name").path(0).path("family").asText()).isEqualTo("Newcomb");
        assertThat(created.path("birthDate").asText()).isEqualTo("1961-03-07");
        assertThat(created.path("identifier").toString()).contains(MRN_SYSTEM, "MRN-555001");
    }

    @Test
    void an_unknown_sender_is_linked_to_the_practitioner_the_admin_picks_then_the_patient_and_remembered() throws Exception {
        String id = sendAndAwaitTheQuestion(NEWCOMER, "Joe", "Patient", "MRN-204817");
        SignIn.as(browser, site, ADMIN);
        SignIn.nav(browser, "#nav-institution");
        String c = card(id);
        browser.visible(c + " .question");
        assertThat(browser.text(c + " .question h3")).isEqualTo("fhir: who sent this report?");
        assertThat(browser.text(c + " .report-sender")).isEqualTo(NEWCOMER);
        assertThat(attributes(c + " .candidate", "data-reference")).contains(carter);
        assertThat(browser.driver().findElement(By.cssSelector(c + " .remember")).isSelected()).isFalse();
        browser.click(c + " .remember-label");
        assertThat(browser.driver().findElement(By.cssSelector(c + " .remember")).isSelected()).isTrue();
        Views.fit(browser);
        scrollTo(c + " .question");
        shows("institution-answers-5-practitioner");

        browser.click(c + " .candidate[data-reference='" + carter + "']");
        assertThat(browser.text(c + " .confirm-question")).contains("Ben Carter (b.carter@stvincents-health.example)",
                "Reports from " + NEWCOMER + " go to this practitioner from now on.");
        browser.click(c + " .confirm-answer");
        // The practitioner settled, the same delivery asks for the patient next, on the same card.
        browser.until(d -> browser.text(c + " .state").endsWith("fhir asks one more question: see below."));
        assertThat(browser.text(c + " .question h3")).isEqualTo("fhir: which patient is this report about?");
        browser.click(c + " .candidate[data-reference='" + first + "']");
        browser.click(c + " .confirm-answer");
        browser.until(d -> browser.text(c + " .state").endsWith("Delivered to fhir."));
        assertThat(subjectsOf("DocumentManifest", id)).containsExactly(first);

        // Remembered: the newcomer's next report asks only for its patient.
        String next = sendAndAwaitTheQuestion(NEWCOMER, "Joe", "Patient", "MRN-204817");
        assertThat(fhirDelivery(next, site.token(ADMIN)).path("question").path("kind").asText()).isEqualTo("patient");
    }

    @Test
    void the_sender_sees_that_the_institution_confirms_the_patient_and_no_candidates() throws Exception {
        String id = sendAndAwaitTheQuestion("Joe", "Patient", "MRN-204817");
        SignIn.as(browser, site, SENDER);
        SignIn.nav(browser, "#nav-institution");
        browser.visible(card(id));
        assertThat(browser.text("#institution h1")).isEqualTo("Sent to the institution");
        assertThat(browser.text(card(id) + " .deliveries").lines())
                .contains("fhir: waiting for the institution to confirm the patient");
        assertThat(browser.driver().findElements(By.cssSelector("#received-list .question, #received-list .candidate")))
                .isEmpty();
        assertThat(browser.text("#received-list")).doesNotContain("MRN-7731", "MRN-9120", "1961");
        Views.fit(browser);
        shows("institution-answers-3-sender");
    }
}
