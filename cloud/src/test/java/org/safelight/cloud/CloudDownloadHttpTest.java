package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.safelight.cloud.blob.BlobStore;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.cloud.blob.HashedKeyBlobStore;
import org.safelight.cloud.blob.S3BlobStore;
import org.safelight.cloud.blob.S3Settings;
import org.safelight.cloud.testing.S3Mock;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServerApp;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;

/**
 * Downloads over real HTTP from each blob store: the folder store's file and S3's stream
 * give the same bytes, ranges, refusals and headers.
 */
class CloudDownloadHttpTest {
    enum Store { FOLDER, S3 }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path s3Work;
    private static S3Mock s3Mock;
    private static S3BlobStore s3;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final TestTokens tokens = new TestTokens(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    private Database db;
    private Javalin app;
    private BlobStore blobs;
    private String url;

    @BeforeAll
    static void startS3Mock() throws Exception {
        s3Work = Files.createTempDirectory("s3mock-");
        s3Mock = S3Mock.start(s3Work);
        s3 = new S3BlobStore(new S3Settings(s3Mock.endpoint(), "eu-central-1", S3Mock.BUCKET, "test-access",
                "test-secret"));
    }

    @AfterAll
    static void stopS3Mock() {
        if (s3 != null) {
            s3.close();
        }
        if (s3Mock != null) {
            s3Mock.close();
        }
    }

    private void start(Store kind) throws Exception {
        db = TestDatabases.sqlite();
        blobs = kind == Store.S3 ? s3 : new FolderBlobStore(dir.resolve("cloud"));
        CloudStore store = CloudStore.open(db, () -> org.safelight.server.crypto.MasterKey.load(dir, java.util.Map.of()),
                blobs, (u, t) -> u.enterpriseId(), URI.create("https://safelight.example.org"), dir.resolve("spool"),
                new UploadLimits(8 << 20, 64 << 20, 100), clock);
        app = ServerApp.create(List.of(new CloudRole(store, tokens.verifier(), (k, s) -> Optional.empty())), c -> { })
                .start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (db != null) {
            db.close();
        }
    }

    private String user() {
        return tokens.token("u-1", "u@x.example");
    }

    /** Uploads {@code report}; the path of its download URL. */
    private String upload(byte[] report) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/cloud/reports?report_id=R-1"))
                .header("Authorization", "Bearer " + user())
                .POST(HttpRequest.BodyPublishers.ofByteArray(report)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return URI.create(JSON.readTree(r.body()).path("download_url").asText()).getPath();
    }

    private HttpResponse<byte[]> get(String method, String path, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + user());
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] report() {
        return Zips.zip("package.json", "{\"keyserver_url\":\"https://keys.example.org\"}".getBytes(),
                "package.encrypted", Zips.rncryptor(700_000));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_whole_download_is_the_uploaded_bytes_with_the_download_headers(Store kind) throws Exception {
        start(kind);
        byte[] report = report();
        String path = upload(report);

        HttpResponse<byte[]> r = get("GET", path, null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(report);
        assertThat(r.headers().firstValue("Content-Length")).hasValue(String.valueOf(report.length));
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"R-1.picsafe\"");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void the_first_byte_the_last_byte_a_suffix_and_an_open_range_answer_206_with_exactly_those_bytes(Store kind)
            throws Exception {
        start(kind);
        byte[] report = report();
        int n = report.length;
        String path = upload(report);

        assertRange(get("GET", path, "bytes=0-0"), report, 0, 1);
        assertRange(get("GET", path, "bytes=" + (n - 1) + "-" + (n - 1)), report, n - 1, 1);
        assertRange(get("GET", path, "bytes=-100"), report, n - 100, 100);
        assertRange(get("GET", path, "bytes=-" + (n + 5)), report, 0, n);
        assertRange(get("GET", path, "bytes=1000-"), report, 1000, n - 1000);
        assertRange(get("GET", path, "bytes=1000-" + (n + 99)), report, 1000, n - 1000);
        assertRange(get("GET", path, "bytes=300000-400000"), report, 300_000, 100_001);
    }

    private static void assertRange(HttpResponse<byte[]> r, byte[] whole, int start, int length) {
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range"))
                .hasValue("bytes " + start + "-" + (start + length - 1) + "/" + whole.length);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(whole, start, start + length));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void an_unsatisfiable_range_is_416_with_the_size_and_head_sends_the_headers_without_the_bytes(Store kind)
            throws Exception {
        start(kind);
        byte[] report = report();
        String path = upload(report);

        HttpResponse<byte[]> past = get("GET", path, "bytes=" + report.length + "-");
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + report.length);
        assertThat(new String(past.body())).contains("range_not_satisfiable");
        assertThat(get("GET", path, "bytes=-0").statusCode()).isEqualTo(416);

        HttpResponse<byte[]> head = get("HEAD", path, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(report.length));
        assertThat(head.body()).isEmpty();
        HttpResponse<byte[]> rangedHead = get("HEAD", path, "bytes=10-19");
        assertThat(rangedHead.statusCode()).isEqualTo(206);
        assertThat(rangedHead.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + report.length);
        assertThat(rangedHead.body()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_report_whose_bytes_were_swept_under_its_row_answers_410_not_a_broken_body(Store kind) throws Exception {
        start(kind);
        String path = upload(report());
        String key = path.substring("/api/v1/cloud/reports/".length());

        blobs.delete(HashedKeyBlobStore.storedKey(key));

        HttpResponse<byte[]> r = get("GET", path, null);
        assertThat(r.statusCode()).isEqualTo(410);
        assertThat(new String(r.body())).contains("report_expired");
        assertThat(r.headers().firstValue("Content-Disposition")).isEmpty();
        HttpResponse<byte[]> ranged = get("GET", path, "bytes=0-9");
        assertThat(ranged.statusCode()).isEqualTo(410);
    }
}
