package org.safelight.cli;

import java.net.URI;
import java.util.Locale;

/** A server's address as typed after an option: an http:// or https:// URL, or a usage error saying so. */
final class ServerUrl {
    private ServerUrl() {
    }

    /**
     * The URL without trailing slashes.
     *
     * @param option the option it was given with, named in the error ({@code --server})
     * @throws Failures.UsageException when it has no http(s) scheme or no host, with an example to copy
     */
    static URI parse(String text, String option) {
        String value = text.strip().replaceAll("/+$", "");
        URI url;
        try {
            url = URI.create(value);
        } catch (IllegalArgumentException e) {
            url = null;
        }
        String scheme = url == null || url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (url == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            String example = value.contains("://") ? "https://safelight.example.org" : "https://" + value;
            throw new Failures.UsageException(option + " needs a URL that starts with https:// (or http:// for this"
                    + " computer), e.g. " + example + " (got '" + text + "')");
        }
        return url;
    }
}
