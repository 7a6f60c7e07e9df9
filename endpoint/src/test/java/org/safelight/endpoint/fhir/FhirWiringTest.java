package org.safelight.endpoint.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.testing.EndpointServer;
import org.safelight.server.db.Database;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.testing.TestDatabases;

/**
 * The FHIR destination as the endpoint's wiring builds it from its settings: a report posted to
 * {@code /api/report} is filed by the role's own workers into the FHIR server (and the folder).
 */
class FhirWiringTest {
    @TempDir
    Path dir;

    @Test
    void a_report_posted_to_the_endpoint_is_filed_into_the_fhir_server_by_the_roles_workers() throws Exception {
        try (Database db = TestDatabases.sqlite(); FhirTestServer fhir = FhirTestServer.start(FhirVersion.R4)) {
            String doctor = fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
            String ada = fhir.addPatient("Ada", "Quill", "1961-03-07");
            Path password = Files.writeString(dir.resolve("fhir-password"), FhirTestServer.PASSWORD);
            FhirSettings settings = FhirSettings.of(new FhirSettings.Flags(fhir.baseUrl(), "r4", null, null,
                    FhirTestServer.USER, password, null, null, null, null, null, false, null, null, null), false)
                    .orElseThrow();
            FhirRig.Sent sent = FhirRig.report("R-WIRED", FhirRig.patient("Ada", "Quill", "1961-03-07", ""));
            try (EndpointServer server = new EndpointServer(db, dir.resolve("data"), Clock.systemUTC(),
                    EndpointSettings.defaults().withAllowPlainHttp(true).withFhir(settings), TrustedProxies.NONE)) {
                server.startWorkers();

                EndpointServer.Answer answer = server.post(server.endpointToken(FhirRig.SENDER, true), sent.file(),
                        "package.zip");

                assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (fhir.count("DocumentManifest") == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(fhir.count("DocumentManifest")).isEqualTo(1);
                var manifest = fhir.resources("DocumentManifest").get(0);
                String json = fhir.json(fhir.reference(manifest));
                assertThat(json).contains(ada, doctor);
                assertThat(fhir.count("Media")).isEqualTo(4);
            }
        }
    }
}
