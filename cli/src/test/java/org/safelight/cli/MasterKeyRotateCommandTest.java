package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.storage.StorageConnections;
import org.safelight.cli.serve.DataFolderLock;
import org.safelight.client.storage.StorageProvider;
import org.safelight.client.storage.StorageTokens;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.keys.Creation;
import org.safelight.keys.KeyServer;
import org.safelight.keys.ReportId;
import org.safelight.keys.ReportKeys;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEntry;
import org.safelight.keys.audit.AuditLog;
import org.safelight.keys.audit.Outcome;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyRotation;
import org.safelight.server.crypto.Pkcs11MasterKey;
import org.safelight.server.crypto.PurposeKeys;
import org.safelight.server.crypto.Reseal;
import org.safelight.server.db.Database;
import org.safelight.server.testing.SoftHsm;

/**
 * {@code safelight admin master-key rotate}: every stored secret re-sealed (report keys, storage
 * tokens, endpoint references, purpose keys), the audit chain still verifying, to a file key and
 * into a PKCS#11 token, resumed after an interruption, refused while a server holds the folder.
 */
class MasterKeyRotateCommandTest {
    private static final int REPORTS = 7;

    @TempDir
    Path dir;

    /** What a deployment stored under its file master key, as plain values to compare with later. */
    private record Stored(Map<String, String> reportKeys, StorageTokens tokens, String fhirReference) {
    }

    private Stored populate(Path data) {
        MasterKey master = MasterKey.load(data, Map.of());
        Map<String, String> keys = new LinkedHashMap<>();
        StorageTokens tokens = new StorageTokens("access-1", "refresh-1", 1_900_000_000L);
        try (Database db = Database.open(Database.sqliteUrl(data))) {
            db.migrate("keys");
            db.migrate("accounts");
            db.migrate("endpoint");
            ReportKeys reportKeys = new ReportKeys(db, master, Clock.systemUTC());
            try (AuditLog audit = new AuditLog(db, KeyServer.chainKey(db, master), Clock.systemUTC())) {
                for (int i = 0; i < REPORTS; i++) {
                    String id = "report-" + i;
                    keys.put(id, ((Creation.Created) reportKeys.create(new ReportId(id), "u1", "ada@example.org")).key().key());
                    audit.append(new AuditEntry("u1", "ada@example.org", id, AuditAction.KEY_CREATED, Outcome.GRANTED,
                            "192.0.2.1"));
                }
            }
            new StorageConnections(db.jdbi(), master, Clock.systemUTC()).save("u1", StorageProvider.BOX, tokens);
            new EndpointStore(db, master).createdResources("report-0", "emr").record("patient", "Patient/42");
        }
        return new Stored(keys, tokens, "Patient/42");
    }

    /** Every stored secret opens under {@code master}: report keys, storage tokens, the FHIR reference. */
    private void assertEverythingOpens(Path data, MasterKey master, Stored stored) {
        try (Database db = Database.open(Database.sqliteUrl(data))) {
            ReportKeys keys = new ReportKeys(db, master, Clock.systemUTC());
            for (Map.Entry<String, String> e : stored.reportKeys().entrySet()) {
                assertThat(keys.find(new ReportId(e.getKey())).orElseThrow().key()).isEqualTo(e.getValue());
            }
            assertThat(new StorageConnections(db.jdbi(), master, Clock.systemUTC()).tokens("u1", StorageProvider.BOX))
                    .contains(stored.tokens());
            assertThat(new EndpointStore(db, master).createdResources("report-0", "emr").find("patient"))
                    .contains(stored.fhirReference());
            List<String> sealed = db.jdbi().withHandle(h -> h.createQuery("SELECT sealed_key FROM report_keys"
                    + " UNION ALL SELECT sealed_key FROM purpose_keys UNION ALL SELECT sealed_tokens FROM storage_connections"
                    + " UNION ALL SELECT reference FROM endpoint_fhir_resources").mapTo(String.class).list());
            assertThat(sealed).as("report keys, 3 purpose keys, tokens, a reference").hasSize(REPORTS + 3 + 1 + 1)
                    .allSatisfy(s -> assertThat(MasterKey.sealedBy(s)).contains(master.id()));
        }
    }

