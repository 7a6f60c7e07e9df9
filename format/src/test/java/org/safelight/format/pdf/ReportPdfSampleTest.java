package org.safelight.format.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.safelight.format.report.Consent;
import org.safelight.format.report.Consent.ConsentType;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.ReportMetadata;

/**
 * Writes a realistic report.pdf for a person to look at, e.g. after a layout change:
 * {@code ./mvnw -pl format test -Dtest=ReportPdfSampleTest -Dsafelight.pdf.sample=/tmp/pdf/sample.pdf}.
 */
@EnabledIfSystemProperty(named = "safelight.pdf.sample", matches = ".+")
class ReportPdfSampleTest {

    @Test
    void a_sample_report_is_written_for_review() throws IOException {
        Path media = Path.of(System.getProperty("safelight.shared", "../shared"), "fixtures", "media");
        byte[] photo = thumbnail(media.resolve("photo-landscape.jpg"));
        Map<ItemId, byte[]> thumbnails = new LinkedHashMap<>();
        List<MediaItem> items = List.of(
                new MediaItem(new ItemId("IMG_0001"), MediaType.PHOTO, Set.of(ConsentLevel.TREATMENT, ConsentLevel.EDUCATION)),
                new MediaItem(new ItemId("IMG_0002"), MediaType.PHOTO, Set.of(ConsentLevel.TREATMENT)),
                new MediaItem(new ItemId("VID_0003"), MediaType.VIDEO, Set.of(ConsentLevel.TREATMENT)),
                new MediaItem(new ItemId("AUD_0004"), MediaType.AUDIO, Set.of()));
        thumbnails.put(items.get(0).id(), photo);
        thumbnails.put(items.get(1).id(), photo);
        thumbnails.put(items.get(2).id(), photo);
        ReportMetadata metadata = new ReportMetadata(ReportPdfFixtures.patient(), ReportPdfFixtures.clinician(),
                ReportPdfFixtures.details(ReportPdfFixtures.notes()),
                Consent.of(ConsentType.SIGNED, Set.of(ConsentLevel.TREATMENT, ConsentLevel.EDUCATION)), items);
        ReportImages images = new ReportImages(thumbnails, Files.readAllBytes(media.resolve("signature.jpg")));

        Path target = Path.of(System.getProperty("safelight.pdf.sample"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.write(target, ReportPdfFixtures.render(metadata, images));
        assertThat(target).isNotEmptyFile();
    }

    @Test
    void a_hostile_sample_is_written_beside_it() throws IOException {
        String word = "W".repeat(300);
        String hostile = "患者 <script>alert(1)</script> 😀 tab\there bell\u0007 " + word;
        ReportMetadata metadata = new ReportMetadata(
                new ReportMetadata.Patient(hostile, "Zoë", "31", "2", "1990", "ID\u0000" + word, hostile, ""),
                ReportPdfFixtures.clinician(), ReportPdfFixtures.details((hostile + "\n").repeat(40))
                        .withDatetime("yesterday, about noon").withReportId("x".repeat(200)),
                Consent.NONE, List.of());
        Path target = Path.of(System.getProperty("safelight.pdf.sample").replaceFirst("(\\.pdf)?$", "-hostile.pdf"));
        Files.write(target, ReportPdfFixtures.render(metadata, ReportImages.none()));
        assertThat(target).isNotEmptyFile();
    }

    /** Scales a photo to 480 px on its longest edge, as the app's thumbnails are. */
    private static byte[] thumbnail(Path photo) throws IOException {
        BufferedImage source = ImageIO.read(photo.toFile());
        double scale = 480.0 / Math.max(source.getWidth(), source.getHeight());
        int w = (int) Math.round(source.getWidth() * scale);
        int h = (int) Math.round(source.getHeight() * scale);
        BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(scaled, "jpg", out);
        return out.toByteArray();
    }
}
