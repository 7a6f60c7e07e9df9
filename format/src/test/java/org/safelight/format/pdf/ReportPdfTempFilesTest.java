package org.safelight.format.pdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.format.pdf.ReportPdfFixtures.fullReport;
import static org.safelight.format.pdf.ReportPdfFixtures.images;
import static org.safelight.format.pdf.ReportPdfFixtures.notes;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The report's thumbnails and signature never reach the disk while the PDF is made: PDFBox reads each
 * JPEG's size through ImageIO, whose streams would otherwise cache into a temporary file.
 */
class ReportPdfTempFilesTest {
    @Test
    void no_image_of_the_report_goes_through_a_temporary_file() throws Exception {
        Path cache = Files.createTempDirectory("imageio-cache");
        File before = ImageIO.getCacheDirectory();
        ImageIO.setCacheDirectory(cache.toFile());
        try (WatchService watch = cache.getFileSystem().newWatchService()) {
            cache.register(watch, StandardWatchEventKinds.ENTRY_CREATE);

            ReportPdf.render(fullReport(notes()), images(), OutputStream.nullOutputStream());

            // a file created and deleted at once is still an event; none may come
            assertThat(watch.poll(1, TimeUnit.SECONDS)).isNull();
        } finally {
            ImageIO.setCacheDirectory(before);
            Files.delete(cache);
        }
    }
}
