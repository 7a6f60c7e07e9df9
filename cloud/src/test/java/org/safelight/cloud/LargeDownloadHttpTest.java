package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.cloud.blob.HashedKeyBlobStore;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServerApp;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;

/**
 * A 2.5 GiB report from the folder store: positions past 2 GiB, beyond an {@code int} (and a
 * {@code ByteBuffer}'s reach), in whole downloads and in ranges. The blob is a sparse file (zeros
 * that take no disk) with marks across the 1 GiB and 2 GiB boundaries and at both ends.
 */
class LargeDownloadHttpTest {
    private static final long SIZE = (5L << 30) / 2;
    private static final long[] MARKS = {0, (1L << 30) - 8, (2L << 30) - 8, SIZE - 16};
    private static final int MARK = 16;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final TestTokens tokens = new TestTokens(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    private Database db;
    private Javalin app;
    private String path;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabases.sqlite();
        CloudStore store = CloudStore.open(db, () -> org.safelight.server.crypto.MasterKey.load(dir, java.util.Map.of()),
                new FolderBlobStore(dir.resolve("cloud")), (u, t) -> u.enterpriseId(),
                URI.create("https://safelight.example.org"), dir.resolve("spool"), UploadLimits.maxBytes(1 << 20), clock);
        app = ServerApp.create(List.of(new CloudRole(store, tokens.verifier(), (k, s) -> Optional.empty())), c -> { })
                .start("127.0.0.1", 0);
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/cloud/reports")))
                .header("Authorization", "Bearer " + user())
                .POST(HttpRequest.BodyPublishers.ofByteArray(Zips.sealed("R-1"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        path = URI.create(new ObjectMapper().readTree(up.body()).path("download_url").asText()).getPath();

        // The uploaded report's blob becomes a sparse 2.5 GiB file, and its row says so.
        Path blob = dir.resolve("cloud").resolve(HashedKeyBlobStore.storedKey(
                path.substring("/api/v1/cloud/reports/".length())));
        Files.delete(blob);
        try (RandomAccessFile file = new RandomAccessFile(blob.toFile(), "rw")) {
            file.setLength(SIZE);
            for (long at : MARKS) {
                file.seek(at);
                for (int i = 0; i < MARK; i++) {
                    file.write(expected(at + i));
                }
            }
        }
        db.jdbi().useHandle(h -> h.execute("UPDATE cloud_reports SET size = ?", SIZE));
    }

    @AfterEach
    void stop() {
        app.stop();
        db.close();
    }

    /** The byte at {@code position}: zero but in the marks, where it is a function of the position. */
    private static int expected(long position) {
        for (long at : MARKS) {
            if (position >= at && position < at + MARK) {
                return (int) (1 + (position * 31) % 255);
            }
        }
        return 0;
    }

    private String url(String p) {
        return "http://127.0.0.1:" + app.port() + p;
    }

    private String user() {
        return tokens.token("u-1", "u@x.example");
    }

    private HttpResponse<InputStream> get(String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + user());
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads the body to its end, checking each byte against {@link #expected}; the count read. */
    private static long check(InputStream body, long from) throws Exception {
        long position = from;
        byte[] buffer = new byte[1 << 16];
        byte[] zeros = new byte[buffer.length];
        try (body) {
            for (int n; (n = body.readNBytes(buffer, 0, buffer.length)) > 0; position += n) {
                if (!marked(position, n)) { // the fast, vectorised comparison for the zeros in between
                    assertThat(Arrays.mismatch(buffer, 0, n, zeros, 0, n)).as("zeros from %d", position).isEqualTo(-1);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != (byte) expected(position + i)) {
                        throw new AssertionError("byte " + (position + i) + " is " + buffer[i]);
                    }
                }
            }
        }
        return position - from;
    }

    private static boolean marked(long position, int n) {
        for (long at : MARKS) {
            if (at < position + n && position < at + MARK) {
                return true;
            }
        }
        return false;
    }

    private void assertRange(String header, long start, long length) throws Exception {
        HttpResponse<InputStream> r = get(header);
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range"))
                .hasValue("bytes " + start + "-" + (start + length - 1) + "/" + SIZE);
        assertThat(check(r.body(), start)).isEqualTo(length);
    }

    @Test
    void ranges_across_1_gib_and_past_2_gib_come_out_exactly() throws Exception {
        assertRange("bytes=0-15", 0, 16);
        assertRange("bytes=" + ((1L << 30) - 8) + "-" + ((1L << 30) + 7), (1L << 30) - 8, 16);
        assertRange("bytes=" + ((2L << 30) - 8) + "-" + ((2L << 30) + 7), (2L << 30) - 8, 16);
        assertRange("bytes=" + ((1L << 30) - 4096) + "-" + ((1L << 30) + 4096), (1L << 30) - 4096, 8193);
        assertRange("bytes=-16", SIZE - 16, 16);
        assertRange("bytes=" + (SIZE - 1) + "-", SIZE - 1, 1);
        HttpResponse<InputStream> past = get("bytes=" + SIZE + "-");
        past.body().close();
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + SIZE);
    }

    @Test
    void the_whole_file_comes_out_byte_for_byte() throws Exception {
        HttpResponse<InputStream> r = get(null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
        assertThat(check(r.body(), 0)).isEqualTo(SIZE);
    }
}
