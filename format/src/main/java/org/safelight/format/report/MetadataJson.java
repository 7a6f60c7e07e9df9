package org.safelight.format.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.safelight.format.report.Consent.ConsentType;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.ReportMetadata.Clinician;
import org.safelight.format.report.ReportMetadata.Details;
import org.safelight.format.report.ReportMetadata.Location;
import org.safelight.format.report.ReportMetadata.Patient;

/**
 * Reads and writes {@code metadata.json}. Writing follows the format exactly (every value a JSON
 * string, every field present). Reading is lenient where it is safe: numbers and booleans are taken
 * as their text, missing fields are empty, unknown fields are ignored. It is strict where a value
 * becomes a file name or a consent decision. Input is bounded in size, depth and string length.
 *
 * <p>Thread-safe.
 */
public final class MetadataJson {
    /** Largest metadata.json (or package.json) we read. */
    public static final int MAX_BYTES = 1 << 20;
    private static final int MAX_DEPTH = 16;

    static final ObjectMapper MAPPER = boundedMapper();

    private MetadataJson() {
    }

    /** A mapper for untrusted JSON: bounded depth and string length, no duplicate keys. */
    public static ObjectMapper boundedMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_BYTES)
                        .maxNumberLength(64)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return new ObjectMapper(factory).enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Parses untrusted JSON of at most {@link #MAX_BYTES} into a tree. */
    public static JsonNode readTree(InputStream in, String what) throws MalformedReportException {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new MalformedReportException(what + " could not be read", e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new MalformedReportException(what + " is larger than " + (MAX_BYTES >> 10) + " KiB");
        }
        try (JsonParser parser = MAPPER.createParser(bytes)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null || !node.isObject()) {
                throw new MalformedReportException(what + " is not a JSON object");
            }
            if (parser.nextToken() != null) {
                throw new MalformedReportException(what + " has data after its JSON object");
            }
            return node;
        } catch (MalformedReportException e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedReportException(what + " is not valid JSON" + where(e) + ": " + problem(e));
        } catch (IOException e) {
            throw new MalformedReportException(what + " is not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
    }

    /** " at line 3, column 14", from the parser's location, or nothing when it has none. */
    private static String where(com.fasterxml.jackson.core.JsonProcessingException e) {
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /**
     * What the parser found, in words a person editing the file can act on: the parser's own
     * sentence without its class names, source dumps or character codes.
     */
    private static String problem(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
            return "the file ends before the JSON does (a closing } or ] or \" is missing)";
        }
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            return "it is nested too deeply or holds a value too long";
        }
        String text = firstLine(e.getOriginalMessage());
        int source = text.indexOf(" at [Source");
        text = (source < 0 ? text : text.substring(0, source)).replaceAll("\\s*\\(code -?\\d+\\)", "")
                .replace("(JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                        "a value: text in \"quotes\", a number, true, false, null, {...} or [...]");
        if (text.startsWith("Duplicate field")) {
            return text.replace("Duplicate field", "the same field twice:");
        }
        return text.isEmpty() ? "the JSON is malformed" : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    public static ReportMetadata read(InputStream in) throws MalformedReportException {
        return fromTree(readTree(in, "metadata.json"));
    }

    public static ReportMetadata fromTree(JsonNode root) throws MalformedReportException {
        JsonNode report = root.path("report");
        if (!report.isObject()) {
            throw new MalformedReportException("metadata.json has no \"report\" object");
        }
        JsonNode p = object(report, "patient");
        JsonNode u = object(report, "user");
        JsonNode d = object(report, "details");
        JsonNode l = object(d, "location");
        JsonNode c = object(report, "consent");

        Patient patient = new Patient(text(p, "firstname"), text(p, "lastname"), text(p, "day"), text(p, "month"),
                text(p, "year"), text(p, "patientid"), text(p, "translator"), text(p, "guardian"));
        Clinician user = new Clinician(text(u, "userid"), text(u, "title"), text(u, "firstname"),
                text(u, "lastname"), text(u, "email"), text(u, "country"));
        Details details = new Details(text(d, "notes"), text(d, "datetime"), text(d, "reportid"),
                text(d, "sendtype"), text(d, "sendto"), text(d, "reportendpoint"), text(d, "ip"),
                new Location(text(l, "latitude"), text(l, "longitude"), text(l, "address")),
                text(d, "platform"), text(d, "architecture"), text(d, "manufacturer"), text(d, "model"),
                text(d, "os"), text(d, "uuid"), text(d, "version"), text(d, "pro"));
        return new ReportMetadata(patient, user, details, consent(c), media(report.path("media")));
    }

    private static Consent consent(JsonNode c) throws MalformedReportException {
        String typeText = text(c, "type").trim();
        ConsentType type;
        switch (typeText.toLowerCase(java.util.Locale.ROOT)) {
            case "signed" -> type = ConsentType.SIGNED;
            case "verbal" -> type = ConsentType.VERBAL;
            case "none", "" -> type = ConsentType.NONE;
            default -> throw new MalformedReportException("unknown consent type '" + Text.clip(typeText)
                    + "' (expected signed, verbal or none)");
        }
        Set<ConsentLevel> levels = ConsentLevel.parseList(text(c, "consentlevels"));
        return new Consent(type, bool(c, "treatment"), bool(c, "education"), bool(c, "publication"), levels);
    }

    private static List<MediaItem> media(JsonNode media) throws MalformedReportException {
        if (media.isMissingNode() || media.isNull()) {
            return List.of();
        }
        if (!media.isArray()) {
            throw new MalformedReportException("metadata.json \"media\" is not a list");
        }
        List<MediaItem> items = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode m : media) {
            ItemId id = ItemId.parse(text(m, "mediaid"));
            if (!seen.add(id.value().toLowerCase(java.util.Locale.ROOT))) {
                throw new MalformedReportException("media item ID '" + id + "' appears twice");
            }
            items.add(new MediaItem(id, MediaType.parse(text(m, "type")), ConsentLevel.parseList(text(m, "levels"))));
        }
        return items;
    }

    private static JsonNode object(JsonNode parent, String field) throws MalformedReportException {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return MAPPER.createObjectNode();
        }
        if (!node.isObject()) {
            throw new MalformedReportException("metadata.json \"" + field + "\" is not an object");
        }
        return node;
    }

    private static String text(JsonNode parent, String field) throws MalformedReportException {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        throw new MalformedReportException("metadata.json \"" + field + "\" is not a text value");
    }

    private static boolean bool(JsonNode parent, String field) throws MalformedReportException {
        String value = text(parent, field).trim();
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw new MalformedReportException("metadata.json \"" + field + "\" is not true or false");
        };
    }

    /** The format's JSON: every field present, every value a string. */
    public static byte[] write(ReportMetadata m) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode report = root.putObject("report");
        Patient p = m.patient();
        report.putObject("patient")
                .put("firstname", p.firstname()).put("lastname", p.lastname())
                .put("day", p.day()).put("month", p.month()).put("year", p.year())
                .put("patientid", p.patientid()).put("translator", p.translator()).put("guardian", p.guardian());
        Clinician u = m.user();
        report.putObject("user")
                .put("userid", u.userid()).put("title", u.title()).put("firstname", u.firstname())
                .put("lastname", u.lastname()).put("email", u.email()).put("country", u.country());
        Details d = m.details();
        ObjectNode details = report.putObject("details")
                .put("notes", d.notes()).put("datetime", d.datetime()).put("reportid", d.reportid())
                .put("sendtype", d.sendtype()).put("sendto", d.sendto())
                .put("reportendpoint", d.reportendpoint()).put("ip", d.ip());
        details.putObject("location").put("latitude", d.location().latitude())
                .put("longitude", d.location().longitude()).put("address", d.location().address());
        details.put("platform", d.platform()).put("architecture", d.architecture())
                .put("manufacturer", d.manufacturer()).put("model", d.model()).put("os", d.os())
                .put("uuid", d.uuid()).put("version", d.version()).put("pro", d.pro());
        Consent c = m.consent();
        report.putObject("consent")
                .put("type", c.type().wire())
                .put("treatment", Boolean.toString(c.treatment()))
                .put("education", Boolean.toString(c.education()))
                .put("publication", Boolean.toString(c.publication()))
                .put("consentlevels", ConsentLevel.toList(c.levels()));
        ArrayNode media = report.putArray("media");
        for (MediaItem item : m.media()) {
            media.addObject().put("mediaid", item.id().value()).put("type", item.type().wire())
                    .put("levels", ConsentLevel.toList(item.levels()));
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MAPPER.writeValue(out, root);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 120 ? line.substring(0, 120) : line;
    }
}
