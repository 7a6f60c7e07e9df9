package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The browser libraries under {@code static/vendor/} are exactly the files listed in
 * {@code VENDORED.txt}: each with the SHA-256 written there (taken unchanged from the npm package
 * whose tarball integrity is recorded beside it) and its licence file, and nothing unlisted.
 */
class VendoredLibrariesTest {
    private static final String FOLDER = "/org/safelight/web/static/vendor/";

    private static List<String[]> listed() throws IOException {
        try (InputStream in = VendoredLibrariesTest.class.getResourceAsStream(FOLDER + "VENDORED.txt")) {
            assertThat(in).as("vendor/VENDORED.txt").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t")).toList();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = VendoredLibrariesTest.class.getResourceAsStream(FOLDER + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void every_vendored_file_has_the_listed_hash_a_pinned_version_and_its_licence() throws Exception {
        List<String[]> lines = listed();
        assertThat(lines).isNotEmpty();
        for (String[] line : lines) {
            assertThat(line).as(String.join(" ", line)).hasSize(7);
            assertThat(line[1]).as("package@exact-version").matches("[a-z0-9@/._-]+@\\d+\\.\\d+\\.\\d+");
            assertThat(line[3]).as("npm integrity").startsWith("sha512-");
            assertThat(sha256(resource(line[0]))).as(line[0] + " changed since it was vendored").isEqualTo(line[4]);
            assertThat(new String(resource(line[6]), StandardCharsets.UTF_8)).as(line[6]).contains(line[5]);
        }
    }

    @Test
    void no_script_in_the_vendor_folder_is_unlisted() throws Exception {
        Path folder = Path.of("src/main/resources" + FOLDER);
        Set<String> listed = listed().stream().map(l -> l[0]).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".js")))
                    .allMatch(listed::contains);
        }
    }

    @Test
    void the_loaders_integrity_hashes_are_the_files_own() throws Exception {
        String loader = new String(Files.readAllBytes(Path.of("src/main/resources/org/safelight/web/static/vendor-loader.js")),
                StandardCharsets.UTF_8);
        java.util.regex.Matcher entries = java.util.regex.Pattern.compile("'([^']+\\.js)': 'sha384-([^']+)'").matcher(loader);
        Set<String> hashed = new java.util.HashSet<>();
        while (entries.find()) {
            byte[] digest = MessageDigest.getInstance("SHA-384").digest(resource(entries.group(1)));
            assertThat(java.util.Base64.getEncoder().encodeToString(digest)).as(entries.group(1)).isEqualTo(entries.group(2));
            hashed.add(entries.group(1));
        }
        // every vendored script is loaded through the loader, except the one share-link.js imports statically
        assertThat(hashed).containsExactlyInAnyOrderElementsOf(listed().stream().map(l -> l[0])
                .filter(n -> !n.equals("qrcode-generator.js")).toList());
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
