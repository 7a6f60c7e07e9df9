package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.safelight.accounts.testing.Outbox;

/** Users of a {@link TestServer}, each with a home of their own, driven through the real CLI. */
final class TestUsers {
    private final Path dir;
    private final Path outbox;
    private final String url;

    TestUsers(Path dir, Path dataDir, String url) {
        this.dir = dir;
        this.outbox = dataDir.resolve("outbox");
        this.url = url;
    }

    Map<String, String> env(String who) {
        return Map.of("XDG_CONFIG_HOME", dir.resolve("home-" + who).toString(), "SAFELIGHT_PASSWORD",
                "correct horse battery " + who);
    }

    Cli.Result run(String who, String... args) {
        return Cli.runWithEnv(env(who), args);
    }

    /** Seals {@code draft} as {@code who} with a key from this server into a fresh folder; returns the file. */
    Path seal(String who, Path draft) throws IOException {
        Path out = dir.resolve("sealed-" + who + "-" + System.nanoTime());
        Cli.Result seal = run(who, "seal", draft.toString(), "-o", out + "/", "--keyserver", url);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> sealed = Files.list(out)) {
            return sealed.findFirst().orElseThrow();
        }
    }

    void signUp(String who, String email) {
        Cli.Result signup = run(who, "signup", "--server", url, "--email", email, "--first", who, "--last", "Tester",
                "--title", "Dr", "--country", "AU");
        assertThat(signup.exitCode()).as(signup.stderr()).isZero();
    }

    /**
     * Opens the link of the verification message sent to {@code email}, types the password
     * {@code who} signed up with into the page and presses its button, which posts the form back
     * to the link's own address.
     */
    void verify(String who, String email) throws IOException, InterruptedException {
        String form = "password=" + URLEncoder.encode(env(who).get("SAFELIGHT_PASSWORD"), StandardCharsets.UTF_8);
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(verificationLink(email)))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
    }

    void logIn(String who, String email) {
        Cli.Result login = run(who, "login", "--server", url, "--email", email);
        assertThat(login.exitCode()).as(login.stderr()).isZero();
    }

    void signUpVerifyAndLogIn(String who, String email) throws IOException, InterruptedException {
        signUp(who, email);
        verify(who, email);
        logIn(who, email);
        assertThat(run(who, "whoami").out()).contains(email).doesNotContain("not verified");
    }

    private String verificationLink(String email) {
        return new Outbox(outbox).lastLinkTo(email);
    }
}
