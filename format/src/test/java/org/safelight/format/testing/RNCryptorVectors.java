package org.safelight.format.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The official RNCryptor v3 vector files: blocks of "name: value" lines separated by blank lines. */
public final class RNCryptorVectors {
    private RNCryptorVectors() {
    }

    /** The version-3 vectors of one official file ({@code kdf}, {@code key}, {@code password}). */
    public static List<Map<String, String>> load(String file) throws IOException {
        List<Map<String, String>> vectors = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SharedFiles.rncryptorVectors(file),
                StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    vectors.add(current);
                    current = new LinkedHashMap<>();
                }
                continue;
            }
            int colon = line.indexOf(':');
            current.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        if (!current.isEmpty()) {
            vectors.add(current);
        }
        return vectors.stream().filter(v -> "3".equals(v.get("version"))).toList();
    }

    public static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
    }
}
