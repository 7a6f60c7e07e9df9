package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.server.db.Database;
import org.safelight.server.http.Refusal;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.tokens.UserToken;

/** Two cloud instances on one database (and one blob store) keep one quota and one hourly limit per user. */
class SharedQuotaTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    private CloudStore instance(Database db, UploadLimits limits) throws Exception {
        return CloudStore.open(db, () -> org.safelight.server.crypto.MasterKey.load(dir, java.util.Map.of()), new FolderBlobStore(dir.resolve("bucket")), (upload, token) -> upload.enterpriseId(),
                URI.create("https://safelight.example.org/"), dir.resolve("spool"), limits, clock);
    }

    private UserToken ada() {
        return new UserToken("user-1", "ada@hospital.example", true, "Ada Quill", "Dr", "AU", "", true,
                clock.instant(), clock.instant().plusSeconds(900));
    }

    private static String outcome(CloudStore store, byte[] report, String id, UserToken who) throws Exception {
        try {
            return store.accept(new ByteArrayInputStream(report), id, who, "t").reportId();
        } catch (Refusal e) {
            return e.code();
        }
    }

    @EachDatabase
    void uploads_at_once_through_two_instances_cannot_together_exceed_the_quota(Database db) throws Exception {
        byte[] report = Zips.sealed(null);
        long quota = 3L * report.length + 100;
        UploadLimits limits = new UploadLimits(quota, quota, 100);
        List<CloudStore> instances = List.of(instance(db, limits), instance(db, limits));
        int parallel = 8;
        CyclicBarrier together = new CyclicBarrier(parallel);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<String> outcomes = new ArrayList<>();
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                CloudStore store = instances.get(i % 2);
                String id = "P-" + i;
                results.add(pool.submit(() -> {
                    together.await();
                    return outcome(store, report, id, ada());
                }));
            }
            for (Future<String> f : results) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes.stream().filter(o -> o.startsWith("P-"))).as(outcomes.toString()).hasSize(3);
        assertThat(outcomes.stream().filter(o -> o.equals("quota_exceeded"))).hasSize(parallel - 3);
        assertThat(instances.get(1).allowance("user-1").takenBytes()).isEqualTo(3L * report.length);
        assertThat(new UploadReservations(db, clock).reserved("user-1")).as("no reservation outlives its upload")
                .isZero();
    }

    @EachDatabase
    void the_reservation_of_an_instance_that_died_mid_upload_stops_counting_after_its_hold(Database db)
            throws Exception {
        byte[] report = Zips.sealed(null);
        long quota = 2L * report.length;
        CloudStore survivor = instance(db, new UploadLimits(quota, quota, 100));
        // what a killed instance leaves: a reservation that is never settled nor given back
        new UploadReservations(db, clock).reserve("user-1", report.length + 1, quota, taken -> {
            throw new AssertionError("refused");
        });
        assertThat(outcome(survivor, report, "R-1", ada())).isEqualTo("quota_exceeded");

        clock.advance(UploadReservations.HOLD.plusSeconds(1));
        assertThat(outcome(survivor, report, "R-2", ada())).isEqualTo("R-2");
        survivor.sweepExpired();
        long left = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM upload_reservations")
                .mapTo(Long.class).one());
        assertThat(left).as("the sweeper deletes it").isZero();
    }

    @EachDatabase
    void the_hourly_upload_limit_is_one_for_every_instance_on_postgres(Database db, DatabaseEngine engine)
            throws Exception {
        byte[] report = Zips.sealed(null);
        UploadLimits limits = new UploadLimits(1 << 20, 0, 2);
        CloudStore one = instance(db, limits);
        CloudStore two = instance(db, limits);
        one.admit(ada(), report.length);
        two.admit(ada(), report.length);
        if (engine == DatabaseEngine.POSTGRES) {
            assertThatThrownBy(() -> one.admit(ada(), report.length)).isInstanceOfSatisfying(Refusal.class,
                    e -> assertThat(e.code()).isEqualTo("rate_limited"));
            assertThat(two.allowance("user-1").uploadsLeft()).isZero();
        } else {
            // SQLite: one process per data folder, so the limit is kept in that process
            assertThat(one.allowance("user-1").uploadsLeft()).isEqualTo(1);
        }
    }
}
