package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.client.Credentials;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.testing.SampleReports;

/**
 * {@code safelight send FILE --to endpoint:URL} against a real accounts and key server and an intake
 * that answers as the seed fixes it and checks the token as the endpoint does.
 */
class SendToEndpointEndToEndTest {
    @TempDir
    Path dir;

    private SafelightServer server;
    private String url;
    private TestUsers users;
    private TestIntake intake;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys"), null);
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        intake = new TestIntake(dir.resolve("intake"), server.url(), Clock.systemUTC());
        Fixtures.draft(dir.resolve("draft"));
    }

    @AfterEach
    void stop() {
        intake.close();
        server.close();
    }

    private Path seal(String... protection) throws IOException {
        Path out = dir.resolve("sealed-" + System.nanoTime());
        String[] args = Stream.concat(Stream.of("seal", dir.resolve("draft").toString(), "-o", out + "/"),
                Stream.of(protection)).toArray(String[]::new);
        Cli.Result seal = users.run("ada", args);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> sealed = Files.list(out)) {
            return sealed.findFirst().orElseThrow();
        }
    }

    private Cli.Result send(Path file, String... more) {
        String[] args = Stream.concat(Stream.of("send", file.toString(), "--to", "endpoint:" + intake.url()),
                Stream.of(more)).toArray(String[]::new);
        return users.run("ada", args);
    }

    private static String id(Path file) {
        return file.getFileName().toString().replaceAll("\\.(picsafe|zip)$", "");
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void a_sealed_report_is_posted_with_a_token_only_that_endpoint_accepts_and_the_stored_id_is_printed()
            throws Exception {
        Path report = seal("--keyserver", url);

        Cli.Result sent = send(report);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.out()).contains("Sent report " + id(report) + " to " + intake.url());
        assertThat(intake.posts()).hasSize(1);
        TestIntake.Post post = intake.posts().get(0);
        assertThat(post.fileName()).isEqualTo(report.getFileName().toString());
        assertThat(post.sha256()).isEqualTo(sha256(report));
        assertThat(post.sender().email()).isEqualTo("ada@hospital.example");
        String userToken = Credentials.load(users.env("ada")).orElseThrow().accessToken();
        assertThat(post.token()).isNotEqualTo(userToken);
    }

    @Test
    void the_send_is_recorded_for_my_reports_with_the_endpoint_as_recipient() throws Exception {
        Path report = seal("--keyserver", url);
        assertThat(send(report).exitCode()).isZero();

        String ada = new CloudHttp(url).token("ada", "ada@hospital.example");
        JsonNode mine = CloudHttp.json(new CloudHttp(url).get("/api/v1/accounts/me/reports", ada).body())
                .path("reports");
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).path("report_id").asText()).isEqualTo(id(report));
        assertThat(mine.get(0).path("sends").get(0).path("channel").asText()).isEqualTo("endpoint");
        assertThat(mine.get(0).path("sends").get(0).path("recipient").asText()).startsWith(intake.url().toString());
    }

    @Test
    void a_static_key_report_goes_to_the_endpoint_too() throws Exception {
        Path[] keys = Fixtures.institutionKeys(dir.resolve("keys"));
        Path report = seal("--static-key", keys[0].toString());

        Cli.Result sent = send(report);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(intake.posts()).extracting(TestIntake.Post::sha256).containsExactly(sha256(report));
    }

    @Test
    void a_plain_report_is_not_sent_to_a_plain_http_endpoint_unless_allowed_for_testing() throws Exception {
        Path plain = seal("--plain");

        Cli.Result refused = send(plain);

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr().lines().toList()).hasSize(1);
        assertThat(refused.stderr()).contains("plain http", "nothing was sent", "--allow-plain-http");
        assertThat(intake.posts()).isEmpty();

        Cli.Result allowed = send(plain, "--allow-plain-http");
        assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
        assertThat(intake.posts()).extracting(TestIntake.Post::sha256).containsExactly(sha256(plain));
    }

    @Test
    void each_refusal_of_the_endpoint_is_one_line_naming_what_to_do_and_its_exit_code() throws Exception {
        Path report = seal("--keyserver", url);

        intake.refuse(403, "sender_not_allowed");
        Cli.Result notAllowed = send(report);
        assertThat(notAllowed.exitCode()).isEqualTo(5);
        assertThat(notAllowed.stderr().lines().toList()).hasSize(1);
        assertThat(notAllowed.stderr()).contains("refused the report", "(sender_not_allowed)", "ask its IT team");

        intake.refuse(400, "not_a_report");
        assertThat(send(report).exitCode()).isEqualTo(4);

        intake.refuse(503, "storage_unavailable");
        Cli.Result unavailable = send(report);
        assertThat(unavailable.exitCode()).isEqualTo(1);
        assertThat(unavailable.stderr()).contains("try again later");

        intake.refuse(401, "invalid_token");
        assertThat(send(report).exitCode()).isEqualTo(5);
    }

    @Test
    void the_intake_refuses_the_users_own_token_as_the_endpoint_does() throws Exception {
        // The intake's verifier is the endpoint's: the signed-in user's own token does not pass it.
        String userToken = Credentials.load(users.env("ada")).orElseThrow().accessToken();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new org.safelight.server.tokens.JwksTokenVerifier(
                new org.safelight.server.tokens.HttpJwks(server.url(), java.net.http.HttpClient.newHttpClient()),
                org.safelight.server.tokens.TokenAudience.endpoint(server.url(), intake.url()), Clock.systemUTC())
                .verify(userToken))).isNotNull();
    }

    /**
     * A report of 768 MiB passes through a CLI whose heap is 48 MiB: the file is streamed from disk
     * into the request, never held in memory.
     */
    @Test
    void a_report_far_larger_than_the_heap_is_streamed_to_the_endpoint() throws Exception {
        Path big = dir.resolve(SampleReports.REPORT_ID + ".zip");
        long padding = 768L << 20;
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(big))) {
            zip.setLevel(Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write(MetadataJson.write(SampleReports.metadata()));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("report.pdf"));
            byte[] chunk = new byte[1 << 20];
            new java.util.Random(7).nextBytes(chunk);
            for (long written = 0; written < padding; written += chunk.length) {
                zip.write(chunk);
            }
            zip.closeEntry();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx48m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), "org.safelight.cli.Main",
                "send", big.toString(), "--to", "endpoint:" + intake.url(), "--allow-plain-http");
        pb.environment().clear();
        pb.environment().putAll(users.env("ada"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("send.out").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(Duration.ofMinutes(4).toSeconds(), TimeUnit.SECONDS)).as("send finished").isTrue();
        String output = Files.readString(dir.resolve("send.out"), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError");
        assertThat(intake.posts()).hasSize(1);
        assertThat(intake.posts().get(0).size()).isEqualTo(Files.size(big));
        assertThat(intake.posts().get(0).sha256()).isEqualTo(sha256Streamed(big));
    }

    private static String sha256Streamed(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
