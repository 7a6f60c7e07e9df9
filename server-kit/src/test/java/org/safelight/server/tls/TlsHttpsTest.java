package org.safelight.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.http.RawHttp;
import org.safelight.server.http.ServerApp;

/**
 * A real server over real TLS: the JDK's HTTP client, trusting only the test root, talks to a
 * {@link ServerApp} with {@link TlsConfig} installed. The watcher is driven by calling {@code
 * check()}; its own schedule is an hour away, so nothing here waits on time.
 */
class TlsHttpsTest {
    @TempDir
    static Path pkiDir;
    static OpensslPki pki;
    static Path firstKey;
    static Path firstLeaf;
    static Path secondKey;
    static Path secondLeaf;

    @TempDir
    Path dataDir;
    Path certs;
    TlsConfig tls;
    CertificateWatcher watcher;
    Javalin app;

    @BeforeAll
    static void issueCertificates() throws IOException {
        pki = OpensslPki.create(pkiDir);
        firstKey = pki.convert(pki.rsaKey("first"), "first-pkcs1.key", "rsa", "-traditional");
        firstLeaf = pki.leaf(firstKey, "localhost first", 1001);
        // The renewal brings a new key of another type, as certbot does unless told to reuse keys.
        secondKey = pki.ecKey("second");
        secondLeaf = pki.leaf(secondKey, "localhost second", 2002);
    }

    @BeforeEach
    void startServer() throws Exception {
        certs = dataDir.resolve("certs");
        pki.install(certs, firstKey, firstLeaf);
        tls = TlsConfig.load(certs);
        app = ServerApp.create(List.of(), config -> tls.install(config, "127.0.0.1", 0)).start();
        watcher = tls.watch(Duration.ofHours(1), Clock.systemUTC());
    }

    @AfterEach
    void stopServer() {
        watcher.close();
        app.stop();
    }

    @Test
    void the_app_answers_over_https_with_the_full_chain() throws Exception {
        HttpResponse<String> response = get();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"ok\"");
        Certificate[] served = response.sslSession().orElseThrow().getPeerCertificates();
        // The client trusts the root only, so the intermediate from fullchain.pem had to be sent.
        assertThat(served).hasSize(2);
        assertThat(servedSerial(response)).isEqualTo(OpensslPki.serialOf(firstLeaf));
    }

    @Test
    void plain_http_to_the_tls_port_gets_no_answer_and_there_is_no_plain_listener() {
        assertThat(app.jettyServer().server().getConnectors())
                .singleElement()
                .satisfies(connector -> assertThat(connector.getProtocols()).containsExactly("ssl", "http/1.1"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/health")).build();

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void a_renewed_certificate_is_served_to_new_connections_without_a_restart() throws Exception {
        assertThat(servedSerial(get())).isEqualTo(OpensslPki.serialOf(firstLeaf));
        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.UNCHANGED);

        pki.install(certs, secondKey, secondLeaf);
        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.RELOADED);

        HttpResponse<String> response = get();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(servedSerial(response)).isEqualTo(OpensslPki.serialOf(secondLeaf));
        assertThat(tls.current().leaf().getSerialNumber()).isEqualTo(OpensslPki.serialOf(secondLeaf));
        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.UNCHANGED);
    }

    @Test
    void half_copied_files_keep_the_old_certificate_until_the_copy_is_complete() throws Exception {
        // New key and certificate in place, fullchain.pem cut off mid-way through the intermediate.
        Files.copy(secondKey, certs.resolve("privkey.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(secondLeaf, certs.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        String fullChain = pki.fullChain(secondLeaf);
        Files.writeString(certs.resolve("fullchain.pem"), fullChain.substring(0, fullChain.length() - 100));

        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.BROKEN);
        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.BROKEN);
        assertThat(servedSerial(get())).isEqualTo(OpensslPki.serialOf(firstLeaf));

        Files.writeString(certs.resolve("fullchain.pem"), fullChain);
        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.RELOADED);
        assertThat(servedSerial(get())).isEqualTo(OpensslPki.serialOf(secondLeaf));
    }

    @Test
    void a_new_key_beside_the_old_certificate_keeps_the_old_pair_in_service() throws Exception {
        Files.copy(secondKey, certs.resolve("privkey.pem"), StandardCopyOption.REPLACE_EXISTING);

        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.BROKEN);
        HttpResponse<String> response = get();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(servedSerial(response)).isEqualTo(OpensslPki.serialOf(firstLeaf));
    }

    @Test
    void removed_files_keep_the_old_certificate_in_service() throws Exception {
        Files.delete(certs.resolve("privkey.pem"));

        assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.BROKEN);
        assertThat(servedSerial(get())).isEqualTo(OpensslPki.serialOf(firstLeaf));
    }

    @Test
    void the_watchers_own_schedule_picks_up_a_renewal() throws Exception {
        pki.install(certs, secondKey, secondLeaf);
        BigInteger renewed = OpensslPki.serialOf(secondLeaf);

        // The one test on the real schedule: it polls for the outcome with a deadline, not a guessed sleep.
        CertificateWatcher fast = tls.watch(Duration.ofMillis(20), Clock.systemUTC());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!tls.current().leaf().getSerialNumber().equals(renewed) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            fast.close();
        }
        assertThat(servedSerial(get())).isEqualTo(renewed);
    }

    /** A TLS 1.2 handshake offering only {@code suite}; answers the suite agreed on, or throws. */
    private String handshakeOffering(String suite) throws Exception {
        try (SSLSocket socket = (SSLSocket) pki.clientTrustingRoot().getSocketFactory()
                .createSocket("127.0.0.1", app.port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }

    @Test
    void tls_1_2_offers_forward_secret_aead_suites_only() throws Exception {
        assertThat(handshakeOffering("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                .isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(handshakeOffering("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"))
                .isEqualTo("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        for (String cbcOrStatic : List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA")) {
            assertThatThrownBy(() -> handshakeOffering(cbcOrStatic)).as(cbcOrStatic).isInstanceOf(IOException.class);
        }
    }

    @Test
    void every_answer_over_tls_carries_hsts_jettys_own_refusals_too() throws Exception {
        HttpResponse<String> health = get();
        assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v ->
                assertThat(v).startsWith("max-age=31536000"));
        assertThat(health.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        javax.net.SocketFactory sockets = pki.clientTrustingRoot().getSocketFactory();
        for (String request : List.of("GET /no-such-route HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                // over Jetty's 8 KiB header limit, yet within one TLS record: the record is written whole before
                // the server reads it, so its refusal cannot cut the write short (a broken pipe, not an answer)
                "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(12_000) + "\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n")) {
            RawHttp.Answer answer = RawHttp.send(sockets, "127.0.0.1", app.port(), request);
            assertThat(answer.status()).isIn(404, 431, 400);
            assertThat(answer.header("Strict-Transport-Security")).as("%s", answer.status()).startsWith("max-age=31536000");
            assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }

    /** A new client each time, so each request opens a new connection and a new TLS handshake. */
    private HttpResponse<String> get() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(pki.clientTrustingRoot())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.port() + "/health"))
                .timeout(Duration.ofSeconds(10))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static BigInteger servedSerial(HttpResponse<?> response) throws Exception {
        SSLSession session = response.sslSession().orElseThrow();
        return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber();
    }
}
