package org.safelight.client.fhir;

import java.util.List;

/**
 * Where a report landed on the FHIR server.
 *
 * @param grouping  the DocumentManifest (media mode) or the report's DocumentReference (document mode)
 * @param pdf       report.pdf's Binary
 * @param items     per media item in the report's order: its Media (media mode) or DocumentReference
 * @param binaries  the Binary each item's bytes went to, in the same order: the raw upload of a large
 *                  item, or in document mode also a small item's JSON Binary; null where the bytes
 *                  went inline in the Media
 */
public record FiledReport(String grouping, String pdf, List<String> items, List<String> binaries) {
}
