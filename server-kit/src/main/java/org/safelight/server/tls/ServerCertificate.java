package org.safelight.server.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A private key and the certificate chain a server presents with it, leaf first, checked to belong
 * together. Immutable and thread-safe. {@link #toString()} describes the leaf, never the key.
 */
public final class ServerCertificate {
    private static final byte[] PROBE = "safelight: does this key belong to the certificate?"
            .getBytes(StandardCharsets.US_ASCII);

    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    private ServerCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
        this.privateKey = privateKey;
        this.chain = List.copyOf(chain);
    }

    /**
     * @throws CertificateLoadException when the key is not the leaf's: the usual sign of a renewal
     *     caught between writing the new key and the new certificate
     */
    static ServerCertificate of(PrivateKey privateKey, List<X509Certificate> chain, String keyFile)
            throws CertificateLoadException {
        X509Certificate leaf = chain.get(0);
        // A signature made with the key and verified with the certificate works for RSA and EC alike.
        String algorithm = privateKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(PROBE);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new CertificateLoadException(keyFile + " is not the private key of the certificate for "
                    + leaf.getSubjectX500Principal().getName() + " (a renewal half-copied?)");
        }
        return new ServerCertificate(privateKey, chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Leaf first, then the intermediates, as served. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** An in-memory key store holding this key and chain under one alias; it never touches disk. */
    KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, password, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an in-memory PKCS12 key store could not be built", e);
        }
    }

    @Override
    public String toString() {
        X509Certificate leaf = leaf();
        return leaf.getSubjectX500Principal().getName() + " (serial " + leaf.getSerialNumber().toString(16)
                + ", valid until " + leaf.getNotAfter().toInstant() + ")";
    }
}
