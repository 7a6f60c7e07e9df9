package org.safelight.format.seal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.safelight.format.report.Consent;
import org.safelight.format.report.Consent.ConsentType;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;

/**
 * A report before it is sealed: a folder with {@code metadata.json}, the media files named
 * {@code {ItemID}.jpg|.m4v|.m4a}, and {@code consent.jpg} (signed) or {@code consent.m4a} (verbal).
 * Loading fills in what a report generates itself (report ID, date and time, the media list) and
 * refuses a draft whose files and metadata disagree, so nothing is silently left out.
 */
public record Draft(Path folder, ReportMetadata metadata, Map<ItemId, Path> mediaFiles, Path consentFile) {

    public static Draft load(Path folder, Clock clock) throws IOException {
        Path metadataFile = folder.resolve("metadata.json");
        if (!Files.isRegularFile(metadataFile)) {
            throw new MalformedReportException("the draft folder has no metadata.json: " + folder);
        }
        ReportMetadata metadata;
        try (InputStream in = Files.newInputStream(metadataFile)) {
            metadata = MetadataJson.read(in);
        }
        Map<String, Path> files = new TreeMap<>();
        try (var list = Files.list(folder)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && !name.equals("metadata.json") && Files.isRegularFile(p)) {
                    files.put(name, p);
                }
            }
        }
        Path consentFile = consentFile(metadata.consent().type(), files);
        Map<ItemId, Path> media = new LinkedHashMap<>();
        List<MediaItem> items = metadata.media().isEmpty()
                ? itemsFromFiles(files, metadata.consent().levels())
                : metadata.media();
        for (MediaItem item : items) {
            Path file = take(files, item.id().value(), item.type());
            if (file == null) {
                throw new MalformedReportException("metadata.json lists " + item.type().wire() + " '" + item.id()
                        + "' but the draft has no " + item.fileName());
            }
            media.put(item.id(), file);
        }
        if (!files.isEmpty()) {
            throw new MalformedReportException("the draft has files that metadata.json does not list: "
                    + files.keySet() + " (name media {ItemID}.jpg, .m4v or .m4a and list them, or remove them)");
        }
        return new Draft(folder, complete(metadata.withMedia(items), clock), media, consentFile);
    }

    private static Path consentFile(ConsentType type, Map<String, Path> files) throws MalformedReportException {
        Path jpg = take(files, "consent", MediaType.PHOTO);
        Path m4a = take(files, "consent", MediaType.AUDIO);
        switch (type) {
            case SIGNED -> {
                if (jpg == null) {
                    throw new MalformedReportException("consent is 'signed' but the draft has no consent.jpg");
                }
                return jpg;
            }
            case VERBAL -> {
                if (m4a == null) {
                    throw new MalformedReportException("consent is 'verbal' but the draft has no consent.m4a");
                }
                return m4a;
            }
            default -> {
                if (jpg != null || m4a != null) {
                    throw new MalformedReportException("consent is 'none' but the draft has a consent file; "
                            + "set consent.type to signed or verbal");
                }
                return null;
            }
        }
    }

    private static List<MediaItem> itemsFromFiles(Map<String, Path> files, Set<ConsentLevel> levels)
            throws MalformedReportException {
        List<MediaItem> items = new ArrayList<>();
        for (String name : files.keySet()) {
            int dot = name.lastIndexOf('.');
            MediaType type = dot < 0 ? null : typeOf(name.substring(dot));
            if (type != null) {
                items.add(new MediaItem(ItemId.parse(name.substring(0, dot)), type, levels));
            }
        }
        return items;
    }

    /** The media type a file name's extension stands for, in any case; null for other files. */
    private static MediaType typeOf(String extension) {
        String lower = extension.toLowerCase(Locale.ROOT);
        return lower.equals(".jpeg") ? MediaType.PHOTO : MediaType.ofExtension(lower);
    }

    /**
     * Removes and returns the draft's file {@code baseName} with an extension of {@code type}, in any
     * case: phones and cameras write {@code IMG_0001.JPG}, {@code .JPEG} and {@code .M4V}. Null when
     * there is none; two such files (wound.jpg and wound.JPG) are refused rather than one dropped.
     */
    private static Path take(Map<String, Path> files, String baseName, MediaType type)
            throws MalformedReportException {
        List<String> names = files.keySet().stream().filter(name -> {
            int dot = name.lastIndexOf('.');
            return dot > 0 && name.substring(0, dot).equals(baseName) && typeOf(name.substring(dot)) == type;
        }).toList();
        if (names.size() > 1) {
            throw new MalformedReportException("the draft has " + String.join(" and ", names)
                    + " for the same item: keep one");
        }
        return names.isEmpty() ? null : files.remove(names.get(0));
    }

    /** Fills the fields a report generates itself and makes the consent booleans agree with the levels. */
    private static ReportMetadata complete(ReportMetadata m, Clock clock) throws MalformedReportException {
        ReportMetadata.Details d = m.details();
        if (d.reportid().isEmpty()) {
            d = d.withReportId(ReportId.generate(userNumber(m.user().userid()), clock).value());
        } else {
            ReportId.parse(d.reportid());
        }
        if (d.datetime().isEmpty()) {
            d = d.withDatetime(OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS)
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }
        Consent c = m.consent();
        Set<ConsentLevel> levels = EnumSet.noneOf(ConsentLevel.class);
        levels.addAll(c.levels());
        if (c.treatment()) {
            levels.add(ConsentLevel.TREATMENT);
        }
        if (c.education()) {
            levels.add(ConsentLevel.EDUCATION);
        }
        if (c.publication()) {
            levels.add(ConsentLevel.PUBLICATION);
        }
        return new ReportMetadata(m.patient(), m.user(), d, Consent.of(c.type(), levels), m.media());
    }

    /** The 9-digit user number of a generated report ID: the user ID when it is one, else 0. */
    private static long userNumber(String userId) {
        String digits = userId.trim().toLowerCase(Locale.ROOT);
        return digits.matches("[0-9]{1,9}") ? Long.parseLong(digits) : 0L;
    }
}
