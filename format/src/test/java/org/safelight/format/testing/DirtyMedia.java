package org.safelight.format.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * Media as a phone leaves them: the shared fixtures with a location, the device's make and model
 * and creation times added where phones and editors put them, built here so every module's tests
 * (format, web, cli) seal the same bytes. None of these strings may survive sealing.
 */
public final class DirtyMedia {
    /** The ISO 6709 location phones write ({@code ©xyz}, Apple's location key, EXIF GPS as text). */
    public static final String LOCATION = "+48.8577+002.2945/";
    public static final String MAKE = "AcmePhoneMaker";
    public static final String MODEL = "SM-G991B";
    /** What must not be found in a sealed item. */
    public static final List<String> SECRETS = List.of("+48.8577", MAKE, MODEL, "SECRET");
    /** The creation time written into mvhd, tkhd and mdhd. */
    public static final int TIME = 0xDEADBEEF;

    private DirtyMedia() {
    }

    /** clip.m4v (moov after mdat) with udta/meta in moov and a trak, a uuid XMP box and a 64-bit-size udta at the end. */
    public static byte[] video() {
        return mp4("clip.m4v");
    }

    /** voice.m4a, dirtied as {@link #video()}. */
    public static byte[] audio() {
        return mp4("voice.m4a");
    }

    /** photo-landscape.jpg with XMP, an ICC profile naming the device, a comment, an FFF0 segment and a trailer. */
    public static byte[] photo() {
        byte[] plain = read("photo-landscape.jpg");
        byte[] icc = new byte[132];
        ByteBuffer.wrap(icc).putInt(icc.length).put(36, ascii("acsp")).put(48, ascii(MODEL));
        return concat(new byte[] {(byte) 0xFF, (byte) 0xD8},
                segment(0xE1, ascii("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta tiff:Make='" + MAKE + "' tiff:Model='"
                        + MODEL + "' exif:GPSLatitude='" + LOCATION + "'/>")),
                segment(0xE2, concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, icc)),
                segment(0xFE, ascii("SECRET comment " + LOCATION)),
                segment(0xF0, ascii("SECRET-GPS " + LOCATION)),
                java.util.Arrays.copyOfRange(plain, 2, plain.length),
                ascii("SECRET trailer " + MAKE));
    }

    private static byte[] mp4(String fixture) {
        byte[] b = read(fixture);
        int moov = topLevel(b, "moov");
        int moovEnd = moov + ByteBuffer.wrap(b).getInt(moov);
        ByteArrayOutputStream children = new ByteArrayOutputStream();
        boolean firstTrak = true;
        for (int at = moov + 8; at < moovEnd; ) {
            int size = ByteBuffer.wrap(b).getInt(at);
            byte[] child = java.util.Arrays.copyOfRange(b, at, at + size);
            if (type(b, at).equals("trak") && firstTrak) {
                firstTrak = false;
                child = box("trak", java.util.Arrays.copyOfRange(child, 8, child.length),
                        box("meta", ascii("com.apple.quicktime.make " + MAKE)));
            }
            children.writeBytes(child);
            at += size;
        }
        byte[] udta = box("udta", box("\u00A9xyz", ascii("\0\u0012\u0015\u00C7" + LOCATION)),
                box("\u00A9mak", ascii("\0\0\0\0" + MAKE)), box("\u00A9mod", ascii("\0\0\0\0" + MODEL)));
        byte[] newMoov = box("moov", children.toByteArray(), udta,
                box("meta", ascii("\0\0\0\0com.apple.quicktime.location.ISO6709 " + LOCATION)));
        for (String timed : List.of("mvhd", "tkhd", "mdhd")) {
            for (int at = find(newMoov, timed, 0); at >= 0; at = find(newMoov, timed, at + 5)) {
                ByteBuffer.wrap(newMoov).putInt(at + 12, TIME).putInt(at + 16, TIME); // after version and flags
            }
        }
        byte[] xmp = ascii("SECRET <x:xmpmeta tiff:Model='" + MODEL + "'/>");
        ByteBuffer large = ByteBuffer.allocate(16 + xmp.length).putInt(1).put(ascii("udta")).putLong(16 + xmp.length)
                .put(xmp);
        return concat(java.util.Arrays.copyOf(b, moov), newMoov, java.util.Arrays.copyOfRange(b, moovEnd, b.length),
                box("uuid", new byte[] {(byte) 0xBE, 0x7A, (byte) 0xCF, (byte) 0xCB, (byte) 0x97, (byte) 0xA9, 0x42,
                    (byte) 0xE8, (byte) 0x9C, 0x71, (byte) 0x99, (byte) 0x94, (byte) 0x91, (byte) 0xE3, (byte) 0xAF,
                    (byte) 0xAC}, xmp),
                large.array());
    }

    private static int topLevel(byte[] b, String type) {
        for (int at = 0; at < b.length; at += ByteBuffer.wrap(b).getInt(at)) {
            if (type(b, at).equals(type)) {
                return at;
            }
        }
        throw new IllegalStateException(type + " not in fixture");
    }

    /** The offset of a box of this type (its size field) after {@code from}, by searching for its type; -1 if none. */
    private static int find(byte[] b, String type, int from) {
        byte[] t = ascii(type);
        for (int at = Math.max(from, 4); at + 4 <= b.length; at++) {
            if (java.util.Arrays.equals(b, at, at + 4, t, 0, 4)) {
                return at - 4;
            }
        }
        return -1;
    }

    private static String type(byte[] b, int at) {
        return new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
    }

    public static byte[] box(String type, byte[]... contents) {
        byte[] body = concat(contents);
        return concat(ByteBuffer.allocate(4).putInt(8 + body.length).array(), ascii(type), body);
    }

    private static byte[] segment(int marker, byte[] payload) {
        int length = payload.length + 2;
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload);
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] read(String fixture) {
        try {
            return Files.readAllBytes(SharedFiles.media(fixture));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
