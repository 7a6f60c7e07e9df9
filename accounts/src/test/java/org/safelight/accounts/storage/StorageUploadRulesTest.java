package org.safelight.accounts.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.storage.StorageHttpTest.bytes;
import static org.safelight.accounts.storage.StorageHttpTest.connect;
import static org.safelight.accounts.storage.StorageHttpTest.path;
import static org.safelight.accounts.storage.StorageHttpTest.rig;
import static org.safelight.accounts.storage.StorageHttpTest.sealed;
import static org.safelight.accounts.storage.StorageHttpTest.send;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.safelight.accounts.storage.StorageHttpTest.Rig;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.testing.SealedFiles;
import org.safelight.client.storage.StorageProvider;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;

/** What the server lets through to Box and Dropbox: sealed reports only, one upload at a time, a few an hour. */
class StorageUploadRulesTest {
    private static final String PRO = "dr@hospital.org";
    private static final StorageProvider DROPBOX = StorageProvider.DROPBOX;

    private static String error(HttpResponse<String> r) {
        return AccountsServer.json(r).get("error").asText();
    }

    /** No upload leaves a file behind in the spool folder (DATA_DIR/tmp). */
    private static void assertSpoolEmpty(Rig rig) throws IOException {
        Path spool = rig.accounts().dataDir.resolve("tmp");
        if (Files.isDirectory(spool)) {
            try (Stream<Path> files = Files.list(spool)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @EachDatabase
    void only_sealed_reports_of_the_given_id_go_unless_plain_is_allowed_and_then_only_plain_reports(Database db)
            throws Exception {
        try (Rig rig = rig(db, false, false)) {
            rig.accounts().signUpVerified(PRO);
            String token = rig.accounts().accessToken(PRO);
            assertThat(connect(rig, DROPBOX, token).statusCode()).isEqualTo(200);

            HttpResponse<String> plain = send(rig, DROPBOX, token, "R1", SealedFiles.plain("R1", 500), false);
            assertThat(plain.statusCode()).isEqualTo(400);
            assertThat(error(plain)).isEqualTo("not_a_sealed_report");
            assertThat(error(send(rig, DROPBOX, token, "R1", bytes(500), false))).isEqualTo("not_a_sealed_report");
            assertThat(error(send(rig, DROPBOX, token, "R1", SealedFiles.otherZip(), false)))
                    .isEqualTo("not_a_sealed_report");
            assertThat(error(send(rig, DROPBOX, token, "R2", sealed("R1", 500), false))).isEqualTo("report_id_mismatch");
            assertThat(rig.dropbox().fileCount()).isZero();
            assertSpoolEmpty(rig);

            assertThat(send(rig, DROPBOX, token, "R1", sealed("R1", 500), false).statusCode()).isEqualTo(200);
            assertThat(rig.dropbox().fileCount()).isEqualTo(1);
            assertSpoolEmpty(rig);
        }
    }

    @EachDatabase
    void where_plain_is_allowed_a_plain_upload_must_be_a_plain_report(Database db) throws Exception {
        try (Rig rig = rig(db, false, true)) {
            rig.accounts().signUpVerified("other@hospital.org");
            String token = rig.accounts().accessToken("other@hospital.org");
            assertThat(connect(rig, DROPBOX, token).statusCode()).isEqualTo(200);
            // plain=true must really be a plain report: not a sealed one, not other bytes
            assertThat(error(send(rig, DROPBOX, token, "R1", sealed("R1", 500), true))).isEqualTo("not_a_report");
            assertThat(error(send(rig, DROPBOX, token, "R1", SealedFiles.otherZip(), true))).isEqualTo("not_a_report");
            assertThat(rig.dropbox().fileCount()).isZero();
            byte[] plain = SealedFiles.plain("R1", 500); // made once: a ZIP made again may carry another second
            HttpResponse<String> ok = send(rig, DROPBOX, token, "R1", plain, true);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(rig.dropbox().file("/R1.zip")).isEqualTo(plain);
            assertSpoolEmpty(rig);
        }
    }

    @EachDatabase
    void one_upload_at_a_time_a_few_an_hour_a_size_cap_and_no_file_left_behind(Database db) throws Exception {
        byte[] report = sealed("R-slow", 300_000);
        try (Rig rig = rig(db, false, false, 1_000_000, 3)) {
            rig.accounts().signUpVerified(PRO);
            String token = rig.accounts().accessToken(PRO);
            assertThat(connect(rig, DROPBOX, token).statusCode()).isEqualTo(200);

            // The first upload sends half its body, then waits until the second was answered.
            CountDownLatch second = new CountDownLatch(1);
            InputStream rest = new InputStream() {
                private final InputStream tail = new ByteArrayInputStream(report, report.length / 2,
                        report.length - report.length / 2);

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        if (!second.await(30, TimeUnit.SECONDS)) {
                            throw new IOException("the second upload was never answered");
                        }
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    return tail.read(b, off, len);
                }
            };
            InputStream body = new SequenceInputStream(new ByteArrayInputStream(Arrays.copyOf(report,
                    report.length / 2)), rest);
            CompletableFuture<HttpResponse<String>> first = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create(rig.accounts().base + path(DROPBOX, "/reports?report_id=R-slow")))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (slotsHeld(db) == 0) {
                assertThat(System.nanoTime()).as("the first upload takes its slot").isLessThan(deadline);
                Thread.onSpinWait();
            }
            HttpResponse<String> busy = send(rig, DROPBOX, token, "R2", sealed("R2", 100), false);
            second.countDown();
            assertThat(busy.statusCode()).isEqualTo(429);
            assertThat(error(busy)).isEqualTo("rate_limited");
            HttpResponse<String> done = first.get(60, TimeUnit.SECONDS);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(rig.dropbox().file("/R-slow.picsafe")).isEqualTo(report);
            assertThat(slotsHeld(db)).isZero();
            assertSpoolEmpty(rig);

            // Over the cap: too_large, and nothing is left.
            HttpResponse<String> big = send(rig, DROPBOX, token, "R-big", sealed("R-big", 1_100_000), false);
            assertThat(big.statusCode()).isEqualTo(413);
            assertSpoolEmpty(rig);

            // Three an hour (the slow one and two more), then rate_limited with Retry-After.
            assertThat(send(rig, DROPBOX, token, "R3", sealed("R3", 100), false).statusCode()).isEqualTo(200);
            assertThat(send(rig, DROPBOX, token, "R4", sealed("R4", 100), false).statusCode()).isEqualTo(200);
            HttpResponse<String> fifth = send(rig, DROPBOX, token, "R5", sealed("R5", 100), false);
            assertThat(fifth.statusCode()).isEqualTo(429);
            assertThat(error(fifth)).isEqualTo("rate_limited");
            assertThat(fifth.headers().firstValue("Retry-After")).isPresent();
            rig.accounts().clock.advance(Duration.ofMinutes(61));
            token = rig.accounts().accessToken(PRO); // the hour took the user's token too
            assertThat(send(rig, DROPBOX, token, "R5", sealed("R5", 100), false).statusCode()).isEqualTo(200);
            assertSpoolEmpty(rig);
        }
    }

    private static int slotsHeld(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM storage_upload_slots")
                .mapTo(Integer.class).one());
    }
}
