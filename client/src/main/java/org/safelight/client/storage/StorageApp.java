package org.safelight.client.storage;

import java.util.Objects;

/**
 * Safelight's registration with one service: the app's client ID, its secret (Box wants it at the
 * token endpoint; Dropbox, with PKCE, does not, so it may be null there), and where the service
 * answers. The secret is never shown by {@link #toString()}.
 */
public record StorageApp(StorageProvider provider, String clientId, String clientSecret, StorageEndpoints endpoints) {
    public StorageApp {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(endpoints, "endpoints");
    }

    @Override
    public String toString() {
        return "StorageApp[" + provider.code() + ", clientId=" + clientId + ", endpoints=" + endpoints + "]";
    }
}
