package org.safelight.endpoint.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.pipeline.Backoff;
import org.safelight.endpoint.pipeline.Pipeline;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.view.InstitutionApi;
import org.safelight.endpoint.view.InstitutionServer;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.Zips;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestTokens;

/**
 * The endpoint's intake, store and pipeline with only the FHIR destination, configured from its
 * flags (Basic auth, from a password file) against a real {@link FhirTestServer}; and the
 * institution API over HTTP, for answering as an admin.
 */
final class FhirRig implements AutoCloseable {
    static final String SENDER = "noor.haddad@example.org";
    static final String ADMIN = "it@hospital.example";
    /** Items above this go to a raw Binary; the rig's reports have both kinds. */
    static final long INLINE_LIMIT = 2048;

    /** What a rig is configured with, besides the server. */
    record Config(String mode, boolean createPatients, Path practitioners) {
        static Config media() {
            return new Config("media", false, null);
        }

        Config creating() {
            return new Config(mode, true, practitioners);
        }
    }

    /** A report as sent, and the bytes of each of its files. */
    record Sent(String id, byte[] file, Map<String, byte[]> files) {
    }

    final MutableClock clock;
    final FhirTestServer fhir;
    final EndpointStore store;
    final StoredReports reports;
    final Pipeline pipeline;
    private final StoringIntake intake;
    private final Path dir;
    private final TestTokens users;
    private final InstitutionApi api;
    private Javalin apiServer;
    private final HttpClient http = HttpClient.newHttpClient();

    FhirRig(Database db, Path dir, MutableClock clock, FhirVersion version, Config config) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.clock = clock;
        this.fhir = FhirTestServer.start(version);
        Path password = Files.writeString(dir.resolve("fhir-password"), FhirTestServer.PASSWORD + "\n");
        FhirSettings settings = FhirSettings.of(new FhirSettings.Flags(fhir.baseUrl(), version.name().toLowerCase(),
                config.mode(), "basic", FhirTestServer.USER, password, null, null, null, null, null,
                config.createPatients(), null, config.practitioners(), INLINE_LIMIT), false).orElseThrow();
        MasterKey master = MasterKey.load(dir, Map.of());
        ReceivedFiles files = new ReceivedFiles(dir.resolve("received"), master, clock);
        store = new EndpointStore(db, master);
        ReportOpening opening = new ReportOpening(files, List.of(), null, null, clock);
        pipeline = new Pipeline(store, files, opening, List.of(FhirDestination.create(settings, FhirDestination.memory(store))),
                new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), 8, () -> 0.5),
                Duration.ofMinutes(10), Duration.ofDays(30), dir.resolve("work"), clock);
        intake = new StoringIntake(files, store, 1 << 24, pipeline.destinationNames(), () -> { });
        reports = new StoredReports(db, clock, master);
        users = new TestTokens(clock);
        api = new InstitutionApi(reports, users.verifier(), (enterprise, user) -> "u-it".equals(user.userId()),
                Optional.of("ent-1"), List.of());
    }

    static ReportMetadata.Patient patient(String given, String family, String birthDate, String patientId) {
        String[] ymd = birthDate.split("-");
        return new ReportMetadata.Patient(given, family, ymd[2], ymd[1], ymd[0], patientId, "", "");
    }

    /**
     * A plain report {@code id} about {@code patient}: photo 1 (small, inline), photo 2 (big: a raw
     * Binary), photo 3 (small), video 4 (big); report.pdf; thumbnails.
     */
    static Sent report(String id, ReportMetadata.Patient patient) throws Exception {
        Random random = new Random(id.hashCode());
        List<MediaItem> media = List.of(item("1", MediaItem.MediaType.PHOTO), item("2", MediaItem.MediaType.PHOTO),
                item("3", MediaItem.MediaType.PHOTO), item("4", MediaItem.MediaType.VIDEO));
        ReportMetadata sample = SampleReports.metadata();
        ReportMetadata m = new ReportMetadata(patient, sample.user(), sample.details().withReportId(id),
                sample.consent(), media);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("report.pdf", ("%PDF-1.7 the report " + id + " " + "x".repeat(3000)).getBytes(StandardCharsets.UTF_8));
        files.put("1.jpg", bytes(random, 700));
        files.put("2.jpg", bytes(random, 9000));
        files.put("3.jpg", bytes(random, 1200));
        files.put("4.m4v", bytes(random, 12000));
        Zips zip = Zips.create().add("metadata.json", MetadataJson.write(m));
        files.forEach(zip::add);
        for (MediaItem item : media) {
            zip.add(item.thumbnailName(), "a thumbnail");
        }
        return new Sent(id, zip.bytes(), files);
    }

    private static MediaItem item(String id, MediaItem.MediaType type) {
        return new MediaItem(new ItemId(id), type, Set.of(ConsentLevel.TREATMENT));
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] = (byte) 0xFF;
        return b;
    }

    void receive(Sent report) throws Exception {
        receive(report, new Arrival(Arrival.Source.HTTPS, SENDER, true, null, clock.instant()));
    }

    void receive(Sent report, Arrival arrival) throws Exception {
        intake.receive(new ByteArrayInputStream(report.file()), arrival);
    }

    /**
     * The server's recorded requests as "METHOD target", once {@code done} holds for them (the
     * server records a request just after its answer leaves, so the last one may lag the client).
     */
    List<String> targetsWhen(java.util.function.Predicate<List<String>> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> targets = FhirFilingTest.targets(fhir);
        while (!done.test(targets) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            targets = FhirFilingTest.targets(fhir);
        }
        return targets;
    }

    /**
     * Starts the server again once the stop a fault set off has begun (the fault drops the answer
     * first and stops the server just after, so restarting at once could be undone by that stop).
     */
    void restartAfterFault() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (fhir.running() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        fhir.restart();
    }

    ReceivedReports.Delivery delivery(String id) {
        return reports.find(id).orElseThrow().deliveries().get(0);
    }

    String state(String id) {
        return reports.find(id).orElseThrow().state();
    }

    JsonNode resource(String reference) throws Exception {
        return Json.MAPPER.readTree(fhir.json(reference));
    }

    /** Calls the institution API as the admin (or the sender), returning its JSON with {@code _status}. */
    JsonNode call(boolean asAdmin, String method, String path, String body) throws Exception {
        if (apiServer == null) {
            apiServer = InstitutionServer.start(api);
        }
        String token = asAdmin ? users.token("u-it", ADMIN) : users.token("u-noor", SENDER);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + apiServer.port() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = Json.MAPPER.readTree(r.body());
        ((ObjectNode) json).put("_status", r.statusCode());
        return json;
    }

    JsonNode answer(String id, String body) throws Exception {
        return call(true, "POST", "/api/v1/endpoint/reports/" + id + "/deliveries/fhir/answer", body);
    }

    JsonNode fhirDeliveryJson(String id, boolean asAdmin) throws Exception {
        return call(asAdmin, "GET", "/api/v1/endpoint/reports/" + id, null).path("deliveries").get(0);
    }

    @Override
    public void close() {
        if (apiServer != null) {
            apiServer.stop();
        }
        fhir.close();
    }

    Instant now() {
        return clock.instant();
    }
}
