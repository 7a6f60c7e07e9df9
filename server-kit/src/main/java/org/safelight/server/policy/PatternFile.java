package org.safelight.server.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pattern file (the key server's access lists, the endpoint's senders), read again whenever
 * its modification time, size or identity (an editor that saves by renaming a new file over it)
 * has changed since the last read. A missing file is an
 * empty list. Thread-safe: readers see one consistent snapshot.
 */
public final class PatternFile {
    private static final Logger LOG = LoggerFactory.getLogger(PatternFile.class);

    private record Stamp(FileTime modified, long size, Object identity) {
    }

    private record Snapshot(Stamp stamp, List<String> patterns) {
    }

    private static final Snapshot ABSENT = new Snapshot(null, List.of());

    private final Path path;
    private final List<String> whenUnreadable;
    private volatile Snapshot current = ABSENT;

    /**
     * @param whenUnreadable the patterns to act on while the file exists but cannot be read, so the
     *     policy can fail closed
     */
    public PatternFile(Path path, List<String> whenUnreadable) {
        this.path = path;
        this.whenUnreadable = List.copyOf(whenUnreadable);
    }

    /** Whether {@code lowerCaseText} matches any pattern of the file as it is now. */
    public boolean matches(String lowerCaseText) {
        for (String pattern : patterns()) {
            if (Wildcard.matches(pattern, lowerCaseText)) {
                return true;
            }
        }
        return false;
    }

    public List<String> patterns() {
        Stamp stamp;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            stamp = new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException e) {
            current = ABSENT;
            return ABSENT.patterns();
        } catch (IOException e) {
            return unreadable(e);
        }
        Snapshot seen = current;
        if (Objects.equals(seen.stamp(), stamp)) {
            return seen.patterns();
        }
        return reload(stamp);
    }

    private synchronized List<String> reload(Stamp stamp) {
        if (Objects.equals(current.stamp(), stamp)) {
            return current.patterns();
        }
        try {
            // The stamp was taken before reading, so an edit racing this read is picked up next time.
            List<String> patterns = parse(Files.readString(path, StandardCharsets.UTF_8));
            current = new Snapshot(stamp, patterns);
            LOG.info("policy file {} loaded: {} patterns", path, patterns.size());
            return patterns;
        } catch (NoSuchFileException e) {
            current = ABSENT;
            return ABSENT.patterns();
        } catch (IOException e) {
            return unreadable(e);
        }
    }

    private List<String> unreadable(IOException e) {
        LOG.warn("policy file {} cannot be read ({}); acting as if it held {}", path, e.getClass().getSimpleName(),
                whenUnreadable);
        return whenUnreadable;
    }

    /** One pattern a line; blank lines and lines starting with {@code #} are ignored; case folded. */
    public static List<String> parse(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return text.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.toLowerCase(Locale.ROOT))
                .toList();
    }
}
