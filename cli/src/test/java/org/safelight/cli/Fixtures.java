package org.safelight.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A draft folder from the shared fixture media, and institution key files. */
final class Fixtures {
    private Fixtures() {
    }

    static Path media(String name) {
        return Path.of(System.getProperty("safelight.shared", "../../shared"), "fixtures/media", name);
    }

    static Path draft(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(media("photo-landscape.jpg"), dir.resolve("wound.jpg"));
        Files.copy(media("clip.m4v"), dir.resolve("gait.m4v"));
        Files.copy(media("signature.jpg"), dir.resolve("consent.jpg"));
        Files.writeString(dir.resolve("metadata.json"), """
                {"report": {
                  "patient": {"firstname": "Ada", "lastname": "Quill", "day": "7", "month": "3", "year": "1961",
                              "patientid": "MRN-204817"},
                  "user": {"userid": "42", "title": "Dr", "firstname": "Noor", "lastname": "Haddad",
                           "email": "noor@example.org", "country": "AU"},
                  "details": {"notes": "Pressure injury, sacrum, stage 2."},
                  "consent": {"type": "signed", "consentlevels": "treatment"}
                }}
                """);
        return dir;
    }

    /** [public PEM, private PEM] of a fresh 2048-bit RSA key. */
    static Path[] institutionKeys(Path dir) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            pair = gen.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(dir);
        return new Path[] {
            Files.writeString(dir.resolve("institution.pub.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded())),
            Files.writeString(dir.resolve("institution.key.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()))
        };
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
