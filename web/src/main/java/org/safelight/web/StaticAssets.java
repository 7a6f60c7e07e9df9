package org.safelight.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * My Safelight's files, read from the class path folder {@code org/safelight/web/static}. Names are
 * flat ({@code report-view.js}), or flat within {@code vendor/} (the libraries taken from npm, named
 * as their packages name them: {@code _u64.js}, {@code signature_pad.js}, {@code pdf-lib.esm.min.js},
 * scripts only): anything with another slash, a dot segment or another extension is not an asset, so
 * no request can reach another resource. Found files are kept in memory. Thread-safe.
 */
final class StaticAssets {
    private static final String FOLDER = "/org/safelight/web/static/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(js|css|html|svg)"
            + "|vendor/(?=.{1,64}$)[a-z0-9_]+([.-][a-z0-9_]+)*\\.js");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8",
            "svg", "image/svg+xml");

    /** A file's bytes and media type. */
    record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> found = new ConcurrentHashMap<>();

    Optional<Asset> find(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Asset cached = found.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = StaticAssets.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            Asset asset = new Asset(in.readAllBytes(), TYPES.get(extension));
            found.put(name, asset);
            return Optional.of(asset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file that must exist (the application page); fails loudly when it is missing (a packaging bug). */
    Asset require(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException(name + " is missing from the class path"));
    }
}
