package org.safelight.endpoint.intake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** How a file starts, told from its first local header without reading anything away. */
enum FileStart {
    /** Not a ZIP at all. */
    NOT_A_ZIP,
    /** As a {@code .picsafe} does: a ZIP whose first entry is package.json or package.encrypted. */
    SEALED,
    /** Another ZIP: a plain report, or a .picsafe with its entries in another order. */
    OTHER_ZIP;

    private static final int PEEK = 30 + 64;

    /** Needs a stream that supports mark with at least 94 bytes (any {@link BufferedInputStream}). */
    static FileStart of(BufferedInputStream in) throws IOException {
        in.mark(PEEK);
        try {
            byte[] head = in.readNBytes(PEEK);
            if (head.length < 30 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
                return NOT_A_ZIP;
            }
            int nameLength = (head[26] & 0xff) | (head[27] & 0xff) << 8;
            if (nameLength > head.length - 30) {
                return OTHER_ZIP;
            }
            String first = new String(head, 30, nameLength, StandardCharsets.UTF_8);
            return first.equals(ReportCheck.PACKAGE_JSON) || first.equals(ReportCheck.PACKAGE_ENCRYPTED)
                    ? SEALED : OTHER_ZIP;
        } finally {
            in.reset();
        }
    }
}
