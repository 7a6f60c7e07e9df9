package org.safelight.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a backup holds, written as {@code manifest.json} (the ZIP's last entry): the format version,
 * when it was taken, the database engine, the number of rows per table in the database snapshot,
 * and every other entry with its size and SHA-256, so that restore can check the file before it
 * writes anything. The hashes find damage and accidental edits; they are not a signature (whoever
 * can rewrite the file can rewrite its manifest). Immutable.
 *
 * @param engine {@code sqlite} (the snapshot is in the file) or {@code postgresql} (it is not: pg_dump)
 * @param rows   rows per table of the SQLite snapshot; empty for PostgreSQL
 */
public record BackupManifest(int version, Instant createdAt, String engine, Map<String, Long> rows,
                             List<Entry> entries) {
    public static final String NAME = "manifest.json";
    public static final int VERSION = 1;
    /** A manifest larger than this is not one of ours. */
    static final int MAX_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file of the backup. */
    public record Entry(String name, long size, String sha256) {
    }

    public BackupManifest {
        rows = Map.copyOf(rows);
        entries = List.copyOf(entries);
    }

    /** Entries under {@code prefix}. */
    public long count(String prefix) {
        return entries.stream().filter(e -> e.name().startsWith(prefix)).count();
    }

    public long bytes() {
        return entries.stream().mapToLong(Entry::size).sum();
    }

    byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "safelight-backup");
        root.put("version", version);
        root.put("created_at", createdAt.toString());
        root.put("database_engine", engine);
        ObjectNode counts = root.putObject("counts");
        counts.put("files", entries.size());
        counts.put("bytes", bytes());
        ObjectNode tables = counts.putObject("rows");
        new java.util.TreeMap<>(rows).forEach(tables::put);
        var list = root.putArray("entries");
        for (Entry e : entries) {
            list.addObject().put("name", e.name()).put("size", e.size()).put("sha256", e.sha256());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** @throws CorruptBackupException when it is not a manifest this version can read */
    static BackupManifest parse(byte[] json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !"safelight-backup".equals(root.path("format").asText())) {
                throw new CorruptBackupException("its manifest is not a Safelight backup manifest");
            }
            int version = root.path("version").asInt(-1);
            if (version != VERSION) {
                throw new CorruptBackupException("its manifest has version " + version + "; this safelight reads "
                        + VERSION + " (restore it with the version that made it)");
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            for (var f : root.path("counts").path("rows").properties()) {
                rows.put(f.getKey(), f.getValue().asLong());
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode e : root.path("entries")) {
                String sha = e.path("sha256").asText();
                if (!e.path("name").isTextual() || !e.path("size").canConvertToLong() || !sha.matches("[0-9a-f]{64}")) {
                    throw new CorruptBackupException("its manifest has a malformed entry");
                }
                entries.add(new Entry(e.path("name").asText(), e.path("size").asLong(), sha));
            }
            return new BackupManifest(version, Instant.parse(root.path("created_at").asText()),
                    root.path("database_engine").asText(), rows, entries);
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw new CorruptBackupException("its manifest cannot be read");
        }
    }
}
