package org.safelight.endpoint.dicom;

import static org.safelight.endpoint.dicom.DicomOutput.tag;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import org.safelight.format.media.MalformedMediaException;
import org.safelight.format.media.Photos;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.ReportMetadata;

/**
 * One JPEG photo of a report as a DICOM VL Photographic Image (SOP class
 * 1.2.840.10008.5.1.4.1.1.77.1.4), in a Part 10 file of transfer syntax JPEG Baseline
 * (1.2.840.10008.1.2.4.50): the JPEG without its metadata (what our sealing keeps, see {@link
 * #encode}) is encapsulated as one fragment after an empty basic offset table; its compressed image
 * is never decoded or re-encoded. A PACS keeps what it is sent for decades, so a photo sealed
 * elsewhere (another product, an older app) must not bring its location, device or thumbnail along.
 *
 * <p>The attributes, by module (PS3.3 A.32.4): Patient (name {@code family^given}, ID, birth date,
 * sex empty), General Study (UID from the report ID, date and time of the report, the report ID in
 * Study ID and Study Description), General Series (modality XC, UID from the report ID, number 1,
 * operator = the clinician), General Equipment (manufacturer Safelight), General Image (instance
 * number = the photo's place among the report's photos, content date and time of the report, the
 * report's notes as image comments), Image Pixel (from the JPEG's frame header), Acquisition Context
 * (empty), VL Image ({@code ORIGINAL\PRIMARY}, lossy compression {@code 01} by ISO_10918_1) and SOP
 * Common (UTF-8, {@code ISO_IR 192}; SOP Instance UID from the report and item IDs, so that a retry
 * sends the same instance and the PACS keeps one). UIDs are {@code 2.25.} and the decimal value of
 * a name-based UUID (PS3.5 B.2), so the same report always gives the same study. Stateless and
 * thread-safe.
 */
public final class PhotoEncoder {
    public static final String VL_PHOTOGRAPHIC_IMAGE = "1.2.840.10008.5.1.4.1.1.77.1.4";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    static final String IMPLEMENTATION_CLASS_UID = uid("safelight/implementation");
    static final String IMPLEMENTATION_VERSION = "SAFELIGHT_1";
    /** The largest fragment an item's 32-bit length can hold, even. */
    private static final long MAX_JPEG = 0xFFFF_FFFEL - 1;
    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("uuuuMMdd");
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    private PhotoEncoder() {
    }

    /** The study every photo of the report {@code reportId} goes into. */
    public static String studyUid(String reportId) {
        return uid("safelight/study/" + reportId);
    }

    public static String seriesUid(String reportId) {
        return uid("safelight/series/" + reportId);
    }

    public static String instanceUid(String reportId, ItemId item) {
        return uid("safelight/instance/" + reportId + "/" + item.value());
    }

    /**
     * Why the report's patient cannot be filed in a PACS, or empty: a PACS files by patient ID, so a
     * report without one (or with one DICOM cannot hold) is not sent.
     */
    public static Optional<String> patientIdProblem(ReportMetadata metadata) {
        String id = metadata.patient().patientid().strip();
        if (id.isEmpty()) {
            return Optional.of("the report has no patient ID, and a PACS files images by patient ID");
        }
        if (id.codePointCount(0, id.length()) > 64 || id.chars().anyMatch(c -> c == '\\' || Character.isISOControl(c))) {
            return Optional.of("the report's patient ID is longer than 64 characters or holds a backslash or a control"
                    + " character, which a DICOM patient ID cannot");
        }
        return Optional.empty();
    }

    /**
     * The DICOM file of the photo {@code jpeg}, item {@code item} of report {@code reportId}, without
     * the photo's metadata: {@code jpeg} is first copied to {@code cleanCopy} by {@link
     * Photos#stripMetadata(Path, Path)} (our sealing's keep list: no EXIF but a rebuilt orientation, no
     * XMP, IPTC, ICC profile, comment or thumbnail; the compressed image byte for byte), streamed, and
     * that copy is what the file encapsulates. A photo that is already clean (one our sealing made)
     * comes out byte for byte the same.
     *
     * @param instanceNumber the photo's place among the report's photos, from 1
     * @param cleanCopy      where the copy is written (replaced if it exists); the returned photo reads
     *                       it, so it must stay until the photo is sent, and the caller deletes it
     * @throws UnsuitablePhotoException the patient ID cannot be filed, or the photo is damaged, not a
     *                                  JPEG or not baseline; {@code cleanCopy} is not left behind
     * @throws IOException              {@code jpeg} cannot be read or {@code cleanCopy} written
     */
    public static EncodedPhoto encode(ReportMetadata metadata, String reportId, ItemId item, int instanceNumber,
                                      Path jpeg, Path cleanCopy) throws IOException, UnsuitablePhotoException {
        Optional<String> problem = patientIdProblem(metadata);
        if (problem.isPresent()) {
            throw new UnsuitablePhotoException(problem.get());
        }
        try {
            Photos.stripMetadata(jpeg, cleanCopy);
        } catch (MalformedMediaException e) {
            // Its messages read "photo is truncated: ...", ours complete "the photo p2 ...".
            String reason = e.getMessage();
            throw new UnsuitablePhotoException(reason.startsWith("photo ") ? reason.substring("photo ".length())
                    : "cannot be read as a JPEG: " + reason);
        }
        try {
            return encapsulate(metadata, reportId, item, instanceNumber, cleanCopy);
        } catch (UnsuitablePhotoException | IOException | RuntimeException e) {
            Files.deleteIfExists(cleanCopy);
            throw e;
        }
    }

