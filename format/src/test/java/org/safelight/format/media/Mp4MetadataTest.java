package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.format.testing.DirtyMedia.ascii;
import static org.safelight.format.testing.DirtyMedia.box;
import static org.safelight.format.testing.DirtyMedia.concat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.testing.DirtyMedia;
import org.safelight.format.testing.SharedFiles;
import org.safelight.format.testing.Bytes;

class Mp4MetadataTest {
    @TempDir
    Path temp;

    @Test
    void a_phone_video_loses_location_device_and_times_but_no_sample_moves() throws IOException {
        byte[] dirty = DirtyMedia.video();
        for (String secret : DirtyMedia.SECRETS.subList(0, 3)) {
            assertThat(contains(dirty, ascii(secret))).as("fixture holds " + secret).isTrue();
        }

        byte[] clean = strip(dirty);

        assertThat(clean).hasSize(dirty.length);
        for (String secret : DirtyMedia.SECRETS) {
            assertThat(contains(clean, ascii(secret))).as(secret).isFalse();
        }
        for (String gone : List.of("\u00A9xyz", "udta", "meta", "uuid")) {
            assertThat(contains(clean, ascii(gone))).as(gone).isFalse();
        }
        assertThat(contains(clean, ByteBuffer.allocate(4).putInt(DirtyMedia.TIME).array())).as("times").isFalse();
        // everything up to the end of mdat is untouched but the free box's (empty) contents
        int mdatEnd = Bytes.indexOf(dirty, ascii("moov")) - 4;
        assertThat(Arrays.copyOf(clean, mdatEnd)).isEqualTo(Arrays.copyOf(dirty, mdatEnd));
        Path file = Files.write(temp.resolve("clean.m4v"), clean);
        Path before = Files.write(temp.resolve("dirty.m4v"), dirty);
        assertThat(Mp4Files.videoDuration(file)).isEqualTo(Mp4Files.videoDuration(before));
        assertThat(Mp4Files.frameNearStart(file)).isPresent();
    }

    @Test
    void a_voice_note_is_cleaned_the_same_way() throws IOException {
        byte[] clean = strip(DirtyMedia.audio());

        for (String secret : DirtyMedia.SECRETS) {
            assertThat(contains(clean, ascii(secret))).as(secret).isFalse();
        }
        assertThat(Mp4Files.audioDuration(Files.write(temp.resolve("clean.m4a"), clean)))
                .isEqualTo(Mp4Files.audioDuration(SharedFiles.media("voice.m4a")));
    }

    @Test
    void chromium_recordings_keep_their_fragments_and_length() throws IOException {
        for (String name : List.of("chromium-h264-opus.m4v", "chromium-vp9-opus.m4v")) {
            Path original = SharedFiles.media(name);
            Path clean = Files.write(temp.resolve(name), strip(Files.readAllBytes(original)));
            assertThat(Files.size(clean)).isEqualTo(Files.size(original));
            assertThat(Mp4Files.videoDuration(clean)).as(name).isEqualTo(Mp4Files.videoDuration(original));
        }
        Path opus = SharedFiles.media("chromium-opus.m4a");
        Path clean = Files.write(temp.resolve("opus.m4a"), strip(Files.readAllBytes(opus)));
        assertThat(Mp4Files.audioDuration(clean)).isEqualTo(Mp4Files.audioDuration(opus));
    }

    @Test
    void version_1_headers_lose_their_64_bit_times_and_size_0_reaches_the_end() throws IOException {
        byte[] mvhd = box("mvhd", new byte[] {1, 0, 0, 0}, longs(0x1122334455667788L, 0x1122334455667788L),
                new byte[4 + 8 + 80]);
        byte[] tail = concat(ByteBuffer.allocate(4).putInt(0).array(), ascii("udta"), ascii("SECRET to the end"));
        byte[] file = concat(box("ftyp", ascii("isom\0\0\0\0")), box("moov", mvhd), tail);

        byte[] clean = strip(file);

        byte[] expectedMvhd = box("mvhd", new byte[] {1, 0, 0, 0}, new byte[16], new byte[4 + 8 + 80]);
        byte[] expectedTail = concat(new byte[4], ascii("free"), new byte[tail.length - 8]);
        assertThat(clean).isEqualTo(concat(box("ftyp", ascii("isom\0\0\0\0")), box("moov", expectedMvhd), expectedTail));
    }

    @Test
    void truncated_and_hostile_files_are_refused_clearly() throws IOException {
        byte[] dirty = DirtyMedia.video();
        for (int length : List.of(0, 5, 20, 40, 1000, dirty.length - 100, dirty.length - 1)) {
            assertThatThrownBy(() -> strip(Arrays.copyOf(dirty, length))).as("cut at %d", length)
                    .isInstanceOf(MalformedMediaException.class)
                    .hasMessageMatching("MP4 file is (truncated|damaged): .*");
        }
        byte[] ftyp = box("ftyp", ascii("isom\0\0\0\0"));
        // a child claiming more than its parent holds
        byte[] overrun = concat(ftyp, box("moov", ByteBuffer.allocate(8).putInt(4000).put(ascii("trak")).array()));
        // a 64-bit size far beyond the file, a size below its header, a time box too short, an unknown version
        byte[] huge = concat(ftyp, ByteBuffer.allocate(16).putInt(1).put(ascii("mdat")).putLong(Long.MAX_VALUE).array());
        byte[] tiny = concat(ftyp, ByteBuffer.allocate(8).putInt(3).put(ascii("moov")).array());
        byte[] shortHeader = concat(ftyp, box("moov", box("mvhd", new byte[] {0, 0, 0, 0, 1, 2})));
        byte[] version2 = concat(ftyp, box("moov", box("mvhd", new byte[] {2, 0, 0, 0}, new byte[100])));
        byte[] twoMovies = concat(ftyp, box("moov"), box("moov"));
        byte[] noMovie = concat(ftyp, box("mdat", new byte[10]));
        for (byte[] hostile : List.of(overrun, huge, tiny, shortHeader, version2, twoMovies, noMovie)) {
            assertThatThrownBy(() -> strip(hostile)).isInstanceOf(MalformedMediaException.class)
                    .hasMessageMatching("MP4 file is (truncated|damaged): .*");
        }
        assertThatThrownBy(() -> strip(ascii("%PDF-1.7 not a movie at all")))
                .isInstanceOf(MalformedMediaException.class).hasMessageContaining("file is not an MP4");
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    private byte[] strip(byte[] mp4) throws IOException {
        Path file = Files.write(temp.resolve("in.mp4"), mp4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Mp4Metadata.strip(file, out);
        return out.toByteArray();
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        return Bytes.contains(haystack, needle);
    }

}
