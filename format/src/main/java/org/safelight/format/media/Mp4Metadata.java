package org.safelight.format.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

/**
 * Copies an MP4 file (.m4v, .m4a) without its metadata, never moving a sample: a phone's video can
 * carry its location ({@code moov/udta/©xyz}, Apple's {@code meta} keys), make, model, software and
 * creation times. Boxes that hold such things ({@code udta}, {@code meta}, {@code uuid}, and the
 * leftovers {@code free}/{@code skip} may hide) at the top level, under {@code moov} and under each
 * {@code trak} become {@code free} boxes of the same size with zeroed contents, and the creation and
 * modification times of {@code mvhd}, {@code tkhd} and {@code mdhd} become 0. Every box keeps its
 * offset, so chunk offsets and fragment offsets stay valid. The browser does the same
 * ({@code mp4-clean.js}); both give the same bytes.
 *
 * <p>Only the {@code moov} box is held in memory; everything else is streamed. Box sizes are checked
 * against the file and the enclosing box, never trusted. Stateless and thread-safe.
 */
public final class Mp4Metadata {
    /** Larger than the sample tables of hours of video; a bigger moov is refused, not loaded. */
    static final int MAX_MOOV = 256 * 1024 * 1024;
    private static final Set<String> NEUTERED = Set.of("udta", "meta", "uuid", "free", "skip");
    /** What an MP4 file may begin with, as {@link Mp4Files} accepts. */
    private static final Set<String> FIRST_BOXES = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide");
    private static final byte[] FREE = "free".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZEROS = new byte[64 * 1024];

    private Mp4Metadata() {
    }

