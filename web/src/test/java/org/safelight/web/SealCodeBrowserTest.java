package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.junit.jupiter.api.Test;

/**
 * The parts of sealing in the page that need no media: the chunked RNCryptor against the one-shot
 * one and an independent implementation, report IDs, and the refusals a user may meet.
 */
class SealCodeBrowserTest extends AppPageBrowserTest {
    private static final String CHUNKED_EQUALS_ONE_SHOT = """
            const [done] = arguments;
            Promise.all([import('/app/static/rncryptor-stream.js'), import('/app/static/rncryptor.js'),
                import('/app/static/zip.js')]).then(async ([stream, oneShot, zip]) => {
              const MiB = 1024 * 1024;
              const random = n => { const b = new Uint8Array(n);
                for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536))); return b; };
              const fixed = {encSalt: random(8), hmacSalt: random(8), iv: random(16)};
              const out = [];
              let kept = null;
              for (const size of [3 * MiB + 5, 2 * MiB, 16, 0]) {
                const plain = random(size);
                const parts = [];
                const chunked = await stream.encryptBlob(new Blob([plain]), 'report key', {...fixed, chunkSize: MiB,
                  onProgress: (d, t) => parts.push(d + '/' + t)});
                const a = new Uint8Array(await chunked.blob.arrayBuffer());
                const b = await oneShot.encrypt(plain, {password: 'report key'}, fixed);
                const same = a.length === b.length && a.every((x, i) => x === b[i]);
                out.push(size + ':' + (same ? 'same' : 'differs') + ':' + (chunked.crc32 === zip.crc32Update(0, b) ? 'crc' : 'bad crc')
                  + ':' + parts.length);
                if (size === 3 * MiB + 5) {
                  let s = '';
                  for (let i = 0; i < a.length; i += 0x8000) s += String.fromCharCode(...a.subarray(i, i + 0x8000));
                  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', plain));
                  kept = {ciphertext: btoa(s), sha256: Array.from(digest, x => x.toString(16).padStart(2, '0')).join('')};
                }
              }
              done({results: out, ...kept});
            }).catch(e => done({error: String(e)}));
            """;

