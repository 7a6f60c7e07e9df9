package org.safelight.format.picsafe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.safelight.format.container.SafeZipReader;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;

/**
 * What a file is, found without any key: its kind, its entries, for a .picsafe where its key is and
 * how its package is encrypted, for a plain report its metadata.
 *
 * @param rncryptorOptions options byte of the encrypted package or bare data (1 password, 0 raw keys), or -1
 */
public record Inspection(Path file, long size, ReportFileKind kind, List<Entry> entries, PackageJson packageJson,
                         int rncryptorVersion, int rncryptorOptions, ReportMetadata metadata) {

    public record Entry(String name, long size) {
    }

    /** @throws MalformedReportException also for any unforeseen failure on hostile bytes */
    public static Inspection of(Path file) throws IOException {
        try {
            return inspect(file);
        } catch (RuntimeException e) {
            throw new org.safelight.format.report.MalformedReportException("the file cannot be read ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Inspection inspect(Path file) throws IOException {
        long size = Files.size(file);
        ReportFileKind kind = ReportFileKind.probe(file);
        List<Entry> entries = new ArrayList<>();
        PackageJson packageJson = null;
        ReportMetadata metadata = null;
        int version = -1;
        int options = -1;
        if (kind == ReportFileKind.RNCRYPTOR) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(2);
                version = head[0];
                options = head[1];
            }
        } else if (kind != ReportFileKind.UNKNOWN) {
            try (InputStream in = Files.newInputStream(file); SafeZipReader zip = new SafeZipReader(in, ZipLimits.REPORT)) {
                for (SafeZipReader.Entry e; (e = zip.next()) != null; ) {
                    InputStream stream = e.stream();
                    long n = 0;
                    if (e.name().equals(PicsafeWriter.PACKAGE_JSON)) {
                        byte[] bytes = stream.readNBytes(MetadataJson.MAX_BYTES + 1);
                        n = bytes.length;
                        packageJson = PackageJson.read(new java.io.ByteArrayInputStream(bytes));
                    } else if (e.name().equals(PicsafeWriter.PACKAGE_ENCRYPTED)) {
                        byte[] head = stream.readNBytes(2);
                        version = head.length > 0 ? head[0] : -1;
                        options = head.length > 1 ? head[1] : -1;
                        n = head.length;
                    } else if (e.name().equals("metadata.json") && kind == ReportFileKind.PLAIN_REPORT) {
                        byte[] bytes = stream.readNBytes(MetadataJson.MAX_BYTES + 1);
                        n = bytes.length;
                        metadata = MetadataJson.read(new java.io.ByteArrayInputStream(bytes));
                    }
                    n += stream.transferTo(java.io.OutputStream.nullOutputStream());
                    entries.add(new Entry(e.name(), n));
                }
            }
        }
        return new Inspection(file, size, kind, List.copyOf(entries), packageJson, version, options, metadata);
    }
}