    /**
     * The DICOM file of {@code jpeg} as it is, metadata and all: for a JPEG already stripped (and for
     * tests of the encapsulation itself).
     */
    static EncodedPhoto encapsulate(ReportMetadata metadata, String reportId, ItemId item, int instanceNumber,
                                    Path jpeg) throws IOException, UnsuitablePhotoException {
        Optional<String> problem = patientIdProblem(metadata);
        if (problem.isPresent()) {
            throw new UnsuitablePhotoException(problem.get());
        }
        long size = Files.size(jpeg);
        if (size > MAX_JPEG) {
            throw new UnsuitablePhotoException("is larger than a DICOM fragment can hold (4 GB)");
        }
        JpegFrame frame = JpegFrame.read(jpeg);
        String sopInstanceUid = instanceUid(reportId, item);
        byte[] dataSet = dataSet(metadata, reportId, sopInstanceUid, instanceNumber, frame, size + size % 2);
        byte[] tail = size % 2 == 1 ? new byte[] {0, (byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0}
                : new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};
        byte[] meta = fileMeta(sopInstanceUid);
        byte[] head = ByteBuffer.allocate(128 + 4 + meta.length + dataSet.length)
                .put(new byte[128]).put("DICM".getBytes(StandardCharsets.US_ASCII)).put(meta).put(dataSet).array();
        return new EncodedPhoto(sopInstanceUid, head, jpeg, size, tail);
    }

    /** Group 2, explicit VR little endian, with its group length first. */
    private static byte[] fileMeta(String sopInstanceUid) {
        byte[] rest = new DicomOutput()
                .element(tag(0x0002, 0x0001), "OB", new byte[] {0, 1})
                .text(tag(0x0002, 0x0002), "UI", VL_PHOTOGRAPHIC_IMAGE)
                .text(tag(0x0002, 0x0003), "UI", sopInstanceUid)
                .text(tag(0x0002, 0x0010), "UI", JPEG_BASELINE)
                .text(tag(0x0002, 0x0012), "UI", IMPLEMENTATION_CLASS_UID)
                .text(tag(0x0002, 0x0013), "SH", IMPLEMENTATION_VERSION)
                .toByteArray();
        return new DicomOutput().ul(tag(0x0002, 0x0000), rest.length).raw(rest).toByteArray();
    }

