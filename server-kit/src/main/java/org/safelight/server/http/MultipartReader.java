package org.safelight.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body one part at a time, in one pass and in a fixed buffer,
 * so a file part of several GB streams straight through (the servlet's multipart support would
 * first copy it to a temporary file, in the clear). Each part's stream ends at the next boundary.
 * Used by every route that takes an uploaded file (the endpoint's intake, the accounts role's
 * sends). Not thread-safe.
 */
public final class MultipartReader {
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    /** One part: its form field name, its file name (null for a plain field) and its content. */
    public record Part(String name, String fileName, InputStream body) {
    }

    /** The body is not multipart, or breaks off. */
    public static final class MalformedMultipartException extends IOException {
        MalformedMultipartException(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buffer;
    private int start;
    private int end;
    private boolean eof;
    private PartStream current;
    private boolean finished;

    private MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[64 * 1024 + delimiter.length];
        // The first boundary has no line break before it: pretend it had one.
        buffer[0] = '\r';
        buffer[1] = '\n';
        end = 2;
    }

    /** @throws MalformedMultipartException when {@code contentType} is not multipart/form-data with a boundary */
    public static MultipartReader of(InputStream in, String contentType) throws MalformedMultipartException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new MalformedMultipartException("the request must be multipart/form-data");
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new MalformedMultipartException("the multipart request names no boundary");
        }
        return new MultipartReader(in, m.group(1) != null ? m.group(1) : m.group(2));
    }

    /** The next part, the previous one skipped if unread; null after the last. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.skipAll();
        } else {
            new PartStream().skipAll(); // the preamble
        }
        byte[] after = take(2);
        if (after[0] == '-' && after[1] == '-') {
            finished = true;
            return null;
        }
        if (after[0] != '\r' || after[1] != '\n') {
            throw new MalformedMultipartException("a multipart boundary is not followed by a line break");
        }
        String disposition = null;
        int headerBytes = 0;
        for (String line; !(line = line()).isEmpty(); ) {
            headerBytes += line.length() + 2;
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("a part's headers are too long");
            }
            if (line.regionMatches(true, 0, "Content-Disposition:", 0, 20)) {
                disposition = line.substring(20);
            }
        }
        if (disposition == null) {
            throw new MalformedMultipartException("a part has no Content-Disposition");
        }
        Matcher name = NAME.matcher(disposition);
        Matcher file = FILENAME.matcher(disposition);
        current = new PartStream();
        return new Part(name.find() ? name.group(1) : "", file.find() ? file.group(1) : null, current);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (start == end && !fill()) {
                throw new MalformedMultipartException("the multipart body breaks off in a part's headers");
            }
            byte b = buffer[start++];
            if (b == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                line.setLength(line.length() - 1);
                return line.toString();
            }
            line.append((char) (b & 0xff));
            if (line.length() > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("a part's headers are too long");
            }
        }
    }

    private byte[] take(int n) throws IOException {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            if (start == end && !fill()) {
                throw new MalformedMultipartException("the multipart body breaks off");
            }
            out[i] = buffer[start++];
        }
        return out;
    }

    /** Reads more into the buffer (moving what is left to its front); false at the end of the input. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
            return false;
        }
        end += n;
        return true;
    }

    private int indexOfDelimiter() {
        outer:
        for (int i = start; i <= end - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buffer[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A part's content, up to the next delimiter (which it consumes). */
    private final class PartStream extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int at = indexOfDelimiter();
                if (at == start) {
                    start += delimiter.length;
                    done = true;
                    return -1;
                }
                int safe = at >= 0 ? at : end - delimiter.length + 1;
                if (safe > start) {
                    int n = Math.min(len, safe - start);
                    System.arraycopy(buffer, start, b, off, n);
                    start += n;
                    return n;
                }
                if (end - start == buffer.length || !fill()) {
                    throw new MalformedMultipartException("the multipart body breaks off inside a part");
                }
            }
        }

        void skipAll() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // skipped
            }
        }
    }
}
