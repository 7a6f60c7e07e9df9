package org.safelight.endpoint.dicom;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.safelight.format.media.Photos;

/**
 * JPEGs as a phone or another product's app leaves them, for the PACS tests: an EXIF block (little
 * endian, as most phones write it) with make, model, serial number, capture time, a maker note, GPS
 * coordinates and an embedded thumbnail, then XMP and IPTC with the location again. Each secret is
 * a distinct byte string, so a test can show that none of it reaches the PACS.
 */
final class PhonePhotos {
    static final String MAKE = "AcmePhoneMaker";
    static final String MODEL = "SM-G991B";
    static final String SERIAL = "SN-0042-7781-XYZ";
    static final String MAKER_NOTE = "ACME-MAKERNOTE face-id:Ada lens-serial:77X";
    static final String XMP_LOCATION = "exif:GPSLatitude='48,51.4662N'";
    static final String IPTC_CITY = "Paris-7e-Arrondissement";
    /** GPSLatitude 48 deg 51 min 28.47 s and GPSLongitude 2 deg 17 min 40.20 s, as EXIF rationals (little endian). */
    static final byte[] GPS_LATITUDE = rationals(48, 1, 51, 1, 2847, 100);
    static final byte[] GPS_LONGITUDE = rationals(2, 1, 17, 1, 4020, 100);

    private static final int ASCII = 2;
    private static final int SHORT = 3;
    private static final int LONG = 4;
    private static final int RATIONAL = 5;
    private static final int UNDEFINED = 7;

    private PhonePhotos() {
    }

