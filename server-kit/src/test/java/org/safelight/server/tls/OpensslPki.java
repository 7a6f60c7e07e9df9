package org.safelight.server.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway root and intermediate CA made with the openssl command line (BouncyCastle is not on
 * the classpath), issuing server certificates for localhost and 127.0.0.1, and laying them out as
 * certbot does. Clients trust only the root, so a served chain that lacks the intermediate fails.
 */
public final class OpensslPki {
    private static final String LEAF_EXTENSIONS = """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth
            subjectAltName=DNS:localhost,IP:127.0.0.1
            """;
    private static final String CA_EXTENSIONS = """
            basicConstraints=critical,CA:TRUE,pathlen:0
            keyUsage=critical,keyCertSign,cRLSign
            """;

    private final Path dir;
    private final Path root;
    private final Path intermediate;
    private final Path intermediateKey;

    private OpensslPki(Path dir) throws IOException {
        this.dir = dir;
        root = dir.resolve("root.pem");
        intermediate = dir.resolve("intermediate.pem");
        intermediateKey = ecKey("intermediate");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("root.key").toString(), "-out", root.toString(), "-days", "90",
                "-subj", "/CN=Safelight Test Root", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        sign(intermediateKey, "/CN=Safelight Test Intermediate", 2, CA_EXTENSIONS, root, dir.resolve("root.key"),
                intermediate, 90);
    }

    public static OpensslPki create(Path dir) throws IOException {
        return new OpensslPki(dir);
    }

    /** A new RSA key written as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Path rsaKey(String name) throws IOException {
        Path key = dir.resolve(name + ".key");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        return key;
    }

    /** A new P-256 key as SEC1 ({@code BEGIN EC PRIVATE KEY}), after an {@code EC PARAMETERS} block. */
    public Path ecKey(String name) throws IOException {
        Path key = dir.resolve(name + ".key");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        return key;
    }

    /** Runs {@code openssl <command> -in key <options> -out new} and returns the new file. */
    Path convert(Path key, String newName, String command, String... options) throws IOException {
        Path out = dir.resolve(newName);
        List<String> args = new ArrayList<>(List.of(command, "-in", key.toString()));
        args.addAll(List.of(options));
        args.addAll(List.of("-out", out.toString()));
        openssl(args.toArray(String[]::new));
        return out;
    }

    /** A server certificate for localhost and 127.0.0.1, issued by the intermediate, valid 90 days. */
    public Path leaf(Path key, String commonName, long serial) throws IOException {
        return leaf(key, commonName, serial, 90);
    }

    /** The same, valid {@code days} days from now. */
    public Path leaf(Path key, String commonName, long serial, int days) throws IOException {
        Path cert = dir.resolve(commonName.replace(' ', '-') + "-" + serial + ".pem");
        sign(key, "/CN=" + commonName, serial, LEAF_EXTENSIONS, intermediate, intermediateKey, cert, days);
        return cert;
    }

    /** Writes privkey.pem, cert.pem and fullchain.pem (leaf then intermediate) as certbot does. */
    public void install(Path certsDir, Path key, Path leaf) throws IOException {
        Files.createDirectories(certsDir);
        Files.copy(key, certsDir.resolve("privkey.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(leaf, certsDir.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(certsDir.resolve("fullchain.pem"), fullChain(leaf));
    }

    String fullChain(Path leaf) throws IOException {
        return Files.readString(leaf) + Files.readString(intermediate);
    }

    /** Trusts the root alone. */
    public SSLContext clientTrustingRoot() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(root)) {
            trust.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static BigInteger serialOf(Path cert) throws Exception {
        try (var in = Files.newInputStream(cert)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    private void sign(Path key, String subject, long serial, String extensions, Path issuer, Path issuerKey, Path out,
                      int days) throws IOException {
        Path csr = dir.resolve(out.getFileName() + ".csr");
        Path ext = dir.resolve(out.getFileName() + ".ext");
        Files.writeString(ext, extensions);
        openssl("req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", issuer.toString(), "-CAkey", issuerKey.toString(),
                "-set_serial", Long.toString(serial), "-days", Integer.toString(days), "-extfile", ext.toString(),
                "-out", out.toString());
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running openssl", e);
        }
    }
}
