package org.safelight.client.fhir;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.safelight.format.report.MediaItem;

/**
 * The JSON of the resources filing creates, STU3 or R4 (issue 11's shapes): what differs between
 * the two releases is decided here and nowhere else.
 */
final class FhirResources {
    static final String MEDIA_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/media-type";
    private final FhirVersion version;

    FhirResources(FhirVersion version) {
        this.version = version;
    }

    static ObjectNode object() {
        return FhirClient.JSON.createObjectNode();
    }

    static ObjectNode identifier(String system, String value) {
        ObjectNode id = object();
        if (!system.isEmpty()) {
            id.put("system", system);
        }
        id.put("value", value);
        return id;
    }

    static ObjectNode reference(String reference, String display) {
        ObjectNode ref = object().put("reference", reference);
        if (!display.isBlank()) {
            ref.put("display", display.strip());
        }
        return ref;
    }

    static ObjectNode attachment(String contentType, Optional<String> base64, Optional<String> url, long size,
                                 String title) {
        ObjectNode a = object().put("contentType", contentType);
        base64.ifPresent(data -> a.put("data", data));
        url.ifPresent(u -> a.put("url", u));
        if (size >= 0 && size <= Integer.MAX_VALUE) { // unsignedInt: a larger size is left out
            a.put("size", size);
        }
        a.put("title", title);
        return a;
    }

    /** A Media for one item: its identifier, type, subject, operator, date and content. */
    ObjectNode media(String itemValue, MediaItem.MediaType type, ObjectNode subject, ObjectNode operator,
                     Optional<String> dateTime, ObjectNode content) {
        ObjectNode media = object().put("resourceType", "Media");
        media.putArray("identifier").add(identifier(ReportFiler.ITEM_SYSTEM, itemValue));
        if (version == FhirVersion.STU3) {
            media.put("type", switch (type) {
                case PHOTO -> "photo";
                case VIDEO -> "video";
                case AUDIO -> "audio";
            });
        } else {
            media.put("status", "completed");
            ObjectNode coding = object().put("system", MEDIA_TYPE_SYSTEM).put("code", switch (type) {
                case PHOTO -> "image";
                case VIDEO -> "video";
                case AUDIO -> "audio";
            });
            media.putObject("type").putArray("coding").add(coding);
        }
        media.set("subject", subject);
        dateTime.ifPresent(d -> media.put(version == FhirVersion.STU3 ? "occurrenceDateTime" : "createdDateTime", d));
        media.set("operator", operator);
        media.set("content", content);
        return media;
    }

    /** A JSON Binary with its bytes inline, tagged so a conditional create ({@code _tag=}) finds it again. */
    ObjectNode binary(String itemValue, String contentType, String base64) {
        ObjectNode binary = object().put("resourceType", "Binary");
        binary.putObject("meta").putArray("tag").add(object().put("system", ReportFiler.ITEM_SYSTEM).put("code", itemValue));
        binary.put("contentType", contentType);
        binary.put(version == FhirVersion.STU3 ? "content" : "data", base64);
        return binary;
    }

    /** The DocumentManifest grouping a report's Media and its PDF's Binary. */
    ObjectNode manifest(String reportId, ObjectNode subject, ObjectNode author, Optional<String> dateTime,
                        String description, List<String> contents) {
        ObjectNode manifest = object().put("resourceType", "DocumentManifest");
        manifest.set("masterIdentifier", identifier(ReportFiler.REPORT_SYSTEM, reportId));
        manifest.putArray("identifier").add(identifier(ReportFiler.REPORT_SYSTEM, reportId));
        manifest.put("status", "current");
        manifest.set("subject", subject);
        dateTime.ifPresent(d -> manifest.put("created", d));
        manifest.putArray("author").add(author);
        manifest.put("description", description);
        ArrayNode content = manifest.putArray("content");
        for (String ref : contents) {
            if (version == FhirVersion.STU3) {
                content.add(object().set("pReference", object().put("reference", ref)));
            } else {
                content.add(object().put("reference", ref));
            }
        }
        return manifest;
    }

    /**
     * An R4 DocumentReference to a Binary: the report's (masterIdentifier and identifier the report
     * ID, {@code related} its items' DocumentReferences) or an item's (identifier the item's value).
     */
    static ObjectNode documentReference(Optional<String> reportId, Optional<String> itemValue, String typeText,
                                        ObjectNode subject, ObjectNode author, Optional<String> instant,
                                        String description, ObjectNode attachment, List<String> related) {
        ObjectNode doc = object().put("resourceType", "DocumentReference");
        reportId.ifPresent(r -> doc.set("masterIdentifier", identifier(ReportFiler.REPORT_SYSTEM, r)));
        ArrayNode identifiers = doc.putArray("identifier");
        reportId.ifPresent(r -> identifiers.add(identifier(ReportFiler.REPORT_SYSTEM, r)));
        itemValue.ifPresent(v -> identifiers.add(identifier(ReportFiler.ITEM_SYSTEM, v)));
        doc.put("status", "current");
        doc.putObject("type").put("text", typeText);
        doc.set("subject", subject);
        instant.ifPresent(d -> doc.put("date", d));
        doc.putArray("author").add(author);
        doc.put("description", description);
        doc.putArray("content").add(object().set("attachment", attachment));
        if (!related.isEmpty()) {
            ArrayNode refs = doc.putObject("context").putArray("related");
            related.forEach(ref -> refs.add(object().put("reference", ref)));
        }
        return doc;
    }

    /** A Patient as a person's "create" makes it: identifier, active, name, birth date. */
    static ObjectNode patient(PatientDetails details, ObjectNode identifier) {
        ObjectNode patient = object().put("resourceType", "Patient");
        patient.putArray("identifier").add(identifier);
        patient.put("active", true);
        ObjectNode name = object().put("use", "official");
        if (!details.family().isEmpty()) {
            name.put("family", details.family());
        }
        if (!details.given().isEmpty()) {
            name.putArray("given").add(details.given());
        }
        patient.putArray("name").add(name);
        if (!details.birthDate().isEmpty()) {
            patient.put("birthDate", details.birthDate());
        }
        return patient;
    }
}
