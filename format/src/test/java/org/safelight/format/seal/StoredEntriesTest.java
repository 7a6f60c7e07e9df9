package org.safelight.format.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.media.Photos;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.pdf.ReportImages;
import org.safelight.format.pdf.ReportPdf;
import org.safelight.format.testing.Drafts;

/**
 * The stripped photos, signature included, are handed from the pool to the writer as an array, a length
 * and a CRC-32 ({@link MediaWork.StrippedPhoto}): each stored entry and the signature in report.pdf are
 * exactly the stripped file, found here independently of those three values.
 */
class StoredEntriesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneId.of("UTC"));

    @TempDir
    Path dir;

    @Test
    void the_pools_length_and_crc_are_those_of_the_stripped_bytes() throws Exception {
        Path consent = Drafts.full(dir.resolve("draft")).resolve("consent.jpg");
        byte[] expected = stripped(consent);

        MediaWork.StrippedPhoto photo = MediaWork.strip(consent).call();

        assertThat(photo.length()).isEqualTo(expected.length);
        assertThat(Arrays.copyOf(photo.bytes(), photo.length())).isEqualTo(expected);
        assertThat(photo.crc()).isEqualTo(crc(expected));
    }

    @Test
    void stored_entries_and_the_signature_in_the_report_are_the_stripped_files_exactly() throws IOException {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft")), CLOCK);
        assertThat(draft.consentFile()).hasFileName("consent.jpg");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Sealer.writePackage(draft, bytes, 2);
        Path zipFile = Files.write(dir.resolve("package.zip"), bytes.toByteArray());

        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            int stored = 0;
            for (ZipEntry entry : Collections.list(zip.entries())) {
                byte[] content = read(zip, entry);
                if (entry.getMethod() == ZipEntry.STORED) {
                    stored++;
                    assertThat(entry.getSize()).as(entry.getName()).isEqualTo(content.length);
                    assertThat(entry.getCompressedSize()).as(entry.getName()).isEqualTo(content.length);
                    assertThat(entry.getCrc()).as(entry.getName()).isEqualTo(crc(content));
                }
            }
            assertThat(read(zip, zip.getEntry("consent.jpg"))).isEqualTo(stripped(draft.consentFile()));
            assertThat(zip.getEntry("consent.jpg").getMethod()).isEqualTo(ZipEntry.STORED);

            Map<ItemId, byte[]> thumbnails = new HashMap<>();
            for (MediaItem item : draft.metadata().media()) {
                thumbnails.put(item.id(), read(zip, zip.getEntry(item.thumbnailName())));
                if (item.type() == MediaItem.MediaType.PHOTO) {
                    assertThat(read(zip, zip.getEntry(item.fileName()))).as(item.fileName())
                            .isEqualTo(stripped(draft.mediaFiles().get(item.id())));
                }
            }
            assertThat(stored).as("consent, thumbnails, photos").isGreaterThan(draft.metadata().media().size());

            // report.pdf as rendered from the signature stripped here, not from the pool's array and length
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            ReportPdf.render(draft.metadata(), new ReportImages(thumbnails, stripped(draft.consentFile())), report);
            assertThat(read(zip, zip.getEntry("report.pdf"))).isEqualTo(report.toByteArray());
        }
    }

    private static byte[] stripped(Path photo) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(photo)) {
            Photos.stripMetadata(in, out);
        }
        return out.toByteArray();
    }

    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
