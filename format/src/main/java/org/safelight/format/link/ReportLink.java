package org.safelight.format.link;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.safelight.format.report.ReportId;

/**
 * The name a cloud report is found by: {@code {region}/{random}-{ReportID}}, where {@code random} is
 * 22 case-sensitive alphanumerics from a CSPRNG (about 131 bits), so links cannot be guessed or
 * enumerated. Immutable.
 */
public record ReportLink(Region region, String random, String reportId) {
    public static final int RANDOM_LENGTH = 22;
    private static final Pattern REPORT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9]{" + RANDOM_LENGTH + "})-([A-Za-z0-9_-]{1,64})");

    public ReportLink {
        if (!isReportId(reportId)) {
            throw new IllegalArgumentException("a report ID is 1 to 64 of A-Z a-z 0-9 _ -");
        }
        if (random == null || !random.matches("[A-Za-z0-9]{" + RANDOM_LENGTH + "}")) {
            throw new IllegalArgumentException("the random part of a link is " + RANDOM_LENGTH + " alphanumerics");
        }
    }

    /** A fresh, unguessable link for a report. */
    public static ReportLink fresh(Region region, String reportId) {
        return new ReportLink(region, ReportId.randomAlphanumerics(RANDOM_LENGTH), reportId);
    }

    /** The link named by the path segments {@code region} and {@code name}; empty when malformed. */
    public static Optional<ReportLink> parse(String region, String name) {
        Optional<Region> r = Region.fromPath(region);
        if (r.isEmpty() || name == null) {
            return Optional.empty();
        }
        Matcher m = NAME.matcher(name);
        return m.matches() ? Optional.of(new ReportLink(r.get(), m.group(1), m.group(2))) : Optional.empty();
    }

    public static boolean isReportId(String id) {
        return id != null && REPORT_ID.matcher(id).matches();
    }

    /** {@code {random}-{ReportID}}: the last path segment. */
    public String name() {
        return random + "-" + reportId;
    }

    /** {@code {region}/{random}-{ReportID}}: the key under which its bytes are stored. */
    public String path() {
        return region.name() + "/" + name();
    }

    /** Keeps the unguessable part out of logs. */
    @Override
    public String toString() {
        return "ReportLink[" + region + "/…-" + reportId + "]";
    }
}
