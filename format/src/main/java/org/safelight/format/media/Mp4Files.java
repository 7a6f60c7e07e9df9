package org.safelight.format.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.mp4.AvcCBox;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.boxes.MovieBox;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.jcodec.scale.AWTUtil;

/**
 * Reading MP4 files (.m4v, .m4a) with JCodec, which stays behind this class (fragmented files, as
 * MediaRecorder writes them, through {@link Mp4Fragments}). JCodec trusts the
 * sizes a file declares, so the top-level box layout is checked here first: a forged size must
 * give a clear error, not an attempt to allocate gigabytes. Stateless and thread-safe.
 */
final class Mp4Files {
    /** Box types an MP4 or QuickTime file may start with; ISO files start with ftyp. */
    private static final Set<String> FIRST_BOXES = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide");
    /** Far more than the sample tables of hours of video need, far less than a forged size may claim. */
    private static final long MAX_MOVIE_BOX = 64L * 1024 * 1024;
    /** Where the frame is taken, past any fade from black; clips under twice this show their first frame. */
    private static final double FRAME_AT_SECONDS = 0.5;

    private Mp4Files() {
    }

    /** How long an audio file plays, from its movie header (or, fragmented, from its fragments). */
    static Duration audioDuration(Path file) throws IOException {
        checkLayout(file, "audio");
        Optional<Mp4Fragments> fragments = Mp4Fragments.read(file, "audio");
        if (fragments.isPresent()) {
            if (fragments.get().track("soun").isEmpty()) {
                throw new MalformedMediaException("audio file has no audio track");
            }
            return fragments.get().duration("soun");
        }
        try (FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile())) {
            MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(channel);
            if (demuxer.getAudioTracks().isEmpty()) {
                throw new MalformedMediaException("audio file has no audio track");
            }
            MovieBox movie = demuxer.getMovie();
            long timescale = movie.getTimescale();
            long units = movie.getDuration();
            if (timescale <= 0 || units < 0) {
                throw new MalformedMediaException("audio file has an invalid duration");
            }
            return Duration.ofMillis(Math.round(units * 1000.0 / timescale));
        } catch (RuntimeException e) {
            throw new MalformedMediaException("audio file is damaged: its MP4 structure cannot be read", e);
        }
    }

    /**
     * How long a video plays: the movie header's length, or the end of the last fragment of a
     * fragmented file (whose header often says 0).
     */
    static Duration videoDuration(Path file) throws IOException {
        checkLayout(file, "video");
        Optional<Mp4Fragments> fragments = Mp4Fragments.read(file, "video");
        if (fragments.isPresent()) {
            return fragments.get().duration("vide");
        }
        try (FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile())) {
            MovieBox movie = MP4Demuxer.createMP4Demuxer(channel).getMovie();
            return movie.getTimescale() <= 0 ? Duration.ZERO
                    : Duration.ofMillis(Math.round(movie.getDuration() * 1000.0 / movie.getTimescale()));
        } catch (RuntimeException e) {
            throw new MalformedMediaException("video file is damaged: its MP4 structure cannot be read", e);
        }
    }

    /**
     * A decoded frame near the start of the video, turned the way the video's track says it is
     * shown; empty when the video is fragmented and not H.264 (Chromium records VP9 in MP4 by
     * default), which JCodec cannot decode: the caller shows a card instead.
     */
    static Optional<BufferedImage> frameNearStart(Path file) throws IOException {
        checkLayout(file, "video");
        Optional<Mp4Fragments> fragments = Mp4Fragments.read(file, "video");
        if (fragments.isPresent()) {
            return firstFrame(file, fragments.get());
        }
        try (FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile())) {
            // FrameGrab fails with a bare NullPointerException when there is no video track
            if (MP4Demuxer.createMP4Demuxer(channel).getVideoTracks().isEmpty()) {
                throw new MalformedMediaException("video file has no video track");
            }
        } catch (RuntimeException e) {
            throw new MalformedMediaException("video file is damaged: its MP4 structure cannot be read", e);
        }
        try (FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile())) {
            FrameGrab grab = FrameGrab.createFrameGrab(channel);
            DemuxerTrack track = grab.getVideoTrack();
            if (track.getMeta().getTotalDuration() >= 2 * FRAME_AT_SECONDS) {
                grab.seekToSecondPrecise(FRAME_AT_SECONDS);
            }
            Picture picture = grab.getNativeFrame();
            if (picture == null) {
                throw new MalformedMediaException("video file has no frames");
            }
            return Optional.of(AWTUtil.toBufferedImage(picture, track.getMeta().getOrientation()));
        } catch (JCodecException | RuntimeException e) {
            throw new MalformedMediaException("video could not be decoded (expected H.264 video in MP4)", e);
        }
    }

    /** The first sample of a fragmented H.264 track (a key frame: a recording starts with one). */
    private static Optional<BufferedImage> firstFrame(Path file, Mp4Fragments fragments) throws IOException {
        Mp4Fragments.Track track = fragments.track("vide")
                .orElseThrow(() -> new MalformedMediaException("video file has no video track"));
        if (track.codecConfig() == null) {
            return Optional.empty();
        }
        ByteBuffer sample = fragments.firstSample(file, track)
                .orElseThrow(() -> new MalformedMediaException("video file has no frames"));
        try {
            AvcCBox avcC = H264Utils.parseAVCCFromBuffer(track.codecConfig().duplicate());
            ByteBuffer parameterSets = H264Utils.avcCToAnnexB(avcC);
            H264Decoder decoder = H264Decoder.createH264DecoderFromCodecPrivate(parameterSets.duplicate());
            Size size = decoder.getCodecMeta(parameterSets.duplicate()).getSize();
            Picture buffer = Picture.create((size.getWidth() + 15) & ~15, (size.getHeight() + 15) & ~15, ColorSpace.YUV420J);
            Picture frame = decoder.decodeFrameFromNals(H264Utils.splitMOVPacket(sample, avcC), buffer.getData());
            if (frame == null) {
                throw new MalformedMediaException("video file has no frames");
            }
            return Optional.of(AWTUtil.toBufferedImage(frame));
        } catch (RuntimeException e) {
            throw new MalformedMediaException("video could not be decoded (its first H.264 frame is damaged)", e);
        }
    }

    /** Walks the top-level boxes: each must fit in the file, and there must be a plausible movie box. */
    static void checkLayout(Path file, String kind) throws IOException {
        long fileSize = Files.size(file);
        boolean movieFound = false;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            for (long offset = 0; offset < fileSize; ) {
                long available = fileSize - offset;
                ByteBuffer header = readAt(channel, offset, (int) Math.min(16, available));
                long size = header.limit() >= 8 ? header.getInt(0) & 0xFFFFFFFFL : -1;
                String type = size < 0 ? "" : new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
                int headerSize = 8;
                if (size == 1) { // a 64-bit size follows the type
                    size = header.limit() >= 16 ? header.getLong(8) : -1;
                    headerSize = 16;
                } else if (size == 0) { // the box runs to the end of the file
                    size = available;
                }
                if (offset == 0 && !FIRST_BOXES.contains(type)) {
                    throw new MalformedMediaException(kind + " file is not an MP4 file");
                }
                if (size < headerSize || size > available) {
                    throw new MalformedMediaException(kind + " file is truncated or damaged: an MP4 box "
                            + "runs past the end of the file");
                }
                if (type.equals("moov")) {
                    if (size > MAX_MOVIE_BOX) {
                        throw new MalformedMediaException(kind + " file is damaged: its MP4 movie header "
                                + "is implausibly large");
                    }
                    movieFound = true;
                }
                offset += size;
            }
        }
        if (!movieFound) {
            throw new MalformedMediaException(kind + " file has no MP4 movie header (empty or incomplete file?)");
        }
    }

    private static ByteBuffer readAt(SeekableByteChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(offset);
        // a channel may return fewer bytes than asked for
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            continue;
        }
        return buffer.flip();
    }
}
