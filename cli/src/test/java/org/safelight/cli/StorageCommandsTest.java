package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.storage.testing.FakeBox;
import org.safelight.client.storage.testing.FakeDropbox;
import org.safelight.client.storage.testing.FakeService;

/** 'safelight connect box|dropbox' (PKCE with a loopback redirect) and 'send FILE --to box|dropbox', against the fakes. */
class StorageCommandsTest {
    @TempDir
    Path dir;

    /** A stdout a test can read while the command runs. */
    private static final class Out extends ByteArrayOutputStream {
        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    private int connect(Map<String, String> env, FakeService fake, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", fake.provider().code(), "--client-id",
                fake.app().clientId(), "--authorize-url", fake.endpoints().authorize(), "--api-url",
                fake.endpoints().api(), "--upload-url", fake.endpoints().upload(), "--timeout", "60"));
        args.addAll(extra);
        Out out = new Out();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.run(args.toArray(String[]::new),
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env));
        // The browser: open the printed address; the fake approves and sends it back to the loopback.
        long deadline = System.nanoTime() + 30_000_000_000L;
        String url = null;
        while (url == null && System.nanoTime() < deadline && !run.isDone()) {
            url = out.text().lines().filter(l -> l.startsWith("http")).findFirst().orElse(null);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // polled, with the deadline above
        }
        assertThat(url).as(err.toString(StandardCharsets.UTF_8)).isNotNull();
        HttpResponse<String> page = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("Safelight is connected");
        int code = run.get();
        assertThat(out.text()).contains("Connected");
        return code;
    }

    @Test
    void connecting_keeps_the_tokens_private_and_send_uploads_the_sealed_report() throws Exception {
        Map<String, String> env = Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString());
        Fixtures.draft(dir.resolve("draft"));
        Cli.Result seal = Cli.run("seal", dir.resolve("draft").toString(), "-o", dir.resolve("sealed") + "/",
                "--password", "k3y", "--keyserver-url", "https://keys.example.org");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        Path sealed;
        try (var files = Files.list(dir.resolve("sealed"))) {
            sealed = files.findFirst().orElseThrow();
        }
        String name = sealed.getFileName().toString();
        Path secret = Files.writeString(dir.resolve("box-secret"), FakeBox.CLIENT_SECRET + "\n");
        try (FakeBox box = new FakeBox(); FakeDropbox dropbox = new FakeDropbox()) {
            Cli.Result notYet = Cli.runWithEnv(env, "send", sealed.toString(), "--to", "dropbox");
            assertThat(notYet.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(notYet.stderr()).contains("safelight connect dropbox");

            assertThat(connect(env, dropbox, List.of())).isZero();
            assertThat(connect(env, box, List.of("--client-secret-file", secret.toString()))).isZero();
            for (String service : List.of("box", "dropbox")) {
                Path kept = dir.resolve("config/safelight/storage-" + service + ".json");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
                assertThat(Files.readString(kept)).doesNotContain(FakeBox.CLIENT_SECRET);
            }
            assertThat(box.count("code_exchanged")).isEqualTo(1);
            assertThat(dropbox.count("code_exchanged")).isEqualTo(1);

            dropbox.oauth().expireAccessTokens();
            Cli.Result toDropbox = Cli.runWithEnv(env, "send", sealed.toString(), "--to", "dropbox");
            assertThat(toDropbox.exitCode()).as(toDropbox.stderr()).isZero();
            assertThat(dropbox.file("/" + name)).isEqualTo(Files.readAllBytes(sealed));
            assertThat(dropbox.count("refreshed")).isEqualTo(1);
            Cli.Result toBox = Cli.runWithEnv(env, "send", sealed.toString(), "--to", "box");
            assertThat(toBox.exitCode()).as(toBox.stderr()).isZero();
            assertThat(toBox.out()).contains("/Safelight/" + name);
            assertThat(box.file("Safelight", name)).isEqualTo(Files.readAllBytes(sealed));

            box.down(true);
            Cli.Result down = Cli.runWithEnv(env, "send", sealed.toString(), "--to", "box");
            assertThat(down.exitCode()).isEqualTo(ExitCode.FAILURE);
            assertThat(down.stderr()).contains("try again later");
            box.down(false);
            box.oauth().revokeEverything();
            box.oauth().expireAccessTokens();
            Cli.Result revoked = Cli.runWithEnv(env, "send", sealed.toString(), "--to", "box");
            assertThat(revoked.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(revoked.stderr()).contains("connect Box again");
        }
    }
}
