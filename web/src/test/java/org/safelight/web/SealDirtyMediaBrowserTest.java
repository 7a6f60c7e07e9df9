package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.media.Photos;
import org.safelight.format.testing.DirtyMedia;
import org.safelight.format.testing.SharedFiles;
import org.safelight.format.testing.Bytes;

/**
 * Media as a phone leaves them (location, make, model, creation times; XMP, an ICC profile naming
 * the device, a comment and an FFF0 segment in the photo) sealed in Chromium: the report keeps none
 * of it, and each item is byte for byte what the CLI keeps. A damaged MP4 is refused with a reason.
 */
class SealDirtyMediaBrowserTest extends AppPageBrowserTest {
    @TempDir
    Path temp;

    @Test
    void a_report_sealed_in_the_page_keeps_no_location_or_device_and_equals_the_cli_bytes() throws Exception {
        byte[] photo = DirtyMedia.photo();
        byte[] video = DirtyMedia.video();
        byte[] audio = DirtyMedia.audio();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("photo-rotated.jpg", base64(photo));
        files.put("photo-landscape.jpg", base64(Files.readAllBytes(SharedFiles.media("photo-landscape.jpg"))));
        files.put("clip.m4v", base64(video));
        files.put("voice.m4a", base64(audio));
        files.put("consent.m4a", base64(audio));

        Map<String, Object> r = SealBrowserTest.seal(files, Map.of("kind", "plain"));

        byte[] sealed = Base64.getDecoder().decode((String) r.get("file"));
        for (String secret : DirtyMedia.SECRETS) {
            assertThat(Bytes.contains(sealed, secret.getBytes(StandardCharsets.ISO_8859_1))).as(secret).isFalse();
        }
        Map<String, byte[]> inner = SealBrowserTest.entries(sealed);
        java.io.ByteArrayOutputStream cleanPhoto = new java.io.ByteArrayOutputStream();
        Photos.stripMetadata(new java.io.ByteArrayInputStream(photo), cleanPhoto);
        assertThat(inner.get("photo-1.jpg")).isEqualTo(cleanPhoto.toByteArray());
        assertThat(inner.get("video-1.m4v")).isEqualTo(SealBrowserTest.javaMp4(video, temp));
        assertThat(inner.get("audio-1.m4a")).isEqualTo(SealBrowserTest.javaMp4(audio, temp));
        assertThat(inner.get("consent.m4a")).isEqualTo(SealBrowserTest.javaMp4(audio, temp));
        assertThat(inner.get("video-1.m4v")).hasSameSizeAs(video);
        assertThat(SealBrowserTest.image(inner.get("photo-1.jpg")).getWidth()).isGreaterThan(0);
    }

    @Test
    void a_truncated_or_hostile_mp4_is_refused_with_a_reason() throws Exception {
        byte[] video = DirtyMedia.video();
        byte[] overrun = video.clone();
        // the moov box claims to run a megabyte past the end of the file
        int moov = Bytes.indexOf(video, "moov".getBytes(StandardCharsets.ISO_8859_1)) - 4;
        java.nio.ByteBuffer.wrap(overrun).putInt(moov, video.length - moov + (1 << 20));
        for (byte[] hostile : new byte[][] {Arrays.copyOf(video, video.length - 1000), overrun}) {
            Map<String, String> files = new LinkedHashMap<>(SealBrowserTest.media("photo-landscape.jpg", "signature.jpg",
                    "voice.m4a"));
            files.put("photo-rotated.jpg", files.get("photo-landscape.jpg"));
            files.put("clip.m4v", base64(hostile));

            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) browser.asyncScript(SealBrowserTest.SEAL, files,
                    Map.of("kind", "plain"));

            assertThat((String) r.get("error"))
                    .isEqualTo("SealError failed: Video 1 cannot be used: the MP4 file is truncated: "
                            + "a box runs past the end of the file.");
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }


}
