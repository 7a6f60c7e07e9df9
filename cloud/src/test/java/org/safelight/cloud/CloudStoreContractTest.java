package org.safelight.cloud;

import org.safelight.format.link.Region;
import org.safelight.format.link.ReportLink;
import org.safelight.server.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.cloud.blob.HashedKeyBlobStore;
import org.safelight.server.db.Database;
import org.safelight.server.http.Refusal;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.tokens.UserToken;

/** The cloud store on each database engine (SQLite, PostgreSQL) with the folder blob store. */
class CloudStoreContractTest {
    @TempDir
    Path dir;
    @TempDir
    Path keyDir; // the master key, apart from the files the tests count

    private org.safelight.server.crypto.MasterKey masterKey() {
        return org.safelight.server.crypto.MasterKey.load(keyDir, java.util.Map.of());
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final List<Upload> recorded = new CopyOnWriteArrayList<>();
    private volatile boolean listDown;
    private Database db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private CloudStore open(Supplier<Database> engine, long maxBytes) throws Exception {
        return open(engine, UploadLimits.maxBytes(maxBytes));
    }

    private CloudStore open(Supplier<Database> engine, UploadLimits limits) throws Exception {
        db = engine.get();
        return CloudStore.open(db, this::masterKey, new FolderBlobStore(dir.resolve("cloud")), (upload, token) -> {
            if (listDown) {
                throw new UploadRecorder.UploadRecordingException("down", null);
            }
            recorded.add(upload);
            return upload.enterpriseId();
        }, URI.create("https://safelight.example.org/"), dir.resolve("spool"), limits, clock);
    }

    private UserToken user(String country, String enterprise) {
        return new UserToken("user-1", "ada@hospital.example", true, "Ada Quill", "Dr", country, enterprise, true,
                clock.instant(), clock.instant().plusSeconds(900));
    }

    private static InputStream body(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private long files() throws Exception {
        try (Stream<Path> f = Files.walk(dir)) {
            return f.filter(Files::isRegularFile).filter(p -> !p.toString().contains("safelight-db")).count();
        }
    }

    private static void refused(ThrowingRunnable r, int status, String code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(Refusal.class, e -> {
            assertThat(e.errorCode().status()).isEqualTo(status);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @EachDatabase
    void an_upload_is_stored_recorded_found_and_swept_after_seven_days(DatabaseEngine name, Supplier<Database> engine)
            throws Exception {
        CloudStore store = open(engine, 1 << 20);
        byte[] bytes = Zips.sealed("0000000011462800528240");
        Upload up = store.accept(body(bytes), null, user("NZ", "ent-1"), "token");
        assertThat(up.region()).isEqualTo(Region.AU);
        assertThat(up.link()).startsWith("https://safelight.example.org/app/report/AU/").endsWith("-0000000011462800528240");
        assertThat(up.downloadUrl()).isEqualTo("https://safelight.example.org/api/v1/cloud/reports/AU/" + up.name());
        assertThat(up.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThat(up.enterpriseId()).isEqualTo("ent-1");
        assertThat(recorded).containsExactly(up);
        ReportLink link = ReportLink.parse("AU", up.name()).orElseThrow();
        assertThat(store.status(link)).isEqualTo(new LinkStatus.Active(up.expiresAt(), up.reportId(), bytes.length, up.keyServerUrl()));
        assertThat(new CloudLinks(store).status("AU", up.name())).isInstanceOf(LinkStatus.Active.class);
        assertThat(new CloudLinks(store).status("AU", "A".repeat(22) + "-x")).isInstanceOf(LinkStatus.Unknown.class);
        assertThat(new CloudLinks(store).status("ZZ", up.name())).isInstanceOf(LinkStatus.Unknown.class);
        try (InputStream in = store.read(link, 0, bytes.length)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store.find(link).orElseThrow().enterpriseId()).isEqualTo("ent-1");

        CloudReport row = store.find(link).orElseThrow();
        clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertThat(store.sweepExpired()).isZero();
        assertThat(store.status(link)).isInstanceOf(LinkStatus.Active.class);
        assertThat(store.expired(row)).as("the download's check, on the row it read").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.status(link)).as("expired by the clock before any sweep").isInstanceOf(LinkStatus.Expired.class);
        assertThat(store.expired(row)).as("the same row, a second later").isTrue();
        assertThat(store.expired(new CloudReport(link, row.uploaderId(), "", 1, clock.instant(),
                clock.instant().plus(Duration.ofDays(1)), clock.instant(), ""))).as("swept, whatever its expiry says")
                .isTrue();
        Path blob = dir.resolve("cloud/" + HashedKeyBlobStore.storedKey(link.path()));
        assertThat(blob).exists();
        assertThat(store.sweepExpired()).isEqualTo(1);
        assertThat(blob).doesNotExist();
        assertThat(store.status(link)).isInstanceOf(LinkStatus.Expired.class);
        assertThat(store.sweepExpired()).isZero();
    }

    @EachDatabase
    void no_stored_file_is_named_by_the_links_secret_part(DatabaseEngine name, Supplier<Database> engine) throws Exception {
        CloudStore store = open(engine, 1 << 20);
        Upload up = store.accept(body(Zips.sealed(null)), "R-7", user("AU", ""), "t");
        String secret = ReportLink.parse("AU", up.name()).orElseThrow().random();

        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(f -> f.contains(secret));
        }
        try (InputStream in = store.read(ReportLink.parse("AU", up.name()).orElseThrow(), 0, 4)) {
            assertThat(in.readAllBytes()).hasSize(4);
        }
    }

    @EachDatabase
    void the_report_id_comes_from_the_package_or_the_query_and_they_must_agree(DatabaseEngine name,
            Supplier<Database> engine) throws Exception {
        CloudStore store = open(engine, 1 << 20);
        assertThat(store.accept(body(Zips.sealed(null)), "Q-1", user("FR", ""), "t").reportId()).isEqualTo("Q-1");
        assertThat(store.accept(body(Zips.sealed("P-1")), "P-1", user("GB", ""), "t").region()).isEqualTo(Region.UK);
        refused(() -> store.accept(body(Zips.sealed("P-1")), "Q-2", user("AU", ""), "t"), 400, "report_id_mismatch");
        refused(() -> store.accept(body(Zips.sealed(null)), null, user("AU", ""), "t"), 400, "report_id_required");
        refused(() -> store.accept(body(Zips.sealed(null)), "../x", user("AU", ""), "t"), 400, "invalid_report_id");
        refused(() -> store.accept(body(Zips.sealed("a b")), null, user("AU", ""), "t"), 400, "invalid_report_id");
        assertThat(recorded).hasSize(2);
        assertThat(recorded.get(0).region()).isEqualTo(Region.DE);
        assertThat(recorded.get(0).enterpriseId()).isEmpty();
        assertThat(files()).isEqualTo(2);
    }

    @EachDatabase
    void refused_uploads_leave_nothing_behind(DatabaseEngine name, Supplier<Database> engine) throws Exception {
        CloudStore store = open(engine, 8192);
        refused(() -> store.accept(body(new byte[8193]), "R", user("AU", ""), "t"), 413, "too_large");
        refused(() -> store.accept(body("garbage".getBytes()), "R", user("AU", ""), "t"), 400, "not_a_sealed_report");
        refused(() -> store.accept(body(new byte[0]), "R", user("AU", ""), "t"), 400, "not_a_sealed_report");
        listDown = true;
        refused(() -> store.accept(body(Zips.sealed("R")), null, user("AU", ""), "t"), 503, "accounts_unavailable");
        assertThat(files()).isZero();
        assertThat(recorded).isEmpty();
        assertThat(store.sweepExpired()).isZero();
    }

    @EachDatabase
    void a_users_unexpired_reports_are_held_within_the_quota(DatabaseEngine name, Supplier<Database> engine)
            throws Exception {
        byte[] report = Zips.sealed(null);
        long quota = 2L * report.length + 100;
        CloudStore store = open(engine, new UploadLimits(quota, quota, 100));
        UserToken ada = user("AU", "");
        store.accept(body(report), "R-1", ada, "t");
        clock.advance(Duration.ofDays(1));
        store.accept(body(report), "R-2", ada, "t");
        store.admit(ada, 50); // still fits: takes one of the hourly uploads
        assertThat(store.allowance("user-1")).isEqualTo(new Allowance(quota, quota, 2L * report.length, 99, 100));
        refused(() -> store.admit(ada, report.length), 403, "quota_exceeded");
        assertThat(store.allowance("user-1").uploadsLeft()).as("a refusal for the quota takes no upload").isEqualTo(99);
        refused(() -> store.accept(body(report), "R-3", ada, "t"), 403, "quota_exceeded");
        assertThat(files()).as("nothing kept of the refused upload").isEqualTo(2);
        assertThat(recorded).hasSize(2);

        UserToken other = new UserToken("user-2", "bo@hospital.example", true, "Bo", "Dr", "AU", "", true,
                clock.instant(), clock.instant().plusSeconds(900));
        store.accept(body(report), "R-4", other, "t");

        clock.advance(Duration.ofDays(6));
        store.accept(body(report), "R-5", ada, "t"); // the first one's 7 days are over: its space is back
        assertThat(recorded).extracting(Upload::reportId).containsExactly("R-1", "R-2", "R-4", "R-5");
    }

    @EachDatabase
    void a_quota_of_zero_is_no_quota(DatabaseEngine name, Supplier<Database> engine) throws Exception {
        byte[] report = Zips.sealed(null);
        CloudStore store = open(engine, new UploadLimits(1 << 20, 0, 100));
        for (int i = 0; i < 5; i++) {
            store.accept(body(report), "R-" + i, user("AU", ""), "t");
        }
        assertThat(recorded).hasSize(5);
    }

    @EachDatabase
    void parallel_uploads_cannot_all_fit_in_the_same_space(DatabaseEngine name, Supplier<Database> engine) throws Exception {
        byte[] report = Zips.sealed(null);
        long quota = 3L * report.length + 100;
        CloudStore store = open(engine, new UploadLimits(quota, quota, 100));
        UserToken ada = user("AU", "");
        int parallel = 8;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(parallel);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                String id = "P-" + i;
                results.add(pool.submit(() -> {
                    together.await();
                    try {
                        return store.accept(body(report), id, ada, "t").reportId();
                    } catch (Refusal e) {
                        return e.code();
                    }
                }));
            }
            List<String> outcomes = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<String> f : results) {
                outcomes.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(outcomes.stream().filter(o -> o.startsWith("P-"))).as(outcomes.toString()).hasSize(3);
            assertThat(outcomes.stream().filter(o -> o.equals("quota_exceeded"))).hasSize(parallel - 3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.allowance("user-1").takenBytes()).isEqualTo(3L * report.length);
    }
}
