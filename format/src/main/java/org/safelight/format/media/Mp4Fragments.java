package org.safelight.format.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fragmented MP4, as browsers' MediaRecorder writes it (Chromium: a moov whose sample tables are
 * empty and whose mvhd duration is often 0, an mvex, then a moof + mdat pair per time slice).
 * JCodec reads only the sample tables of the moov, so the tracks, their lengths and the first
 * sample of each are read here from the fragments. Every size is checked against the file before it
 * is used. Immutable once read.
 */
final class Mp4Fragments {
    /** A movie fragment header holds sample tables: a few KiB each; far larger is forged. */
    private static final long MAX_MOOF = 16L * 1024 * 1024;
    /** The one sample decoded for a thumbnail (a key frame) is far smaller than this. */
    private static final int MAX_SAMPLE = 32 * 1024 * 1024;
    private static final int VISUAL_SAMPLE_ENTRY_FIELDS = 78;

    /** A track as the moov declares it; codec is the sample entry's type (avc1, vp09, Opus, mp4a...). */
    record Track(int id, String handler, long timescale, String codec, ByteBuffer codecConfig,
                 long defaultDuration, long defaultSize) {
    }

    /** Where a sample lies in the file. */
    record Sample(long offset, int size) {
    }

    private final Map<Integer, Track> tracks;
    private final Map<Integer, Long> ends = new HashMap<>();
    private final Map<Integer, Sample> firstSamples = new HashMap<>();

    private Mp4Fragments(Map<Integer, Track> tracks) {
        this.tracks = tracks;
    }

