package org.safelight.endpoint.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.TreeMap;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.server.http.Json;

/**
 * The {@code report.json} that travels with a forwarded report: the same fields as the folder
 * drop's ({@code report_id, sender_email, sender_verified, source, received_at, kind, sha256,
 * files: {name: sha256}}), names sorted.
 */
final class ReportJson {
    private ReportJson() {
    }

    static byte[] of(OpenedReport report) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("report_id", report.reportId());
        root.put("sender_email", report.arrival().senderEmail());
        root.put("sender_verified", report.arrival().senderVerified());
        root.put("source", report.arrival().source().name().toLowerCase(Locale.ROOT));
        root.put("received_at", report.arrival().at().toString());
        root.put("kind", report.kind());
        root.put("sha256", report.sha256());
        ObjectNode files = root.putObject("files");
        new TreeMap<>(report.fileHashes()).forEach(files::put);
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report.json could not be written", e);
        }
    }
}
