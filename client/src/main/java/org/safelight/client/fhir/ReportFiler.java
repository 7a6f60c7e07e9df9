package org.safelight.client.fhir;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.ReportMetadata;

/**
 * Files an opened report into a FHIR server for a patient and practitioner already settled
 * (DESIGN §6; the seed's calls): each media item as Media (inline up to {@code inlineLimit}
 * bytes, otherwise its bytes as a raw Binary the Media refers to), report.pdf as a Binary, and a
 * DocumentManifest grouping them with the report's description; or, in R4 document mode,
 * DocumentReferences to Binaries. Every resource that can carry an identifier gets one derived
 * from the report and item ({@link #REPORT_SYSTEM}, {@link #ITEM_SYSTEM}) and is created with
 * {@code If-None-Exist}; {@link CreatedResources} remembers each one created, so a retry after a
 * timeout or a crash creates nothing twice.
 *
 */
public final class ReportFiler {
    /** Identifies the report's grouping resource: value = the report ID. */
    public static final String REPORT_SYSTEM = "urn:safelight:report";
    /** Identifies one item's resource: value = {@code {reportId}/{itemId}}, or {@code {reportId}/report.pdf}. */
    public static final String ITEM_SYSTEM = "urn:safelight:item";
    /** Items up to this size go inline (base64 in the Media) unless told otherwise. */
    public static final long DEFAULT_INLINE_LIMIT = 1024 * 1024;

    static final String PDF = "report.pdf";
    static final String REPORT_TYPE = "Clinical photography report";
    private static final int MAX_DESCRIPTION = 1000;

    private final FhirClient client;
    private final FhirMode mode;
    private final long inlineLimit;
    private final FhirResources resources;

    public ReportFiler(FhirClient client, FhirMode mode, long inlineLimit) {
        if (mode == FhirMode.DOCUMENT && client.version() != FhirVersion.R4) {
            throw new IllegalArgumentException("the document mode (DocumentReference + Binary) is R4 only");
        }
        this.client = client;
        this.mode = mode;
        this.inlineLimit = inlineLimit;
        this.resources = new FhirResources(client.version());
    }

    /**
     * Files the report: each item (in the metadata's order), then report.pdf, then the grouping.
     * Whatever {@code created} already holds is reused, and everything created is recorded in it
     * right away, so a run cut short by a timeout or a crash is completed by the next one without
     * duplicates. Files are read from {@code contents}; an item larger than the inline limit is
     * streamed, never read into memory.
     *
     * @param contents the folder of the decrypted report (metadata.json, report.pdf, the media)
     * @throws FhirException the call that failed (retryable or not); a missing or unreadable file is
     *                       a non-retryable one with status 0
     */
    public FiledReport file(Path contents, ReportMetadata metadata, FhirPatient patient, FhirPractitioner practitioner,
                            CreatedResources created) throws FhirException {
        String reportId;
        try {
            reportId = metadata.reportId().value();
        } catch (MalformedReportException e) {
            throw new FhirException("the report has no valid ID to file it under", 0, false, e);
        }
        ObjectNode subject = FhirResources.reference(patient.reference(), patient.display());
        ObjectNode author = FhirResources.reference(practitioner.reference(), practitioner.display());
        Optional<String> dateTime = FhirDates.dateTime(metadata.details().datetime());
        Optional<String> instant = FhirDates.instant(metadata.details().datetime());
        String description = description(metadata, reportId);

        List<String> items = new ArrayList<>();
        List<String> binaries = new ArrayList<>();
        for (MediaItem item : metadata.media()) {
            String value = reportId + "/" + item.id().value();
            Path file = contents.resolve(item.fileName());
            String contentType = contentType(item.type());
            long size = size(file, item.fileName());
            if (mode == FhirMode.MEDIA) {
                ObjectNode content;
                String binary = null;
                if (size > inlineLimit) {
                    binary = once(created, value + "/binary", () -> client.createBinary(file, contentType));
                    content = FhirResources.attachment(contentType, Optional.empty(), Optional.of(binary), size,
                            item.fileName());
                } else {
                    content = FhirResources.attachment(contentType, Optional.of(base64(file, item.fileName())),
                            Optional.empty(), size, item.fileName());
                }
                ObjectNode media = resources.media(value, item.type(), subject, author, dateTime, content);
                items.add(once(created, value + "/media", () -> client.create(media, byIdentifier(ITEM_SYSTEM, value))));
                binaries.add(binary);
            } else {
                String binary = binary(created, value, file, item.fileName(), contentType, size);
                ObjectNode doc = FhirResources.documentReference(Optional.empty(), Optional.of(value),
                        typeText(item.type()), subject, author, instant, description,
                        FhirResources.attachment(contentType, Optional.empty(), Optional.of(binary), size, item.fileName()),
                        List.of());
                items.add(once(created, value + "/document", () -> client.create(doc, byIdentifier(ITEM_SYSTEM, value))));
                binaries.add(binary);
            }
        }

        String pdfValue = reportId + "/" + PDF;
        Path pdfFile = contents.resolve(PDF);
        long pdfSize = size(pdfFile, PDF);
        String pdf = binary(created, pdfValue, pdfFile, PDF, "application/pdf", pdfSize);
        String grouping;
        if (mode == FhirMode.MEDIA) {
            List<String> content = new ArrayList<>();
            content.add(pdf);
            content.addAll(items);
            ObjectNode manifest = resources.manifest(reportId, subject, author, dateTime, description, content);
            grouping = once(created, reportId + "/grouping",
                    () -> client.create(manifest, byIdentifier(REPORT_SYSTEM, reportId)));
        } else {
            ObjectNode doc = FhirResources.documentReference(Optional.of(reportId), Optional.empty(), REPORT_TYPE,
                    subject, author, instant, description,
                    FhirResources.attachment("application/pdf", Optional.empty(), Optional.of(pdf), pdfSize, PDF), items);
            grouping = once(created, pdfValue + "/document",
                    () -> client.create(doc, byIdentifier(REPORT_SYSTEM, reportId)));
            if (created.find(reportId + "/grouping").isEmpty()) {
                created.record(reportId + "/grouping", grouping);
            }
        }
        return new FiledReport(grouping, pdf, items, binaries);
    }

