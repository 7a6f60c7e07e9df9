package org.safelight.endpoint.dicom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The body of a STOW-RS request (PS3.18 10.5): {@code multipart/related; type="application/dicom"},
 * one part per DICOM file, streamed from the photos' files one at a time, of a length known
 * beforehand. The boundary is random (128 bits), so it is not found in the files.
 */
final class StowBody {
    private static final byte[] CRLF = {'\r', '\n'};
    private final String boundary;
    private final List<EncodedPhoto> photos;

    StowBody(List<EncodedPhoto> photos) {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.boundary = "safelight-dicom-" + HexFormat.of().formatHex(random);
        this.photos = List.copyOf(photos);
    }

    String contentType() {
        return "multipart/related; type=\"application/dicom\"; boundary=" + boundary;
    }

    long length() {
        long n = closing().length;
        for (EncodedPhoto p : photos) {
            n += head().length + p.length() + CRLF.length;
        }
        return n;
    }

    /** A fresh stream of the body; each photo's file is opened when the stream reaches it. */
    InputStream open() {
        List<Object> pieces = new ArrayList<>();
        for (EncodedPhoto p : photos) {
            pieces.add(head());
            pieces.add(p);
            pieces.add(CRLF);
        }
        pieces.add(closing());
        Iterator<Object> each = pieces.iterator();
        Enumeration<InputStream> streams = new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return each.hasNext();
            }

            @Override
            public InputStream nextElement() {
                if (!each.hasNext()) {
                    throw new NoSuchElementException();
                }
                Object piece = each.next();
                if (piece instanceof byte[] bytes) {
                    return new ByteArrayInputStream(bytes);
                }
                return new Lazy((EncodedPhoto) piece);
            }
        };
        return new SequenceInputStream(streams);
    }

    /** A photo's file, opened on the first read (so a body of many photos holds one file open). */
    private static final class Lazy extends InputStream {
        private final EncodedPhoto photo;
        private InputStream in;

        Lazy(EncodedPhoto photo) {
            this.photo = photo;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = photo.open();
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    private byte[] head() {
        return ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] closing() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
