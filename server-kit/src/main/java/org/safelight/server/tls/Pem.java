package org.safelight.server.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files certbot and openssl write: X.509 certificates, and unencrypted private keys
 * as PKCS#8, PKCS#1 RSA or SEC1 EC. Strict on purpose: a file caught half-copied must fail here
 * rather than quietly yield a shorter chain. Errors name the file, never its contents. Stateless.
 */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ");
    private static final String SUPPORTED_KEYS = "PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 RSA (BEGIN RSA PRIVATE KEY)"
            + " or SEC1 EC (BEGIN EC PRIVATE KEY), unencrypted";

    private Pem() {
    }

    record Block(String label, byte[] der) {
    }

    static List<Block> blocks(byte[] file, String fileName) throws CertificateLoadException {
        String text = new String(file, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            String body = m.group(2);
            if (body.contains(":")) {
                // Proc-Type/DEK-Info headers: the legacy openssl way of password-protecting a key.
                throw new CertificateLoadException(fileName + ": the " + label + " has PEM headers, i.e. it is"
                        + " password-encrypted, which is not supported; the server must read it unattended,"
                        + " so store it unencrypted and readable only by the server's user");
            }
            try {
                blocks.add(new Block(label, Base64.getDecoder().decode(body.replaceAll("\\s+", ""))));
            } catch (IllegalArgumentException e) {
                throw new CertificateLoadException(fileName + ": a " + label + " block is not valid base64"
                        + " (file partly written?)");
            }
        }
        if (BEGIN.matcher(text).results().count() != blocks.size()) {
            throw new CertificateLoadException(fileName + " has a BEGIN line without its END line"
                    + " (file partly written?)");
        }
        return blocks;
    }

    /** Every CERTIFICATE block, in file order; other blocks are ignored. At least one. */
    static List<X509Certificate> certificates(byte[] file, String fileName) throws CertificateLoadException {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Block block : blocks(file, fileName)) {
            if (!block.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new CertificateLoadException(fileName + ": certificate " + (certificates.size() + 1)
                        + " is not a valid X.509 certificate (file partly written?)");
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateLoadException(fileName + " holds no certificate (BEGIN CERTIFICATE)");
        }
        return certificates;
    }

    /**
     * The one private key in the file, read as {@code algorithm} (the certificate's key type,
     * {@code RSA} or {@code EC}); blocks that are not keys, such as openssl's EC PARAMETERS, are
     * skipped.
     */
    static PrivateKey privateKey(byte[] file, String fileName, String algorithm) throws CertificateLoadException {
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new CertificateLoadException("the certificate's key type " + algorithm
                    + " is not supported; use an RSA or EC certificate");
        }
        List<Block> keys = blocks(file, fileName).stream().filter(b -> b.label().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw new CertificateLoadException(fileName + " holds no private key; expected " + SUPPORTED_KEYS);
        }
        if (keys.size() > 1) {
            throw new CertificateLoadException(fileName + " holds " + keys.size()
                    + " private keys; keep only the certificate's");
        }
        Block key = keys.get(0);
        byte[] pkcs8 = switch (key.label()) {
            case "PRIVATE KEY" -> key.der();
            case "RSA PRIVATE KEY" -> Pkcs8.fromPkcs1Rsa(key.der());
            case "EC PRIVATE KEY" -> Pkcs8.fromSec1Ec(key.der(), fileName);
            case "ENCRYPTED PRIVATE KEY" -> throw new CertificateLoadException(fileName + " holds a password-encrypted"
                    + " key, which is not supported; the server must read it unattended, so store it unencrypted"
                    + " and readable only by the server's user");
            default -> throw new CertificateLoadException(fileName + ": \"BEGIN " + key.label()
                    + "\" is not a supported key format; use " + SUPPORTED_KEYS);
        };
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (InvalidKeySpecException e) {
            // The JDK's reason may quote parts of the key, so it stays out of the message.
            throw new CertificateLoadException(fileName + " is not a valid " + algorithm + " private key (a key of"
                    + " another type than the certificate's, or a file partly written?)");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + algorithm + " key factory", e);
        }
    }
}
