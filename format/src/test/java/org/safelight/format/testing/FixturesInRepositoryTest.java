package org.safelight.format.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A clean clone runs its tests alone: the fixtures are in it, and no test or build reads beside it. */
class FixturesInRepositoryTest {

    @Test
    void every_fixture_the_tests_read_is_inside_the_repository() throws IOException {
        Path root = root();
        for (String media : List.of("photo-landscape.jpg", "photo-rotated.jpg", "clip.m4v", "voice.m4a",
                "signature.jpg")) {
            Path file = SharedFiles.media(media);
            assertThat(file.toAbsolutePath().normalize()).as(media).startsWith(root);
            assertThat(Files.size(file)).as(media).isPositive();
        }
        for (String vectors : List.of("kdf", "key", "password")) {
            assertThat(Files.readString(SharedFiles.rncryptorVectors(vectors))).containsPattern("(?m)^version:\\s+3$");
        }
    }

    @Test
    void no_test_source_or_build_file_reads_the_shared_folder_beside_the_checkout() throws IOException {
        Path root = root();
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> readers = files.filter(p -> {
                String s = p.toString().replace('\\', '/');
                return !s.contains("/target/") && !s.contains("/.git/")
                        && (s.matches(".*/src/test/.*\\.java") || s.endsWith("/pom.xml") || s.endsWith("/.ci/run"));
            }).filter(p -> {
                try {
                    String text = Files.readString(p);
                    return text.contains("../shared") || text.contains("safelight.shared");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(p -> !p.endsWith("FixturesInRepositoryTest.java")).toList();
            assertThat(readers).isEmpty();
        }
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository's root").isNotNull();
        return dir.normalize();
    }
}
