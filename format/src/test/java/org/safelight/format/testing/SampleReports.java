package org.safelight.format.testing;

import java.util.List;
import java.util.Set;
import org.safelight.format.report.Consent;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.ReportMetadata;

/** A realistic, entirely fictional report for tests. */
public final class SampleReports {
    public static final String REPORT_ID = "0000000011462800528240";

    private SampleReports() {
    }

    public static ReportMetadata metadata(MediaItem... media) {
        return new ReportMetadata(
                new ReportMetadata.Patient("Ada", "Quill", "7", "3", "1961", "MRN-204817", "", "Sam Quill"),
                new ReportMetadata.Clinician("1146", "Dr", "Noor", "Haddad", "noor.haddad@example.org", "AU"),
                new ReportMetadata.Details("Left forearm laceration, 4 cm, cleaned and closed with 5 sutures.",
                        "2026-11-20T14:05:00+11:00", REPORT_ID, "email", "", "", "",
                        new ReportMetadata.Location("", "", "Ward 4B, Example Hospital"), "", "", "", "", "", "",
                        "", "false"),
                Consent.of(Consent.ConsentType.SIGNED, Set.of(ConsentLevel.TREATMENT, ConsentLevel.EDUCATION)),
                List.of(media));
    }

    public static MediaItem photo(String id) {
        return new MediaItem(new ItemId(id), MediaItem.MediaType.PHOTO, Set.of(ConsentLevel.TREATMENT));
    }
}
