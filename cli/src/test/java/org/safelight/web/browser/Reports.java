package org.safelight.web.browser;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.safelight.web.testing.Browser;

/** Handing files to the page as a user would, and spoiling reports. */
final class Reports {
    private Reports() {
    }

    /** Drops the file onto the page: the same drag-and-drop events a file from the desktop fires. */
    static void drop(Browser browser, Path file) throws IOException {
        browser.script("""
                const [name, base64] = arguments;
                const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], name));
                for (const type of ['dragenter', 'dragover', 'drop']) {
                  document.body.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
                }
                """, file.getFileName().toString(), Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
    }

    /** Chooses the file with the page's file picker (the keyboard way). */
    static void pick(Browser browser, Path file) {
        // A fresh load of the page (the session survives it) shows the picker whatever was on screen.
        browser.script("location.hash = '#/open'");
        browser.driver().navigate().refresh();
        browser.visible("#open-file");
        browser.driver().findElement(org.openqa.selenium.By.id("file-input")).sendKeys(file.toAbsolutePath().toString());
    }

    /** A copy of the report with one byte of its encrypted package changed (the ZIP itself stays valid). */
    static Path altered(Path picsafe, Path out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(picsafe)));
             ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] content = in.readAllBytes();
                if (e.getName().equals("package.encrypted")) {
                    content[content.length / 2] ^= 0x01;
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(content);
                zip.closeEntry();
            }
        }
        Files.createDirectories(out.getParent());
        return Files.write(out, bytes.toByteArray());
    }
}
