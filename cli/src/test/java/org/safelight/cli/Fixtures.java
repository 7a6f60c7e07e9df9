package org.safelight.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.SharedFiles;

/** A draft folder from the shared fixture media, and institution key files. */
final class Fixtures {
    private Fixtures() {
    }

    static Path draft(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(SharedFiles.media("photo-landscape.jpg"), dir.resolve("wound.jpg"));
        Files.copy(SharedFiles.media("clip.m4v"), dir.resolve("gait.m4v"));
        Files.copy(SharedFiles.media("signature.jpg"), dir.resolve("consent.jpg"));
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
        KeyPair pair = Keys.rsa();
        Files.createDirectories(dir);
        return new Path[] {
            Keys.writePublicPem(pair, dir.resolve("institution.pub.pem")),
            Keys.writePrivatePem(pair, dir.resolve("institution.key.pem"))
        };
    }
}
