package org.safelight.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/** A server that runs while another host rotates the master key, and the rotation's final re-scan. */
class RotationWatchTest {
    private static final byte[] SECRET = "a report password".getBytes(StandardCharsets.UTF_8);
    private final Database db = TestDatabases.sqlite();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void a_server_started_before_a_rotation_stops_sealing_and_is_not_ready_once_it_is_marked() {
        MasterKey running = MasterKey.load(dir, Map.of());
        MasterKey next = MasterKey.load(dir.resolve("next"), Map.of());
        RotationWatch watch = new RotationWatch(db, () -> Optional.of(running));
        watch.poll();
        String before = running.seal(SECRET, "r1");
        assertThatCode(watch::check).doesNotThrowAnyException();

        MasterKeyRotation.begin(db, running, next);
        watch.poll();

        assertThatThrownBy(() -> running.seal(SECRET, "r2")).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("a master key rotation is under way");
        assertThatThrownBy(watch::check).hasMessageContaining("a master key rotation is under way");
        assertThat(running.open(before, "r1")).as("opening goes on").isEqualTo(SECRET);

        MasterKeyRotation.finish(db);
        watch.poll();
        assertThatThrownBy(() -> running.seal(SECRET, "r3")).as("its key is the retired one now: until a restart")
                .isInstanceOf(MasterKeyException.class);
    }

    @Test
    void a_key_loaded_after_the_rotation_was_seen_is_refused_sealing_at_the_next_poll() {
        MasterKey running = MasterKey.load(dir, Map.of());
        MasterKey[] loaded = {null};
        RotationWatch watch = new RotationWatch(db, () -> Optional.ofNullable(loaded[0]));
        MasterKeyRotation.begin(db, running, MasterKey.load(dir.resolve("next"), Map.of()));
        watch.poll();
        loaded[0] = running;

        watch.poll();

        assertThatThrownBy(() -> running.seal(SECRET, "r1")).isInstanceOf(MasterKeyException.class);
    }

    @Test
    void the_final_rescan_catches_a_value_sealed_under_the_old_key_after_the_first_pass() {
        MasterKey from = MasterKey.load(dir, Map.of());
        MasterKey to = MasterKey.load(dir.resolve("next"), Map.of());
        PurposeKeys.get(db, from, "early");
        MasterKeyRotation.begin(db, from, to);
        Reseal reseal = new Reseal(from, to, 10);
        assertThat(MasterKeyRotation.reseal(db, List.of(PurposeKeys.SEALED), reseal))
                .containsExactly(new SealedSecrets.Resealed("purpose keys", 1, 0, 0));
        byte[] late = PurposeKeys.get(db, from, "late"); // another instance, still on the old key

        long caught = MasterKeyRotation.rescanUntilNoneLeft(db, List.of(PurposeKeys.SEALED), reseal, 5);

        assertThat(caught).isEqualTo(1);
        assertThat(PurposeKeys.get(db, to, "late")).isEqualTo(late);
        assertThat(MasterKeyRotation.rescanUntilNoneLeft(db, List.of(PurposeKeys.SEALED), reseal, 5)).isZero();
    }

    @Test
    void a_rescan_that_keeps_finding_values_under_the_old_key_refuses_to_finish() {
        MasterKey from = MasterKey.load(dir, Map.of());
        MasterKey to = MasterKey.load(dir.resolve("next"), Map.of());
        MasterKeyRotation.begin(db, from, to);
        int[] n = {0};
        SealedSecrets busy = new SealedSecrets() {
            @Override
            public String name() {
                return "purpose keys";
            }

            @Override
            public Resealed reseal(Database database, Reseal reseal) {
                PurposeKeys.get(database, from, "written meanwhile " + n[0]++);
                return PurposeKeys.SEALED.reseal(database, reseal);
            }
        };

        assertThatThrownBy(() -> MasterKeyRotation.rescanUntilNoneLeft(db, List.of(busy), new Reseal(from, to, 10), 3))
                .isInstanceOf(MasterKeyRotation.UnfinishedException.class)
                .hasMessageContaining("stop every instance");
    }
}
