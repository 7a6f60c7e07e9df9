package org.safelight.accounts.internal;

import java.net.URI;

/**
 * The address users reach this server at (e.g. {@code https://safelight.myhospital.org}), from
 * which the links in emails are built. A path prefix is kept; a trailing slash is not.
 */
public record PublicUrl(String base) {
    public PublicUrl {
        if (!base.startsWith("https://") && !base.startsWith("http://")) {
            throw new IllegalArgumentException("the public URL must start with https:// or http://");
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
    }

    public static PublicUrl of(URI uri) {
        return new PublicUrl(uri.toString());
    }

    /** {@code base + path}, where {@code path} starts with a slash. */
    public String resolve(String path) {
        return base + path;
    }
}
