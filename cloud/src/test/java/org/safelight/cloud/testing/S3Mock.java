package org.safelight.cloud.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.safelight.server.testing.Ports;

/**
 * S3Mock's standalone jar ({@code com.adobe.testing:s3mock:exec}, copied to target/s3mock by the
 * build) started as a separate process on free ports, with one bucket; waits until it answers.
 */
public final class S3Mock implements AutoCloseable {
    public static final String BUCKET = "safelight-test";
    private final Process process;
    private final URI endpoint;

    private S3Mock(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static S3Mock start(Path workDir) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("s3mock.jar", "target/s3mock/s3mock-exec.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Mock's jar is missing at " + jar + " (run the build's test phase)");
        }
        try {
            return Ports.onFreePorts(2, ports -> start(workDir, jar, ports[0], ports[1]));
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("S3Mock found no free port in " + Ports.ATTEMPTS + " attempts", e);
        }
    }

    private static S3Mock start(Path workDir, Path jar, int http, int https)
            throws IOException, InterruptedException, Ports.PortTaken {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = workDir.resolve("s3mock.log");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx512m", "-jar", jar.toString(),
                "--http.port=" + http, "--server.port=" + https,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                "--com.adobe.testing.s3mock.store.root=" + workDir.resolve("s3mock-root"),
                "--com.adobe.testing.s3mock.max-payload-size=64MB"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI endpoint = URI.create("http://127.0.0.1:" + http);
        S3Mock mock = new S3Mock(p, endpoint);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                String output = Files.readString(log);
                if (output.contains("already in use")) {
                    throw new Ports.PortTaken("port " + http + " or " + https + " was taken before S3Mock bound it");
                }
                throw new IllegalStateException("S3Mock exited early: " + output);
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(endpoint.resolve("/" + BUCKET))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return mock;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        mock.close();
        throw new IllegalStateException("S3Mock did not answer within 90 seconds: " + Files.readString(log));
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
