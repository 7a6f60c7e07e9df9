package org.safelight.client.fhir;

import java.nio.file.Path;
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
 * <p>CONTRACT (issue 11 base): the fhir-filer helper implements this class.
 */
public final class ReportFiler {
    /** Identifies the report's grouping resource: value = the report ID. */
    public static final String REPORT_SYSTEM = "urn:safelight:report";
    /** Identifies one item's resource: value = {@code {reportId}/{itemId}}, or {@code {reportId}/report.pdf}. */
    public static final String ITEM_SYSTEM = "urn:safelight:item";
    /** Items up to this size go inline (base64 in the Media) unless told otherwise. */
    public static final long DEFAULT_INLINE_LIMIT = 1024 * 1024;

    private final FhirClient client;
    private final FhirMode mode;
    private final long inlineLimit;

    public ReportFiler(FhirClient client, FhirMode mode, long inlineLimit) {
        if (mode == FhirMode.DOCUMENT && client.version() != FhirVersion.R4) {
            throw new IllegalArgumentException("the document mode (DocumentReference + Binary) is R4 only");
        }
        this.client = client;
        this.mode = mode;
        this.inlineLimit = inlineLimit;
    }

    /**
     * Files the report.
     *
     * @param contents the folder of the decrypted report (metadata.json, report.pdf, the media)
     */
    public FiledReport file(Path contents, ReportMetadata metadata, FhirPatient patient, FhirPractitioner practitioner,
                            CreatedResources created) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-filer");
    }

    /**
     * {@code POST /Patient} (the seed's call) for a person's "create": name and birth date from the
     * report, its patient ID as an identifier ({@code idSystem} when the institution names one),
     * created with {@code If-None-Exist} on that identifier, or on {@link #REPORT_SYSTEM}|reportId
     * when the report has no patient ID, so it is created once however often this runs.
     */
    public FhirPatient createPatient(PatientDetails details, String reportId, java.util.Optional<String> idSystem,
                                     CreatedResources created) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-filer");
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
