package org.safelight.endpoint.intake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.safelight.server.policy.PatternFile;

/**
 * Who may send reports to this endpoint: with no senders file, every verified user; with one, only
 * addresses matching one of its wildcard patterns (the key server's list rules: one pattern a line,
 * {@code *} any run of characters, case-insensitive, {@code #} comments). Edits take effect on the
 * next report. A file that exists but cannot be read lets no one in. Thread-safe.
 */
public final class Senders {
    private final Path file;
    private final PatternFile patterns;

    /** @param file the senders file, or null for none */
    public Senders(Path file) {
        this.file = file;
        this.patterns = file == null ? null : new PatternFile(file, List.of());
    }

    public static Senders anyone() {
        return new Senders(null);
    }

    public boolean allows(String email) {
        if (patterns == null || !Files.exists(file)) {
            return true;
        }
        return patterns.matches(email == null ? "" : email.strip().toLowerCase(Locale.ROOT));
    }
}
