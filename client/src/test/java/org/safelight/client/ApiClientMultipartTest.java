package org.safelight.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's intake form as ApiClient writes it, read back by a real HTTP server and Jakarta Mail. */
class ApiClientMultipartTest {
    @TempDir
    Path dir;
    private HttpServer http;
    private final AtomicReference<MimeMultipart> received = new AtomicReference<>();
    private volatile int status = 200;
    private volatile String answer = "{\"success\":true,\"report_id\":\"R1\"}";

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/report", exchange -> {
            try {
                received.set(new MimeMultipart(new ByteArrayDataSource(exchange.getRequestBody().readAllBytes(),
                        exchange.getRequestHeaders().getFirst("Content-Type"))));
            } catch (jakarta.mail.MessagingException e) {
                throw new IOException(e);
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/api/report");
    }

    @Test
    void the_fields_and_the_file_arrive_as_the_parts_the_seed_names() throws Exception {
        Path file = Files.write(dir.resolve("R1.picsafe"), new byte[] {1, 2, 3, '\r', '\n', '-', '-'});

        var json = ApiClient.create().postMultipart(uri(), Map.of("token", "t0k"), "picsafe_file", "R1.picsafe", file);

        assertThat(json.path("report_id").asText()).isEqualTo("R1");
        MimeMultipart parts = received.get();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(new String(parts.getBodyPart(0).getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("t0k");
        assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("R1.picsafe");
        assertThat(parts.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void an_answer_of_success_false_is_a_refusal_with_its_code_whatever_the_status() throws Exception {
        Path file = Files.write(dir.resolve("R1.picsafe"), new byte[] {1});
        for (int s : new int[] {200, 403}) {
            status = s;
            answer = "{\"success\":false,\"error\":\"sender_not_allowed\",\"message\":\"not on the list\"}";
            assertThatThrownBy(() -> ApiClient.create().postMultipart(uri(), Map.of("token", "t"), "picsafe_file",
                    "R1.picsafe", file))
                    .isInstanceOfSatisfying(RefusedException.class, e -> {
                        assertThat(e.code()).isEqualTo("sender_not_allowed");
                        assertThat(e.getMessage()).isEqualTo("not on the list");
                    });
        }
    }

    @Test
    void a_file_name_cannot_break_out_of_its_header() throws Exception {
        Path file = Files.write(dir.resolve("x"), new byte[] {1});

        ApiClient.create().postMultipart(uri(), Map.of(), "picsafe_file", "a\"\r\nX-Evil: 1.picsafe", file);

        assertThat(received.get().getBodyPart(0).getHeader("X-Evil")).isNull();
        assertThat(received.get().getBodyPart(0).getFileName()).doesNotContain("\"", "\r", "\n");
    }
}
