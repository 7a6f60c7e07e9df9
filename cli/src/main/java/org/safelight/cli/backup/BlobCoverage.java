package org.safelight.cli.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.safelight.cloud.blob.HashedKeyBlobStore;
import org.sqlite.SQLiteConfig;

/**
 * Whether every cloud report the database snapshot still serves has its blob in the backup: the
 * check that the order (database first, files second) held. A report without one was deleted in
 * between (expired), or the cloud keeps its blobs in S3, outside the data folder.
 *
 * @param reports     unexpired cloud reports in the snapshot
 * @param withoutBlob of those, how many have no blob among the backup's files
 */
record BlobCoverage(long reports, long withoutBlob) {
    static final BlobCoverage NONE = new BlobCoverage(0, 0);

    /** @param entries the backup's entry names */
    static BlobCoverage of(Path snapshot, Set<String> entries) throws IOException {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + snapshot.toAbsolutePath());
             Statement s = c.createStatement()) {
            try (ResultSet t = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cloud_reports'")) {
                if (!t.next()) {
                    return NONE; // no cloud role on this database
                }
            }
            long reports = 0;
            long missing = 0;
            try (ResultSet r = s.executeQuery("SELECT region, name FROM cloud_reports WHERE deleted_at IS NULL")) {
                while (r.next()) {
                    String key = r.getString(1) + "/" + r.getString(2);
                    reports++;
                    String prefix = BackupWriter.FILES + "cloud/";
                    if (!entries.contains(prefix + HashedKeyBlobStore.storedKey(key)) && !entries.contains(prefix + key)) {
                        missing++;
                    }
                }
            }
            return new BlobCoverage(reports, missing);
        } catch (SQLException | IllegalArgumentException e) {
            throw new IOException("the database copy cannot be read: " + e.getMessage(), e);
        }
    }
}
