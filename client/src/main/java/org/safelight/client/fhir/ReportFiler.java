package org.safelight.client.fhir;

import com.fasterxml.jackson.databind.JsonNode;
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
 * timeout or a crash creates nothing twice. A copy found on the server (200 rather than 201) must
 * be about the same patient and by the same practitioner, and a report is never filed to two
 * patients ({@link FilingConflictException}); before a raw Binary is uploaded its owning resource
 * is looked for by identifier, so a large item already filed is not uploaded again.
 *
 */
public final class ReportFiler {
    /** Identifies the report's grouping resource: value = the report ID. */
    public static final String REPORT_SYSTEM = "urn:safelight:report";
    /** Identifies one item's resource: value = {@code {reportId}/{itemId}}, or {@code {reportId}/report.pdf}. */
    public static final String ITEM_SYSTEM = "urn:safelight:item";
    /** Whether {@code patient} was created by {@link #createPatient} for this report. */
    public static boolean createdFor(FhirPatient patient, String reportId) {
        return patient.identifiers().contains(REPORT_SYSTEM + "|" + reportId);
    }

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
        String subjectKey = reportId + "/subject";
        Optional<String> filedTo = created.find(subjectKey);
        if (filedTo.isPresent() && !filedTo.get().equals(patient.reference())) {
            throw new FilingConflictException("this report is already partly filed to another patient record ("
                    + filedTo.get() + "); remove those resources first");
        }
        CreatedResources journal = withSubject(created, subjectKey, patient.reference());
        Owner owner = new Owner(patient.reference(), practitioner.reference());
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
                    adopt(journal, owner, "Media", ITEM_SYSTEM, value, value + "/media", value + "/binary");
                    binary = once(journal, value + "/binary", () -> client.createBinary(file, contentType));
                    content = FhirResources.attachment(contentType, Optional.empty(), Optional.of(binary), size,
                            item.fileName());
                } else {
                    content = FhirResources.attachment(contentType, Optional.of(base64(file, item.fileName())),
                            Optional.empty(), size, item.fileName());
                }
                ObjectNode media = resources.media(value, item.type(), subject, author, dateTime, content);
                items.add(once(journal, value + "/media", () -> checked(media, byIdentifier(ITEM_SYSTEM, value), owner)));
                binaries.add(binary);
            } else {
                String binary = binary(journal, owner, value, file, item.fileName(), contentType, size,
                        "DocumentReference", ITEM_SYSTEM, value, value + "/document");
                ObjectNode doc = FhirResources.documentReference(Optional.empty(), Optional.of(value),
                        typeText(item.type()), subject, author, instant, description,
                        FhirResources.attachment(contentType, Optional.empty(), Optional.of(binary), size, item.fileName()),
                        List.of());
                items.add(once(journal, value + "/document", () -> checked(doc, byIdentifier(ITEM_SYSTEM, value), owner)));
                binaries.add(binary);
            }
        }

        String pdfValue = reportId + "/" + PDF;
        Path pdfFile = contents.resolve(PDF);
        long pdfSize = size(pdfFile, PDF);
        String pdf = mode == FhirMode.MEDIA
                ? binary(journal, owner, pdfValue, pdfFile, PDF, "application/pdf", pdfSize, "DocumentManifest",
                        REPORT_SYSTEM, reportId, reportId + "/grouping")
                : binary(journal, owner, pdfValue, pdfFile, PDF, "application/pdf", pdfSize, "DocumentReference",
                        REPORT_SYSTEM, reportId, pdfValue + "/document");
        String grouping;
        if (mode == FhirMode.MEDIA) {
            List<String> content = new ArrayList<>();
            content.add(pdf);
            content.addAll(items);
            ObjectNode manifest = resources.manifest(reportId, subject, author, dateTime, description, content);
            grouping = once(journal, reportId + "/grouping",
                    () -> checked(manifest, byIdentifier(REPORT_SYSTEM, reportId), owner));
        } else {
            ObjectNode doc = FhirResources.documentReference(Optional.of(reportId), Optional.empty(), REPORT_TYPE,
                    subject, author, instant, description,
                    FhirResources.attachment("application/pdf", Optional.empty(), Optional.of(pdf), pdfSize, PDF), items);
            grouping = once(journal, pdfValue + "/document",
                    () -> checked(doc, byIdentifier(REPORT_SYSTEM, reportId), owner));
            if (journal.find(reportId + "/grouping").isEmpty()) {
                journal.record(reportId + "/grouping", grouping);
            }
        }
        return new FiledReport(grouping, pdf, items, binaries);
    }

    /**
     * {@code POST /Patient} (the seed's call) for a person's "create": name and birth date from the
     * report, its patient ID as an identifier ({@code idSystem} when the institution names one),
     * created with {@code If-None-Exist} on that identifier, or on {@link #REPORT_SYSTEM}|reportId
     * when the report has no patient ID, so it is created once however often this runs. Only a
     * record this created counts: when the server already has one with that identifier (200), or
     * several (412), nothing is created and {@link PatientExistsException} names them, for a person
     * to pick (the person chose "create" because no record was right), unless that record was created
     * for this report (it carries {@link #REPORT_SYSTEM}|reportId too: an earlier run's answer was lost).
     *
     * @throws PatientExistsException a record (or several) already has the identifier
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
        String ours = REPORT_SYSTEM + "|" + reportId;
        if (!system.equals(REPORT_SYSTEM)) {
            // also marked as created for this report: a retry whose create answer was lost knows it
            ((com.fasterxml.jackson.databind.node.ArrayNode) patient.get("identifier"))
                    .add(FhirResources.identifier(REPORT_SYSTEM, reportId));
        }
        String search = "identifier=" + (system.isEmpty() ? "" : Encoding.token(system) + "|") + Encoding.token(value);
        String key = reportId + "/patient";
        Optional<String> known = created.find(key);
        String reference;
        if (known.isPresent()) {
            reference = known.get();
        } else {
            FhirClient.Created answer;
            try {
                answer = client.createOrFind(patient, Optional.of(search));
            } catch (FhirException e) {
                if (e.status() == 412) {
                    throw new PatientExistsException(client.patients(
                            java.util.Map.of("identifier", (system.isEmpty() ? "" : system + "|") + value)), true);
                }
                throw e;
            }
            if (!answer.created()) {
                FhirPatient found = client.patient(answer.reference()).orElse(
                        new FhirPatient(answer.reference(), "", "", "", List.of()));
                if (!found.identifiers().contains(ours)) {
                    throw new PatientExistsException(List.of(found), false);
                }
                // created for this very report by an earlier run whose answer was lost: this one's
            }
            reference = answer.reference();
            created.record(key, reference);
        }
        return new FhirPatient(reference, details.given(), details.family(), details.birthDate(),
                List.of(system + "|" + value));
    }

    /**
     * A Binary of the item's bytes: a tagged JSON one (conditional) up to the inline limit, else raw
     * and streamed, unless the resource that owns it ({@code ownerType} with {@code
     * ownerSystem|ownerValue}) is already on the server: then its Binary is reused, not uploaded again.
     */
    private String binary(CreatedResources created, Owner owner, String value, Path file, String fileName,
                          String contentType, long size, String ownerType, String ownerSystem, String ownerValue,
                          String ownerKey) throws FhirException {
        if (size > inlineLimit) {
            adopt(created, owner, ownerType, ownerSystem, ownerValue, ownerKey, value + "/binary");
            return once(created, value + "/binary", () -> client.createBinary(file, contentType));
        }
        ObjectNode binary = resources.binary(value, contentType, base64(file, fileName));
        return once(created, value + "/binary", () -> client.create(binary,
                Optional.of("_tag=" + Encoding.token(ITEM_SYSTEM) + "|" + Encoding.token(value))));
    }

    /** Whom a filing's resources must be about and by: {@code Patient/..}, {@code Practitioner/..}. */
    private record Owner(String patient, String practitioner) {
    }

    /**
     * Records the filing's subject before the first resource it records, so a later attempt for
     * another patient is refused rather than mixing two patients in one report.
     */
    private static CreatedResources withSubject(CreatedResources created, String subjectKey, String subject) {
        return new CreatedResources() {
            @Override
            public Optional<String> find(String key) {
                return created.find(key);
            }

            @Override
            public void record(String key, String reference) {
                if (created.find(subjectKey).isEmpty()) {
                    created.record(subjectKey, subject);
                }
                created.record(key, reference);
            }
        };
    }

    /** A conditional create; a copy the server already had (200) must be this filing's. */
    private String checked(ObjectNode resource, Optional<String> ifNoneExist, Owner owner) throws FhirException {
        FhirClient.Created answer = client.createOrFind(resource, ifNoneExist);
        if (!answer.created()) {
            String type = resource.path("resourceType").asText();
            JsonNode found = answer.body();
            if (!type.equals(found.path("resourceType").asText()) || !found.has("subject")) {
                found = client.read(answer.reference()).orElseThrow(() -> new FhirException("POST " + type
                        + ": the FHIR server named an existing " + answer.reference() + " it cannot read", 0, false));
            }
            checkOwner(answer.reference(), found, owner);
        }
        return answer.reference();
    }

    /** Refuses a resource found on the server for another patient (or by another practitioner). */
    private void checkOwner(String reference, JsonNode found, Owner owner) throws FilingConflictException {
        String subject = found.path("subject").path("reference").asText("");
        if (!same("Patient", subject, owner.patient())) {
            throw new FilingConflictException("the FHIR server already holds " + reference + " for this report, filed"
                    + " to another patient record (" + (subject.isEmpty() ? "none" : shortRef("Patient", subject))
                    + " rather than " + owner.patient() + "); nothing more was filed: remove those resources first");
        }
        List<String> performers = new ArrayList<>();
        if (found.has("operator")) {
            performers.add(found.path("operator").path("reference").asText(""));
        }
        for (JsonNode author : found.path("author")) {
            performers.add(author.path("reference").asText(""));
        }
        if (!performers.isEmpty() && performers.stream().noneMatch(p -> same("Practitioner", p, owner.practitioner()))) {
            throw new FilingConflictException("the FHIR server already holds " + reference + " for this report, filed"
                    + " by another practitioner than " + owner.practitioner() + "; nothing more was filed: remove those"
                    + " resources first");
        }
    }

    private boolean same(String type, String found, String intended) {
        return !found.isEmpty() && shortRef(type, found).equals(intended);
    }

    /** {@code Type/id} of a reference that may be absolute or versioned; itself when it is neither. */
    private String shortRef(String type, String reference) {
        return client.reference(type, reference).orElse(reference);
    }

    /**
     * Before a raw upload: when the resource owning the Binary is already on the server (a run that
     * did not record it, such as the CLI's, or a crash before recording), it is checked to be this
     * filing's and reused with its Binary, so the bytes are not uploaded again.
     */
    private void adopt(CreatedResources created, Owner owner, String ownerType, String system, String value,
                       String ownerKey, String binaryKey) throws FhirException {
        if (created.find(binaryKey).isPresent() || created.find(ownerKey).isPresent()) {
            return;
        }
        List<JsonNode> found = client.resources(ownerType, java.util.Map.of("identifier", system + "|" + value));
        if (found.size() != 1) {
            return; // none: upload; several: the conditional create will say so
        }
        JsonNode resource = found.get(0);
        String id = resource.path("id").asText("");
        Optional<String> reference = client.reference(ownerType, ownerType + "/" + id);
        if (reference.isEmpty()) {
            return;
        }
        checkOwner(reference.get(), resource, owner);
        String url = switch (ownerType) {
            case "Media" -> resource.path("content").path("url").asText("");
            case "DocumentReference" -> resource.path("content").path(0).path("attachment").path("url").asText("");
            default -> {
                JsonNode first = resource.path("content").path(0);
                yield first.has("pReference") ? first.path("pReference").path("reference").asText("")
                        : first.path("reference").asText("");
            }
        };
        Optional<String> binary = url.isEmpty() ? Optional.empty() : client.reference("Binary", url);
        if (binary.isEmpty()) {
            return;
        }
        created.record(binaryKey, binary.get());
        created.record(ownerKey, reference.get());
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
