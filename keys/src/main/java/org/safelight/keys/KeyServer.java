package org.safelight.keys;

import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.safelight.keys.audit.AuditLog;
import org.safelight.keys.audit.ChainKey;
import org.safelight.keys.policy.AccessPolicy;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.tokens.TokenVerifier;

/**
 * The key server wired by hand: migrates the {@code keys} tables, loads the master key (environment
 * or {@code DATA_DIR/master.key}), reads the policy files from the data folder, and builds the
 * role. Close it to stop the audit writer after the HTTP server has stopped.
 */
public final class KeyServer implements AutoCloseable {
    /** In the data folder: the audit chain's boundary has been recorded (see {@link #authenticateAuditBoundaryOnce}). */
    public static final String AUDIT_BOUNDARY_FILE = "audit-boundary.recorded";
    /** Default per user: a burst of 60 key requests, then one a second. */
    public static final int BURST = 60;
    public static final double PER_SECOND = 1.0;

    private final KeysRole role;
    private final AuditLog auditLog;

    private KeyServer(KeysRole role, AuditLog auditLog) {
        this.role = role;
        this.auditLog = auditLog;
    }

    /**
     * @throws MasterKeyException when the master key cannot be loaded (see {@link MasterKey#load})
     */
    public static KeyServer open(Database database, Path dataDir, TokenVerifier tokens, List<String> trustedOrigins,
                                 Clock clock) {
        return open(database, dataDir, tokens, trustedOrigins,
                RateLimiter.forDatabase(database, () -> MasterKey.load(dataDir), "keys.requests-per-user", BURST, PER_SECOND, clock), clock);
    }

    /** Same, with the per-user limit on key requests chosen by the operator. */
    public static KeyServer open(Database database, Path dataDir, TokenVerifier tokens, List<String> trustedOrigins,
                                 RateLimiter perUser, Clock clock) {
        return open(database, dataDir, tokens, trustedOrigins, perUser, EnterpriseAuthority.none(), clock);
    }

    /** Same, with the authority that tells which enterprise a Key Server Token belongs to. */
    public static KeyServer open(Database database, Path dataDir, TokenVerifier tokens, List<String> trustedOrigins,
                                 RateLimiter perUser, EnterpriseAuthority enterprises, Clock clock) {
        return open(database, dataDir, tokens, trustedOrigins, perUser, enterprises, EnterpriseAdmins.none(), clock);
    }

    /** Same, with who administers which enterprise (the admin of a sender's enterprise sees all of its access logs). */
    public static KeyServer open(Database database, Path dataDir, TokenVerifier tokens, List<String> trustedOrigins,
                                 RateLimiter perUser, EnterpriseAuthority enterprises, EnterpriseAdmins admins,
                                 Clock clock) {
        database.migrate(KeysRole.NAME);
        MasterKey master = MasterKey.load(dataDir);
        AuditLog audit = new AuditLog(database, chainKey(master), clock);
        authenticateAuditBoundaryOnce(audit, dataDir);
        KeysRole role = new KeysRole(new ReportKeys(database, master, clock), new AccessPolicy(dataDir), audit,
                tokens, perUser, trustedOrigins, enterprises, admins);
        return new KeyServer(role, audit);
    }

    /**
     * At the first start with this data folder, records under the chain key where the keyed audit
     * chain begins (what the migration left: 0 on a new database, the last plain event on an
     * upgraded one), then leaves {@value #AUDIT_BOUNDARY_FILE} (0600) beside the master key so that
     * no later start records it again. The marker is outside the database on purpose: whoever can
     * write the database could otherwise remove the MAC, raise {@code keyed_from} over SHA-256
     * relinked events and wait for a restart to have the server vouch for it. Delete the file only
     * after restoring a database from before this version.
     */
    static void authenticateAuditBoundaryOnce(AuditLog audit, Path dataDir) {
        Path marker = dataDir.resolve(AUDIT_BOUNDARY_FILE);
        if (Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        audit.authenticateBoundary();
        try {
            Files.createDirectories(dataDir);
            FileAttribute<?>[] attributes = Files.getFileAttributeView(dataDir, PosixFileAttributeView.class) != null
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            Files.createFile(marker, attributes);
        } catch (FileAlreadyExistsException raced) {
            // another process recorded it first
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + marker + ": " + e.getMessage(), e);
        }
    }

    /** The audit chain's key, derived from the master key (the same on every server sharing it). */
    public static ChainKey chainKey(MasterKey master) {
        return new ChainKey(master.derive(ChainKey.LABEL));
    }

    public KeysRole role() {
        return role;
    }

    /** For the operator's {@code audit verify} and {@code audit export}. */
    public AuditLog auditLog() {
        return auditLog;
    }

    @Override
    public void close() {
        auditLog.close();
    }
}