    /**
     * The fragments of a file whose top-level layout was checked ({@code Mp4Files.checkLayout}), or
     * empty when its moov has no mvex (an ordinary MP4, for JCodec).
     */
    static Optional<Mp4Fragments> read(Path file, String kind) throws IOException {
        long fileSize = Files.size(file);
        Mp4Fragments fragments = null;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            for (long offset = 0; offset < fileSize; ) {
                ByteBuffer header = read(channel, offset, (int) Math.min(16, fileSize - offset));
                long size = header.getInt(0) & 0xFFFFFFFFL;
                String type = type(header, 4);
                int headerSize = 8;
                if (size == 1) {
                    size = header.getLong(8);
                    headerSize = 16;
                } else if (size == 0) {
                    size = fileSize - offset;
                }
                if (type.equals("moov")) {
                    ByteBuffer moov = read(channel, offset + headerSize, (int) (size - headerSize));
                    if (child(moov, "mvex") == null) {
                        return Optional.empty();
                    }
                    fragments = new Mp4Fragments(tracks(moov, kind));
                } else if (type.equals("moof")) {
                    if (fragments == null) {
                        throw new MalformedMediaException(kind + " file is damaged: a movie fragment comes before the movie header");
                    }
                    if (size > MAX_MOOF) {
                        throw new MalformedMediaException(kind + " file is damaged: a movie fragment header is implausibly large");
                    }
                    fragments.addFragment(read(channel, offset + headerSize, (int) (size - headerSize)), offset, fileSize, kind);
                }
                offset += size;
            }
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedMediaException(kind + " file is damaged: a fragmented MP4 box is cut short", e);
        }
        return Optional.ofNullable(fragments);
    }

    /** The first track with this handler ("vide", "soun"). */
    Optional<Track> track(String handler) {
        return tracks.values().stream().filter(t -> t.handler().equals(handler)).findFirst();
    }

    /** How long the tracks with this handler play: the end of their last sample. */
    Duration duration(String handler) {
        long millis = 0;
        for (Track t : tracks.values()) {
            if (t.handler().equals(handler) && ends.containsKey(t.id())) {
                millis = Math.max(millis, Math.round(ends.get(t.id()) * 1000.0 / t.timescale()));
            }
        }
        return Duration.ofMillis(millis);
    }

    /** The bytes of a track's first sample (for video, a key frame), or empty when it has none. */
    Optional<ByteBuffer> firstSample(Path file, Track track) throws IOException {
        Sample sample = firstSamples.get(track.id());
        if (sample == null) {
            return Optional.empty();
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return Optional.of(read(channel, sample.offset(), sample.size()));
        }
    }

    private static Map<Integer, Track> tracks(ByteBuffer moov, String kind) throws MalformedMediaException {
        Map<Integer, long[]> defaults = new HashMap<>();
        ByteBuffer mvex = child(moov, "mvex");
        for (ByteBuffer trex : children(mvex, "trex")) {
            defaults.put(trex.getInt(4), new long[] {trex.getInt(12) & 0xFFFFFFFFL, trex.getInt(16) & 0xFFFFFFFFL});
        }
        Map<Integer, Track> tracks = new HashMap<>();
        for (ByteBuffer trak : children(moov, "trak")) {
            ByteBuffer tkhd = required(trak, "tkhd", kind);
            int id = tkhd.getInt(tkhd.get(0) == 1 ? 20 : 12);
            ByteBuffer mdia = required(trak, "mdia", kind);
            ByteBuffer mdhd = required(mdia, "mdhd", kind);
            long timescale = mdhd.getInt(mdhd.get(0) == 1 ? 20 : 12) & 0xFFFFFFFFL;
            String handler = type(required(mdia, "hdlr", kind), 8);
            ByteBuffer stsd = required(required(required(mdia, "minf", kind), "stbl", kind), "stsd", kind);
            // the first sample entry: its box type names the codec
            ByteBuffer entries = stsd.slice(8, stsd.limit() - 8);
            int entrySize = entries.getInt(0);
            String codec = type(entries, 4);
            ByteBuffer config = null;
            if (codec.equals("avc1") || codec.equals("avc3")) {
                int fields = 8 + VISUAL_SAMPLE_ENTRY_FIELDS;
                config = child(entries.slice(fields, entrySize - fields), "avcC");
            }
            if (timescale <= 0) {
                throw new MalformedMediaException(kind + " file has an invalid track timescale");
            }
            long[] d = defaults.getOrDefault(id, new long[] {0, 0});
            tracks.put(id, new Track(id, handler, timescale, codec, config, d[0], d[1]));
        }
        return tracks;
    }

    /** One moof: each traf's decode time, sample durations and the place of its first sample. */
    private void addFragment(ByteBuffer moof, long moofOffset, long fileSize, String kind) throws MalformedMediaException {
        for (ByteBuffer traf : children(moof, "traf")) {
            ByteBuffer tfhd = required(traf, "tfhd", kind);
            int flags = tfhd.getInt(0) & 0xFFFFFF;
            Track track = tracks.get(tfhd.getInt(4));
            if (track == null) {
                throw new MalformedMediaException(kind + " file is damaged: a fragment names a track the movie lacks");
            }
            int at = 8;
            long base = moofOffset;
            if ((flags & 0x1) != 0) {
                base = tfhd.getLong(at);
                at += 8;
            }
            if ((flags & 0x2) != 0) {
                at += 4;
            }
            long defaultDuration = track.defaultDuration();
            long defaultSize = track.defaultSize();
            if ((flags & 0x8) != 0) {
                defaultDuration = tfhd.getInt(at) & 0xFFFFFFFFL;
                at += 4;
            }
            if ((flags & 0x10) != 0) {
                defaultSize = tfhd.getInt(at) & 0xFFFFFFFFL;
            }
            ByteBuffer tfdt = child(traf, "tfdt");
            long time = tfdt == null ? ends.getOrDefault(track.id(), 0L)
                    : tfdt.get(0) == 1 ? tfdt.getLong(4) : tfdt.getInt(4) & 0xFFFFFFFFL;
            for (ByteBuffer trun : children(traf, "trun")) {
                int runFlags = trun.getInt(0) & 0xFFFFFF;
                long count = trun.getInt(4) & 0xFFFFFFFFL;
                int pos = 8;
                long dataOffset = base;
                if ((runFlags & 0x1) != 0) {
                    dataOffset = base + trun.getInt(pos);
                    pos += 4;
                }
                if ((runFlags & 0x4) != 0) {
                    pos += 4;
                }
                int perSample = Integer.bitCount(runFlags & 0xF00) * 4;
                if (count * perSample > trun.limit() - pos) {
                    throw new MalformedMediaException(kind + " file is damaged: a fragment lists more samples than it holds");
                }
                for (long i = 0; i < count; i++) {
                    long duration = (runFlags & 0x100) != 0 ? trun.getInt(pos) & 0xFFFFFFFFL : defaultDuration;
                    int sizeAt = pos + ((runFlags & 0x100) != 0 ? 4 : 0);
                    long size = (runFlags & 0x200) != 0 ? trun.getInt(sizeAt) & 0xFFFFFFFFL : defaultSize;
                    if (i == 0 && !firstSamples.containsKey(track.id())) {
                        if (size > MAX_SAMPLE || dataOffset < 0 || dataOffset + size > fileSize) {
                            throw new MalformedMediaException(kind + " file is damaged: a sample lies outside the file");
                        }
                        firstSamples.put(track.id(), new Sample(dataOffset, (int) size));
                    }
                    time += duration;
                    pos += perSample;
                }
            }
            ends.merge(track.id(), time, Math::max);
        }
    }

    private static ByteBuffer required(ByteBuffer parent, String type, String kind) throws MalformedMediaException {
        ByteBuffer box = child(parent, type);
        if (box == null) {
            throw new MalformedMediaException(kind + " file is damaged: its MP4 movie header lacks " + type);
        }
        return box;
    }

    private static ByteBuffer child(ByteBuffer parent, String type) {
        java.util.List<ByteBuffer> found = children(parent, type);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The contents (after the header) of the child boxes of this type, in order. */
    private static java.util.List<ByteBuffer> children(ByteBuffer parent, String type) {
        java.util.List<ByteBuffer> found = new java.util.ArrayList<>();
        for (int at = 0; at + 8 <= parent.limit(); ) {
            long size = parent.getInt(at) & 0xFFFFFFFFL;
            int header = 8;
            if (size == 1) {
                size = parent.getLong(at + 8);
                header = 16;
            } else if (size == 0) {
                size = parent.limit() - at;
            }
            if (size < header || size > parent.limit() - at) {
                throw new IllegalArgumentException("box runs past its parent");
            }
            if (type(parent, at + 4).equals(type)) {
                found.add(parent.slice(at + header, (int) size - header));
            }
            at += (int) size;
        }
        return found;
    }

    private static String type(ByteBuffer buffer, int at) {
        byte[] four = new byte[4];
        buffer.get(at, four);
        return new String(four, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer read(SeekableByteChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(offset);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            continue;
        }
        if (buffer.hasRemaining()) {
            throw new java.io.EOFException("the file ended early");
        }
        return buffer.flip();
    }
}