    /**
     * {@code POST /Patient} (the seed's call) for a person's "create": name and birth date from the
     * report, its patient ID as an identifier ({@code idSystem} when the institution names one),
     * created with {@code If-None-Exist} on that identifier, or on {@link #REPORT_SYSTEM}|reportId
     * when the report has no patient ID, so it is created once however often this runs.
     */
    public FhirPatient createPatient(PatientDetails details, String reportId, Optional<String> idSystem,
                                     CreatedResources created) throws FhirException {
        String system;
        String value;
        if (details.patientId().isEmpty()) {
            system = REPORT_SYSTEM;
            value = reportId;
        } else {
            system = idSystem.map(String::strip).orElse("");
            value = details.patientId();
        }
        ObjectNode patient = FhirResources.patient(details, FhirResources.identifier(system, value));
        String search = "identifier=" + (system.isEmpty() ? "" : Encoding.token(system) + "|") + Encoding.token(value);
        String reference = once(created, reportId + "/patient", () -> client.create(patient, Optional.of(search)));
        return new FhirPatient(reference, details.given(), details.family(), details.birthDate(),
                List.of(system + "|" + value));
    }

    /** A Binary of the item's bytes: a tagged JSON one (conditional) up to the inline limit, else raw and streamed. */
    private String binary(CreatedResources created, String value, Path file, String fileName, String contentType,
                          long size) throws FhirException {
        if (size > inlineLimit) {
            return once(created, value + "/binary", () -> client.createBinary(file, contentType));
        }
        ObjectNode binary = resources.binary(value, contentType, base64(file, fileName));
        return once(created, value + "/binary", () -> client.create(binary,
                Optional.of("_tag=" + Encoding.token(ITEM_SYSTEM) + "|" + Encoding.token(value))));
    }

    private interface Creation {
        String create() throws FhirException;
    }

    /** The resource recorded under {@code key}, or a new one, recorded right after the server took it. */
    private static String once(CreatedResources created, String key, Creation creation) throws FhirException {
        Optional<String> known = created.find(key);
        if (known.isPresent()) {
            return known.get();
        }
        String reference = creation.create();
        created.record(key, reference);
        return reference;
    }

    private static Optional<String> byIdentifier(String system, String value) {
        return Optional.of("identifier=" + Encoding.token(system) + "|" + Encoding.token(value));
    }

    static String description(ReportMetadata metadata, String reportId) {
        String notes = metadata.details().notes().strip();
        if (notes.isEmpty()) {
            return "Safelight report " + reportId;
        }
        return notes.length() <= MAX_DESCRIPTION ? notes : notes.substring(0, MAX_DESCRIPTION - 1) + "…";
    }

    static String contentType(MediaItem.MediaType type) {
        return switch (type) {
            case PHOTO -> "image/jpeg";
            case VIDEO -> "video/mp4";
            case AUDIO -> "audio/mp4";
        };
    }

    private static String typeText(MediaItem.MediaType type) {
        return switch (type) {
            case PHOTO -> "Clinical photograph";
            case VIDEO -> "Clinical video";
            case AUDIO -> "Clinical audio recording";
        };
    }

    private static long size(Path file, String name) throws FhirException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new FhirException("cannot read the report's " + name, 0, false, e);
        }
    }

    /** Only for files up to the inline limit. */
    private static String base64(Path file, String name) throws FhirException {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new FhirException("cannot read the report's " + name, 0, false, e);
        }
    }

    FhirClient client() {
        return client;
    }

    FhirMode mode() {
        return mode;
    }

    long inlineLimit() {
        return inlineLimit;
    }
}
