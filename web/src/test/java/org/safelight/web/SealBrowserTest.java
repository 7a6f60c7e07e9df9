package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.container.SafeZipReader;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.media.Mp4Metadata;
import org.safelight.format.media.Photos;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.picsafe.StaticKeys;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.SharedFiles;

/**
 * A report sealed entirely in Chromium (seal.js, under the page's Content-Security-Policy) from
 * real media, handed back to Java and read with the readers the CLI uses: the strict ZIP reader,
 * the report opener, JNCryptor for package.encrypted, MetadataJson, metadata-extractor for the
 * photos, ImageIO for the thumbnails.
 */
class SealBrowserTest extends AppPageBrowserTest {
    static final String SEAL = """
            const [files, protection, done] = arguments;
            const blob = (name, type) => new Blob([Uint8Array.from(atob(files[name]), c => c.charCodeAt(0))], {type});
            import('/app/static/seal.js').then(async m => {
              const profile = {user_number: 4711, email: 'ana@clinic.example', first_name: 'Ana', last_name: 'Souza',
                title: 'Dr', country: 'BR', enterprise: null};
              const draft = {reportId: await m.newReportId(profile), createdAt: new Date(),
                patient: {firstName: 'Łucja', lastName: 'Nowak-Ōta', birthDate: '1961-03-07', patientId: 'MRN 55',
                  translator: '', guardian: 'Piotr "P" Nowak'},
                notes: 'left forearm\\nday 3', location: 'Ward 4',
                consent: files['consent.m4a']
                  ? {type: 'verbal', levels: ['treatment'], file: blob('consent.m4a', 'audio/mp4')}
                  : {type: 'signed', levels: ['publication', 'treatment'], file: blob('signature.jpg', 'image/jpeg')},
                items: [
                  {type: 'photo', file: blob('photo-rotated.jpg', 'image/jpeg'), levels: ['treatment'], takenAt: new Date()},
                  {type: 'photo', file: blob('photo-landscape.jpg', 'image/jpeg'), levels: [], takenAt: new Date()},
                  {type: 'video', file: blob('clip.m4v', 'video/mp4'), levels: ['education', 'treatment'], takenAt: new Date()},
                  {type: 'audio', file: blob('voice.m4a', 'audio/mp4'), levels: ['treatment'], takenAt: new Date()},
                ]};
              if (files['drawing.png']) draft.items.push({type: 'photo', file: blob('drawing.png', 'image/png'), levels: []});
              const stages = [];
              const r = await m.sealReport(draft, {profile, protection,
                onProgress: p => { if (!stages.includes(p.stage)) stages.push(p.stage); }});
              const bytes = new Uint8Array(await r.blob.arrayBuffer());
              // the viewer's own strict reader takes what the page sealed
              const names = (await (await import('/app/static/zip.js')).openZip(bytes)).names();
              let text = '';
              for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              done({reportId: r.reportId, fileName: r.fileName, counts: r.counts, bytes: r.bytes, stages, names,
                file: btoa(text), size: bytes.length});
            }).catch(e => done({error: e.name + ' ' + e.code + ': ' + e.message}));
            """;

    @TempDir
    Path temp;

