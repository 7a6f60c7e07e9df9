package org.safelight.endpoint.forward;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A {@code multipart/form-data} body built from small in-memory parts and files, never held in
 * memory whole: {@link #open} streams it, as many times as asked, byte for byte the same (the
 * boundary is fixed when the body is made), so it can be hashed in one pass and sent in another.
 * Its exact length is known beforehand, so it is sent with a {@code Content-Length}. The files must
 * not change between passes.
 */
final class MultipartBody {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final Map<String, String> TYPES = Map.of(
            "json", "application/json", "pdf", "application/pdf", "jpg", "image/jpeg", "jpeg", "image/jpeg",
            "png", "image/png", "mp4", "video/mp4", "mov", "video/quicktime", "m4a", "audio/mp4",
            "txt", "text/plain; charset=utf-8");

    private final String boundary;
    private final List<Part> parts = new ArrayList<>();

    private record Part(byte[] head, byte[] bytes, Path file, long size) {
    }

    MultipartBody() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.boundary = "safelight-" + HexFormat.of().formatHex(random);
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    MultipartBody add(String name, String fileName, String type, byte[] bytes) {
        parts.add(new Part(head(name, fileName, type), bytes, null, bytes.length));
        return this;
    }

    MultipartBody add(String name, String fileName, Path file) throws IOException {
        parts.add(new Part(head(name, fileName, typeOf(fileName)), null, file, Files.size(file)));
        return this;
    }

    long length() {
        long n = 0;
        for (Part p : parts) {
            n += p.head.length + p.size + CRLF.length;
        }
        return n + closing().length;
    }

    /** A fresh stream of the whole body; files are opened one at a time as the stream reaches them. */
    InputStream open() {
        Iterator<Part> each = parts.iterator();
        Enumeration<InputStream> pieces = new Enumeration<>() {
            private Part current;
            private int step; // 0 head, 1 content, 2 CRLF; then the next part; the closing line last
            private boolean closed;

            @Override
            public boolean hasMoreElements() {
                return !closed;
            }

            @Override
            public InputStream nextElement() {
                if (closed) {
                    throw new NoSuchElementException();
                }
                if (current == null || step == 3) {
                    if (!each.hasNext()) {
                        closed = true;
                        return new ByteArrayInputStream(closing());
                    }
                    current = each.next();
                    step = 0;
                }
                Part p = current;
                return switch (step++) {
                    case 0 -> new ByteArrayInputStream(p.head);
                    case 1 -> p.file == null ? new ByteArrayInputStream(p.bytes) : new LazyFile(p.file);
                    default -> new ByteArrayInputStream(CRLF);
                };
            }
        };
        return new SequenceInputStream(pieces);
    }

    /** Hex SHA-256 of the whole body, read once from its files. */
    String sha256Hex() throws IOException {
        MessageDigest digest = ForwardSignature.sha256();
        try (InputStream in = open()) {
            byte[] buffer = new byte[128 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private byte[] head(String name, String fileName, String type) {
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + quoted(name) + "\"; filename=\"" + quoted(fileName) + "\"\r\n"
                + "Content-Type: " + type + "\r\n\r\n";
        return head.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] closing() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The escaping browsers use in form-data names (HTML's multipart/form-data encoding). */
    private static String quoted(String s) {
        return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    static String typeOf(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** A file opened on first read, so a body of many files holds one open at a time. */
    private static final class LazyFile extends InputStream {
        private final Path file;
        private InputStream in;

        LazyFile(Path file) {
            this.file = file;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = Files.newInputStream(file);
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
        public long transferTo(OutputStream out) throws IOException {
            return in().transferTo(out);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
