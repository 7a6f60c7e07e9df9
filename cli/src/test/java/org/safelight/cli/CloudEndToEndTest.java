package org.safelight.cli;

import org.safelight.server.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.cloud.blob.HashedKeyBlobStore;

/**
 * A sealed report through the cloud of a real server (SQLite, folder blob store): uploaded by a
 * signed-in user, listed for her and her enterprise, downloaded whole and in part, by a colleague
 * and by the enterprise's API key, and gone after 7 days.
 */
class CloudEndToEndTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private SafelightServer server;
    private String url;
    private TestUsers users;
    private CloudHttp http;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null,
                new ServeConfig.Cloud(org.safelight.cloud.UploadLimits.maxBytes(2L << 20), "folder", null, "", "", "", ""), clock);
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        http = new CloudHttp(url);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path seal(String who) {
        Path out = dir.resolve("sent-" + who + "-" + System.nanoTime());
        Cli.Result seal = users.run(who, "seal", dir.resolve("draft").toString(), "-o", out + "/", "--keyserver", url);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> sent = Files.list(out)) {
            return sent.findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A user token for an address that is not confirmed. Sign-in gives no such account a session,
     * so it is issued as accounts would have before that rule (a token still alive from then).
     */
    private String unverifiedToken(String email) {
        var user = new org.safelight.accounts.users.UserStore(server.database().jdbi()).findByEmail(email).orElseThrow();
        return new org.safelight.accounts.tokens.AccessTokens(
                org.safelight.accounts.tokens.SigningKeys.open(server.database(),
                        org.safelight.server.crypto.MasterKey.load(dir.resolve("data"), java.util.Map.of()),
                        dir.resolve("data"), clock), java.net.URI.create(url), clock)
                .issue(user, java.util.Optional.empty());
    }

    private long storedFiles() throws java.io.IOException {
        Path cloud = dir.resolve("data/cloud");
        if (!Files.exists(cloud)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(cloud)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void a_sealed_report_goes_up_is_listed_comes_down_and_is_gone_after_seven_days() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        users.signUpVerifyAndLogIn("bob", "bob@elsewhere.example");
        users.signUpVerifyAndLogIn("cy", "cy@clinic.example");
        String dataDir = dir.resolve("data").toString();
        assertThat(Cli.run("admin", "enterprise", "create", "--data-dir", dataDir, "--name", "Hospital", "--admin",
                "ada@hospital.example", "--domains", "hospital.example").exitCode()).isZero();
        assertThat(Cli.run("admin", "enterprise", "create", "--data-dir", dataDir, "--name", "Clinic", "--admin",
                "cy@clinic.example").exitCode()).isZero();
        users.logIn("ada", "ada@hospital.example");
        users.logIn("cy", "cy@clinic.example");
        String hospitalKey = users.run("ada", "enterprise", "api-key", "new").out().lines().findFirst().orElseThrow();
        String clinicKey = users.run("cy", "enterprise", "api-key", "new").out().lines().findFirst().orElseThrow();
        assertThat(hospitalKey).startsWith("slak_");

        Fixtures.draft(dir.resolve("draft"));
        Path report = seal("ada");
        byte[] bytes = Files.readAllBytes(report);
        String reportId = report.getFileName().toString().replace(".picsafe", "");

        String ada = http.token("ada", "ada@hospital.example");
        HttpResponse<String> up = http.upload(ada, bytes, "");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        JsonNode upload = CloudHttp.json(up.body());
        assertThat(upload.path("report_id").asText()).isEqualTo(reportId);
        assertThat(upload.path("region").asText()).isEqualTo("AU");
        assertThat(upload.path("link").asText()).matches(java.util.regex.Pattern.quote(url)
                + "/app/report/AU/[A-Za-z0-9]{22}-" + reportId);
        String name = upload.path("link").asText().substring(upload.path("link").asText().lastIndexOf('/') + 1);
        String downloadUrl = upload.path("download_url").asText();
        assertThat(downloadUrl).isEqualTo(url + "/api/v1/cloud/reports/AU/" + name);
        assertThat(Instant.parse(upload.path("expires_at").asText())).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThat(upload.path("size").asLong()).isEqualTo(bytes.length);
        Path blob = dir.resolve("data/cloud/" + HashedKeyBlobStore.storedKey("AU/" + name));
        assertThat(blob).exists();
        assertThat(dir.resolve("data/cloud/AU/" + name)).as("not named by the link's secret part").doesNotExist();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(blob)))
                .isEqualTo("rw-------");

        JsonNode mine = CloudHttp.json(http.get("/api/v1/accounts/me/reports", ada).body()).path("reports");
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).path("link").asText()).isEqualTo(upload.path("link").asText());
        assertThat(mine.get(0).path("expired").asBoolean()).isFalse();
        assertThat(mine.get(0).path("size").asLong()).isEqualTo(bytes.length);

        // any verified user holding the link
        String bob = http.token("bob", "bob@elsewhere.example");
        HttpResponse<byte[]> whole = http.download(downloadUrl, bob, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(bytes);
        assertThat(whole.headers().firstValue("Content-Length")).hasValue(Integer.toString(bytes.length));
        assertThat(whole.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"" + reportId + ".picsafe\"");
        assertThat(whole.headers().firstValue("Cache-Control")).hasValue("no-store");
        HttpResponse<byte[]> part = http.download(downloadUrl, bob, "bytes=100-1099");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 100, 1100));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-1099/" + bytes.length);
        HttpResponse<byte[]> tail = http.download(downloadUrl, bob, "bytes=-10");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length));
        assertThat(http.download(downloadUrl, bob, "bytes=" + bytes.length + "-").statusCode()).isEqualTo(416);
        HttpResponse<Void> head = http.head(downloadUrl, bob);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(bytes.length));
        assertThat(http.download(downloadUrl, null, null).statusCode()).isEqualTo(401);
        assertThat(http.download(url + "/api/v1/cloud/reports/AU/" + "A".repeat(22) + "-" + reportId, bob, null)
                .statusCode()).isEqualTo(404);
        HttpResponse<String> status = http.get(downloadUrl + "/status", null);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(CloudHttp.json(status.body()).path("expires_at").asText()).isEqualTo(upload.path("expires_at").asText());

        // the enterprise's sync script: its listing and its API key; another enterprise sees nothing
        JsonNode listing = CloudHttp.json(http.get("/api/v1/enterprise/reports", hospitalKey).body());
        assertThat(listing.path("reports")).hasSize(1);
        assertThat(listing.path("reports").get(0).path("sender_email").asText()).isEqualTo("ada@hospital.example");
        assertThat(listing.path("reports").get(0).path("download_url").asText()).isEqualTo(downloadUrl);
        String next = listing.path("next").asText();
        assertThat(CloudHttp.json(http.get("/api/v1/enterprise/reports?after=" + next, hospitalKey).body())
                .path("reports")).isEmpty();
        assertThat(http.download(downloadUrl, hospitalKey, null).body()).isEqualTo(bytes);
        assertThat(http.download(downloadUrl, clinicKey, null).statusCode()).isEqualTo(404);
        assertThat(CloudHttp.json(http.get("/api/v1/enterprise/reports", clinicKey).body()).path("reports")).isEmpty();
        assertThat(http.get("/api/v1/enterprise/reports", "slak_nonsense").statusCode()).isEqualTo(401);

        // 7 days later: expired by the clock at once, bytes gone once swept
        clock.advance(Duration.ofDays(7));
        assertThat(http.get(downloadUrl + "/status", null).statusCode()).isEqualTo(410);
        String bobLater = http.token("bob", "bob@elsewhere.example");
        HttpResponse<byte[]> gone = http.download(downloadUrl, bobLater, null);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(new String(gone.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("report_expired");
        assertThat(server.cloudStore().orElseThrow().sweepExpired()).isEqualTo(1);
        assertThat(dir.resolve("data/cloud/" + HashedKeyBlobStore.storedKey("AU/" + name))).doesNotExist();
        assertThat(http.download(downloadUrl, bobLater, null).statusCode()).isEqualTo(410);
        String adaLater = http.token("ada", "ada@hospital.example");
        JsonNode after = CloudHttp.json(http.get("/api/v1/accounts/me/reports", adaLater).body()).path("reports");
        assertThat(after.get(0).path("expired").asBoolean()).isTrue();
        assertThat(CloudHttp.json(http.get("/api/v1/enterprise/reports", hospitalKey).body()).path("reports")).isEmpty();
    }

    @Test
    void oversized_plain_garbage_and_hostile_uploads_are_refused_and_nothing_is_kept() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        String ada = http.token("ada", "ada@hospital.example");

        // a sealed report near the limit goes through (bigger than the server's 1 MiB JSON body limit)
        byte[] encrypted = new byte[34 + ((2 << 20) - 4096 - 66) / 16 * 16 + 32]; // RNCryptor v3 shaped
        new java.util.Random(2).nextBytes(encrypted);
        encrypted[0] = 3;
        encrypted[1] = 1;
        java.io.ByteArrayOutputStream nearLimit = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(nearLimit)) {
            z.putNextEntry(new java.util.zip.ZipEntry("package.json"));
            z.write(("{\"keyserver_url\":\"" + url + "\"}").getBytes());
            z.putNextEntry(new java.util.zip.ZipEntry("package.encrypted"));
            z.write(encrypted);
        }
        HttpResponse<String> accepted = http.upload(ada, nearLimit.toByteArray(), "?report_id=R0");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        assertThat(nearLimit.size()).isGreaterThan(3 << 19);
        assertThat(storedFiles()).isEqualTo(1);
        String acceptedUrl = CloudHttp.json(accepted.body()).path("download_url").asText();
        assertThat(http.download(acceptedUrl, ada, null).body()).isEqualTo(nearLimit.toByteArray());

        byte[] big = new byte[(2 << 20) + 1];
        new java.util.Random(1).nextBytes(big);
        HttpResponse<String> tooBig = http.upload(ada, big, "?report_id=R1");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("too_large");

        Fixtures.draft(dir.resolve("draft"));
        Path plain = dir.resolve("plain.zip");
        Cli.Result seal = users.run("ada", "seal", dir.resolve("draft").toString(), "-o", plain.toString(), "--plain");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        HttpResponse<String> plainUp = http.upload(ada, Files.readAllBytes(plain), "?report_id=R2");
        assertThat(plainUp.statusCode()).isEqualTo(400);
        assertThat(plainUp.body()).contains("not_a_sealed_report");

        HttpResponse<String> garbage = http.upload(ada, "not a zip at all".getBytes(), "?report_id=R3");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("not_a_sealed_report");

        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("../package.json"));
            z.write("{\"keyserver_url\":\"https://k.example\"}".getBytes());
            z.closeEntry();
        }
        HttpResponse<String> hostile = http.upload(ada, zip.toByteArray(), "?report_id=R4");
        assertThat(hostile.statusCode()).isEqualTo(400);
        assertThat(hostile.body()).contains("unsafe_zip");

        assertThat(storedFiles()).as("only the accepted report").isEqualTo(1);
        assertThat(CloudHttp.json(http.get("/api/v1/accounts/me/reports", ada).body()).path("reports")).hasSize(1);
    }

    @Test
    void concurrent_uploads_each_get_their_own_link_and_all_are_listed() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        Fixtures.draft(dir.resolve("draft"));
        byte[] bytes = Files.readAllBytes(seal("ada"));
        String ada = http.token("ada", "ada@hospital.example");
        int n = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream originalErr = System.err;
        java.util.Set<String> links = new java.util.HashSet<>();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            java.util.List<java.util.concurrent.Future<HttpResponse<String>>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> http.upload(ada, bytes, "")));
            }
            for (var f : futures) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                links.add(CloudHttp.json(r.body()).path("download_url").asText());
            }
            assertThat(links).hasSize(n);
            for (String link : links) {
                assertThat(http.download(link, ada, null).body()).isEqualTo(bytes);
            }
        } finally {
            System.setErr(originalErr);
            pool.shutdownNow();
        }
        // logs are for operators: no token, no link, no report ID
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("stored a report of " + bytes.length + " bytes in region AU");
        assertThat(log).doesNotContain(ada).doesNotContain(ada.substring(ada.lastIndexOf('.') + 1));
        for (String link : links) {
            String name = link.substring(link.lastIndexOf('/') + 1);
            assertThat(log).doesNotContain(name.substring(0, 22)).doesNotContain(name.substring(23));
        }
        // My reports has one row per report, listing each upload as a send to the cloud.
        com.fasterxml.jackson.databind.JsonNode reports = CloudHttp.json(http.get("/api/v1/accounts/me/reports", ada)
                .body()).path("reports");
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).path("sends")).hasSize(n);
        assertThat(storedFiles()).isEqualTo(n);
    }

    @Test
    void an_upload_needs_a_signed_in_user() throws Exception {
        HttpResponse<String> r = http.upload(null, new byte[] {1, 2, 3}, "");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(storedFiles()).isZero();
    }

    @Test
    void a_refused_upload_is_answered_even_when_the_client_sends_without_waiting() throws Exception {
        users.signUp("eve", "eve@hospital.example");
        String eve = unverifiedToken("eve@hospital.example");
        byte[] body = new byte[512 * 1024];
        // the whole body is on its way when the refusal is written; the server reads it, so the
        // client gets the answer instead of a reset connection
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> unverified = http.upload(eve, body, "?report_id=R" + i);
            assertThat(unverified.statusCode()).isEqualTo(403);
            assertThat(unverified.body()).contains("email_unverified");
            assertThat(http.upload(null, body, "").statusCode()).isEqualTo(401);
        }
        assertThat(storedFiles()).isZero();
    }

    @Test
    void send_names_the_size_limit_before_uploading_a_report_over_it() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        byte[] encrypted = new byte[3 << 20];
        new java.util.Random(3).nextBytes(encrypted);
        encrypted[0] = 3;
        encrypted[1] = 1;
        Path big = dir.resolve("BIG-1.picsafe");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(big))) {
            z.putNextEntry(new java.util.zip.ZipEntry("package.json"));
            z.write(("{\"keyserver_url\":\"" + url + "\",\"report_id\":\"BIG-1\"}").getBytes());
            z.putNextEntry(new java.util.zip.ZipEntry("package.encrypted"));
            z.write(encrypted);
        }

        Cli.Result r = users.run("ada", "send", big.toString(), "--to", "cloud");

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
        assertThat(r.errLines()).last().asString().contains("too_large", "3.0 MiB", "up to 2.0 MiB");
        assertThat(storedFiles()).isZero();
    }
}
