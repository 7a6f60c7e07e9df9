package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.testing.SharedFiles;

/**
 * What the composer records in Chromium (fragmented MP4: H.264 + Opus, VP9 + Opus, an Opus voice
 * note and verbal consent) seals in the page with thumbnails, and the Java reader opens it unchanged.
 */
class SealRecordedMediaBrowserTest extends AppPageBrowserTest {
    static final String SEAL = """
            const [files, done] = arguments;
            const blob = (name, type) => new Blob([Uint8Array.from(atob(files[name]), c => c.charCodeAt(0))], {type});
            import('/app/static/seal.js').then(async m => {
              const profile = {user_number: 4711, email: 'ana@clinic.example', first_name: 'Ana', last_name: 'Souza',
                title: 'Dr', country: 'BR', enterprise: null};
              const draft = {reportId: await m.newReportId(profile), createdAt: new Date(),
                patient: {firstName: 'Ada', lastName: 'Quill', birthDate: '', patientId: '', translator: '', guardian: ''},
                notes: '', location: '',
                consent: {type: 'verbal', levels: ['treatment'], file: blob('chromium-opus.m4a', 'audio/mp4')},
                items: [
                  {type: 'video', file: blob('chromium-h264-opus.m4v', 'video/mp4'), levels: [], takenAt: new Date()},
                  {type: 'video', file: blob('chromium-vp9-opus.m4v', 'video/mp4'), levels: [], takenAt: new Date()},
                  {type: 'audio', file: blob('chromium-opus.m4a', 'audio/mp4'), levels: [], takenAt: new Date()},
                ]};
              const r = await m.sealReport(draft, {profile, protection: {kind: 'plain'}});
              const bytes = new Uint8Array(await r.blob.arrayBuffer());
              let text = '';
              for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              done({reportId: r.reportId, file: btoa(text)});
            }).catch(e => done({error: e.name + ' ' + e.code + ': ' + e.message}));
            """;

    @TempDir
    Path temp;

    @Test
    void recordings_made_in_chromium_seal_in_the_page_and_open_in_java() throws Exception {
        Map<String, String> files = new java.util.HashMap<>();
        for (String name : new String[] {"chromium-h264-opus.m4v", "chromium-vp9-opus.m4v", "chromium-opus.m4a"}) {
            files.put(name, Base64.getEncoder().encodeToString(Files.readAllBytes(SharedFiles.media(name))));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) browser.asyncScript(SEAL, files);
        assertThat(r.get("error")).as("sealing in the page").isNull();

        Path zip = Files.write(temp.resolve(r.get("reportId") + ".zip"), Base64.getDecoder().decode((String) r.get("file")));
        ReportOpener.Opened opened = new ReportOpener(ZipLimits.REPORT, true).open(zip, new ReportKey.None(), temp.resolve("out"));
        Path out = opened.folder();
        // the same bytes the CLI keeps: the recordings without their (few) metadata, every sample in place
        assertThat(Files.readAllBytes(out.resolve("video-1.m4v")))
                .isEqualTo(SealBrowserTest.javaMp4(Files.readAllBytes(SharedFiles.media("chromium-h264-opus.m4v")), temp));
        assertThat(Files.readAllBytes(out.resolve("video-2.m4v")))
                .isEqualTo(SealBrowserTest.javaMp4(Files.readAllBytes(SharedFiles.media("chromium-vp9-opus.m4v")), temp));
        assertThat(Files.readAllBytes(out.resolve("audio-1.m4a")))
                .isEqualTo(SealBrowserTest.javaMp4(Files.readAllBytes(SharedFiles.media("chromium-opus.m4a")), temp));
        assertThat(Files.readAllBytes(out.resolve("consent.m4a")))
                .isEqualTo(SealBrowserTest.javaMp4(Files.readAllBytes(SharedFiles.media("chromium-opus.m4a")), temp));
        for (String thumbnail : new String[] {"video-1-thumbnail.jpg", "video-2-thumbnail.jpg", "audio-1-thumbnail.jpg"}) {
            var image = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(out.resolve(thumbnail))));
            assertThat(image).as(thumbnail).isNotNull();
            assertThat(Math.max(image.getWidth(), image.getHeight())).as(thumbnail).isEqualTo(480);
        }
    }
}
