package org.safelight.format.pdf;

import java.util.Map;
import org.safelight.format.report.ItemId;

/**
 * The pictures report.pdf shows beside the metadata.
 *
 * @param thumbnails    JPEG thumbnails (up to 480 px on the longest edge) by media item; an item
 *                      without one gets a "no preview" frame. No null keys or values.
 * @param signatureJpeg the patient's signature as a JPEG, or {@code null}; shown only when the
 *                      consent is signed
 */
public record ReportImages(Map<ItemId, byte[]> thumbnails, byte[] signatureJpeg) {

    public ReportImages {
        thumbnails = thumbnails == null ? Map.of() : Map.copyOf(thumbnails);
    }

    /** No thumbnails and no signature. */
    public static ReportImages none() {
        return new ReportImages(Map.of(), null);
    }
}
