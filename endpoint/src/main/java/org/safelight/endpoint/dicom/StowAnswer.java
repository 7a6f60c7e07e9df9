package org.safelight.endpoint.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.server.http.Json;

/**
 * What a STOW-RS answer means for a delivery (PS3.18 10.5.3): 200 every instance stored; 202 some
 * stored, with warnings or failures; 409 none stored; the failures in the Failed SOP Sequence
 * (0008,1198), each with its Failure Reason (0008,1197). A failure "duplicate SOP instance"
 * (0x0111) is an instance the PACS already holds (a retry), so it counts as stored; "out of
 * resources" (0xA7xx) is retried; any other failure parks the delivery, naming the photos and the
 * reasons. Without failures: 2xx is delivered; 401 and 403 (the user or password), other 4xx and
 * 3xx park; 408, 429 and 5xx are retried. Messages hold item IDs and codes, never patient data.
 */
final class StowAnswer {
    private static final String FAILED_SOP_SEQUENCE = "00081198";
    private static final String REFERENCED_SOP_INSTANCE_UID = "00081155";
    private static final String FAILURE_REASON = "00081197";
    private static final int DUPLICATE = 0x0111;

    private StowAnswer() {
    }

    /**
     * @param itemsBySopInstance the photos sent: their item IDs by SOP Instance UID
     * @throws DeliveryException unless every photo is stored (or was already)
     */
    static void check(int status, byte[] body, Map<String, String> itemsBySopInstance) throws DeliveryException {
        List<String> failures = new ArrayList<>();
        boolean retry = false;
        int duplicates = 0;
        for (JsonNode failed : failedItems(body)) {
            int reason = failed.path(FAILURE_REASON).path("Value").path(0).asInt(-1);
            if (reason == DUPLICATE) {
                duplicates++;
                continue;
            }
            retry |= (reason & 0xFF00) == 0xA700;
            String uid = failed.path(REFERENCED_SOP_INSTANCE_UID).path("Value").path(0).asText("");
            String item = itemsBySopInstance.get(uid);
            failures.add((item == null ? "a photo" : "photo " + item) + ": " + reason(reason));
        }
        if (!failures.isEmpty()) {
            throw new DeliveryException("the PACS did not store " + failures.size() + " of " + itemsBySopInstance.size()
                    + " photo(s) (HTTP " + status + "): " + String.join("; ", failures), !retry);
        }
        if (status >= 200 && status < 300 || status == 409 && duplicates > 0) {
            return; // 409 for instances it already holds only: a retry of a delivery whose answer was lost
        }
        if (status == 401 || status == 403) {
            throw new DeliveryException("the PACS refused the user and password (HTTP " + status + ")", true);
        }
        if (status == 409) {
            throw new DeliveryException("the PACS stored none of the photos (HTTP 409) and gave no reason", true);
        }
        boolean retryable = status >= 500 || status == 408 || status == 429;
        throw new DeliveryException("the PACS answered HTTP " + status
                + (retryable ? "" : "; the same request would be refused again"), !retryable);
    }

    private static List<JsonNode> failedItems(byte[] body) {
        List<JsonNode> items = new ArrayList<>();
        if (body == null || body.length == 0) {
            return items;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            Optional.ofNullable(root).map(r -> r.path(FAILED_SOP_SEQUENCE).path("Value"))
                    .filter(JsonNode::isArray).ifPresent(v -> v.forEach(items::add));
        } catch (IOException e) {
            // not DICOM JSON (an HTML error page, XML): the status alone decides
        }
        return items;
    }

    /** The code in hex and its meaning (PS3.4 Annex B.2.3, PS3.18 Table 10.5.3-2). */
    static String reason(int code) {
        String hex = code < 0 ? "no reason given" : String.format("0x%04X", code);
        String meaning;
        if (code < 0) {
            meaning = "";
        } else if ((code & 0xFF00) == 0xA700) {
            meaning = "out of resources";
        } else if ((code & 0xFF00) == 0xA900) {
            meaning = "data set does not match SOP class";
        } else if (code == 0xC122) {
            meaning = "transfer syntax not supported";
        } else if ((code & 0xF000) == 0xC000) {
            meaning = "cannot understand";
        } else {
            meaning = switch (code) {
                case 0x0110 -> "processing failure";
                case 0x0117 -> "invalid object instance";
                case 0x0118, 0x0122 -> "SOP class not supported";
                case 0x0119 -> "class-instance conflict";
                case 0x0124 -> "not authorized";
                default -> "";
            };
        }
        return meaning.isEmpty() ? hex : hex + " " + meaning;
    }
}
