package org.safelight.format.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.safelight.format.testing.HostileZips;
import org.safelight.format.testing.Zips;

/** DESIGN §2 "one reading everywhere": what the stream shows is what the central directory lists, or nothing. */
class OneReadingTest {
    private static Map<String, String> read(byte[] zip) throws IOException {
        return read(zip, ZipLimits.REPORT);
    }

    private static Map<String, String> read(byte[] zip, ZipLimits limits) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (SafeZipReader reader = new SafeZipReader(new ByteArrayInputStream(zip), limits)) {
            for (SafeZipReader.Entry e; (e = reader.next()) != null; ) {
                files.put(e.name(), new String(e.stream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static byte[] report(String who) throws IOException {
        return Zips.create().add("package.json", "{\"keyserver_url\":\"https://" + who + ".example\"}")
                .add("package.encrypted", "sealed for " + who).bytes();
    }

    @Test
    void an_honest_archive_with_data_descriptors_stored_entries_and_folders_is_read() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("media/"));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("media/a.txt")); // deflated, sizes in a data descriptor
            zip.write("deflated".repeat(1000).getBytes());
            zip.closeEntry();
            ZipEntry stored = new ZipEntry("b.txt");
            byte[] b = "stored".getBytes();
            CRC32 crc = new CRC32();
            crc.update(b);
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(b.length);
            stored.setCrc(crc.getValue());
            zip.putNextEntry(stored);
            zip.write(b);
            zip.closeEntry();
        }
        assertThat(read(out.toByteArray())).containsExactly(
                Map.entry("media/a.txt", "deflated".repeat(1000)), Map.entry("b.txt", "stored"));
    }

    @Test
    void a_split_view_archive_is_refused() throws IOException {
        byte[] hostile = HostileZips.splitView(report("a"), report("b"));
        // what the browser and ZIP tools see: report b
        try (java.util.zip.ZipFile index = zipFile(hostile)) {
            assertThat(new String(index.getInputStream(index.getEntry("package.json")).readAllBytes())).contains("b.example");
        }
        assertThatThrownBy(() -> read(hostile)).isInstanceOf(UnsafeZipException.class);
    }

    @Test
    void bytes_after_the_end_record_are_refused() throws IOException {
        assertThatThrownBy(() -> read(HostileZips.appended(report("a"), report("b"))))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("follows the end");
        assertThatThrownBy(() -> read(HostileZips.appended(report("a"), new byte[1])))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("follows the end");
    }

    @Test
    void bytes_between_the_last_entry_and_the_central_directory_are_refused() throws IOException {
        assertThatThrownBy(() -> read(HostileZips.gapBeforeDirectory(report("a"), "hidden".getBytes())))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("unexpected bytes");
        assertThatThrownBy(() -> read(HostileZips.gapBeforeDirectory(report("a"), report("b"))))
                .isInstanceOf(UnsafeZipException.class);
    }

    @Test
    void bytes_between_two_entries_are_refused() throws IOException {
        assertThatThrownBy(() -> read(HostileZips.gapAfterFirstEntry(report("a"), new byte[64])))
                .isInstanceOf(UnsafeZipException.class).hasMessageContaining("unexpected bytes");
    }

    @Test
    void a_central_directory_that_describes_an_entry_otherwise_is_refused() throws IOException {
        byte[] zip = report("a");
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int cd = b.getInt(zip.length - 22 + 16);
        b.putInt(cd + 16, b.getInt(cd + 16) ^ 1); // the first entry's CRC-32 in the directory
        assertThatThrownBy(() -> read(zip)).isInstanceOf(UnsafeZipException.class)
                .hasMessageContaining("otherwise than its own header");
    }

