package org.safelight.endpoint.dicom;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.safelight.server.http.Json;

/**
 * A real Orthanc (Debian's {@code orthanc} with its DICOMweb plugin) for a test: started as a
 * process on a free loopback port with its storage in a temporary folder, Basic auth on (user
 * {@link #USER}, password {@link #PASSWORD}), no DICOM port; read back through its REST API.
 * Tests skip when Orthanc is not installed, except in CI ({@code CI=true}), where they fail.
 */
final class Orthanc implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/Orthanc");
    static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    static final String USER = "safelight";
    static final String PASSWORD = "pacs-password-for-tests";

    private final Path dir;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Skips the calling test when the tools are missing outside CI. */
    static void assumeInstalled(Path... tools) {
        List<Path> all = new ArrayList<>(List.of(tools));
        boolean missing = all.stream().anyMatch(t -> !Files.isExecutable(t) && !Files.isRegularFile(t));
        if (missing && "true".equals(System.getenv("CI"))) {
            fail("missing in CI: " + all + " (.ci/run installs orthanc, orthanc-dicomweb, dicom3tools and dcmtk)");
        }
        Assumptions.assumeFalse(missing, "not installed: " + all);
    }

    static Orthanc start(Path dir) throws IOException, InterruptedException {
        assumeInstalled(BINARY, DICOMWEB_PLUGIN);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        return new Orthanc(dir, port);
    }

    /** Orthanc again on the port and storage of one that was {@linkplain #close() stopped}. */
    Orthanc restart() throws IOException, InterruptedException {
        return new Orthanc(dir, port);
    }

    private Orthanc(Path dir, int port) throws IOException, InterruptedException {
        this.dir = dir;
        this.port = port;
        Files.createDirectories(dir.resolve("storage"));
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "safelight-test",
                  "HttpPort": %d,
                  "DicomServerEnabled": false,
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": true,
                  "RegisteredUsers": {"%s": "%s"},
                  "Plugins": ["%s"],
                  "DicomWeb": {"Enable": true, "Root": "/dicom-web/"}
                }
                """.formatted(port, dir.resolve("storage"), dir.resolve("storage"), USER, PASSWORD, DICOMWEB_PLUGIN));
        process = new ProcessBuilder(BINARY.toString(), config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile())
                .start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            if (!process.isAlive()) {
                fail("Orthanc stopped at start: " + Files.readString(dir.resolve("orthanc.log")));
            }
            try {
                if (get("/system").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                close();
                fail("Orthanc did not answer within 30 s: " + Files.readString(dir.resolve("orthanc.log")));
            }
            Thread.sleep(100);
        }
    }

    /** The DICOMweb base, as {@code --endpoint-dicom-url} takes it. */
    URI dicomWeb() {
        return URI.create("http://127.0.0.1:" + port + "/dicom-web");
    }

    /** Orthanc's IDs of its stored instances. */
    List<String> instances() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        json("/instances").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    /** An instance's tags by name ({@code PatientName}, {@code SOPInstanceUID} ...). */
    JsonNode tags(String instance) throws IOException, InterruptedException {
        return json("/instances/" + instance + "/simplified-tags");
    }

    /** The instance's first frame as stored: the JPEG fragment, with its pad byte if any. */
    byte[] frame(String instance) throws IOException, InterruptedException {
        return bytes("/instances/" + instance + "/frames/0/raw");
    }

    /** The instance's DICOM file. */
    byte[] file(String instance) throws IOException, InterruptedException {
        return bytes("/instances/" + instance + "/file");
    }

    private byte[] bytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(path), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            fail("Orthanc answered " + r.statusCode() + " to " + path);
        }
        return r.body();
    }

    private JsonNode json(String path) throws IOException, InterruptedException {
        return Json.MAPPER.readTree(bytes(path));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    /** Stops Orthanc (its storage stays in the folder). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    Path dir() {
        return dir;
    }
}
