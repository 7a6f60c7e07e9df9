package org.safelight.client.filing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.ApiClient;
import org.safelight.client.EnterpriseKeys;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.Zips;

/** The opener the endpoint uses on a file it already has; a real key server on port 0. */
class ReceivedReportOpenerTest {
    private static final String ID = SampleReports.REPORT_ID;
    private static final String KEY = "report-key-0123456789";
    private static final String TOKEN = "slkst_test-token";

    @TempDir
    Path dir;
    private HttpServer keyServer;
    private URI keyServerOrigin;
    private final List<String> keyRequests = new CopyOnWriteArrayList<>();
    private volatile String keyAnswered = KEY;

    @BeforeEach
    void startKeyServer() throws IOException {
        keyServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keyServer.createContext("/api/v1/reports/", exchange -> {
            keyRequests.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"key\":\"" + keyAnswered + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        keyServer.start();
        keyServerOrigin = URI.create("http://127.0.0.1:" + keyServer.getAddress().getPort());
    }

    @AfterEach
    void stopKeyServer() {
        keyServer.stop(0);
    }

    private Path report(Protection protection, String idInside) throws IOException {
        byte[] pkg = Zips.create()
                .add("metadata.json", MetadataJson.write(withId(idInside)))
                .add("report.pdf", "%PDF-1.7 stand-in bytes")
                .bytes();
        Path file = dir.resolve("in-" + System.nanoTime() + ".picsafe");
        PicsafeWriter.write(file, protection, ID, out -> out.write(pkg));
        return file;
    }

    private static org.safelight.format.report.ReportMetadata withId(String id) {
        var m = SampleReports.metadata();
        return m.withDetails(m.details().withReportId(id));
    }

    private ReceivedReportOpener opener(List<URI> trusted, List<KeyPair> privateKeys, boolean plain)
            throws IOException {
        return new ReceivedReportOpener(new ReportKeys(trusted, new EnterpriseKeys(ApiClient.create(), TOKEN),
                privateKeys.stream().map(KeyPair::getPrivate).toList(), plain));
    }

    private Path filed() {
        return dir.resolve("filed").resolve(ID);
    }

    @Test
    void a_plain_report_opens_into_its_folder_when_plain_reports_are_accepted() throws IOException {
        var opened = opener(List.of(), List.of(), true).open(report(new Protection.Plain(), ID), null, filed());

        assertThat(opened.kind()).isEqualTo(ReportKeys.Kind.PLAIN);
        assertThat(opened.reportId()).isEqualTo(ID);
        assertThat(filed().resolve("metadata.json")).exists();
        assertThat(opened.files()).contains("metadata.json", "report.pdf");
        assertNoStagingLeft();
        assertThat(keyRequests).isEmpty();
    }

    @Test
    void a_plain_report_is_refused_where_only_sealed_reports_are_expected() throws IOException {
        Path plain = report(new Protection.Plain(), ID);
        assertThatThrownBy(() -> opener(List.of(), List.of(), false).open(plain, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e ->
                        assertThat(e.skip()).isEqualTo(FailureRule.Skip.MALFORMED));
        assertThat(filed()).doesNotExist();
    }

    @Test
    void a_dynamic_key_report_gets_its_key_from_a_trusted_key_server_with_the_token() throws IOException {
        Path file = report(new Protection.DynamicKey(KEY, keyServerOrigin + "/ignored/path?x=1"), ID);

        var opened = opener(List.of(keyServerOrigin), List.of(), false).open(file, null, filed());

        assertThat(opened.kind()).isEqualTo(ReportKeys.Kind.DYNAMIC);
        assertThat(keyRequests).containsExactly("/api/v1/reports/" + ID + "/key Bearer " + TOKEN);
        assertThat(filed().resolve("report.pdf")).exists();
    }

    @Test
    void a_key_server_that_is_not_trusted_gets_nothing_and_the_report_is_refused() throws IOException {
        Path file = report(new Protection.DynamicKey(KEY, keyServerOrigin.toString()), ID);

        assertThatThrownBy(() -> opener(List.of(URI.create("https://keys.example.org")), List.of(), false)
                .open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e -> {
                    assertThat(e.skip()).isEqualTo(FailureRule.Skip.REFUSED);
                    assertThat(e.reason()).contains("untrusted_key_server").doesNotContain(TOKEN);
                });
        assertThat(keyRequests).isEmpty();
        assertThat(filed()).doesNotExist();
    }

    @Test
    void a_key_server_that_is_down_means_try_again_later_not_lost() throws IOException {
        Path file = report(new Protection.DynamicKey(KEY, keyServerOrigin.toString()), ID);
        keyServer.stop(0);

        assertThatThrownBy(() -> opener(List.of(keyServerOrigin), List.of(), false).open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.step()).isEqualTo(FailureRule.Step.KEY);
                });
        assertThat(filed()).doesNotExist();
        assertNoStagingLeft();
    }

    @Test
    void a_key_server_answering_without_a_key_means_try_again_later_not_a_broken_report() throws IOException {
        Path file = report(new Protection.DynamicKey(KEY, keyServerOrigin.toString()), ID);
        keyAnswered = "";

        assertThatThrownBy(() -> opener(List.of(keyServerOrigin), List.of(), false).open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.reason()).contains("answered without a key");
                });
        assertThat(filed()).doesNotExist();
    }

    @Test
    void the_reasons_a_report_needs_a_key_name_the_callers_own_options() throws IOException {
        Path file = report(new Protection.StaticKey(Keys.rsa().getPublic()), ID);
        ReceivedReportOpener endpoint = new ReceivedReportOpener(new ReportKeys(List.of(), null, List.of(), false,
                new ReportKeys.Options("--endpoint-key-servers", "--endpoint-private-keys")));

        assertThatThrownBy(() -> endpoint.open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e ->
                        assertThat(e.reason()).contains("kid").contains("--endpoint-private-keys"));
        assertThatThrownBy(() -> opener(List.of(), List.of(), false).open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e ->
                        assertThat(e.reason()).contains("--private-key"));
    }

    @Test
    void a_wrong_key_from_the_key_server_fails_the_integrity_check_and_writes_nothing() throws IOException {
        Path file = report(new Protection.DynamicKey(KEY, keyServerOrigin.toString()), ID);
        keyAnswered = "not-the-key";

        assertThatThrownBy(() -> opener(List.of(keyServerOrigin), List.of(), false).open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e ->
                        assertThat(e.skip()).isEqualTo(FailureRule.Skip.INTEGRITY));
        assertThat(filed()).doesNotExist();
        assertNoStagingLeft();
    }

    @Test
    void a_static_key_report_is_opened_with_the_private_key_its_kid_names_out_of_several() throws IOException {
        KeyPair old = Keys.rsa();
        KeyPair current = Keys.rsa();
        Path file = report(new Protection.StaticKey(current.getPublic()), ID);

        var opened = opener(List.of(), List.of(old, current), false).open(file, ID, filed());

        assertThat(opened.kind()).isEqualTo(ReportKeys.Kind.STATIC);
        assertThat(filed().resolve("metadata.json")).exists();
    }

    @Test
    void a_static_key_report_for_a_key_not_held_needs_a_key_and_writes_nothing() throws IOException {
        Path file = report(new Protection.StaticKey(Keys.rsa().getPublic()), ID);

        assertThatThrownBy(() -> opener(List.of(), List.of(Keys.rsa(), Keys.rsa()), false).open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e -> {
                    assertThat(e.skip()).isEqualTo(FailureRule.Skip.NEEDS_KEY);
                    assertThat(e.reason()).contains("none of the 2 private keys");
                });
        assertThat(filed()).doesNotExist();
    }

    @Test
    void a_report_holding_another_report_id_than_expected_is_refused() throws IOException {
        Path file = report(new Protection.Plain(), "0000000011462800599999");

        assertThatThrownBy(() -> opener(List.of(), List.of(), true).open(file, ID, filed()))
                .isInstanceOfSatisfying(OpeningFailedException.class, e -> {
                    assertThat(e.skip()).isEqualTo(FailureRule.Skip.MALFORMED);
                    assertThat(e.reason()).contains("not " + ID);
                });
        assertThat(filed()).doesNotExist();
    }

    @Test
    void the_private_keys_of_a_folder_are_read_by_their_pem_files() throws IOException {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        KeyPair a = Keys.rsa();
        Keys.writePrivatePem(a, keys.resolve("2025.pem"));
        Keys.writePrivatePem(Keys.rsa(), keys.resolve("2026.pem"));
        Files.writeString(keys.resolve("README.txt"), "not a key");

        assertThat(ReportKeys.readPrivateKeys(keys)).hasSize(2);
    }

    private void assertNoStagingLeft() throws IOException {
        Path parent = dir.resolve("filed");
        if (Files.isDirectory(parent)) {
            try (Stream<Path> s = Files.list(parent)) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith(AtomicFolder.STAGING))).isEmpty();
            }
        }
    }
}
