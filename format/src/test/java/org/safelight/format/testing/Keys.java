package org.safelight.format.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** RSA key pairs written as the PEM files an institution would have. */
public final class Keys {
    private Keys() {
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            return gen.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path writePublicPem(KeyPair pair, Path file) throws IOException {
        return Files.writeString(file, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    public static Path writePrivatePem(KeyPair pair, Path file) throws IOException {
        return Files.writeString(file, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