    @Test
    void rotating_to_a_generated_file_key_reseals_everything_and_retires_the_old_key_file() throws Exception {
        Path data = dir.resolve("data");
        Stored stored = populate(data);
        String oldId = MasterKey.load(data, Map.of()).id();

        Cli.Result rotate = Cli.run("admin", "master-key", "rotate", "--data-dir", data.toString(), "--batch", "3",
                "--wait-for-servers", "0");

        assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
        assertThat(rotate.out()).contains("Every server on this database must be stopped, on every host");
        assertThat(rotate.out()).contains("report keys: " + REPORTS + " re-sealed", "storage tokens: 1 re-sealed",
                "endpoint FHIR references: 1 re-sealed", "purpose keys: 3 re-sealed");
        MasterKey now = MasterKey.load(data, Map.of());
        assertThat(now.id()).isNotEqualTo(oldId);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("master.key"))))
                .isEqualTo("rw-------");
        assertThat(data.resolve("master.key.next")).doesNotExist();
        Path retired;
        try (Stream<Path> files = Files.list(data)) {
            retired = files.filter(f -> f.getFileName().toString().startsWith("master.key.retired-")).findFirst()
                    .orElseThrow();
        }
        assertThat(MasterKey.fromFile(retired).id()).isEqualTo(oldId);
        assertThat(rotate.stderr()).contains("warning", retired.toString(), "destroy it");
        assertEverythingOpens(data, now, stored);
        Cli.Result verify = Cli.run("audit", "verify", "--data-dir", data.toString());
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.out()).startsWith("OK: " + REPORTS + " events");
    }

    @Test
    void rotating_into_the_token_moves_every_secret_under_a_key_that_never_leaves_it() throws Exception {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        Path data = dir.resolve("data");
        Stored stored = populate(data);
        Map<String, String> env = Map.of("SAFELIGHT_HSM_PIN", token.pin());

        Cli.Result rotate = Cli.runWithEnv(env, "admin", "master-key", "rotate", "--data-dir", data.toString(),
                "--to-pkcs11", token.config().toString(), "--label", "rotated-in", "--wait-for-servers", "0");

        assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
        assertThat(rotate.out()).contains("--master-key-pkcs11 " + token.config(), "--master-key-label rotated-in");
        assertThat(data.resolve("master.key")).as("retired, not left to be used").doesNotExist();
        MasterKey hsm = Pkcs11MasterKey.open(token.config(), "rotated-in", token.pinChars());
        assertEverythingOpens(data, hsm, stored);
        Cli.Result verify = Cli.runWithEnv(env, "audit", "verify", "--data-dir", data.toString(),
                "--master-key-pkcs11", token.config().toString(), "--master-key-label", "rotated-in");
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.out()).startsWith("OK: " + REPORTS + " events");
    }

    @Test
    void an_interrupted_rotation_stops_servers_from_starting_and_a_second_run_finishes_it() throws Exception {
        Path data = dir.resolve("data");
        Stored stored = populate(data);
        Path newKey = dir.resolve("new.key");
        MasterKey from = MasterKey.load(data, Map.of());
        MasterKey to = MasterKey.fromFile(newKey);
        try (Database db = Database.open(Database.sqliteUrl(data))) {
            for (String purpose : MasterKeyCommand.PURPOSES) {
                PurposeKeys.get(db, from, purpose);
            }
            MasterKeyRotation.begin(db, from, to);
            assertThatThrownBy(() -> MasterKeyRotation.reseal(db, MasterKeyCommand.everySealedSecret(),
                    new Reseal(from, to, 2).stoppingAfter(3))).isInstanceOf(Reseal.InterruptedException.class);
        }

        assertThatThrownBy(() -> TestServer.start(data, Set.of("accounts", "keys"), null))
                .isInstanceOf(MasterKeyRotation.UnfinishedException.class)
                .hasMessageContaining("safelight admin master-key rotate");
        Cli.Result verifyMeanwhile = Cli.run("audit", "verify", "--data-dir", data.toString());
        assertThat(verifyMeanwhile.exitCode()).isNotZero();
        assertThat(verifyMeanwhile.stderr()).contains("unfinished");
        Cli.Result otherKey = Cli.run("admin", "master-key", "rotate", "--data-dir", data.toString());
        assertThat(otherKey.exitCode()).as("not over an unfinished rotation to another key").isNotZero();
        assertThat(otherKey.stderr()).contains("another master key rotation is unfinished");

        Cli.Result resumed = Cli.run("admin", "master-key", "rotate", "--data-dir", data.toString(), "--new-key-file",
                newKey.toString(), "--batch", "2", "--wait-for-servers", "0");

        assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
        assertThat(resumed.out()).contains("Continuing", "report keys: " + (REPORTS - 2) + " re-sealed, 2 already under"
                + " the new key");
        assertThat(MasterKey.load(data, Map.of()).id()).isEqualTo(to.id());
        assertEverythingOpens(data, to, stored);
        assertThat(Cli.run("audit", "verify", "--data-dir", data.toString()).exitCode()).isZero();
        TestServer.start(data, Set.of("accounts", "keys"), null).close();
    }

    @Test
    void rotation_is_refused_while_a_server_holds_the_data_folder() throws Exception {
        Path data = dir.resolve("data");
        populate(data);
        String before = Files.readString(data.resolve("master.key"));

        Cli.Result refused;
        DataFolderLock held = DataFolderLock.acquire(data);
        try {
            refused = Cli.run("admin", "master-key", "rotate", "--data-dir", data.toString());
        } finally {
            held.close();
        }

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errLines()).hasSize(1).first().asString().contains("a server is running", "stop it");
        assertThat(Files.readString(data.resolve("master.key"))).isEqualTo(before);
        assertThat(data.resolve("master.key.next")).doesNotExist();
    }
}
