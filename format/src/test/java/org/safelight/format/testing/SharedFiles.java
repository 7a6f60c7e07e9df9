package org.safelight.format.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The test fixtures every module's tests share: the media under {@code fixtures/media/} and the
 * official RNCryptor v3 vectors under {@code fixtures/rncryptor-v3/}, in format's test resources
 * (see their README for what each is and where it comes from). They are in the repository, so a
 * clean clone needs nothing beside it. Read from format's test classes folder, or, when another
 * module reads them out of format's test jar, from a copy in a temporary folder made once per JVM.
 */
public final class SharedFiles {
    private static Path extracted;

    private SharedFiles() {
    }

    /** A file of {@code fixtures/media/}, for example {@code photo-landscape.jpg}. */
    public static Path media(String name) {
        return fixture("media/" + name);
    }

    /** An official RNCryptor v3 vector file: {@code kdf}, {@code key} or {@code password}. */
    public static Path rncryptorVectors(String name) {
        return fixture("rncryptor-v3/" + name);
    }

    /** {@code fixtures/PATH} as a file. */
    public static synchronized Path fixture(String path) {
        URL url = SharedFiles.class.getResource("/fixtures/" + path);
        if (url == null) {
            throw new IllegalStateException("no test fixture fixtures/" + path + " on the class path");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
            if (extracted == null) {
                extracted = Files.createTempDirectory("safelight-fixtures-");
                extracted.toFile().deleteOnExit();
            }
            Path copy = extracted.resolve(path);
            if (!Files.exists(copy)) {
                Files.createDirectories(copy.getParent());
                try (InputStream in = url.openStream()) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                copy.toFile().deleteOnExit();
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
