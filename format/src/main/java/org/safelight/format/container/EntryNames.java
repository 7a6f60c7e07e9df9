package org.safelight.format.container;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The rules for an entry name in a ZIP from outside: relative, forward slashes only, no {@code ..}
 * or {@code .} segment, no control characters, not a Windows drive or device path, no two entries
 * whose names differ only in case (they would collide on macOS and Windows), no path that is both a
 * file and a folder ({@code a} and {@code a/b}, in either order, also compared without case), no
 * path segment longer than 255 UTF-8 bytes (what file systems allow for one name), and stored as
 * valid UTF-8 (with the UTF-8 flag) or as ASCII. So an archive that passes can be written to disk
 * entry by entry without the disk refusing a name.
 */
final class EntryNames {
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_SEGMENT_BYTES = 255;
    private final Set<String> seen = new HashSet<>();
    /** Paths written as files, and paths that are folders (named by a folder entry or above an entry), lower case. */
    private final Set<String> files = new HashSet<>();
    private final Set<String> folders = new HashSet<>();

    /** Returns the name if it may be used, else throws with the rule it broke. */
    String accept(String name) throws UnsafeZipException {
        String problem = problem(name);
        if (problem != null) {
            throw new UnsafeZipException("unsafe entry name '" + printable(name) + "': " + problem);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (!seen.add(lower)) {
            throw new UnsafeZipException("entry '" + printable(name) + "' appears twice");
        }
        boolean folder = lower.endsWith("/");
        String path = folder ? lower.substring(0, lower.length() - 1) : lower;
        if (!folder && folders.contains(path) || folder && files.contains(path)) {
            throw clash(name);
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            String parent = path.substring(0, slash);
            if (files.contains(parent)) {
                throw clash(name); // a clash ends the reading, so the folders added so far do not matter
            }
            folders.add(parent);
        }
        (folder ? folders : files).add(path);
        return name;
    }

    private static UnsafeZipException clash(String name) {
        return new UnsafeZipException("unsafe entry name '" + printable(name)
                + "': its path is both a file and a folder in the archive");
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "longer than " + MAX_NAME_LENGTH + " characters";
        }
        if (name.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        if (name.length() >= 2 && name.charAt(1) == ':') {
            return "drive letter";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "contains a control character";
            }
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "contains an empty, '.' or '..' path segment";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "a path segment is longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        if (name.contains("..")) {
            return "contains '..'";
        }
        return null;
    }

    /**
     * The name from its stored bytes: strict UTF-8 when the entry says its name is UTF-8, else plain
     * ASCII. Other bytes (invalid UTF-8, or a legacy code page no two tools read alike) are refused,
     * so that every reader sees the same name.
     */
    static String decode(byte[] raw, boolean utf8) throws UnsafeZipException {
        if (!utf8) {
            for (byte b : raw) {
                if (b < 0) {
                    throw new UnsafeZipException("an entry name is not ASCII and not marked as UTF-8");
                }
            }
            return new String(raw, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new UnsafeZipException("an entry name is not valid UTF-8");
        }
    }

    static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().limit(80).forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return name.length() > 80 ? sb + "…" : sb.toString();
    }
}
