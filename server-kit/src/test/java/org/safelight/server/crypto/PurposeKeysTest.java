package org.safelight.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;
import org.safelight.server.role.RoleContext;
import org.safelight.server.testing.SoftHsm;
import org.safelight.server.testing.TestDatabases;

class PurposeKeysTest {
    private final Database db = TestDatabases.sqlite();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void under_a_file_key_a_purpose_key_is_what_earlier_versions_derived_and_is_stored_once() {
        MasterKey file = MasterKey.load(dir, Map.of());

        byte[] first = PurposeKeys.get(db, file, "safelight audit chain v1");

        assertThat(first).isEqualTo(file.derive("safelight audit chain v1"));
        assertThat(PurposeKeys.get(db, file, "safelight audit chain v1")).isEqualTo(first);
        assertThat(PurposeKeys.get(db, file, "another purpose")).isNotEqualTo(first);
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void a_purpose_key_keeps_its_value_when_its_master_key_moves_into_the_token() {
        MasterKey file = MasterKey.load(dir, Map.of());
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        MasterKey hsm = Pkcs11MasterKey.openOrCreate(token.config(), "purpose-keys", token.pinChars());
        byte[] before = PurposeKeys.get(db, file, "safelight audit chain v1");

        MasterKeyRotation.begin(db, file, hsm);
        List<SealedSecrets.Resealed> done = MasterKeyRotation.reseal(db, List.of(PurposeKeys.SEALED),
                new Reseal(file, hsm, 10));
        MasterKeyRotation.finish(db);

        assertThat(done).containsExactly(new SealedSecrets.Resealed("purpose keys", 1, 0, 0));
        assertThat(PurposeKeys.get(db, hsm, "safelight audit chain v1")).isEqualTo(before);
        assertThatThrownBy(() -> PurposeKeys.get(db, file, "safelight audit chain v1"))
                .isInstanceOf(MasterKeyException.class);
        assertThat(MasterKeyRotation.reseal(db, List.of(PurposeKeys.SEALED), new Reseal(file, hsm, 10)))
                .as("a second run finds it done").containsExactly(new SealedSecrets.Resealed("purpose keys", 0, 1, 0));
    }

    @Test
    void under_a_token_key_a_new_purpose_key_is_random_and_kept() {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        MasterKey hsm = Pkcs11MasterKey.openOrCreate(token.config(), "purpose-random", token.pinChars());

        byte[] key = PurposeKeys.get(db, hsm, "endpoint files");

        assertThat(key).hasSize(32).isNotEqualTo(new byte[32]);
        assertThat(PurposeKeys.get(db, hsm, "endpoint files")).isEqualTo(key);
    }

    @Test
    void no_master_key_is_handed_to_a_role_while_a_rotation_is_unfinished() {
        MasterKey from = MasterKey.load(dir, Map.of());
        MasterKey to = MasterKey.load(dir.resolve("next"), Map.of());
        MasterKeyRotation.begin(db, from, to);
        RoleContext context = new RoleContext(db, dir, Clock.systemUTC(), URI.create("http://localhost"), null, Set.of());

        assertThatThrownBy(context::masterKey).isInstanceOf(MasterKeyRotation.UnfinishedException.class)
                .hasMessageContaining("safelight admin master-key rotate").hasMessageContaining(to.id());
        assertThatThrownBy(() -> MasterKeyRotation.begin(db, from, MasterKey.load(dir.resolve("third"), Map.of())))
                .as("another rotation may not start over it").isInstanceOf(MasterKeyRotation.UnfinishedException.class);
        MasterKeyRotation.finish(db);
        assertThat(context.masterKey().id()).isEqualTo(from.id());
    }

    private int rows() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM purpose_keys").mapTo(Integer.class).one());
    }
}
