package org.safelight.server.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * One read of a certificates folder laid out as certbot writes it: {@code privkey.pem}, {@code
 * cert.pem} (the leaf) and {@code fullchain.pem} (leaf and intermediates). The bytes are read once,
 * so what is fingerprinted for change is exactly what gets parsed. Immutable.
 */
final class CertificateFiles {
    static final String PRIVATE_KEY = "privkey.pem";
    static final String CERTIFICATE = "cert.pem";
    static final String FULL_CHAIN = "fullchain.pem";

    private final byte[] privateKey;
    private final byte[] certificate;
    private final byte[] fullChain;

    private CertificateFiles(byte[] privateKey, byte[] certificate, byte[] fullChain) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fullChain = fullChain;
    }

    /** True when the folder holds any of the three files; see {@link TlsConfig#present(Path)}. */
    static boolean present(Path dir) {
        return Files.isDirectory(dir) && List.of(PRIVATE_KEY, CERTIFICATE, FULL_CHAIN).stream()
                .anyMatch(name -> Files.exists(dir.resolve(name)));
    }

    static CertificateFiles read(Path dir) throws CertificateLoadException {
        byte[] key = readIfExists(dir, PRIVATE_KEY);
        byte[] leaf = readIfExists(dir, CERTIFICATE);
        byte[] chain = readIfExists(dir, FULL_CHAIN);
        if (key == null) {
            throw new CertificateLoadException(dir.resolve(PRIVATE_KEY) + " is missing");
        }
        if (leaf == null && chain == null) {
            throw new CertificateLoadException(dir + " holds neither " + FULL_CHAIN + " nor " + CERTIFICATE);
        }
        return new CertificateFiles(key, leaf, chain);
    }

    /**
     * A digest of the three files' contents. Contents rather than modification times, because a
     * copy that keeps times ({@code cp -p}, rsync) or a coarse file system clock can hide a change,
     * and the files are a few kilobytes.
     */
    String fingerprint() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        for (byte[] file : new byte[][] {privateKey, certificate, fullChain}) {
            // Lengths first, so that bytes moving from one file to the next still change the digest.
            digest.update(ByteBuffer.allocate(4).putInt(file == null ? -1 : file.length).array());
            if (file != null) {
                digest.update(file);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The chain served is fullchain.pem's, or cert.pem's alone when there is no fullchain.pem. When
     * both exist their leaves must agree, since a disagreement means a renewal caught midway.
     */
    ServerCertificate parse() throws CertificateLoadException {
        List<X509Certificate> chain = fullChain != null
                ? Pem.certificates(fullChain, FULL_CHAIN)
                : Pem.certificates(certificate, CERTIFICATE);
        if (fullChain != null && certificate != null
                && !Pem.certificates(certificate, CERTIFICATE).get(0).equals(chain.get(0))) {
            throw new CertificateLoadException(CERTIFICATE + " and the first certificate of " + FULL_CHAIN
                    + " differ (a renewal half-copied?)");
        }
        String algorithm = chain.get(0).getPublicKey().getAlgorithm();
        return ServerCertificate.of(Pem.privateKey(privateKey, PRIVATE_KEY, algorithm), chain, PRIVATE_KEY);
    }

    private static byte[] readIfExists(Path dir, String name) throws CertificateLoadException {
        Path file = dir.resolve(name);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CertificateLoadException(file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
