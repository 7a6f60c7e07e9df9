package org.safelight.format.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.format.testing.Zips;

class SafeUnzipTest {
    @TempDir
    Path dir;

    private Path target() {
        return dir.resolve("out/report");
    }

    private List<String> extract(byte[] zip) throws IOException {
        return SafeUnzip.extract(new ByteArrayInputStream(zip), target(), ZipLimits.REPORT);
    }

    @Test
    void an_honest_archive_is_extracted_with_nested_folders() throws IOException {
        List<String> names = extract(Zips.create().add("metadata.json", "{}").add("media/a.jpg", "jpeg").bytes());
        assertThat(names).containsExactly("metadata.json", "media/a.jpg");
        assertThat(target().resolve("media/a.jpg")).hasContent("jpeg");
        assertThat(leftovers()).containsExactly("report");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.txt", "a/../../evil.txt", "/etc/evil", "C:/evil", "C:evil", "a\\..\\evil",
        "a//b", "./a", "a/./b", "bad\u0001name", "..", "a/..", "x..y"})
    void a_hostile_entry_name_is_refused_and_nothing_is_written(String name) throws IOException {
        byte[] zip = Zips.create().add("metadata.json", "{}").add(name, "owned").bytes();
        assertThatThrownBy(() -> extract(zip)).isInstanceOf(UnsafeZipException.class)
                .hasMessageContaining("unsafe entry name");
        assertThat(leftovers()).isEmpty();
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(p -> p.getFileName().toString().contains("evil"))).isEmpty();
        }
    }

    @Test
    void two_entries_with_the_same_name_are_refused() throws IOException {
        byte[] zip = Zips.renameAll(Zips.create().add("a.jpg", "1").add("b.jpg", "2").bytes(), "b.jpg", "a.jpg");
        assertThatThrownBy(() -> extract(zip)).isInstanceOf(UnsafeZipException.class).hasMessageContaining("twice");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void names_differing_only_in_case_are_refused_as_duplicates() throws IOException {
        byte[] zip = Zips.create().add("photo.jpg", "1").add("PHOTO.jpg", "2").bytes();
        assertThatThrownBy(() -> extract(zip)).isInstanceOf(UnsafeZipException.class).hasMessageContaining("twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a|a/b", "a/b|a", "A|a/b", "a/b/c|A/B", "a/|a", "a|a/", "x/a|x/a/b/c"})
    void a_file_and_a_folder_over_the_same_path_are_refused_as_unsafe(String pair) throws IOException {
        String[] names = pair.split("\\|");
        Zips zips = Zips.create();
        for (String name : names) {
            zips.add(name, name.endsWith("/") ? "" : "x");
        }
        assertThatThrownBy(() -> extract(zips.bytes())).isInstanceOf(UnsafeZipException.class)
                .hasMessageContaining("both a file and a folder");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void files_in_a_folder_beside_a_folder_entry_are_fine() throws IOException {
        List<String> names = extract(Zips.create().add("media/", "").add("media/a.jpg", "1").add("Media/b.jpg", "2")
                .add("media-a", "3").add("ab", "4").add("a", "5").bytes());
        assertThat(names).containsExactly("media/a.jpg", "Media/b.jpg", "media-a", "ab", "a");
    }

    @ParameterizedTest
    @ValueSource(ints = {85, 86, 255})
    void a_path_segment_over_255_utf8_bytes_is_refused_as_unsafe(int characters) throws IOException {
        String segment = "\u5831".repeat(characters); // three UTF-8 bytes each
        // 255 characters in one segment pass the 255-character rule for the whole name but are 765 bytes.
        String name = characters == 255 ? segment : "media/" + segment;
        byte[] zip = Zips.create().add(name, "x").bytes();
        if (characters == 85) {
            assertThat(extract(zip)).hasSize(1);
            return;
        }
        assertThatThrownBy(() -> extract(zip)).isInstanceOf(UnsafeZipException.class)
                .hasMessageContaining("255 bytes");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void a_name_the_disk_refuses_is_unsafe_not_a_failure_of_the_run() throws IOException {
        // PATH_MAX is 4096 bytes: under a deep enough folder a legal 250-character name cannot be created.
        Path deep = dir.toAbsolutePath();
        while (deep.toString().length() + 201 <= 3880) {
            deep = deep.resolve("d".repeat(200));
        }
        if (deep.toString().length() < 3879) {
            deep = deep.resolve("e".repeat(3880 - deep.toString().length() - 1));
        }
        Path target = deep.resolve("report");
        byte[] zip = Zips.create().add("n".repeat(200) + "/" + "m".repeat(50), "x").bytes();
        assertThatThrownBy(() -> SafeUnzip.extract(new ByteArrayInputStream(zip), target, ZipLimits.REPORT))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("cannot be written");
        try (Stream<Path> list = Files.list(deep)) {
            assertThat(list).isEmpty();
        }
    }

    @Test
    void a_zip_bomb_is_stopped_while_inflating() throws IOException {
        byte[] zeros = new byte[64 << 20];
        byte[] zip = Zips.create().add("metadata.json", "{}").add("bomb.bin", zeros).bytes();
        assertThat(zip.length).isLessThan(1 << 20);
        assertThatThrownBy(() -> extract(zip)).isInstanceOf(UnsafeZipException.class).hasMessageContaining("ZIP bomb");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void an_entry_larger_than_the_limit_is_refused_by_counting_not_by_its_header() throws IOException {
        byte[] random = new byte[300_000];
        new java.util.Random(1).nextBytes(random);
        ZipLimits small = new ZipLimits(10, 200_000, 1_000_000, 100);
        byte[] zip = Zips.create().add("big.bin", random).bytes();
        assertThatThrownBy(() -> SafeUnzip.extract(new ByteArrayInputStream(zip), target(), small))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("inflates past 200000 bytes");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void too_many_entries_are_refused() throws IOException {
        Zips zips = Zips.create();
        for (int i = 0; i < 11; i++) {
            zips.add("f" + i, "x");
        }
        ZipLimits ten = new ZipLimits(10, 1000, 1000, 100);
        assertThatThrownBy(() -> SafeUnzip.extract(new ByteArrayInputStream(zips.bytes()), target(), ten))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("more than 10 entries");
    }

    @Test
    void a_cut_off_archive_leaves_nothing_behind() throws IOException {
        byte[] random = new byte[100_000];
        new java.util.Random(2).nextBytes(random);
        byte[] zip = Zips.create().add("a.bin", random).add("b.bin", random.clone()).bytes();
        byte[] cut = Arrays.copyOf(zip, zip.length / 2 + 1000);
        assertThatThrownBy(() -> extract(cut)).isInstanceOf(UnsafeZipException.class);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void bytes_that_are_not_a_zip_are_named_as_such() {
        assertThatThrownBy(() -> extract("just some text, not a zip".getBytes()))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("not a ZIP");
    }

    @Test
    void a_check_that_refuses_the_contents_leaves_nothing_behind() throws IOException {
        byte[] zip = Zips.create().add("a.txt", "x").bytes();
        assertThatThrownBy(() -> SafeUnzip.extract(new ByteArrayInputStream(zip), target(), ZipLimits.REPORT,
                (staged, names) -> {
                    throw new UnsafeZipException("refused by the check");
                })).hasMessage("refused by the check");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void a_target_folder_with_files_in_it_is_not_touched() throws IOException {
        Files.createDirectories(target());
        Files.writeString(target().resolve("keep.txt"), "precious");
        byte[] zip = Zips.create().add("keep.txt", "overwritten").bytes();
        assertThatThrownBy(() -> extract(zip)).isInstanceOf(DirectoryNotEmptyException.class);
        assertThat(target().resolve("keep.txt")).hasContent("precious");
    }

    @Test
    void an_empty_target_folder_is_used() throws IOException {
        Files.createDirectories(target());
        extract(Zips.create().add("a.txt", "x").bytes());
        assertThat(target().resolve("a.txt")).hasContent("x");
    }

    private List<String> leftovers() throws IOException {
        Path parent = target().getParent();
        if (!Files.exists(parent)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(parent)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }
}
