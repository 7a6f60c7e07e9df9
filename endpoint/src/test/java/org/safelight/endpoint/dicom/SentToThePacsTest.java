package org.safelight.endpoint.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.testing.EndpointServer;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.SharedFiles;
import org.safelight.format.testing.Zips;
import org.safelight.server.db.Database;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.testing.TestDatabases;

/** Proof: a report posted to the endpoint, built by its wiring from the DICOM flags, reaches a real Orthanc. */
class SentToThePacsTest {
    private static final String ID = "0000000011462800528240pacs1";

    @TempDir
    Path dir;
    private Orthanc orthanc;
    private Database db;
    private EndpointServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    void a_plain_report_with_two_photos_posted_to_the_endpoint_is_stored_in_the_pacs_by_the_pipeline() throws Exception {
        orthanc = Orthanc.start(Files.createDirectories(dir.resolve("orthanc")));
        Path password = Files.writeString(dir.resolve("pacs-password"), Orthanc.PASSWORD + "\n");
        db = TestDatabases.sqlite();
        server = new EndpointServer(db, Files.createDirectories(dir.resolve("data")), Clock.systemUTC(),
                EndpointSettings.defaults().withAllowPlainHttp(true)
                        .withDicom(new DicomSettings(orthanc.dicomWeb(), Orthanc.USER, password)), TrustedProxies.NONE);
        server.startWorkers();

        ReportMetadata m = SampleReports.metadata(SampleReports.photo("p1"), SampleReports.photo("p2"));
        m = m.withDetails(m.details().withReportId(ID));
        // p1 as a phone leaves it (location, maker note, XMP, IPTC, a thumbnail): the PACS gets what our sealing keeps
        byte[] p1 = PhonePhotos.dirty(Files.readAllBytes(SharedFiles.media("photo-landscape.jpg")), 1,
                DicomFiles.greyJpeg(16, 12));
        byte[] p2 = Files.readAllBytes(SharedFiles.media("photo-rotated.jpg"));
        byte[] report = Zips.create().add("metadata.json", MetadataJson.write(m)).add("report.pdf", "%PDF-1.7 a report")
                .add("p1.jpg", p1).add("p1-thumbnail.jpg", "a thumbnail").add("p2.jpg", p2)
                .add("p2-thumbnail.jpg", "a thumbnail").bytes();
        EndpointServer.Answer answer = server.post(server.endpointToken("noor.haddad@hospital.example", true), report,
                "package.zip");
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        List<String> instances = orthanc.instances();
        while (instances.size() < 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            instances = orthanc.instances();
        }
        assertThat(instances).hasSize(2);
        for (String instance : instances) {
            assertThat(orthanc.tags(instance).path("PatientID").asText()).isEqualTo("MRN-204817");
            assertThat(orthanc.tags(instance).path("StudyInstanceUID").asText()).isEqualTo(PhotoEncoder.studyUid(ID));
            byte[] jpeg = PhonePhotos.stripped(orthanc.tags(instance).path("InstanceNumber").asText().equals("1") ? p1 : p2);
            assertThat(orthanc.frame(instance)).isEqualTo(Arrays.copyOf(jpeg, jpeg.length + jpeg.length % 2));
        }
    }
}
