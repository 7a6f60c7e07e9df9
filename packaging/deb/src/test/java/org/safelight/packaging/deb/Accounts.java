package org.safelight.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A user of the installed server, through its HTTP API and the outbox its e-mails go to without SMTP. */
final class Accounts {
    private static final Pattern VERIFY = Pattern.compile("/api/v1/accounts/verify\\?token=([A-Za-z0-9_%.~-]+)");

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;
    private final Path outbox;

    Accounts(String url, Path dataDir) {
        this.url = url;
        this.outbox = dataDir.resolve("outbox");
    }

    /** Signs up, confirms the address with the link the server wrote to the outbox, and signs in. */
    void signUpAndConfirm(String email, String password) throws IOException, InterruptedException {
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"first_name\":\"Dana\",\"last_name\":\"Packager\"}";
        assertThat(post("/api/v1/accounts/signup", "application/json", body).statusCode()).isEqualTo(202);
        String token = awaitVerificationToken();
        HttpResponse<String> verified = post("/api/v1/accounts/verify?token=" + token,
                "application/x-www-form-urlencoded", "password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
    }

    /** The status of a sign-in: 200 with tokens, 401 for a wrong address or password. */
    int signIn(String email, String password) throws IOException, InterruptedException {
        HttpResponse<String> answer = post("/api/v1/accounts/signin", "application/json",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        if (answer.statusCode() == 200) {
            assertThat(answer.body()).contains("\"access_token\"");
        }
        return answer.statusCode();
    }

    private HttpResponse<String> post(String path, String type, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Mail is written after the answer to the sign-up: polls the outbox for up to 30 s. */
    private String awaitVerificationToken() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (String message : messages()) {
                // quoted-printable: soft line breaks and '=' as =3D
                Matcher m = VERIFY.matcher(message.replaceAll("=\r?\n", "").replace("=3D", "="));
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(100); // polling the outbox folder until the message is there, with a deadline
        }
        throw new AssertionError("no verification message in " + outbox + " after 30 s");
    }

    private List<String> messages() {
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.toString().endsWith(".eml")).map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
