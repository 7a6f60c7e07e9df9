package org.safelight.client.storage;

/**
 * Where a service answers: its authorization page, its API and its upload (content) host. The real
 * addresses come from {@link StorageProvider#endpoints()}; tests and on-premises proxies give
 * others, each an absolute http(s) URL.
 *
 * @param authorize the page the browser is sent to ({@code .../oauth2/authorize})
 * @param api the API base: {@code https://api.box.com/} or {@code https://api.dropboxapi.com}
 * @param upload the upload base: {@code https://upload.box.com/api/} or
 *     {@code https://content.dropboxapi.com}
 */
public record StorageEndpoints(String authorize, String api, String upload) {
    /** The same addresses, each with one trailing slash removed. */
    String trimmed(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
