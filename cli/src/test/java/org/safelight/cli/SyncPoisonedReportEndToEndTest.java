package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;
import org.safelight.format.testing.HostileZips;
import org.safelight.format.testing.Zips;
import org.safelight.server.testing.MutableClock;

/**
 * DESIGN §6, issue 8 §4: a member uploads reports built to stop every later sync at them. Each is
 * skipped with one line, the reports around it are filed, and the cursor moves past all of them.
 */
class SyncPoisonedReportEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private SafelightServer server;
    private String url;
    private TestUsers users;
    private String apiKey;
    private String token;
    private CloudHttp http;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null,
                ServeConfig.Cloud.DEFAULTS, clock);
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        Cli.Result created = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                "--name", "Example Hospital", "--admin", "it@hospital.example", "--domains", "hospital.example");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        users.signUpVerifyAndLogIn("it", "it@hospital.example");
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        apiKey = users.run("it", "enterprise", "api-key", "new").out().lines().findFirst().orElseThrow();
        token = users.run("it", "enterprise", "key-server-token", "new").out().lines().findFirst().orElseThrow();
        Fixtures.draft(dir.resolve("draft"));
        http = new CloudHttp(url);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void poisoned_reports_between_two_good_ones_are_skipped_and_the_cursor_moves_past_them() throws Exception {
        String good1 = sealAndSend();
        // Sealed with a key the key server holds, but the package inside has an entry name that is not UTF-8.
        String inner = upload("poison-inner", url, innerPackageWithBadName("poison-inner"));
        // Names the trusted server with a path: the key request must go to the key route, not there.
        String steered = upload("poison-steered", url + "/api/v1/enterprise/reports#",
                RNCryptor.encrypt("not a report".getBytes(StandardCharsets.UTF_8), Secret.password("guess")));
        String good2 = sealAndSend();

        Path out = dir.resolve("inbox");
        Cli.Result first = sync(out);

        assertThat(first.out()).contains("Wrote report " + good1, "Wrote report " + good2, "2 new", "2 skipped");
        assertThat(first.errLines()).hasSize(2);
        assertThat(first.errLines().get(0)).contains("skipped report " + inner, "UTF-8");
        assertThat(first.errLines().get(1)).contains("skipped report " + steered);
        assertThat(first.exitCode()).as(first.stderr()).isEqualTo(4);
        assertThat(folders(out)).contains(good1, good2).doesNotContain(inner, steered)
                .noneMatch(n -> n.startsWith(".safelight-staging"));

        Cli.Result second = sync(out);
        assertThat(second.exitCode()).as("the cursor moved past all four: " + second.stderr()).isZero();
        assertThat(second.out()).contains("0 new, 0 already there");
        assertThat(second.errLines()).isEmpty();
    }

    @Test
    void reports_whose_entries_fight_over_one_path_on_disk_are_skipped_and_the_cursor_moves_past_them() throws Exception {
        String good1 = sealAndSend();
        // 'a' then 'a/b': the folder cannot be made over the file; then a name too long for any disk.
        String clash = upload("poison-clash", url, innerPackage("poison-clash", Zips.create().add("metadata.json", "{}")
                .add("report.pdf", "%PDF").add("report.pdf/page1", "x").bytes()));
        String longName = upload("poison-long", url, innerPackage("poison-long", Zips.create().add("metadata.json", "{}")
                .add("\u5831".repeat(255), "x").bytes()));
        String good2 = sealAndSend();

        Path out = dir.resolve("inbox");
        Cli.Result first = sync(out);

        assertThat(first.out()).contains("Wrote report " + good1, "Wrote report " + good2, "2 new", "2 skipped");
        assertThat(first.errLines()).hasSize(2);
        assertThat(first.errLines().get(0)).contains("skipped report " + clash, "both a file and a folder");
        assertThat(first.errLines().get(1)).contains("skipped report " + longName, "255 bytes");
        assertThat(first.exitCode()).as(first.stderr()).isEqualTo(4);
        assertThat(folders(out)).contains(good1, good2).doesNotContain(clash, longName)
                .noneMatch(n -> n.startsWith(".safelight-staging"));

        Cli.Result second = sync(out);
        assertThat(second.exitCode()).as("the cursor moved past all four: " + second.stderr()).isZero();
        assertThat(second.out()).contains("0 new, 0 already there");
        assertThat(second.errLines()).isEmpty();
    }

    private String sealAndSend() throws Exception {
        clock.advance(Duration.ofSeconds(1));
        Path sent = dir.resolve("sent-" + System.nanoTime());
        Cli.Result seal = users.run("ada", "seal", dir.resolve("draft").toString(), "-o", sent + "/", "--keyserver", url);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        Path report;
        try (Stream<Path> files = Files.list(sent)) {
            report = files.findFirst().orElseThrow();
        }
        Cli.Result send = users.run("ada", "send", report.toString(), "--to", "cloud");
        assertThat(send.exitCode()).as(send.stderr()).isZero();
        return report.getFileName().toString().replace(".picsafe", "");
    }

    /** A .picsafe by hand, uploaded as ada: package.json naming {@code keyServer}, the given package. */
    private String upload(String reportId, String keyServer, byte[] encrypted) throws Exception {
        clock.advance(Duration.ofSeconds(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("package.json"));
            zip.write(JSON.createObjectNode().put("keyserver_url", keyServer).put("report_id", reportId).toString()
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("package.encrypted"));
            zip.write(encrypted);
        }
        HttpResponse<String> r = http.upload(http.token("ada", "ada@hospital.example"), bytes.toByteArray(), "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return reportId;
    }

    /** A package.zip whose entry name is not UTF-8, encrypted with the report's key. */
    private byte[] innerPackageWithBadName(String reportId) throws Exception {
        return innerPackage(reportId, HostileZips.withInvalidUtf8Name(Zips.create().add("metadata.json", "{}")
                .add("report.pdf", "%PDF").bytes(), "report.pdf"));
    }

    /** The report's key, created on the key server as its sender would, and {@code inner} encrypted with it. */
    private byte[] innerPackage(String reportId, byte[] inner) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(url + "/api/v1/reports/" + reportId + "/key"))
                .header("Authorization", "Bearer " + http.keyServerToken(http.token("ada", "ada@hospital.example"), url))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        String key = JSON.readTree(created.body()).path("key").asText();
        return RNCryptor.encrypt(inner, Secret.password(key));
    }

    private Cli.Result sync(Path out) {
        return Cli.runWithEnv(Map.of("SAFELIGHT_API_KEY", apiKey, "SAFELIGHT_KEY_SERVER_TOKEN", token),
                "sync", "--server", url, "--out", out.toString());
    }

    private static List<String> folders(Path out) throws Exception {
        try (Stream<Path> entries = Files.list(out)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
