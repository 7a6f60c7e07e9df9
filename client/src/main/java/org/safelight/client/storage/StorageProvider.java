package org.safelight.client.storage;

import java.util.Locale;
import java.util.Optional;

/** The storage services a user may connect, with the addresses of the real ones. */
public enum StorageProvider {
    BOX("Box", "https://account.box.com/api/oauth2/authorize", "https://api.box.com/", "https://upload.box.com/api/"),
    DROPBOX("Dropbox", "https://www.dropbox.com/oauth2/authorize", "https://api.dropboxapi.com",
            "https://content.dropboxapi.com");

    private final String displayName;
    private final String authorize;
    private final String api;
    private final String upload;

    StorageProvider(String displayName, String authorize, String api, String upload) {
        this.displayName = displayName;
        this.authorize = authorize;
        this.api = api;
        this.upload = upload;
    }

    /** {@code box} or {@code dropbox}: the name in routes, flags and the CLI. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return displayName;
    }

    public static Optional<StorageProvider> of(String code) {
        for (StorageProvider p : values()) {
            if (p.code().equals(code)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The service's own addresses, for production. */
    public StorageEndpoints endpoints() {
        return new StorageEndpoints(authorize, api, upload);
    }
}
