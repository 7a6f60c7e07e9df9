package org.safelight.client.fhir;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Percent-encoding for FHIR search URLs and {@code If-None-Exist} searches. */
final class Encoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Encoding() {
    }

    /** A search parameter's name or value in a URL: all but RFC 3986's unreserved characters and ':' encoded. */
    static String query(String value) {
        return encode(value, ":");
    }

    /**
     * One part of a token search ({@code system} or {@code value}) in an {@code If-None-Exist} header:
     * our own systems and identifiers ({@code urn:safelight:item}, {@code R/I}) stay as they are.
     */
    static String token(String value) {
        return encode(value, ":/");
    }

    /** {@code scheme://host[:port]}: the only part of a URL messages name. */
    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    private static String encode(String value, String alsoKept) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved || (c < 0x80 && alsoKept.indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }
}
