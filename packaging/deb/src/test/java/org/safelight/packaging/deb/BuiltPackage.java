package org.safelight.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The .deb this module's build made in {@code package}, and the Maven version it was made from. */
final class BuiltPackage {
    private BuiltPackage() {
    }

    static Path file() {
        Path dir = Path.of(System.getProperty("safelight.deb.dir", "target"));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("safelight_.+_all\\.deb")).toList();
            assertThat(debs).as("the package jdeb made in %s", dir).hasSize(1);
            return debs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String mavenVersion() {
        String v = System.getProperty("safelight.version");
        assertThat(v).as("the system property safelight.version (set by the POM)").isNotBlank();
        return v;
    }

    /** The source file of the package under {@code src/deb}. */
    static Path source(String relative) {
        return Path.of(System.getProperty("safelight.deb.src", "src/deb")).resolve(relative);
    }
}