    @Test
    @SuppressWarnings("unchecked")
    void chunked_encryption_is_the_one_shot_message_and_an_independent_reader_opens_it() throws Exception {
        Map<String, Object> r = (Map<String, Object>) browser.asyncScript(CHUNKED_EQUALS_ONE_SHOT);
        assertThat(r.get("error")).isNull();
        // 4 chunks (+ the start) for 3 MiB and 5 bytes; 2 for exactly 2 MiB; one for 16 bytes and for nothing
        assertThat(r.get("results")).isEqualTo(List.of("3145733:same:crc:5", "2097152:same:crc:3", "16:same:crc:2",
                "0:same:crc:2"));
        byte[] plain = new AES256JNCryptor().decryptData(Base64.getDecoder().decode((String) r.get("ciphertext")),
                "report key".toCharArray());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain))).isEqualTo(r.get("sha256"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void report_ids_carry_the_user_number_the_time_and_a_random_part() {
        List<String> ids = (List<String>) browser.asyncScript("""
                const [done] = arguments;
                import('/app/static/seal.js').then(async m => done([
                  Date.now(), await m.newReportId({user_number: 42}), await m.newReportId({user_number: 42}),
                  await m.newReportId({user_number: 1234567890}), await m.newReportId(null)].map(String)));
                """);
        long now = Long.parseLong(ids.get(0));
        assertThat(ids.get(1)).matches("000000042[0-9]{13}[A-Za-z0-9]{11}");
        assertThat(Long.parseLong(ids.get(1).substring(9, 22))).isBetween(now, now + 60_000);
        assertThat(ids.get(1).substring(22)).as("random part").isNotEqualTo(ids.get(2).substring(22));
        assertThat(ids.get(3)).as("more than 9 digits counts as none").startsWith("000000000");
        assertThat(ids.get(4)).startsWith("000000000").hasSize(33);
    }

    private static final String REFUSAL = """
            const [which, done] = arguments;
            import('/app/static/seal.js').then(async m => {
              const photo = new Blob([new TextEncoder().encode('a text file, not a picture')], {type: 'image/jpeg'});
              const draft = {createdAt: new Date(), patient: {}, notes: '', location: '',
                consent: {type: 'none', levels: [], file: null}, items: [{type: 'photo', file: photo, levels: []}]};
              let protection = {kind: 'plain'};
              let signal;
              if (which === 'empty') draft.items = [];
              if (which === 'video') draft.items = [{type: 'video', file: photo, levels: []}];
              if (which === 'untrusted') {
                const jpeg = await new Promise(r => { const c = document.createElement('canvas'); c.width = 8; c.height = 8;
                  c.toBlob(r, 'image/jpeg'); });
                draft.items = [{type: 'photo', file: jpeg, levels: []}];
                protection = {kind: 'keyserver', keyServer: 'https://keys.elsewhere.example/some/path'};
              }
              if (which === 'aborted') { const c = new AbortController(); c.abort(); signal = c.signal; }
              try {
                await m.sealReport(draft, {profile: {user_number: 7}, protection, signal});
                done('sealed');
              } catch (e) {
                done((e instanceof m.SealError ? e.code : 'not a SealError ' + e.name) + ': ' + e.message);
              }
            });
            """;

    private static String refusal(String which) {
        return (String) browser.asyncScript(REFUSAL, which);
    }

    @Test
    void what_cannot_be_sealed_is_refused_with_its_code_and_a_sentence() {
        assertThat(refusal("empty")).startsWith("no_items: ");
        assertThat(refusal("photo")).startsWith("not_a_photo: Photo 1 is not a JPEG photo");
        assertThat(refusal("video")).startsWith("failed: Video 1 is not an MP4 file");
        assertThat(refusal("aborted")).startsWith("aborted: ");
        // The token exchange is never tried for a key server this site does not trust.
        assertThat(refusal("untrusted")).startsWith("key_server: ").contains("https://keys.elsewhere.example")
                .contains("not one this site works with");
    }

    private static final String RECORD_AND_SEAL = """
            const [done] = arguments;
            const record = async (constraints, mimeType) => {
              const stream = await navigator.mediaDevices.getUserMedia(constraints);
              const recorder = new MediaRecorder(stream, {mimeType});
              const parts = [];
              recorder.ondataavailable = e => parts.push(e.data);
              const stopped = new Promise(r => { recorder.onstop = r; });
              recorder.start();
              await new Promise(r => setTimeout(r, 1500)); // the length of the recording itself
              recorder.stop();
              await stopped;
              stream.getTracks().forEach(t => t.stop());
              return new Blob(parts, {type: mimeType});
            };
            import('/app/static/seal.js').then(async m => {
              const video = await record({video: true, audio: true}, 'video/mp4');
              const voice = await record({audio: true}, 'audio/mp4');
              const draft = {createdAt: new Date(), patient: {}, notes: '', location: '',
                consent: {type: 'verbal', levels: ['treatment'], file: voice},
                items: [{type: 'video', file: video, levels: []}, {type: 'audio', file: voice, levels: []}]};
              const r = await m.sealReport(draft, {profile: {user_number: 7}, protection: {kind: 'plain'}});
              const zip = await (await import('/app/static/zip.js')).openZip(new Uint8Array(await r.blob.arrayBuffer()));
              const base64 = async name => { const b = await zip.read(name); let s = '';
                for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000)); return btoa(s); };
              const length = await (await import('/app/static/thumbnails.js')).audioDuration(voice);
              done({length, names: zip.names(), video: await base64('video-1-thumbnail.jpg'), audio: await base64('audio-1-thumbnail.jpg')});
            }).catch(e => done({error: e.name + ' ' + e.code + ': ' + e.message}));
            """;

    @Test
    @SuppressWarnings("unchecked")
    void what_chromium_records_in_the_page_seals_with_its_thumbnails() throws Exception {
        Map<String, Object> r = (Map<String, Object>) browser.asyncScript(RECORD_AND_SEAL);

        assertThat(r.get("error")).isNull();
        assertThat(((Number) r.get("length")).doubleValue()).as("the card's length, read from the recording")
                .isBetween(1.0, 3.0);
        assertThat(r.get("names")).isEqualTo(List.of("metadata.json", "report.pdf", "consent.m4a",
                "video-1-thumbnail.jpg", "video-1.m4v", "audio-1-thumbnail.jpg", "audio-1.m4a"));
        var video = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(Base64.getDecoder().decode((String) r.get("video"))));
        assertThat(Math.max(video.getWidth(), video.getHeight())).isBetween(1, 480);
        var audio = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(Base64.getDecoder().decode((String) r.get("audio"))));
        assertThat(List.of(audio.getWidth(), audio.getHeight())).containsExactly(480, 360);
    }
}