    @Test
    void an_archive_comment_is_refused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setComment("hello");
            zip.putNextEntry(new ZipEntry("a.txt"));
            zip.write(1);
            zip.closeEntry();
        }
        assertThatThrownBy(() -> read(out.toByteArray())).isInstanceOf(UnsafeZipException.class)
                .hasMessageContaining("comments");
    }

    @Test
    void a_name_that_is_not_utf8_is_an_unsafe_zip_not_a_crash() throws IOException {
        byte[] zip = HostileZips.withInvalidUtf8Name(report("a"), "package.json");
        assertThatThrownBy(() -> read(zip)).isInstanceOf(UnsafeZipException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void a_non_ascii_name_without_the_utf8_flag_is_refused() throws IOException {
        byte[] zip = Zips.create().add("caf\u00e9.txt", "x").bytes();
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int cd = b.getInt(zip.length - 22 + 16);
        b.putShort(6, (short) (b.getShort(6) & ~0x800));
        b.putShort(cd + 8, (short) (b.getShort(cd + 8) & ~0x800));
        assertThatThrownBy(() -> read(zip)).isInstanceOf(UnsafeZipException.class)
                .hasMessageContaining("not ASCII and not marked as UTF-8");
    }

    @Test
    void an_entry_the_caller_does_not_read_is_still_checked_against_the_directory() throws IOException {
        byte[] hostile = HostileZips.appended(report("a"), new byte[] {1});
        try (SafeZipReader reader = new SafeZipReader(new ByteArrayInputStream(hostile), ZipLimits.REPORT)) {
            assertThat(reader.next()).isNotNull();
            assertThat(reader.next()).isNotNull();
            assertThatThrownBy(reader::next).isInstanceOf(UnsafeZipException.class);
        }
    }

    @Test
    void a_zip_that_info_zip_streamed_into_a_pipe_is_read() throws IOException {
        // `echo hello | zip - - | cat`: ZIP64 local field, sizes in a signed 8-byte data descriptor
        byte[] zip = java.util.HexFormat.of().parseHex("504b03042d000800080040877b5d00000000ffffffffffffffff01001400"
                + "2d0100100000000000000000000000000000000000cb48cdc9c9e70200504b070820303a3608000000000000000600"
                + "000000000000504b01021e032d000800080040877b5d20303a36080000000600000001000000000000000100000080"
                + "11000000002d504b050600000000010001002f000000530000000000");
        assertThat(read(zip)).containsExactly(Map.entry("-", "hello\n"));
    }

    @Test
    void a_zip64_archive_is_read() throws IOException {
        // More than 65,535 entries: ZipOutputStream writes the ZIP64 end record and locator.
        Zips zips = Zips.create();
        for (int i = 0; i < 65_540; i++) {
            zips.add("f" + i, "");
        }
        byte[] zip = zips.bytes();
        assertThat(ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getShort(zip.length - 22 + 10)).isEqualTo((short) -1);
        assertThat(read(zip, new ZipLimits(70_000, 10, 10, 100))).hasSize(65_540);
    }

    @Test
    void any_damage_anywhere_is_an_unsafe_zip_or_the_same_files_never_another_failure() throws IOException {
        byte[] honest = report("a");
        Map<String, String> expected = read(honest);
        Random random = new Random(8);
        for (int i = 0; i < honest.length * 8; i++) {
            byte[] damaged = honest.clone();
            damaged[i / 8] ^= (byte) (1 << random.nextInt(8));
            try {
                assertThat(read(damaged)).isEqualTo(expected);
            } catch (UnsafeZipException expectedRefusal) {
                // refused as it should be
            }
        }
        for (int cut = 0; cut < honest.length; cut++) {
            byte[] shorter = java.util.Arrays.copyOf(honest, cut);
            assertThatThrownBy(() -> read(shorter)).isInstanceOf(UnsafeZipException.class);
        }
    }

    private static java.util.zip.ZipFile zipFile(byte[] bytes) throws IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("split", ".zip");
        java.nio.file.Files.write(file, bytes);
        file.toFile().deleteOnExit();
        return new java.util.zip.ZipFile(file.toFile());
    }
}
