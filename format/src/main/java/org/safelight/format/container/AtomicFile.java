package org.safelight.format.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file so that readers see either the old file or the complete new one, never a part. */
public final class AtomicFile {
    private AtomicFile() {
    }

    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dest = target.toAbsolutePath().normalize();
        Files.createDirectories(dest.getParent());
        Path partial = Files.createTempFile(dest.getParent(), "." + dest.getFileName() + ".", ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                writer.writeTo(out);
            }
            Files.move(partial, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }
}
