package org.safelight.client.fhir;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a filing has created so far, by a key derived from the report and item ({@code
 * {reportId}/{itemId}/media}, {@code {reportId}/report.pdf/binary}, {@code {reportId}/manifest}),
 * so a retry reuses it instead of creating it again. The endpoint keeps it in its database; the CLI
 * keeps it in memory for one run. Alongside the conditional creates this also covers the one
 * resource that cannot carry an identifier: a Binary uploaded raw.
 */
public interface CreatedResources {

    Optional<String> find(String key);

    void record(String key, String reference);

    static CreatedResources inMemory() {
        Map<String, String> map = new ConcurrentHashMap<>();
        return new CreatedResources() {
            @Override
            public Optional<String> find(String key) {
                return Optional.ofNullable(map.get(key));
            }

            @Override
            public void record(String key, String reference) {
                map.put(key, reference);
            }
        };
    }
}
