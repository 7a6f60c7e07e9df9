package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.format.media.TestJpegs.ascii;
import static org.safelight.format.media.TestJpegs.concat;
import static org.safelight.format.media.TestJpegs.cornerPicture;
import static org.safelight.format.media.TestJpegs.encode;
import static org.safelight.format.media.TestJpegs.exif;
import static org.safelight.format.media.TestJpegs.media;
import static org.safelight.format.media.TestJpegs.segment;
import static org.safelight.format.media.TestJpegs.withSegments;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.iptc.IptcDirectory;
import com.drew.metadata.jpeg.JpegCommentDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PhotosTest {
    private static final Path LANDSCAPE = media("photo-landscape.jpg");
    private static final Path ROTATED = media("photo-rotated.jpg");

    @TempDir
    Path temp;

    @Test
    void a_photo_without_an_orientation_tag_reads_as_orientation_1() throws IOException {
        assertThat(Photos.orientation(LANDSCAPE)).isEqualTo(1);
        assertThat(Photos.orientation(Files.readAllBytes(LANDSCAPE))).isEqualTo(1);
    }

    @Test
    void the_rotated_fixture_reads_as_orientation_6() throws IOException {
        assertThat(Photos.orientation(ROTATED)).isEqualTo(6);
        assertThat(Photos.orientation(Files.readAllBytes(ROTATED))).isEqualTo(6);
    }

    static Stream<Arguments> byteOrdersAndOrientations() {
        return Stream.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)
                .flatMap(order -> IntStream.rangeClosed(1, 8).mapToObj(o -> Arguments.of(order, o)));
    }

    @ParameterizedTest(name = "{0}, orientation {1}")
    @MethodSource("byteOrdersAndOrientations")
    void the_orientation_is_read_in_either_byte_order(ByteOrder order, int orientation) throws IOException {
        byte[] jpeg = withSegments(encode(cornerPicture(16, 8)), segment(0xE1, exif(order, orientation)));

        assertThat(Photos.orientation(jpeg)).isEqualTo(orientation);
    }

    @Test
    void an_exif_block_after_xmp_is_still_found() throws IOException {
        byte[] jpeg = withSegments(encode(cornerPicture(16, 8)),
                segment(0xE1, ascii("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>")),
                segment(0xE1, exif(ByteOrder.LITTLE_ENDIAN, 3)));

        assertThat(Photos.orientation(jpeg)).isEqualTo(3);
    }

    static Stream<Arguments> damagedExif() {
        byte[] good = exif(ByteOrder.BIG_ENDIAN, 6);
        byte[] ifdPastTheEnd = good.clone();
        ifdPastTheEnd[6 + 7] = (byte) 0xF0; // IFD0 offset 240, beyond the block
        byte[] entryCutShort = Arrays.copyOf(good, 6 + 8 + 2 + 12 + 9); // Make, then half the Orientation entry
        byte[] orientationNine = exif(ByteOrder.BIG_ENDIAN, 9);
        byte[] wrongByteOrderMark = good.clone();
        wrongByteOrderMark[6] = 'X';
        byte[] wrongMagic = good.clone();
        wrongMagic[6 + 3] = 43;
        return Stream.of(
                Arguments.of("IFD0 offset past the end", ifdPastTheEnd),
                Arguments.of("orientation entry cut short", entryCutShort),
                Arguments.of("orientation 9", orientationNine),
                Arguments.of("no byte-order mark", wrongByteOrderMark),
                Arguments.of("wrong TIFF magic number", wrongMagic),
                Arguments.of("TIFF header cut short", Arrays.copyOf(good, 10)),
                Arguments.of("nothing after the EXIF header", Arrays.copyOf(good, 6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedExif")
    void damaged_exif_reads_as_orientation_1(String damage, byte[] exifPayload) throws IOException {
        byte[] jpeg = withSegments(encode(cornerPicture(16, 8)), segment(0xE1, exifPayload));

        assertThat(Photos.orientation(jpeg)).as(damage).isEqualTo(1);
    }

    @Test
    void bytes_that_are_not_a_jpeg_read_as_orientation_1() {
        byte[] random = new byte[2000];
        new Random(7).nextBytes(random);

        assertThat(Photos.orientation(random)).isEqualTo(1);
        assertThat(Photos.orientation(new byte[0])).isEqualTo(1);
        byte[] cutInsideApp1 = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0x7F};
        assertThat(Photos.orientation(cutInsideApp1)).isEqualTo(1);
    }

    @Test
    void stripping_removes_location_camera_serial_number_date_and_comment() throws Exception {
        Metadata before = metadata(Files.readAllBytes(LANDSCAPE));
        // the fixture must really carry what we claim to remove, or this test proves nothing
        assertThat(before.getFirstDirectoryOfType(GpsDirectory.class)).isNotNull();
        ExifIFD0Directory ifd0Before = before.getFirstDirectoryOfType(ExifIFD0Directory.class);
        assertThat(ifd0Before.containsTag(ExifIFD0Directory.TAG_MAKE)).isTrue();
        assertThat(ifd0Before.containsTag(ExifIFD0Directory.TAG_MODEL)).isTrue();
        ExifSubIFDDirectory subBefore = before.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
        assertThat(subBefore.containsTag(ExifSubIFDDirectory.TAG_BODY_SERIAL_NUMBER)).isTrue();
        assertThat(subBefore.containsTag(ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL)).isTrue();

        Metadata after = metadata(strip(Files.readAllBytes(LANDSCAPE)));

        assertThat(after.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        assertThat(after.getFirstDirectoryOfType(ExifIFD0Directory.class))
                .as("no orientation to keep, so no EXIF at all").isNull();
        assertThat(after.getFirstDirectoryOfType(ExifSubIFDDirectory.class)).isNull();
        assertThat(after.getFirstDirectoryOfType(JpegCommentDirectory.class)).isNull();
        assertThat(after.hasErrors()).as("metadata read without errors").isFalse();
    }

    @Test
    void a_rotated_photo_keeps_its_orientation_after_stripping() throws Exception {
        byte[] stripped = strip(Files.readAllBytes(ROTATED));
        Metadata after = metadata(stripped);

        ExifIFD0Directory ifd0 = after.getFirstDirectoryOfType(ExifIFD0Directory.class);
        assertThat(ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(6);
        assertThat(ifd0.getTagCount()).as("only the orientation is left").isEqualTo(1);
        assertThat(after.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        assertThat(Photos.orientation(stripped)).isEqualTo(6);
    }

    @Test
    void stripping_leaves_the_tables_and_image_data_byte_for_byte() throws IOException {
        for (Path fixture : List.of(LANDSCAPE, ROTATED)) {
            byte[] original = Files.readAllBytes(fixture);
            byte[] stripped = strip(original);

            assertThat(TestJpegs.imageData(stripped)).as(fixture.getFileName().toString())
                    .isEqualTo(TestJpegs.imageData(original));
            for (int table : List.of(0xDB, 0xC4, 0xC0)) {
                assertThat(TestJpegs.firstPayload(stripped, table)).isEqualTo(TestJpegs.firstPayload(original, table));
            }
            assertThat(TestJpegs.decode(stripped).getWidth()).isEqualTo(TestJpegs.decode(original).getWidth());
        }
        assertThat(TestJpegs.headerMarkers(strip(Files.readAllBytes(ROTATED))))
                .containsExactly(0xE0, 0xE1, 0xDB, 0xC4, 0xC0, 0xDA);
    }

    @Test
    void stripping_keeps_only_what_decoding_needs_and_drops_icc_extensions_xmp_iptc_and_trailers() throws Exception {
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        System.arraycopy(ascii("SM-G991B"), 0, icc, 48, 8); // the header's device manufacturer and model
        byte[] adobe = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 1};
        byte[] plain = encode(cornerPicture(64, 32));
        byte[] original = concat(withSegments(plain,
                segment(0xE1, exif(ByteOrder.LITTLE_ENDIAN, 8)),
                segment(0xE1, ascii("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>secret</x:xmpmeta>")),
                segment(0xED, ascii("Photoshop 3.0\08BIM\4\4\0\0\0\0\0\0")),
                segment(0xE2, concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, icc)),
                segment(0xE2, ascii("MPF\0MM\0*")),
                segment(0xEE, adobe),
                segment(0xFE, ascii("taken at St Elsewhere ward 4")),
                segment(0xF0, ascii("SECRET-GPS +48.8577+002.2945")),
                segment(0xFD, ascii("JPG13 hidden")),
                segment(0xEF, ascii("APP15 hidden"))),
                ascii("appended second image"));

        byte[] stripped = strip(original);

        List<Integer> tables = TestJpegs.headerMarkers(plain).subList(1, TestJpegs.headerMarkers(plain).size());
        assertThat(TestJpegs.headerMarkers(stripped).subList(0, 3)).containsExactly(0xE0, 0xE1, 0xEE);
        assertThat(TestJpegs.headerMarkers(stripped).subList(3, 3 + tables.size())).isEqualTo(tables);
        assertThat(TestJpegs.headerMarkers(stripped)).hasSize(3 + tables.size());
        assertThat(TestJpegs.imageData(stripped)).isEqualTo(TestJpegs.imageData(plain));
        assertThat(TestJpegs.firstPayload(stripped, 0xEE)).isEqualTo(adobe);
        for (String gone : List.of("secret", "Photoshop", "MPF", "St Elsewhere", "appended", "Acm", "ICC_PROFILE",
                "SM-G991B", "SECRET-GPS", "+48.8577", "JPG13", "APP15")) {
            assertThat(TestJpegs.contains(stripped, ascii(gone))).as(gone).isFalse();
        }
        assertThat(Arrays.copyOfRange(stripped, stripped.length - 2, stripped.length))
                .containsExactly(0xFF, 0xD9);
        Metadata after = metadata(stripped);
        assertThat(after.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        assertThat(after.getFirstDirectoryOfType(XmpDirectory.class)).isNull();
        assertThat(after.getFirstDirectoryOfType(IptcDirectory.class)).isNull();
        ExifIFD0Directory ifd0 = after.getFirstDirectoryOfType(ExifIFD0Directory.class);
        assertThat(ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(8);
        assertThat(TestJpegs.decode(stripped).getWidth()).isEqualTo(64);
    }

    @Test
    void the_jfif_thumbnail_is_removed() throws IOException {
        byte[] plain = encode(cornerPicture(16, 8));
        byte[] jfif = TestJpegs.firstPayload(plain, 0xE0);
        byte[] withThumbnail = concat(Arrays.copyOf(jfif, 12), new byte[] {2, 1}, new byte[2 * 1 * 3]);
        byte[] original = concat(Arrays.copyOf(plain, 2), segment(0xE0, withThumbnail),
                Arrays.copyOfRange(plain, 6 + jfif.length, plain.length));
        assertThat(TestJpegs.firstPayload(original, 0xE0)).hasSize(20);

        byte[] kept = TestJpegs.firstPayload(strip(original), 0xE0);

        assertThat(kept).isEqualTo(concat(Arrays.copyOf(jfif, 12), new byte[] {0, 0}));
    }

    @Test
    void a_jpeg_without_metadata_passes_through_unchanged_even_when_progressive() throws IOException {
        byte[] baseline = encode(cornerPicture(300, 200));
        byte[] progressive = progressive(cornerPicture(300, 200));
        assertThat(occurrences(progressive, new byte[] {(byte) 0xFF, (byte) 0xDA})).as("scans").isGreaterThan(1);

        assertThat(strip(baseline)).isEqualTo(baseline);
        assertThat(strip(progressive)).isEqualTo(progressive);
    }

    @Test
    void bytes_that_are_not_a_jpeg_are_refused() {
        byte[] random = new byte[4096];
        new Random(11).nextBytes(random);

        assertThatThrownBy(() -> strip(random))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("photo is not a JPEG image (no start-of-image marker)");
        assertThatThrownBy(() -> strip(new byte[0])).isInstanceOf(MalformedMediaException.class);
    }

    @Test
    void a_photo_cut_short_in_its_header_or_its_image_data_is_refused() throws IOException {
        byte[] original = Files.readAllBytes(LANDSCAPE);

        for (int length : List.of(3, 5, 100, 700, original.length / 2, original.length - 2)) {
            assertThatThrownBy(() -> strip(Arrays.copyOf(original, length)))
                    .as("cut at %d", length)
                    .isInstanceOf(MalformedMediaException.class)
                    .hasMessageContaining("photo is truncated");
        }
    }

    @Test
    void a_jpeg_without_image_data_is_refused() {
        byte[] empty = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};

        assertThatThrownBy(() -> strip(empty))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("no image data");
    }

    @Test
    void stripping_a_file_writes_the_copy_and_a_failure_leaves_no_file_behind() throws IOException {
        Path copy = temp.resolve("copy.jpg");
        Photos.stripMetadata(ROTATED, copy);
        assertThat(Photos.orientation(copy)).isEqualTo(6);
        assertThat(Files.readAllBytes(copy)).isEqualTo(strip(Files.readAllBytes(ROTATED)));

        Path text = Files.writeString(temp.resolve("notes.jpg"), "not a photo at all");
        Path target = temp.resolve("stripped.jpg");
        assertThatThrownBy(() -> Photos.stripMetadata(text, target))
                .isInstanceOf(MalformedMediaException.class)
                .message().doesNotContain(temp.toString());
        assertThat(target).doesNotExist();
    }

    private static byte[] strip(byte[] jpeg) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Photos.stripMetadata(new ByteArrayInputStream(jpeg), out);
        return out.toByteArray();
    }

    private static Metadata metadata(byte[] jpeg) throws ImageProcessingException, IOException {
        return ImageMetadataReader.readMetadata(new ByteArrayInputStream(jpeg));
    }

    private static int occurrences(byte[] haystack, byte[] needle) {
        int count = 0;
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                count++;
            }
        }
        return count;
    }

    private static byte[] progressive(java.awt.image.BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