    /** What must not be found in a photo the PACS holds: the strings and the GPS bytes above, and the thumbnail. */
    static List<byte[]> secrets(byte[] thumbnail) {
        List<byte[]> secrets = new ArrayList<>();
        for (String s : List.of(MAKE, MODEL, SERIAL, MAKER_NOTE, XMP_LOCATION, IPTC_CITY, "2026:11:20 14:05:09",
                "http://ns.adobe.com/xap/1.0/", "Photoshop 3.0")) {
            secrets.add(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        secrets.add(GPS_LATITUDE);
        secrets.add(GPS_LONGITUDE);
        secrets.add(thumbnail);
        return secrets;
    }

    /** {@code jpeg} with the phone's segments inserted after its start-of-image marker. */
    static byte[] dirty(byte[] jpeg, int orientation, byte[] thumbnail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.writeBytes(segment(0xE1, concat(ascii("Exif\0\0"), tiff(orientation, thumbnail))));
        out.writeBytes(segment(0xE1, ascii("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description " + XMP_LOCATION
                + " tiff:Model='" + MODEL + "'/></x:xmpmeta>")));
        // IPTC in Photoshop's APP13: one 8BIM resource 0x0404 holding dataset 2:90 (city)
        byte[] city = ascii(IPTC_CITY);
        byte[] iptc = concat(new byte[] {0x1C, 2, 90, 0, (byte) city.length}, city);
        byte[] resource = concat(ascii("8BIM"), new byte[] {4, 4, 0, 0},
                ByteBuffer.allocate(4).putInt(iptc.length).array(), iptc, new byte[iptc.length % 2]);
        out.writeBytes(segment(0xED, concat(ascii("Photoshop 3.0\0"), resource)));
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** What our sealing keeps of {@code jpeg}. */
    static byte[] stripped(byte[] jpeg) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Photos.stripMetadata(new ByteArrayInputStream(jpeg), out);
        return out.toByteArray();
    }

    /** The TIFF structure of the EXIF block: IFD0, the EXIF IFD, the GPS IFD, then IFD1 with the thumbnail. */
    private static byte[] tiff(int orientation, byte[] thumbnail) {
        Tiff t = new Tiff();
        // Offsets are fixed by laying out the four IFDs first, then their out-of-line values.
        int ifd0 = 8;
        int exifIfd = ifd0 + Tiff.size(5);
        int gpsIfd = exifIfd + Tiff.size(3);
        int ifd1 = gpsIfd + Tiff.size(4);
        int data = ifd1 + Tiff.size(3);
        t.data = data;
        byte[] make = t.value(ascii(MAKE + "\0"));
        byte[] model = t.value(ascii(MODEL + "\0"));
        byte[] taken = t.value(ascii("2026:11:20 14:05:09\0"));
        byte[] note = t.value(ascii(MAKER_NOTE));
        byte[] serial = t.value(ascii(SERIAL + "\0"));
        byte[] latitude = t.value(GPS_LATITUDE);
        byte[] longitude = t.value(GPS_LONGITUDE);
        byte[] thumb = t.value(thumbnail);
        ByteBuffer b = ByteBuffer.allocate(t.data).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("II")).putShort((short) 42).putInt(ifd0);
        Tiff.ifd(b, ifd0, ifd1, new int[][] {
            {0x010F, ASCII, MAKE.length() + 1, Tiff.offset(make)}, {0x0110, ASCII, MODEL.length() + 1, Tiff.offset(model)},
            {0x0112, SHORT, 1, orientation}, {0x8769, LONG, 1, exifIfd}, {0x8825, LONG, 1, gpsIfd}});
        Tiff.ifd(b, exifIfd, 0, new int[][] {
            {0x9003, ASCII, 20, Tiff.offset(taken)}, {0x927C, UNDEFINED, MAKER_NOTE.length(), Tiff.offset(note)},
            {0xA431, ASCII, SERIAL.length() + 1, Tiff.offset(serial)}});
        Tiff.ifd(b, gpsIfd, 0, new int[][] {
            {0x0001, ASCII, 2, 'N'}, {0x0002, RATIONAL, 3, Tiff.offset(latitude)},
            {0x0003, ASCII, 2, 'E'}, {0x0004, RATIONAL, 3, Tiff.offset(longitude)}});
        Tiff.ifd(b, ifd1, 0, new int[][] {
            {0x0103, SHORT, 1, 6}, {0x0201, LONG, 1, Tiff.offset(thumb)}, {0x0202, LONG, 1, thumbnail.length}});
        for (byte[] v : t.values) {
            b.put(Tiff.offset(v), v, 4, v.length - 4);
        }
        return b.array();
    }

    /** Out-of-line values, each remembered with its offset in its first four bytes. */
    private static final class Tiff {
        int data;
        final List<byte[]> values = new ArrayList<>();

        static int size(int entries) {
            return 2 + entries * 12 + 4;
        }

        byte[] value(byte[] bytes) {
            byte[] v = concat(ByteBuffer.allocate(4).putInt(data).array(), bytes);
            data += bytes.length + bytes.length % 2;
            values.add(v);
            return v;
        }

        static int offset(byte[] value) {
            return ByteBuffer.wrap(value).getInt();
        }

        /** Writes an IFD of {tag, type, count, value or offset} entries at {@code at}, linked to the IFD at {@code next}. */
        static void ifd(ByteBuffer b, int at, int next, int[][] entries) {
            b.position(at);
            b.putShort((short) entries.length);
            for (int[] e : entries) {
                b.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
                if (e[1] == SHORT) {
                    b.putShort((short) e[3]).putShort((short) 0);
                } else if (e[1] == ASCII && e[2] <= 4) {
                    b.put((byte) e[3]).put(new byte[3]);
                } else {
                    b.putInt(e[3]);
                }
            }
            b.putInt(next);
        }
    }

    private static byte[] rationals(int... numbersAndDenominators) {
        ByteBuffer b = ByteBuffer.allocate(4 * numbersAndDenominators.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int n : numbersAndDenominators) {
            b.putInt(n);
        }
        return b.array();
    }

    private static byte[] segment(int marker, byte[] payload) {
        int length = payload.length + 2;
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
