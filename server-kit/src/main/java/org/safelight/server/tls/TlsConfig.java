package org.safelight.server.tls;

import io.javalin.config.JavalinConfig;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for a Safelight server from a certificates folder ({@code DATA_DIR/certs}: {@code
 * privkey.pem}, {@code cert.pem}, {@code fullchain.pem}, as certbot writes them). The key and chain
 * live in an in-memory key store behind one Jetty {@code SslContextFactory}, which {@link
 * CertificateWatcher} swaps when the files are renewed: new connections get the new certificate,
 * open ones keep theirs, and the server never restarts. Thread-safe.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.load(dataDir.resolve("certs"));
 * Javalin app = ServerApp.create(roles, config -> tls.install(config, host, port)).start();
 * CertificateWatcher watcher = tls.watch(Duration.ofSeconds(10), Clock.systemUTC());
 * }</pre>
 */
public final class TlsConfig {
    /** TLS 1.3 and 1.2 only. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * TLS 1.3's suites, and for TLS 1.2 only forward-secret AEAD ones (ECDHE with AES-GCM or
     * ChaCha20-Poly1305): no CBC (padding oracles, Lucky13), no static RSA key exchange, no SHA-1.
     */
    static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    };
    /** HSTS lifetime: one year. */
    public static final long HSTS_SECONDS = 365L * 24 * 3600;

    private final Path certsDir;
    private final SslContextFactory.Server sslContextFactory = new SslContextFactory.Server();
    // The key store only lives in memory, yet PKCS12 insists on a password: a random one per process.
    private final String keyStorePassword = randomPassword();
    private volatile ServerCertificate current;
    private volatile String currentFingerprint;

    private TlsConfig(Path certsDir, CertificateFiles files, ServerCertificate certificate) {
        this.certsDir = certsDir;
        this.current = certificate;
        this.currentFingerprint = files.fingerprint();
        sslContextFactory.setKeyStore(certificate.keyStore(keyStorePassword.toCharArray()));
        sslContextFactory.setKeyStorePassword(keyStorePassword);
        sslContextFactory.setKeyManagerPassword(keyStorePassword);
        sslContextFactory.setIncludeProtocols(PROTOCOLS);
        sslContextFactory.setIncludeCipherSuites(CIPHER_SUITES);
    }

    /**
     * Whether the operator asked for HTTPS: the folder holds any of the three files. One file alone
     * still counts, so that {@link #load} then says what is missing instead of the server quietly
     * falling back to plain HTTP.
     */
    public static boolean present(Path certsDir) {
        return CertificateFiles.present(certsDir);
    }

    /**
     * Reads and checks the folder once, at startup.
     *
     * @throws CertificateLoadException when a file is missing, unreadable or malformed, the key
     *     format is not supported (encrypted keys, types other than RSA and EC), or the key is not
     *     the certificate's; the message says which
     */
    public static TlsConfig load(Path certsDir) throws CertificateLoadException {
        CertificateFiles files = CertificateFiles.read(certsDir);
        return new TlsConfig(certsDir, files, files.parse());
    }

    /**
     * Makes the app listen with HTTPS only (TLS 1.3, and TLS 1.2 with AEAD suites only; every
     * answer carries HSTS), on {@code host} ({@code null}: every interface) and
     * {@code port} ({@code 0}: a free one, read back with {@code app.port()}). Javalin adds its own
     * plain HTTP connector only when none was added, so there is no plain listener; the host and
     * port given to {@code app.start(...)} are then ignored, so start it with {@code app.start()}.
     */
    public void install(JavalinConfig config, String host, int port) {
        config.jetty.addConnector((server, httpConfig) -> {
            // A copy keeps Javalin's settings; the customizer marks requests as https and secure, and
            // adds Strict-Transport-Security to every answer (JettyErrors adds it to Jetty's own).
            HttpConfiguration https = new HttpConfiguration(httpConfig);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setStsMaxAge(HSTS_SECONDS);
            https.addCustomizer(secure);
            ServerConnector connector = new ServerConnector(server,
                    new SslConnectionFactory(sslContextFactory, "http/1.1"), new HttpConnectionFactory(https));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        });
    }

    /** Starts polling the folder for renewed files; close the watcher when the server stops. */
    public CertificateWatcher watch(Duration interval, Clock clock) {
        return CertificateWatcher.start(this, interval, clock);
    }

    /** The certificate new connections are given. */
    public ServerCertificate current() {
        return current;
    }

    public Path certsDir() {
        return certsDir;
    }

    String currentFingerprint() {
        return currentFingerprint;
    }

    /**
     * Serves {@code certificate} to new connections. Jetty rebuilds its SSL context in place; should
     * that fail, the previous key store is put back so the server keeps a working certificate.
     */
    synchronized void serve(ServerCertificate certificate, String fingerprint) throws CertificateLoadException {
        KeyStore previous = sslContextFactory.getKeyStore();
        KeyStore next = certificate.keyStore(keyStorePassword.toCharArray());
        try {
            sslContextFactory.reload(factory -> factory.setKeyStore(next));
        } catch (Exception e) {
            try {
                sslContextFactory.reload(factory -> factory.setKeyStore(previous));
            } catch (Exception again) {
                throw new IllegalStateException("the TLS context could not be restored after a failed reload", again);
            }
            throw new CertificateLoadException("Jetty refused the new certificate (" + e.getClass().getSimpleName()
                    + ")");
        }
        current = certificate;
        currentFingerprint = fingerprint;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().encodeToString(bytes);
    }
}