    /**
     * Writes the file at {@code source} to {@code out} without its metadata; the output has the
     * same length. {@code out} is not closed.
     *
     * @throws MalformedMediaException if the file is not an MP4 or its box structure is broken;
     *     {@code out} then holds a partial copy that must be discarded
     */
    public static void strip(Path source, OutputStream out) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long length = in.size();
            long at = 0;
            boolean movie = false;
            while (at < length) {
                Box box = Box.at(in, at, length);
                if (NEUTERED.contains(box.type)) {
                    out.write(neuteredHeader(box.header));
                    zeros(out, box.size - box.header.length);
                } else if (box.type.equals("moov")) {
                    if (movie) {
                        throw new MalformedMediaException("MP4 file is damaged: it has two movie boxes (moov)");
                    }
                    movie = true;
                    out.write(cleanMovie(in, box));
                } else {
                    copy(in, at, box.size, out);
                }
                at += box.size;
            }
            if (!movie) {
                throw new MalformedMediaException("MP4 file is damaged: it has no movie box (moov)");
            }
        }
        out.flush();
    }

    private static byte[] cleanMovie(FileChannel in, Box box) throws IOException {
        if (box.size > MAX_MOOV) {
            throw new MalformedMediaException("MP4 file's movie box is too large (over "
                    + MAX_MOOV / (1024 * 1024) + " MiB)");
        }
        byte[] moov = new byte[(int) box.size];
        ByteBuffer buffer = ByteBuffer.wrap(moov);
        while (buffer.hasRemaining()) {
            if (in.read(buffer, box.start + buffer.position()) < 0) {
                throw truncated();
            }
        }
        clean(moov, box.header.length, moov.length, "moov");
        return moov;
    }

    /** Cleans the children of a box whose contents span {@code [from, to)} of {@code b}, in place. */
    static void clean(byte[] b, int from, int to, String parent) throws MalformedMediaException {
        int at = from;
        while (at < to) {
            if (to - at < 8) {
                throw damaged("a box header runs past the end of its parent");
            }
            long size32 = u32(b, at);
            int header = size32 == 1 ? 16 : 8;
            if (to - at < header) {
                throw damaged("a box header runs past the end of its parent");
            }
            long size = size32 == 1 ? u64(b, at + 8) : size32 == 0 ? to - at : size32;
            if (size < header || size > to - at) {
                throw damaged("a box's size does not fit in its parent");
            }
            int end = at + (int) size;
            String type = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (NEUTERED.contains(type)) {
                System.arraycopy(FREE, 0, b, at + 4, 4);
                Arrays.fill(b, at + header, end, (byte) 0);
            } else if (type.equals("trak") && parent.equals("moov") || type.equals("mdia") && parent.equals("trak")) {
                clean(b, at + header, end, type);
            } else if (type.equals("mvhd") && parent.equals("moov") || type.equals("tkhd") && parent.equals("trak")
                    || type.equals("mdhd") && parent.equals("mdia")) {
                zeroTimes(b, at + header, end, type);
            }
            at = end;
        }
    }

    /** A full box starting with version and flags, then creation and modification times of 4 (v0) or 8 (v1) bytes. */
    private static void zeroTimes(byte[] b, int from, int to, String type) throws MalformedMediaException {
        if (to - from < 4) {
            throw damaged("its " + type + " box is too short");
        }
        int version = b[from] & 0xFF;
        if (version > 1) {
            throw damaged("its " + type + " box has an unknown version");
        }
        int times = version == 1 ? 16 : 8;
        if (to - from < 4 + times) {
            throw damaged("its " + type + " box is too short");
        }
        Arrays.fill(b, from + 4, from + 4 + times, (byte) 0);
    }

    private static byte[] neuteredHeader(byte[] header) {
        byte[] copy = header.clone();
        System.arraycopy(FREE, 0, copy, 4, 4);
        return copy;
    }

    private static void zeros(OutputStream out, long n) throws IOException {
        for (long left = n; left > 0; left -= ZEROS.length) {
            out.write(ZEROS, 0, (int) Math.min(left, ZEROS.length));
        }
    }

    private static void copy(FileChannel in, long from, long n, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long at = from;
        long end = from + n;
        while (at < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
            int read = in.read(buffer, at);
            if (read < 0) {
                throw truncated();
            }
            out.write(buffer.array(), 0, read);
            at += read;
        }
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static long u64(byte[] b, int at) {
        long high = u32(b, at);
        // beyond 2^53 no MP4 is real; the limit keeps JS's numbers and Java's longs in agreement
        return high >= 1L << 21 ? Long.MAX_VALUE : (high << 32) | u32(b, at + 4);
    }

    private static MalformedMediaException damaged(String what) {
        return new MalformedMediaException("MP4 file is damaged: " + what);
    }

    private static MalformedMediaException truncated() {
        return new MalformedMediaException("MP4 file is truncated: a box runs past the end of the file");
    }

    /** A top-level box: where it starts, its header as stored (8 or 16 bytes), its total size and type. */
    private record Box(long start, byte[] header, long size, String type) {
        static Box at(FileChannel in, long at, long fileLength) throws IOException {
            byte[] head = read(in, at, (int) Math.min(16, fileLength - at));
            if (head.length < 8) {
                throw truncated();
            }
            if (at == 0 && !FIRST_BOXES.contains(new String(head, 4, 4, StandardCharsets.ISO_8859_1))) {
                throw new MalformedMediaException("file is not an MP4 (it does not begin with an MP4 box)");
            }
            long size32 = u32(head, 0);
            int headerLength = size32 == 1 ? 16 : 8;
            if (head.length < headerLength) {
                throw truncated();
            }
            long size = size32 == 1 ? u64(head, 8) : size32 == 0 ? fileLength - at : size32;
            if (size < headerLength) {
                throw damaged("a box has an impossible size");
            }
            if (size > fileLength - at) {
                throw truncated();
            }
            byte[] header = Arrays.copyOf(head, headerLength);
            return new Box(at, header, size, new String(head, 4, 4, StandardCharsets.ISO_8859_1));
        }

        private static byte[] read(FileChannel in, long at, int n) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(n);
            while (buffer.hasRemaining() && in.read(buffer, at + buffer.position()) >= 0) {
                // a file channel reads what the file holds; -1 only at its end
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }
}
