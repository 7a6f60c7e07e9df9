package org.safelight.client.fhir.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One request the {@link FhirTestServer} received, as it answered it.
 *
 * @param method      {@code GET}, {@code POST}, ...
 * @param path        the path below the base URL, with a leading slash: {@code /Patient}, {@code /Binary/3}
 * @param query       the query string as sent (still percent-encoded), or empty
 * @param ifNoneExist the {@code If-None-Exist} header, if any
 * @param contentType the request's {@code Content-Type}, if any
 * @param status      the HTTP status answered (401 for a refused login). A request the server dropped
 *                    because of {@link FhirTestServer#failWhen} shows the status it would have answered
 * @param location    the {@code Location} header answered ({@code http://.../fhir/Media/3/_history/1}), if any
 */
public record Recorded(String method, String path, String query, Optional<String> ifNoneExist,
                       Optional<String> contentType, int status, Optional<String> location) {

    /** The resource type the path names: {@code Patient} for {@code /Patient?given=...} or {@code /Patient/3}. */
    public String resourceType() {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }

    /** True for this method on this resource type, e.g. {@code is("POST", "Media")}. */
    public boolean is(String method, String resourceType) {
        return this.method.equalsIgnoreCase(method) && resourceType().equals(resourceType);
    }

    /** A create that stored a new resource (201). */
    public boolean created(String resourceType) {
        return is("POST", resourceType) && status == 201;
    }

    /** The query decoded, for readable assertions: {@code given=Ada&family=Lovelace&birthdate=1815-12-10}. */
    public String decodedQuery() {
        return URLDecoder.decode(query, StandardCharsets.UTF_8);
    }

    /** Path and decoded query: {@code Patient?family=Lovelace&birthdate=1815-12-10}, {@code Binary/3}. */
    public String target() {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return query.isEmpty() ? p : p + "?" + decodedQuery();
    }

    /** The reference the {@code Location} header names, without version: {@code Media/3}. */
    public Optional<String> locationReference() {
        return location.map(l -> {
            String s = l;
            int history = s.indexOf("/_history/");
            if (history >= 0) {
                s = s.substring(0, history);
            }
            int base = s.indexOf("/fhir/");
            return base >= 0 ? s.substring(base + "/fhir/".length()) : s;
        });
    }

    @Override
    public String toString() {
        return method + " " + target() + " -> " + status;
    }
}
