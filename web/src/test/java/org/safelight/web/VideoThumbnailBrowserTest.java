package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safelight.format.testing.SharedFiles;

/**
 * A video's thumbnail in the page (thumbnails.js): a real frame from a file and from what Chromium's
 * MediaRecorder makes (fragmented MP4, length unknown until the end is sought), also with other videos
 * open in the page; and, when no frame can be had, the card with the play mark instead of a failed report.
 */
class VideoThumbnailBrowserTest extends AppPageBrowserTest {
    /**
     * Resolves {width, height, unlikeCard (share of pixels unlike the card's, when of its size), disc: [r,g,b] (in the
     * play mark's disc, beside its triangle), corner: [r,g,b]}, or {error}.
     */
    private static final String THUMBNAIL = """
            const [which, base64, done] = arguments;
            import('/app/static/thumbnails.js').then(async t => {
              const bytes = new Uint8Array(4096);
              bytes.set([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]); // an 'ftyp' box, then nothing
              const broken = new Blob([bytes], {type: 'video/mp4'});
              const pixels = async jpeg => {
                const bitmap = await createImageBitmap(new Blob([jpeg], {type: 'image/jpeg'}));
                const c = document.createElement('canvas');
                c.width = bitmap.width; c.height = bitmap.height;
                const g = c.getContext('2d');
                g.drawImage(bitmap, 0, 0);
                return g.getImageData(0, 0, c.width, c.height);
              };
              let blob;
              if (which === 'file') {
                blob = new Blob([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], {type: 'video/mp4'});
              } else if (which === 'broken') {
                blob = broken;
              } else {
                // a red picture recorded by MediaRecorder, as the composer records the camera
                const canvas = document.createElement('canvas');
                canvas.width = 640; canvas.height = 360;
                const g = canvas.getContext('2d');
                let drawing = true;
                const draw = () => { g.fillStyle = 'rgb(220,20,20)'; g.fillRect(0, 0, 640, 360);
                  g.fillStyle = '#fff'; g.fillRect((performance.now() / 5) % 600, 10, 20, 20);
                  if (drawing) requestAnimationFrame(draw); };
                draw();
                const type = ['video/mp4;codecs=avc1', 'video/mp4'].find(m => MediaRecorder.isTypeSupported(m));
                const recorder = new MediaRecorder(canvas.captureStream(30), {mimeType: type});
                const chunks = [];
                recorder.ondataavailable = e => chunks.push(e.data);
                const stopped = new Promise(r => { recorder.onstop = r; });
                recorder.start(500);
                await new Promise(r => setTimeout(r, 1500));
                recorder.stop();
                await stopped;
                drawing = false;
                blob = new Blob(chunks, {type: recorder.mimeType});
              }
              // other videos open in the page, as the composer's previews are
              const others = [];
              if (which === 'recorded') for (let i = 0; i < 6; i++) {
                const v = document.createElement('video'); v.preload = 'metadata'; v.src = URL.createObjectURL(blob);
                document.body.append(v); others.push(v);
              }
              try {
                const image = await pixels(await t.videoThumbnail(blob));
                const {width, height, data} = image;
                const px = (x, y) => { const i = 4 * (Math.round(y) * width + Math.round(x)); return Array.from(data.slice(i, i + 3)); };
                // how much of the picture differs from the card (same size only): a frame is not the card
                let unlikeCard = null;
                const card = await pixels(await t.videoThumbnail(broken));
                if (card.width === width && card.height === height) {
                  let differing = 0;
                  for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - card.data[i]) > 40) differing++;
                  unlikeCard = differing / (width * height);
                }
                done({width, height, unlikeCard, disc: px(width / 2 - Math.min(width, height) * 0.105, height / 2),
                  corner: px(4, height - 4)});
              } catch (e) {
                done({error: e.name + ': ' + e.message});
              } finally {
                for (const v of others) { URL.revokeObjectURL(v.src); v.remove(); }
              }
            }).catch(e => done({error: String(e)}));
            """;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> thumbnail(String which, String base64) {
        return (Map<String, Object>) browser.asyncScript(THUMBNAIL, which, base64);
    }

    @Test
    void a_video_file_gives_its_frame_with_the_play_mark() throws Exception {
        String clip = Base64.getEncoder().encodeToString(Files.readAllBytes(SharedFiles.media("clip.m4v")));
        Map<String, Object> t = thumbnail("file", clip);
        assertThat(t).doesNotContainKey("error");
        assertThat(t.get("width")).isEqualTo(480L);
        assertThat(t.get("height")).isEqualTo(360L); // the clip is 480x360, as the card: tell them apart by their pixels
        assertThat(((Number) t.get("unlikeCard")).doubleValue()).as("share of pixels unlike the card's").isGreaterThan(0.3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_media_recorder_recording_gives_its_frame_even_with_other_videos_open() {
        for (int i = 0; i < 2; i++) {
            Map<String, Object> t = thumbnail("recorded", null);
            assertThat(t).doesNotContainKey("error");
            assertThat(t).containsEntry("width", 480L).containsEntry("height", 270L);
            // the recorded red, not the card's grey
            assertThat((java.util.List<Long>) t.get("corner")).satisfies(rgb -> {
                assertThat(rgb.get(0)).isGreaterThan(150L);
                assertThat(rgb.get(1)).isLessThan(90L);
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_video_without_a_frame_to_show_gets_the_card_and_the_report_is_not_lost() {
        Map<String, Object> t = thumbnail("broken", null);
        assertThat(t).doesNotContainKey("error");
        assertThat(t).containsEntry("width", 480L).containsEntry("height", 360L);
        assertThat(((Number) t.get("unlikeCard")).doubleValue()).isZero(); // drawn the same every time
        // the card's light background, the play mark's dark disc in the middle
        assertThat((java.util.List<Long>) t.get("corner")).allSatisfy(c -> assertThat(c).isGreaterThan(200L));
        assertThat((java.util.List<Long>) t.get("disc")).allSatisfy(c -> assertThat(c).isLessThan(200L));
    }
}