    /** The data set up to and including the pixel data's fragment item header. */
    private static byte[] dataSet(ReportMetadata m, String reportId, String sopInstanceUid, int instanceNumber,
                                  JpegFrame frame, long fragmentLength) {
        ReportMetadata.Patient patient = m.patient();
        Optional<OffsetDateTime> offsetTime = offsetDateTime(m.details().datetime());
        Optional<LocalDateTime> when = offsetTime.map(OffsetDateTime::toLocalDateTime)
                .or(() -> localDateTime(m.details().datetime()));
        String date = when.map(w -> da(w.toLocalDate())).orElse("");
        String time = when.map(TM::format).orElse("");
        DicomOutput d = new DicomOutput()
                .text(tag(0x0008, 0x0005), "CS", "ISO_IR 192")
                .text(tag(0x0008, 0x0008), "CS", "ORIGINAL\\PRIMARY")
                .text(tag(0x0008, 0x0016), "UI", VL_PHOTOGRAPHIC_IMAGE)
                .text(tag(0x0008, 0x0018), "UI", sopInstanceUid)
                .text(tag(0x0008, 0x0020), "DA", date)
                .text(tag(0x0008, 0x0023), "DA", date)
                .text(tag(0x0008, 0x0030), "TM", time)
                .text(tag(0x0008, 0x0033), "TM", time)
                .text(tag(0x0008, 0x0050), "SH", "")
                .text(tag(0x0008, 0x0060), "CS", "XC")
                .text(tag(0x0008, 0x0070), "LO", "Safelight")
                .text(tag(0x0008, 0x0090), "PN", "");
        if (offsetTime.isPresent()) {
            int minutes = offsetTime.get().getOffset().getTotalSeconds() / 60;
            d.text(tag(0x0008, 0x0201), "SH", String.format("%s%02d%02d", minutes < 0 ? "-" : "+",
                    Math.abs(minutes) / 60, Math.abs(minutes) % 60));
        }
        d.text(tag(0x0008, 0x1030), "LO", clip("Safelight report " + reportId, 64))
                .text(tag(0x0008, 0x103E), "LO", "Clinical photographs")
                .text(tag(0x0008, 0x1070), "PN", personName(m.user().lastname(), m.user().firstname()))
                .text(tag(0x0010, 0x0010), "PN", personName(patient.lastname(), patient.firstname()))
                .text(tag(0x0010, 0x0020), "LO", patient.patientid().strip())
                .text(tag(0x0010, 0x0030), "DA", birthDate(patient))
                .text(tag(0x0010, 0x0040), "CS", "")
                .text(tag(0x0020, 0x000D), "UI", studyUid(reportId))
                .text(tag(0x0020, 0x000E), "UI", seriesUid(reportId))
                .text(tag(0x0020, 0x0010), "SH", reportId.substring(Math.max(0, reportId.length() - 16)))
                .text(tag(0x0020, 0x0011), "IS", "1")
                .text(tag(0x0020, 0x0013), "IS", Integer.toString(instanceNumber))
                .text(tag(0x0020, 0x0020), "CS", "")
                .text(tag(0x0020, 0x0060), "CS", "");
        String notes = m.details().notes().strip();
        if (!notes.isEmpty()) {
            d.text(tag(0x0020, 0x4000), "LT", clip(notes, 10240));
        }
        d.us(tag(0x0028, 0x0002), frame.components())
                .text(tag(0x0028, 0x0004), "CS", frame.photometric());
        if (frame.components() > 1) {
            d.us(tag(0x0028, 0x0006), 0);
        }
        d.us(tag(0x0028, 0x0010), frame.rows())
                .us(tag(0x0028, 0x0011), frame.columns())
                .us(tag(0x0028, 0x0100), 8)
                .us(tag(0x0028, 0x0101), 8)
                .us(tag(0x0028, 0x0102), 7)
                .us(tag(0x0028, 0x0103), 0)
                .text(tag(0x0028, 0x2110), "CS", "01")
                .text(tag(0x0028, 0x2114), "CS", "ISO_10918_1")
                .emptySequence(tag(0x0040, 0x0555))
                .header(tag(0x7FE0, 0x0010), "OB", 0xFFFF_FFFFL)
                .item(tag(0xFFFE, 0xE000), 0)
                .item(tag(0xFFFE, 0xE000), fragmentLength);
        return d.toByteArray();
    }

    /** {@code 2.25.} and the decimal value of the name-based UUID of {@code name}. */
    static String uid(String name) {
        UUID uuid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, bytes);
    }

    /** {@code family^given}, without the characters PN uses as delimiters; empty when both are empty. */
    static String personName(String family, String given) {
        String f = component(family);
        String g = component(given);
        return clip(g.isEmpty() ? f : f + "^" + g, 64); // 64 characters per component group
    }

    private static String component(String s) {
        return s.replaceAll("[\\^=\\\\\\p{Cntrl}]", " ").strip().replaceAll(" {2,}", " ");
    }

    /** YYYYMMDD when year, month and day make a date with a year of four digits, else empty (the attribute is type 2). */
    static String birthDate(ReportMetadata.Patient patient) {
        try {
            return da(LocalDate.of(Integer.parseInt(patient.year().strip()),
                    Integer.parseInt(patient.month().strip()), Integer.parseInt(patient.day().strip())));
        } catch (NumberFormatException | DateTimeException e) {
            return "";
        }
    }

    /** A DA is exactly 8 digits: YYYYMMDD for the years 1000 to 9999, else empty. */
    private static String da(LocalDate date) {
        return date.getYear() >= 1000 && date.getYear() <= 9999 ? DA.format(date) : "";
    }

    private static Optional<OffsetDateTime> offsetDateTime(String s) {
        try {
            return Optional.of(OffsetDateTime.parse(s.strip()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<LocalDateTime> localDateTime(String s) {
        try {
            return Optional.of(LocalDateTime.parse(s.strip()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String clip(String s, int codePoints) {
        if (s.codePointCount(0, s.length()) <= codePoints) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, codePoints)).strip();
    }
}
