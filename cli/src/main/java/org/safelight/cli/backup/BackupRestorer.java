package org.safelight.cli.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.safelight.server.crypto.MasterKey;

/**
 * Puts a backup made by {@link BackupWriter} back into a new, empty data folder. The whole file is
 * checked against its manifest first (every entry present, none added, sizes and SHA-256 equal);
 * a file that fails is refused before anything is written. The folder is then built beside its
 * place and renamed into it, folders 0700 and files 0600, so a restore that fails half-way leaves
 * nothing that looks like a data folder. It never merges into a folder that holds anything.
 */
public final class BackupRestorer {
    /**
     * Where to restore.
     *
     * @param sqlite   where the SQLite database goes when not {@code dataDir/safelight.db}, or null
     * @param received where received files go when not {@code dataDir/endpoint/received}, or null
     */
    public record Target(Path dataDir, Path sqlite, Path received) {
    }

    private static final FileAttribute<?> FOLDER = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> FILE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));

    private BackupRestorer() {
    }

    /**
     * Checks a backup against its manifest without writing anything.
     *
     * @throws CorruptBackupException naming the first entry that does not match
     */
    public static BackupManifest verify(Path backup) throws IOException {
        try (ZipFile zip = open(backup)) {
            return verify(zip);
        }
    }

    /**
     * Verifies, then restores. {@code masterKey}, when given, is copied in as {@code master.key}.
     *
     * @throws CorruptBackupException when the file does not match its manifest (nothing written)
     * @throws BackupException        when a target is not empty
     */
    public static BackupManifest restore(Path backup, Target target, Path masterKey) throws IOException {
        try (ZipFile zip = open(backup)) {
            BackupManifest manifest = verify(zip);
            Path dataDir = target.dataDir().toAbsolutePath().normalize();
            refuseNonEmpty(dataDir, "--data-dir");
            Path sqlite = target.sqlite() == null ? null : target.sqlite().toAbsolutePath().normalize();
            if (sqlite != null && Files.exists(sqlite, LinkOption.NOFOLLOW_LINKS)) {
                throw new BackupException("a database already exists at " + sqlite
                        + ": restore into a new database file (a restore never overwrites one)");
            }
            Path received = target.received() == null ? null : target.received().toAbsolutePath().normalize();
            if (received != null) {
                refuseNonEmpty(received, "--endpoint-received");
            }
            if (masterKey != null && !Files.isRegularFile(masterKey)) {
                throw new BackupException("no master key file at " + masterKey);
            }
            Files.createDirectories(dataDir.getParent());
            Path staging = Files.createTempDirectory(dataDir.getParent(), "." + dataDir.getFileName() + ".restoring-");
            Path receivedStaging = null;
            boolean done = false;
            try {
                if (received != null) {
                    Files.createDirectories(received.getParent());
                    receivedStaging = Files.createTempDirectory(received.getParent(),
                            "." + received.getFileName() + ".restoring-");
                }
                for (BackupManifest.Entry e : manifest.entries()) {
                    Path to;
                    if (e.name().equals(BackupWriter.DATABASE_ENTRY)) {
                        to = staging.resolve(DataFolderFiles.DATABASE);
                    } else if (e.name().startsWith(BackupWriter.FILES)) {
                        to = staging.resolve(e.name().substring(BackupWriter.FILES.length()));
                    } else {
                        String rest = e.name().substring(BackupWriter.RECEIVED.length());
                        to = receivedStaging != null ? receivedStaging.resolve(rest)
                                : staging.resolve("endpoint/received").resolve(rest);
                    }
                    extract(zip, e, to);
                }
                if (manifest.engine().equals("sqlite")) {
                    Map<String, Long> rows = SqliteSnapshot.rows(staging.resolve(DataFolderFiles.DATABASE));
                    if (!rows.equals(manifest.rows())) {
                        throw new CorruptBackupException("the restored database's rows differ from the manifest's counts");
                    }
                }
                if (masterKey != null) {
                    Path key = staging.resolve(MasterKey.FILE_NAME);
                    try (InputStream in = Files.newInputStream(masterKey); OutputStream out = create(key)) {
                        in.transferTo(out);
                    }
                    try {
                        MasterKey.fromFile(key); // a malformed key is refused here, not at the server's start
                    } catch (org.safelight.server.crypto.MasterKeyException e) {
                        throw new BackupException("the master key " + masterKey + " cannot be used (" + e.getMessage()
                                + "): nothing was restored", e);
                    }
                }
                if (sqlite != null && Files.exists(staging.resolve(DataFolderFiles.DATABASE))) {
                    Files.createDirectories(sqlite.getParent(), FOLDER);
                    Files.move(staging.resolve(DataFolderFiles.DATABASE), sqlite);
                }
                if (receivedStaging != null) {
                    Files.deleteIfExists(received);
                    Files.move(receivedStaging, received, StandardCopyOption.ATOMIC_MOVE);
                    receivedStaging = null;
                }
                Files.deleteIfExists(dataDir); // empty, checked above
                Files.move(staging, dataDir, StandardCopyOption.ATOMIC_MOVE);
                done = true;
                return manifest;
            } finally {
                if (!done) {
                    BackupWriter.deleteTree(staging);
                    if (receivedStaging != null) {
                        BackupWriter.deleteTree(receivedStaging);
                    }
                }
            }
        }
    }

    private static ZipFile open(Path backup) throws IOException {
        if (!Files.isRegularFile(backup)) {
            throw new BackupException("no backup file at " + backup);
        }
        try {
            return new ZipFile(backup.toFile());
        } catch (ZipException e) {
            throw new CorruptBackupException("it is not a readable ZIP file (" + e.getMessage() + ")");
        }
    }

    private static BackupManifest verify(ZipFile zip) throws IOException {
        ZipEntry manifestEntry = zip.getEntry(BackupManifest.NAME);
        if (manifestEntry == null) {
            throw new CorruptBackupException("it has no " + BackupManifest.NAME + " (is it a Safelight backup?)");
        }
        BackupManifest manifest;
        try (InputStream in = zip.getInputStream(manifestEntry)) {
            byte[] json = in.readNBytes(BackupManifest.MAX_BYTES + 1);
            if (json.length > BackupManifest.MAX_BYTES) {
                throw new CorruptBackupException("its manifest is too large");
            }
            manifest = BackupManifest.parse(json);
        } catch (ZipException e) {
            throw new CorruptBackupException("its manifest cannot be read (" + e.getMessage() + ")");
        }
        Map<String, BackupManifest.Entry> listed = new HashMap<>();
        for (BackupManifest.Entry e : manifest.entries()) {
            checkName(e.name());
            if (listed.put(e.name(), e) != null) {
                throw new CorruptBackupException("its manifest lists " + e.name() + " twice");
            }
        }
        if (manifest.engine().equals("sqlite") != listed.containsKey(BackupWriter.DATABASE_ENTRY)) {
            throw new CorruptBackupException("its manifest's database engine and its entries disagree");
        }
        Set<String> present = new HashSet<>();
        for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
            String name = all.nextElement().getName();
            if (!present.add(name)) {
                throw new CorruptBackupException("it holds " + name + " twice");
            }
            if (!name.equals(BackupManifest.NAME) && !listed.containsKey(name)) {
                throw new CorruptBackupException("it holds " + name + ", which its manifest does not list");
            }
        }
        for (BackupManifest.Entry e : manifest.entries()) {
            if (!present.contains(e.name())) {
                throw new CorruptBackupException(e.name() + " is missing");
            }
            try (InputStream in = zip.getInputStream(zip.getEntry(e.name()))) {
                MessageDigest sha = BackupWriter.sha256();
                long size = in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
                check(e, size, sha);
            } catch (ZipException damaged) {
                throw new CorruptBackupException(e.name() + " cannot be read (" + damaged.getMessage() + ")");
            }
        }
        return manifest;
    }

    private static void check(BackupManifest.Entry e, long size, MessageDigest sha) {
        if (size != e.size() || !HexFormat.of().formatHex(sha.digest()).equals(e.sha256())) {
            throw new CorruptBackupException(e.name() + " does not match its SHA-256 in the manifest");
        }
    }

    /** Only names a backup writes: under one of its three places, relative, no {@code ..}. */
    private static void checkName(String name) {
        boolean placed = name.equals(BackupWriter.DATABASE_ENTRY)
                || name.startsWith(BackupWriter.FILES) && name.length() > BackupWriter.FILES.length()
                || name.startsWith(BackupWriter.RECEIVED) && name.length() > BackupWriter.RECEIVED.length();
        boolean clean = !name.contains("\\") && !name.contains("\0") && !name.endsWith("/")
                && java.util.Arrays.stream(name.split("/", -1)).noneMatch(s -> s.isEmpty() || s.equals(".")
                || s.equals(".."));
        if (!placed || !clean) {
            throw new CorruptBackupException("its manifest lists an entry named '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "', which no backup writes");
        }
    }

    private static void extract(ZipFile zip, BackupManifest.Entry e, Path to) throws IOException {
        Files.createDirectories(to.getParent(), FOLDER);
        MessageDigest sha = BackupWriter.sha256();
        long size;
        try (InputStream in = zip.getInputStream(zip.getEntry(e.name()));
             OutputStream out = new DigestOutputStream(create(to), sha)) {
            size = in.transferTo(out);
        } catch (ZipException damaged) {
            throw new CorruptBackupException(e.name() + " cannot be read (" + damaged.getMessage() + ")");
        }
        check(e, size, sha); // the file may have changed since it was verified
    }

    /** A new file, 0600 from the start; synced when closed. */
    private static OutputStream create(Path file) throws IOException {
        boolean posix = Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null;
        FileChannel channel = posix
                ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE)
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new java.io.FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                try (channel) {
                    out.flush();
                    channel.force(true);
                }
            }
        };
    }

    private static void refuseNonEmpty(Path folder, String option) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(option + " " + folder + " is a file: restore into a new, empty folder");
        }
        try (var entries = Files.list(folder)) {
            if (entries.findAny().isPresent()) {
                throw new BackupException(option + " " + folder + " is not empty: restore into a new, empty folder"
                        + " (a restore never merges into a folder, least of all a live server's)");
            }
        }
    }
}
