package org.safelight.format.picsafe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.safelight.format.container.SafeZipReader;
import org.safelight.format.container.ZipLimits;

/** What a file is, told from its first bytes and its ZIP entry names, without any key. */
public enum ReportFileKind {
    /** A ZIP with package.json and package.encrypted. */
    PICSAFE,
    /** A ZIP with metadata.json: a plain (unencrypted) report package. */
    PLAIN_REPORT,
    /** Bare RNCryptor v3 data. */
    RNCRYPTOR,
    /** Some other ZIP. */
    OTHER_ZIP,
    UNKNOWN;

    public static ReportFileKind probe(Path file) throws IOException {
        byte[] magic;
        try (InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(4);
        }
        if (magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            Set<String> names = new HashSet<>();
            try (InputStream in = Files.newInputStream(file); SafeZipReader zip = new SafeZipReader(in, ZipLimits.REPORT)) {
                for (SafeZipReader.Entry e; (e = zip.next()) != null; ) {
                    names.add(e.name());
                }
            }
            if (names.contains(PicsafeWriter.PACKAGE_ENCRYPTED)) {
                return PICSAFE;
            }
            return names.contains("metadata.json") ? PLAIN_REPORT : OTHER_ZIP;
        }
        if (magic.length >= 2 && magic[0] == 3 && (magic[1] == 0 || magic[1] == 1)) {
            return RNCRYPTOR;
        }
        return UNKNOWN;
    }
}
