package org.safelight.cli;

import org.safelight.server.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.cloud.testing.S3Mock;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/** The scaled-out deployment: serve on PostgreSQL with the cloud's reports in an S3-compatible bucket (S3Mock). */
class CloudOnS3Test {
    @TempDir
    Path dir;

    private static int headObject(URI endpoint, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/" + S3Mock.BUCKET + "/" + key))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void reports_go_to_the_bucket_come_back_in_ranges_and_are_deleted_from_it_after_seven_days() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (S3Mock s3 = S3Mock.start(Files.createDirectories(dir.resolve("s3")));
             Database pg = TestDatabases.postgres()) {
            String pgUrl = pg.dataSource().unwrap(com.zaxxer.hikari.HikariDataSource.class).getJdbcUrl();
            ServeConfig.Cloud cloud = new ServeConfig.Cloud(org.safelight.cloud.UploadLimits.maxBytes(64L << 20), "s3", s3.endpoint(), "eu-central-1",
                    S3Mock.BUCKET, "test-access", "test-secret");
            try (SafelightServer server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"),
                    null, cloud, clock, pgUrl, "postgres", "postgres")) {
                String url = server.url().toString();
                TestUsers users = new TestUsers(dir, dir.resolve("data"), url);
                users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
                Fixtures.draft(dir.resolve("draft"));
                Path out = dir.resolve("sent");
                assertThat(users.run("ada", "seal", dir.resolve("draft").toString(), "-o", out + "/", "--keyserver", url)
                        .exitCode()).isZero();
                byte[] bytes;
                try (Stream<Path> sent = Files.list(out)) {
                    bytes = Files.readAllBytes(sent.findFirst().orElseThrow());
                }
                CloudHttp http = new CloudHttp(url);
                String ada = http.token("ada", "ada@hospital.example");
                HttpResponse<String> up = http.upload(ada, bytes, "");
                assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
                JsonNode upload = CloudHttp.json(up.body());
                String downloadUrl = upload.path("download_url").asText();
                String plain = "AU/" + downloadUrl.substring(downloadUrl.lastIndexOf('/') + 1);
                String key = org.safelight.cloud.blob.HashedKeyBlobStore.storedKey(plain);
                assertThat(headObject(s3.endpoint(), key)).isEqualTo(200);
                assertThat(headObject(s3.endpoint(), plain)).as("not named by the link's secret part").isEqualTo(404);
                assertThat(dir.resolve("data/cloud/AU")).doesNotExist();

                assertThat(http.download(downloadUrl, ada, null).body()).isEqualTo(bytes);
                HttpResponse<byte[]> part = http.download(downloadUrl, ada, "bytes=1000-1999");
                assertThat(part.statusCode()).isEqualTo(206);
                assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));

                clock.advance(Duration.ofDays(7));
                assertThat(server.cloudStore().orElseThrow().sweepExpired()).isEqualTo(1);
                assertThat(headObject(s3.endpoint(), key)).isEqualTo(404);
                assertThat(http.download(downloadUrl, http.token("ada", "ada@hospital.example"), null).statusCode())
                        .isEqualTo(410);
            }
        }
    }
}
