package org.safelight.format.seal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.safelight.format.testing.Drafts;
import org.safelight.format.testing.SharedFiles;

/** Drafts of many phone photos and a package's entries by digest, for the seal tests that compare packages. */
final class SealFixtures {
    private SealFixtures() {
    }

    /** The full draft with its two photos replaced by {@code photos} copies of the landscape and rotated fixtures. */
    static Path manyPhotos(Path folder, int photos) throws IOException {
        Drafts.full(folder);
        Files.delete(folder.resolve("p1.jpg"));
        Files.delete(folder.resolve("p2.jpg"));
        for (int i = 1; i <= photos; i++) {
            Files.copy(SharedFiles.media(i % 2 == 0 ? "photo-rotated.jpg" : "photo-landscape.jpg"),
                    folder.resolve(String.format("p%02d.jpg", i)));
        }
        return folder;
    }

    /** Each entry as "name SHA-256-of-its-bytes", in the package's order. */
    static List<String> entries(byte[] zip) throws IOException {
        List<String> entries = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.add(e.getName() + " " + sha256(in.readAllBytes()));
            }
        }
        return entries;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