    static Map<String, String> media(String... names) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : names) {
            files.put(name, Base64.getEncoder().encodeToString(Files.readAllBytes(SharedFiles.media(name))));
        }
        return files;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> seal(Map<String, String> files, Map<String, Object> protection) {
        Map<String, Object> result = (Map<String, Object>) browser.asyncScript(SEAL, files, protection);
        assertThat(result.get("error")).as("sealing in the page").isNull();
        return result;
    }

    /** The entries of a ZIP as the strict reader finds them, in order. */
    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (SafeZipReader reader = new SafeZipReader(new ByteArrayInputStream(zip), ZipLimits.REPORT)) {
            for (SafeZipReader.Entry e; (e = reader.next()) != null; ) {
                entries.put(e.name(), e.stream().readAllBytes());
            }
        }
        return entries;
    }

    static byte[] javaStripped(String fixture) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var in = Files.newInputStream(SharedFiles.media(fixture))) {
            Photos.stripMetadata(in, out);
        }
        return out.toByteArray();
    }

    /** What the CLI puts in a report for an MP4 file: the file without its metadata. */
    static byte[] javaMp4(byte[] mp4, Path temp) throws IOException {
        Path file = Files.write(Files.createTempFile(temp, "media", ".mp4"), mp4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Mp4Metadata.strip(file, out);
        return out.toByteArray();
    }

    static BufferedImage image(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image).as("decodes").isNotNull();
        return image;
    }

    @Test
    void a_report_sealed_for_an_institution_in_the_page_opens_with_the_java_readers() throws Exception {
        KeyPair institution = Keys.rsa();
        String publicPem = Files.readString(Keys.writePublicPem(institution, temp.resolve("public.pem")));

        Map<String, Object> r = seal(media("photo-rotated.jpg", "photo-landscape.jpg", "clip.m4v", "voice.m4a",
                "signature.jpg"), Map.of("kind", "static", "publicKey", publicPem));

        String reportId = (String) r.get("reportId");
        assertThat(reportId).matches("000004711[0-9]{13}[A-Za-z0-9]{11}");
        assertThat(r.get("fileName")).isEqualTo(reportId + ".picsafe");
        assertThat(r.get("counts")).isEqualTo(Map.of("photos", 2L, "videos", 1L, "audios", 1L));
        assertThat(r.get("stages")).isEqualTo(List.of("thumbnails", "pdf", "zip", "encrypt"));
        byte[] picsafe = Base64.getDecoder().decode((String) r.get("file"));
        assertThat(r.get("bytes")).isEqualTo((long) picsafe.length);

        // The outer ZIP, as the CLI writes it; the key only wrapped for the institution's key.
        Map<String, byte[]> outer = entries(picsafe);
        assertThat(outer.keySet()).containsExactly("package.json", "package.encrypted");
        assertThat(r.get("names")).isEqualTo(List.of("package.json", "package.encrypted"));
        PackageJson packageJson = PackageJson.read(new ByteArrayInputStream(outer.get("package.json")));
        assertThat(packageJson.hasKeyServer()).isFalse();
        assertThat(packageJson.reportId()).isEqualTo(reportId);
        assertThat(packageJson.staticKey().alg()).isEqualTo("RSA-OAEP-256");
        assertThat(packageJson.staticKey().kid()).isEqualTo(StaticKeys.kid(institution.getPublic()));
        String reportKey = StaticKeys.unwrap(institution.getPrivate(), packageJson.staticKey());
        assertThat(reportKey).matches("[A-Za-z0-9_-]{43}");

        // An independent RNCryptor implementation opens package.encrypted.
        byte[] packageZip = new AES256JNCryptor().decryptData(outer.get("package.encrypted"), reportKey.toCharArray());
        Map<String, byte[]> inner = entries(packageZip);
        assertThat(inner.keySet()).containsExactly("metadata.json", "report.pdf", "consent.jpg",
                "photo-1-thumbnail.jpg", "photo-1.jpg", "photo-2-thumbnail.jpg", "photo-2.jpg",
                "video-1-thumbnail.jpg", "video-1.m4v", "audio-1-thumbnail.jpg", "audio-1.m4a");

        byte[] metadataJson = inner.get("metadata.json");
        ReportMetadata m = MetadataJson.read(new ByteArrayInputStream(metadataJson));
        assertThat(new String(metadataJson, java.nio.charset.StandardCharsets.UTF_8))
                .as("byte for byte what the CLI writes for the same metadata")
                .isEqualTo(new String(MetadataJson.write(m), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(m.patient()).isEqualTo(new ReportMetadata.Patient("Łucja", "Nowak-Ōta", "07", "03", "1961",
                "MRN 55", "", "Piotr \"P\" Nowak"));
        assertThat(m.user()).isEqualTo(new ReportMetadata.Clinician("4711", "Dr", "Ana", "Souza",
                "ana@clinic.example", "BR"));
        assertThat(m.details().reportid()).isEqualTo(reportId);
        assertThat(m.details().notes()).isEqualTo("left forearm\nday 3");
        assertThat(m.details().location().address()).isEqualTo("Ward 4");
        assertThat(m.details().location().latitude()).isEmpty();
        assertThat(m.details().datetime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
        assertThat(m.details().pro()).isEqualTo("false");
        assertThat(m.consent().type().wire()).isEqualTo("signed");
        assertThat(List.of(m.consent().treatment(), m.consent().education(), m.consent().publication()))
                .containsExactly(true, false, true);
        List<String> media = new ArrayList<>();
        m.media().forEach(i -> media.add(i.id() + ":" + i.type().wire() + ":"
                + org.safelight.format.report.ConsentLevel.toList(i.levels())));
        assertThat(media).containsExactly("photo-1:photo:treatment", "photo-2:photo:", "video-1:video:treatment,education",
                "audio-1:audio:treatment");

        // Photos: what the CLI keeps, byte for byte; no location or camera, the orientation kept.
        assertThat(inner.get("photo-1.jpg")).isEqualTo(javaStripped("photo-rotated.jpg"));
        assertThat(inner.get("photo-2.jpg")).isEqualTo(javaStripped("photo-landscape.jpg"));
        assertThat(inner.get("consent.jpg")).isEqualTo(javaStripped("signature.jpg"));
        Metadata rotated = ImageMetadataReader.readMetadata(new ByteArrayInputStream(inner.get("photo-1.jpg")));
        assertThat(rotated.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        assertThat(rotated.getFirstDirectoryOfType(ExifSubIFDDirectory.class)).isNull();
        ExifIFD0Directory ifd0 = rotated.getFirstDirectoryOfType(ExifIFD0Directory.class);
        assertThat(ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(6);
        assertThat(ifd0.getTagCount()).as("only the orientation").isEqualTo(1);
        Metadata landscape = ImageMetadataReader.readMetadata(new ByteArrayInputStream(inner.get("photo-2.jpg")));
        assertThat(landscape.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        assertThat(landscape.getFirstDirectoryOfType(ExifIFD0Directory.class)).isNull();
        assertThat(inner.get("video-1.m4v")).isEqualTo(javaMp4(Files.readAllBytes(SharedFiles.media("clip.m4v")), temp));
        assertThat(inner.get("audio-1.m4a")).isEqualTo(javaMp4(Files.readAllBytes(SharedFiles.media("voice.m4a")), temp));

        // Thumbnails: upright (the rotated photo is stored 900x1200 and shown 1200x900), 480 long edge.
        for (String thumbnail : List.of("photo-1", "photo-2", "video-1", "audio-1")) {
            BufferedImage t = image(inner.get(thumbnail + "-thumbnail.jpg"));
            assertThat(List.of(t.getWidth(), t.getHeight())).as(thumbnail).containsExactly(480, 360);
        }
        try (var pdf = org.apache.pdfbox.Loader.loadPDF(inner.get("report.pdf"))) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(pdf);
            assertThat(text).as("report.pdf, with the patient's name in any script").contains("Łucja", "Nowak-Ōta");
            // The band wraps a report ID too wide for its column (wide letters such as W or m) onto a
            // second line, so the ID is looked for with the line breaks taken out.
            assertThat(text.replaceAll("\\s+", "")).as("report.pdf, with the report ID").contains(reportId);
        }

        // And the CLI's opener takes the whole file with the institution's private key.
        Path file = Files.write(temp.resolve(reportId + ".picsafe"), picsafe);
        ReportOpener.Opened opened = new ReportOpener(ZipLimits.REPORT, true)
                .open(file, new ReportKey.Private(institution.getPrivate()), temp.resolve("opened"));
        assertThat(opened.wasEncrypted()).isTrue();
        assertThat(opened.metadata()).isEqualTo(m);
        assertThat(opened.files()).hasSize(11);
    }

    @Test
    void a_plain_report_is_the_package_zip_and_a_png_photo_becomes_a_jpeg() throws Exception {
        BufferedImage drawing = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        drawing.setRGB(3, 4, 0xFF00FF00);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(drawing, "png", png);
        Map<String, String> files = media("photo-rotated.jpg", "photo-landscape.jpg", "clip.m4v", "voice.m4a",
                "signature.jpg");
        files.put("drawing.png", Base64.getEncoder().encodeToString(png.toByteArray()));

        Map<String, Object> r = seal(files, Map.of("kind", "plain"));

        String reportId = (String) r.get("reportId");
        assertThat(r.get("fileName")).isEqualTo(reportId + ".zip");
        assertThat(r.get("stages")).isEqualTo(List.of("thumbnails", "pdf", "zip"));
        byte[] zip = Base64.getDecoder().decode((String) r.get("file"));
        Map<String, byte[]> inner = entries(zip);
        assertThat(inner).containsKeys("metadata.json", "photo-3.jpg", "photo-3-thumbnail.jpg");
        assertThat(r.get("names")).as("zip.js reads it as the Java reader does").isEqualTo(List.copyOf(inner.keySet()));
        BufferedImage converted = image(inner.get("photo-3.jpg"));
        assertThat(List.of(converted.getWidth(), converted.getHeight())).containsExactly(40, 30);
        assertThat(ImageMetadataReader.readMetadata(new ByteArrayInputStream(inner.get("photo-3.jpg")))
                .getFirstDirectoryOfType(ExifIFD0Directory.class)).isNull();

        ReportOpener.Opened opened = new ReportOpener(ZipLimits.REPORT, true)
                .open(Files.write(temp.resolve(reportId + ".zip"), zip), new ReportKey.None(), temp.resolve("plain"));
        assertThat(opened.wasEncrypted()).isFalse();
        assertThat(opened.metadata().media()).hasSize(5);
        assertThat(opened.metadata().details().reportid()).isEqualTo(reportId);
    }
}
