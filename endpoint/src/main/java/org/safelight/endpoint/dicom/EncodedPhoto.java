package org.safelight.endpoint.dicom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * A DICOM Part 10 file made of a photo, never held in memory whole: the header (preamble, file
 * meta information, the data set up to the pixel data's one fragment) and the trailer (the pad
 * byte of an odd-length JPEG, the sequence delimiter) are small arrays; the JPEG between them is
 * read from its file when the file is {@linkplain #open() opened}. Immutable; the JPEG file must
 * not change while it is used.
 *
 * @param sopInstanceUid the object's SOP Instance UID (the same for the same report and item)
 * @param head           the bytes before the JPEG
 * @param jpeg           the JPEG file, encapsulated as it is
 * @param jpegLength     its size in bytes
 * @param tail           the bytes after the JPEG
 */
public record EncodedPhoto(String sopInstanceUid, byte[] head, Path jpeg, long jpegLength, byte[] tail) {

    /** The file's size in bytes. */
    public long length() {
        return head.length + jpegLength + tail.length;
    }

    /** A fresh stream of the whole file. */
    public InputStream open() throws IOException {
        InputStream file = Files.newInputStream(jpeg);
        return new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(head), file, new ByteArrayInputStream(tail)))) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    file.close();
                }
            }
        };
    }

    /** Writes the whole file to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = open()) {
            in.transferTo(out);
        }
    }
}
