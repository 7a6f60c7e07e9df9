package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.client.fhir.testing.Recorded;

/**
 * {@code safelight send FILE --to fhir:URL} against a real HAPI FHIR server (STU3 and R4, Basic
 * auth on): the seed's calls, the matching rules asked at the terminal (answers piped on standard
 * input, as a script or a person types them), and what a script gets when nobody answers.
 */
class SendToFhirEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private FhirTestServer fhir;
    private Path report;
    private Path passwordFile;

    @BeforeEach
    void draftAndSeal() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        Path out = dir.resolve("sealed");
        Cli.Result seal = Cli.run("seal", dir.resolve("draft").toString(), "-o", out + "/", "--plain");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> sealed = Files.list(out)) {
            report = sealed.findFirst().orElseThrow();
        }
        passwordFile = Files.writeString(dir.resolve("fhir-password"), FhirTestServer.PASSWORD + "\n");
    }

    @AfterEach
    void stop() {
        if (fhir != null) {
            fhir.close();
        }
    }

    private Cli.Result send(String stdin, String... more) {
        return send(report, stdin, more);
    }

    private Cli.Result send(Path file, String stdin, String... more) {
        String[] args = Stream.concat(Stream.of("send", file.toString(), "--to", "fhir:" + fhir.baseUrl(),
                "--fhir-version", fhir.version().id(), "--fhir-user", FhirTestServer.USER, "--fhir-password-file",
                passwordFile.toString()), Stream.of(more)).toArray(String[]::new);
        return Cli.runWithInput(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private JsonNode resource(String reference) throws IOException {
        return JSON.readTree(fhir.json(reference));
    }

    /** The grouping reference the success output names. */
    private static String grouping(Cli.Result r) {
        Matcher m = Pattern.compile("^Filed report \\S+ into \\S+ \\(FHIR \\w+, \\w+ mode\\): (\\S+)$", Pattern.MULTILINE)
                .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    /** The reference on the numbered line {@code n} of a list the CLI printed. */
    private static String listed(Cli.Result r, int n) {
        Matcher m = Pattern.compile("^\\s*" + n + "\\) .*\\s(\\w+/[A-Za-z0-9.\\-]+)$", Pattern.MULTILINE).matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    private static String onlyLine(Cli.Result r) {
        assertThat(r.errLines()).as(r.stderr()).hasSize(1);
        return r.errLines().get(0);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void an_exact_patient_and_a_given_practitioner_file_the_report_with_the_seeds_calls(FhirVersion version)
            throws Exception {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        String ada = fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:oid:1.2.36.146.595.217.0.1|MRN-204817");

        Cli.Result sent = send("", "--practitioner", noor);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.stderr()).isEmpty();
        String manifest = grouping(sent);
        assertThat(manifest).startsWith("DocumentManifest/");
        assertThat(sent.out()).contains("patient:      " + ada + " (found by the report's patient ID)",
                "practitioner: " + noor);
        JsonNode grouping = resource(manifest);
        assertThat(grouping.path("subject").path("reference").asText()).isEqualTo(ada);
        assertThat(grouping.path("author").get(0).path("reference").asText()).isEqualTo(noor);
        assertThat(grouping.path("content")).hasSize(fhir.count("Media") + fhir.count("Binary"));
        assertThat(fhir.count("Media")).isEqualTo(2); // the photo and the video; consent is not filed as an item
        for (var media : fhir.resources("Media")) {
            JsonNode m = resource(fhir.reference(media));
            assertThat(m.path("subject").path("reference").asText()).isEqualTo(ada);
            assertThat(m.path("operator").path("reference").asText()).isEqualTo(noor);
        }
        List<String> calls = fhir.requests().stream()
                .map(r -> r.method() + " " + r.resourceType()).distinct().toList();
        assertThat(calls).containsSubsequence("GET Practitioner", "GET Patient", "POST Media", "POST Binary",
                "POST DocumentManifest");
        assertThat(fhir.requests()).filteredOn(r -> r.is("POST", "Patient")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void several_candidates_are_listed_and_the_one_picked_by_number_gets_the_report(FhirVersion version)
            throws IOException {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        fhir.addPatient("Ada", "Quill", "1961-03-07");
        fhir.addPatient("Ada", "Quill", "1961-03-07", "H-77");

        Cli.Result sent = send("2\n", "--practitioner", noor);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.out()).contains("Several patients on the FHIR server fit the report's patient",
                "Pick a number, c to create the patient, q to cancel: 2\n");
        String second = listed(sent, 2);
        assertThat(resource(grouping(sent)).path("subject").path("reference").asText()).isEqualTo(second);
        assertThat(sent.out()).contains("patient:      " + second + " (picked)");
        assertThat(fhir.count("Patient")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void no_match_answered_c_creates_the_patient_once_and_the_next_send_finds_it(FhirVersion version)
            throws IOException {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        fhir.addPatient("Bea", "Other", "1970-01-01");

        Cli.Result sent = send("c\n", "--practitioner", noor);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.out()).contains("No patient on the FHIR server fits the report's patient",
                "Type c to create the patient, q to cancel: c\n");
        assertThat(fhir.count("Patient")).isEqualTo(2);
        String created = resource(grouping(sent)).path("subject").path("reference").asText();
        JsonNode patient = resource(created);
        assertThat(patient.path("name").get(0).path("family").asText()).isEqualTo("Quill");
        assertThat(patient.path("birthDate").asText()).isEqualTo("1961-03-07");
        assertThat(patient.path("identifier").toString()).contains("MRN-204817");
        assertThat(sent.out()).contains("patient:      " + created + " (created)");
        int media = fhir.count("Media");

        Cli.Result again = send("", "--practitioner", noor);

        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.out()).contains("patient:      " + created + " (found by the report's patient ID)");
        assertThat(fhir.count("Patient")).isEqualTo(2);
        assertThat(fhir.count("Media")).isEqualTo(media);
        assertThat(fhir.count("DocumentManifest")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void nobody_to_answer_stops_without_listing_the_candidates_and_names_the_options_that_answer(FhirVersion version)
            throws IOException {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        String first = fhir.addPatient("Ada", "Quill", "1961-03-07");
        String second = fhir.addPatient("Ada", "Quill", "1961-03-07");

        Cli.Result unanswered = send("", "--practitioner", noor);

        assertThat(unanswered.exitCode()).isEqualTo(2);
        assertThat(onlyLine(unanswered)).isEqualTo("safelight: no one to answer which patient the report is for"
                + " (several_matches): pass --patient Patient/ID or --create-patient; nothing was filed");
        // a script's log gets no patient: neither the candidates nor the report's own
        assertThat(unanswered.out() + unanswered.stderr()).doesNotContain("Quill", "1961", first, second);
        assertThat(fhir.count("Media") + fhir.count("Binary") + fhir.count("DocumentManifest")).isZero();

        Cli.Result answered = send("", "--practitioner", noor, "--patient", first);
        assertThat(answered.exitCode()).as(answered.stderr()).isZero();
        assertThat(resource(grouping(answered)).path("subject").path("reference").asText()).isEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void without_practitioner_the_servers_list_is_offered_and_a_script_is_told_to_pass_one(FhirVersion version)
            throws IOException {
        fhir = FhirTestServer.start(version);
        fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        String sam = fhir.addPractitioner(null, "Sam", "Ng", "sam@example.org");
        fhir.addPatient("Ada", "Quill", "1961-03-07", "MRN-204817");

        Cli.Result unanswered = send("");
        assertThat(unanswered.exitCode()).isEqualTo(2);
        assertThat(unanswered.out()).contains("Sam Ng <sam@example.org>  " + sam);
        assertThat(onlyLine(unanswered)).contains("pass --practitioner Practitioner/ID", "nothing was filed");

        Cli.Result picked = send("2\n");
        assertThat(picked.exitCode()).as(picked.stderr()).isZero();
        assertThat(listed(picked, 2)).isEqualTo(sam);
        assertThat(resource(grouping(picked)).path("author").get(0).path("reference").asText()).isEqualTo(sam);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_wrong_basic_password_is_refused_in_one_line_with_exit_5(FhirVersion version) throws Exception {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        Files.writeString(passwordFile, "not-the-password\n");

        Cli.Result refused = send("", "--practitioner", noor);

        assertThat(refused.exitCode()).isEqualTo(5);
        assertThat(onlyLine(refused)).startsWith("safelight: the FHIR server " + fhir.baseUrl()
                + " refused the credentials (HTTP 401): check --fhir-auth, --fhir-user and the password");
        assertThat(refused.stderr()).doesNotContain("not-the-password");
        assertThat(fhir.requests()).extracting(Recorded::status).containsOnly(401);
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void the_practitioners_are_listed_with_their_references(FhirVersion version) {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        String sam = fhir.addPractitioner(null, "Sam", "Ng", null);

        Cli.Result listed = Cli.run("fhir", "practitioners", fhir.baseUrl().toString(), "--fhir-version",
                version.id(), "--fhir-user", FhirTestServer.USER, "--fhir-password-file", passwordFile.toString());

        assertThat(listed.exitCode()).as(listed.stderr()).isZero();
        assertThat(listed.out()).contains("Noor", "Haddad", "<noor@example.org>  " + noor, "Sam Ng  " + sam);
        assertThat(listed(listed, 1)).isEqualTo(noor);
        assertThat(fhir.requests()).extracting(Recorded::target).containsExactly("Practitioner");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_conflicting_patient_id_is_warned_about_and_creating_is_not_offered(FhirVersion version) {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        fhir.addPatient("Bea", "Quill", "1961-03-07", "MRN-204817");

        Cli.Result cancelled = send("c\nq\n", "--practitioner", noor);

        assertThat(cancelled.exitCode()).isEqualTo(1);
        assertThat(cancelled.out()).contains("WARNING: the patient record with the report's patient ID has another"
                + " name or birth date", "Pick a number, q to cancel: ", "Answer with a number from 1 to 1, or q.");
        assertThat(onlyLine(cancelled)).isEqualTo("safelight: cancelled: nothing was filed");
        assertThat(fhir.count("Patient")).isEqualTo(1);
        assertThat(fhir.count("Media") + fhir.count("DocumentManifest")).isZero();

        Cli.Result script = send("", "--practitioner", noor, "--create-patient");
        assertThat(script.exitCode()).isEqualTo(2);
        assertThat(onlyLine(script)).contains("--create-patient: the patient cannot be created (id_conflict)");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_sealed_report_is_opened_with_the_key_options_of_open(FhirVersion version) throws IOException {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        fhir.addPatient("Ada", "Quill", "1961-03-07", "MRN-204817");
        Path[] keys = Fixtures.institutionKeys(dir.resolve("keys"));
        Path out = dir.resolve("static");
        assertThat(Cli.run("seal", dir.resolve("draft").toString(), "-o", out + "/", "--static-key",
                keys[0].toString()).exitCode()).isZero();
        Path sealed;
        try (Stream<Path> files = Files.list(out)) {
            sealed = files.findFirst().orElseThrow();
        }

        Cli.Result noKey = send(sealed, "", "--practitioner", noor);
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(fhir.requests()).isEmpty();

        Cli.Result sent = send(sealed, "", "--practitioner", noor, "--private-key", keys[1].toString(),
                "--create-patient");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        Matcher pdf = Pattern.compile("report\\.pdf:\\s+(Binary/\\S+)").matcher(sent.out());
        assertThat(pdf.find()).as(sent.out()).isTrue();
        assertThat(new String(fhir.binaryBytes(pdf.group(1)), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(resource(grouping(sent)).path("content").toString()).contains(pdf.group(1));
    }

    @org.junit.jupiter.api.Test
    void the_fhir_password_is_asked_at_the_terminal_and_never_taken_from_the_command_line() throws IOException {
        fhir = FhirTestServer.start(FhirVersion.STU3);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        fhir.addPatient("Ada", "Quill", "1961-03-07", "MRN-204817");
        String[] args = {"send", report.toString(), "--to", "fhir:" + fhir.baseUrl(), "--fhir-user", FhirTestServer.USER,
            "--practitioner", noor};

        Cli.Result noTerminal = Cli.run(args);
        assertThat(noTerminal.exitCode()).isEqualTo(2);
        assertThat(onlyLine(noTerminal)).isEqualTo("safelight: no terminal to ask for the FHIR password: give"
                + " --fhir-password-file FILE or set SAFELIGHT_FHIR_PASSWORD");

        List<String> prompts = new java.util.ArrayList<>();
        Cli.Result typed = CliMessagesTest.runTyping(Map.of(), new java.util.ArrayDeque<>(List.of(FhirTestServer.PASSWORD)),
                prompts, args);
        assertThat(typed.exitCode()).as(typed.stderr()).isZero();
        assertThat(prompts).containsExactly("FHIR password for fhir at " + fhir.baseUrl() + ": ");
        assertThat(fhir.count("DocumentManifest")).isEqualTo(1);

        Cli.Result flag = Cli.run("send", report.toString(), "--to", "fhir:" + fhir.baseUrl(), "--fhir-password",
                FhirTestServer.PASSWORD);
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(onlyLine(flag)).contains("'--fhir-password'");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void sending_again_for_another_patient_files_nothing_and_says_so_in_one_line(FhirVersion version) throws IOException {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        String first = fhir.addPatient("Ada", "Quill", "1961-03-07");
        String second = fhir.addPatient("Ada", "Quill", "1961-03-07");
        Cli.Result sent = send("", "--practitioner", noor, "--patient", first);
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (String type : java.util.List.of("Media", "Binary", "DocumentManifest")) {
            counts.put(type, fhir.count(type));
        }

        Cli.Result again = send("", "--practitioner", noor, "--patient", second);

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(onlyLine(again)).startsWith("safelight: the report was not filed into " + fhir.baseUrl() + ": ")
                .contains("another patient record (" + first + " rather than " + second + ")")
                .contains("remove those resources first").doesNotContain("Quill");
        for (String type : counts.keySet()) {
            assertThat(fhir.count(type)).as(type).isEqualTo(counts.get(type));
        }
    }

    @org.junit.jupiter.api.Test
    void a_patient_not_created_because_a_record_holds_its_id_is_one_line_naming_the_record() {
        String line = FhirFailures.line(java.net.URI.create("https://fhir.example.org/r4"),
                new org.safelight.client.fhir.PatientExistsException(java.util.List.of(
                        new org.safelight.client.fhir.FhirPatient("Patient/9", "Anne", "Smyth", "1979-05-05",
                                java.util.List.of("urn:mrn|123"))), false));

        assertThat(line).isEqualTo("the patient was not created in https://fhir.example.org/r4: a record on the FHIR"
                + " server has the report's patient ID (Patient/9); nothing was filed: if that is the patient, pass"
                + " --patient with it");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_server_that_does_not_answer_is_one_line_and_exit_1(FhirVersion version) {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        fhir.stop();

        Cli.Result down = send("", "--practitioner", noor);

        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(onlyLine(down)).startsWith("safelight: no answer from the FHIR server " + fhir.baseUrl());
    }

    @org.junit.jupiter.api.Test
    void plain_http_to_another_computer_is_refused_before_anything_is_sent() {
        Cli.Result refused = Cli.run("send", report.toString(), "--to", "fhir:http://fhir.hospital.example/fhir",
                "--practitioner", "Practitioner/1");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(onlyLine(refused)).contains("(plain http)", "nothing was sent", "https://", "--allow-plain-http");

        Cli.Result stu3Document = Cli.run("send", report.toString(), "--to", "fhir:https://fhir.hospital.example/fhir",
                "--fhir-mode", "document");
        assertThat(stu3Document.exitCode()).isEqualTo(2);
        assertThat(onlyLine(stu3Document)).contains("R4 only");

        Cli.Result elsewhere = Cli.run("send", report.toString(), "--to", "endpoint:https://intake.hospital.example",
                "--practitioner", "Practitioner/1");
        assertThat(elsewhere.exitCode()).isEqualTo(2);
        assertThat(onlyLine(elsewhere)).isEqualTo("safelight: the --fhir-*, --practitioner, --patient and"
                + " --create-patient options are for --to fhir:URL");
    }

    @ParameterizedTest
    @EnumSource(value = FhirVersion.class, names = "R4")
    void r4_document_mode_files_document_references(FhirVersion version) throws IOException {
        fhir = FhirTestServer.start(version);
        String noor = fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org");
        String ada = fhir.addPatient("Ada", "Quill", "1961-03-07", "MRN-204817");

        Cli.Result sent = send("", "--practitioner", noor, "--fhir-mode", "document");

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        String grouping = grouping(sent);
        assertThat(grouping).startsWith("DocumentReference/");
        assertThat(resource(grouping).path("subject").path("reference").asText()).isEqualTo(ada);
        assertThat(fhir.count("DocumentManifest")).isZero();
    }
}
