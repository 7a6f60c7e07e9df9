package org.safelight.format.report;

import java.util.List;
import java.util.Objects;

/**
 * The contents of {@code metadata.json}: who the patient is, who took the report, when and where,
 * the consent given and the media items. Immutable and thread-safe.
 *
 * <p>Free-text fields are never {@code null}; an absent value is the empty string, which is how it
 * is written (the format writes every value as a JSON string).
 */
public record ReportMetadata(Patient patient, Clinician user, Details details, Consent consent, List<MediaItem> media) {

    public ReportMetadata {
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(details, "details");
        Objects.requireNonNull(consent, "consent");
        media = List.copyOf(media);
    }

    /** The report's identifier, validated. */
    public ReportId reportId() throws MalformedReportException {
        return ReportId.parse(details.reportid());
    }

    public ReportMetadata withDetails(Details newDetails) {
        return new ReportMetadata(patient, user, newDetails, consent, media);
    }

    public ReportMetadata withMedia(List<MediaItem> newMedia) {
        return new ReportMetadata(patient, user, details, consent, newMedia);
    }

    public record Patient(String firstname, String lastname, String day, String month, String year,
                          String patientid, String translator, String guardian) {
        public Patient {
            firstname = Text.orEmpty(firstname);
            lastname = Text.orEmpty(lastname);
            day = Text.orEmpty(day);
            month = Text.orEmpty(month);
            year = Text.orEmpty(year);
            patientid = Text.orEmpty(patientid);
            translator = Text.orEmpty(translator);
            guardian = Text.orEmpty(guardian);
        }

        /** Date of birth as written ("YYYY-MM-DD" when all three parts are there), or empty. */
        public String dateOfBirth() {
            if (year.isEmpty() && month.isEmpty() && day.isEmpty()) {
                return "";
            }
            return String.join("-", year, Text.twoDigits(month), Text.twoDigits(day));
        }
    }

    /** The clinician who made the report (the seed calls it {@code user}). */
    public record Clinician(String userid, String title, String firstname, String lastname, String email, String country) {
        public Clinician {
            userid = Text.orEmpty(userid);
            title = Text.orEmpty(title);
            firstname = Text.orEmpty(firstname);
            lastname = Text.orEmpty(lastname);
            email = Text.orEmpty(email);
            country = Text.orEmpty(country);
        }

        public String displayName() {
            return Text.joinNonEmpty(" ", title, firstname, lastname);
        }
    }

    public record Location(String latitude, String longitude, String address) {
        public static final Location NONE = new Location("", "", "");

        public Location {
            latitude = Text.orEmpty(latitude);
            longitude = Text.orEmpty(longitude);
            address = Text.orEmpty(address);
        }
    }

    /**
     * Report details. {@code datetime} is ISO-8601 with an offset when we write it; files from
     * elsewhere may carry other forms, which are kept as they are.
     */
    public record Details(String notes, String datetime, String reportid, String sendtype, String sendto,
                          String reportendpoint, String ip, Location location, String platform,
                          String architecture, String manufacturer, String model, String os, String uuid,
                          String version, String pro) {
        public Details {
            notes = Text.orEmpty(notes);
            datetime = Text.orEmpty(datetime);
            reportid = Text.orEmpty(reportid);
            sendtype = Text.orEmpty(sendtype);
            sendto = Text.orEmpty(sendto);
            reportendpoint = Text.orEmpty(reportendpoint);
            ip = Text.orEmpty(ip);
            location = location == null ? Location.NONE : location;
            platform = Text.orEmpty(platform);
            architecture = Text.orEmpty(architecture);
            manufacturer = Text.orEmpty(manufacturer);
            model = Text.orEmpty(model);
            os = Text.orEmpty(os);
            uuid = Text.orEmpty(uuid);
            version = Text.orEmpty(version);
            pro = Text.orEmpty(pro);
        }

        public Details withReportId(String id) {
            return new Details(notes, datetime, id, sendtype, sendto, reportendpoint, ip, location, platform,
                    architecture, manufacturer, model, os, uuid, version, pro);
        }

        public Details withDatetime(String value) {
            return new Details(notes, value, reportid, sendtype, sendto, reportendpoint, ip, location, platform,
                    architecture, manufacturer, model, os, uuid, version, pro);
        }
    }
}
