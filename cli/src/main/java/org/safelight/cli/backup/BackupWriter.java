package org.safelight.cli.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.container.NonClosingOutputStream;

/**
 * Writes a backup of a data folder while its server runs: a ZIP with the database snapshot
 * ({@value #DATABASE_ENTRY}, SQLite only), the data folder's files under {@value #FILES}, a received
 * folder kept elsewhere under {@value #RECEIVED}, and the {@link BackupManifest} last.
 *
 * <p>Order is what makes it consistent: the database is copied first, the files after. A row in
 * the snapshot names a blob or received file that was stored before the row was committed, so the
 * file is there when the folder is walked; files stored after the snapshot come along as harmless
 * extras (nothing refers to them; the cloud's expiry removes them in time). A file deleted
 * between the two (an expired blob) is missing, as it would be on the live server.
 *
 * <p>The master key is never read or written, nor any other key file ({@link DataFolderFiles}): a
 * backup and the key that opens it must not travel together. Symbolic links are never followed.
 * The file appears complete or not at all (written beside its place, synced, renamed), readable by
 * its owner only.
 */
public final class BackupWriter {
    public static final String DATABASE_ENTRY = "database/safelight.db";
    public static final String FILES = "files/";
    public static final String RECEIVED = "endpoint-received/";

    /**
     * What to back up.
     *
     * @param sqlite   the SQLite database file; null when the database is PostgreSQL (pg_dump's)
     * @param received the endpoint's received folder when it is kept outside the data folder, or null
     */
    public record Source(Path dataDir, Path sqlite, Path received) {
    }

    /**
     * A backup written.
     *
     * @param cloudReports            unexpired cloud reports in the database snapshot (SQLite only)
     * @param cloudReportsWithoutBlob of those, how many have no blob in the backup (expired meanwhile, or S3)
     * @param linksLeftOut            symbolic links found and not followed: relative to the data folder, or
     *                                the full path when in a received folder kept elsewhere
     */
    public record Written(BackupManifest manifest, long cloudReports, long cloudReportsWithoutBlob,
                          List<String> linksLeftOut) {
    }

    private BackupWriter() {
    }

    /**
     * @throws BackupException when there is no data folder or SQLite database there, or {@code output}
     *                         would be inside the data folder (or the received folder)
     * @throws IOException     when the database cannot be copied or a file read, or {@code output}
     *                         cannot be written (then no file is left there)
     */
    public static Written write(Source source, Path output, Clock clock) throws IOException {
        if (!Files.isDirectory(source.dataDir())) {
            throw new BackupException("no data folder at " + source.dataDir().toAbsolutePath()
                    + " (give the --data-dir that 'serve' uses)");
        }
        refuseInside(output, source.dataDir(), "the data folder");
        if (source.received() != null) {
            refuseInside(output, source.received(), "the endpoint's received folder");
        }
        Path parent = output.toAbsolutePath().normalize().getParent();
        Files.createDirectories(parent);
        Path scratch = Files.createTempDirectory(parent, ".safelight-backup-"); // 0700
        try {
            java.time.Instant takenAt = clock.instant(); // the snapshot shows what was committed before this
            Map<String, Long> rows = Map.of();
            Path snapshot = null;
            if (source.sqlite() != null) {
                snapshot = scratch.resolve("safelight.db");
                SqliteSnapshot.copy(source.sqlite(), snapshot); // first: every row's file exists already
                rows = SqliteSnapshot.rows(snapshot);
            }
            DataFolderFiles.Listing folder = DataFolderFiles.of(source.dataDir());
            DataFolderFiles.Listing elsewhere = source.received() == null || inside(source.received(), source.dataDir())
                    ? new DataFolderFiles.Listing(List.of(), List.of()) : DataFolderFiles.received(source.received());
            List<DataFolderFiles.Found> files = folder.files();
            List<DataFolderFiles.Found> received = elsewhere.files();
            List<String> links = new ArrayList<>(folder.links());
            elsewhere.links().forEach(l -> links.add(source.received().resolve(l).toString()));
            List<BackupManifest.Entry> entries = new ArrayList<>();
            Path db = snapshot;
            Map<String, Long> counted = rows;
            BackupManifest[] written = new BackupManifest[1];
            AtomicFile.write(output, out -> {
                ZipOutputStream zip = new ZipOutputStream(new NonClosingOutputStream(out));
                if (db != null) {
                    add(zip, Files.newInputStream(db), DATABASE_ENTRY, Deflater.DEFAULT_COMPRESSION, entries);
                }
                for (DataFolderFiles.Found f : files) {
                    add(zip, f, FILES + f.relative(), level(f.relative()), entries);
                }
                for (DataFolderFiles.Found f : received) {
                    add(zip, f, RECEIVED + f.relative(), Deflater.NO_COMPRESSION, entries);
                }
                written[0] = new BackupManifest(BackupManifest.VERSION, takenAt,
                        db != null ? "sqlite" : "postgresql", counted, entries);
                zip.setLevel(Deflater.DEFAULT_COMPRESSION);
                zip.putNextEntry(new ZipEntry(BackupManifest.NAME));
                zip.write(written[0].toJson());
                zip.closeEntry();
                zip.finish();
            });
            if (Files.getFileAttributeView(output, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rw-------"));
            }
            BlobCoverage coverage = db == null ? BlobCoverage.NONE : BlobCoverage.of(db,
                    entries.stream().map(BackupManifest.Entry::name).collect(java.util.stream.Collectors.toSet()));
            return new Written(written[0], coverage.reports(), coverage.withoutBlob(), List.copyOf(links));
        } finally {
            deleteTree(scratch);
        }
    }

    /** Sealed reports and received files are ciphertext: compressing them only costs time. */
    private static int level(String relative) {
        return relative.startsWith("cloud/") || relative.startsWith("endpoint/received/")
                ? Deflater.NO_COMPRESSION : Deflater.DEFAULT_COMPRESSION;
    }

    /** A file the walk found, opened without following links. */
    private static void add(ZipOutputStream zip, DataFolderFiles.Found file, String name, int level,
                            List<BackupManifest.Entry> entries) throws IOException {
        InputStream in;
        try {
            in = DataFolderFiles.open(file);
        } catch (NoSuchFileException gone) {
            return; // deleted since the folder was listed (an expired blob): the live server no longer has it either
        }
        add(zip, in, name, level, entries);
    }

    private static void add(ZipOutputStream zip, InputStream in, String name, int level, List<BackupManifest.Entry> entries)
            throws IOException {
        MessageDigest sha = sha256();
        long size;
        try (DigestInputStream digesting = new DigestInputStream(in, sha)) {
            zip.setLevel(level);
            zip.putNextEntry(new ZipEntry(name));
            size = digesting.transferTo(zip);
            zip.closeEntry();
        }
        entries.add(new BackupManifest.Entry(name, size, HexFormat.of().formatHex(sha.digest())));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** A backup inside the folder it saves would be carried by the next one, and lost with the disk. */
    private static void refuseInside(Path output, Path folder, String what) throws IOException {
        if (inside(output, folder)) {
            throw new BackupException("the backup file " + output + " would be inside " + what + " ("
                    + folder.toAbsolutePath() + "): write it to another folder, ideally another disk or machine");
        }
    }

    /** Whether {@code path} is {@code folder} or under it, links resolved where they exist. */
    static boolean inside(Path path, Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return false;
        }
        return real(path).startsWith(folder.toRealPath());
    }

    /** The real path of the nearest existing ancestor, with the rest of {@code path} after it. */
    static Path real(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? absolute : existing.toRealPath().resolve(existing.relativize(absolute));
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
