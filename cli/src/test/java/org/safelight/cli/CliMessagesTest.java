package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.testing.SharedFiles;

/** Each mistake a new user made gets one line on stderr that says what to do, and the right exit code. */
class CliMessagesTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static String onlyLine(Cli.Result r) {
        assertThat(r.errLines()).as(r.stderr()).hasSize(1);
        return r.errLines().get(0);
    }

    @Test
    void a_server_without_its_scheme_is_refused_with_the_url_to_type_instead() {
        Cli.Result r = Cli.runWithEnv(Map.of("XDG_CONFIG_HOME", p("cfg"), "SAFELIGHT_PASSWORD", "pw"),
                "login", "--server", "localhost:8080", "--email", "ada@example.org");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(onlyLine(r)).isEqualTo("safelight: --server needs a URL that starts with https:// (or http:// for"
                + " this computer), e.g. https://localhost:8080 (got 'localhost:8080')");
    }

    @Test
    void seal_without_a_way_to_protect_the_report_names_the_three_choices() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("x.picsafe"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(onlyLine(r)).isEqualTo("safelight: say how to protect the report: with a key from your key server"
                + " (--keyserver URL), for an institution's public key (--static-key FILE), or not at all for an HTTPS"
                + " endpoint (--plain)");
        assertThat(dir.resolve("x.picsafe")).doesNotExist();
    }

    @Test
    void a_report_key_given_with_keyserver_is_explained_as_not_the_account_password() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("x.picsafe"), "--keyserver", "https://keys.example.org",
                "--password", "hunter2hunter2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(onlyLine(r)).isEqualTo("safelight: --password is a report key you hold yourself; with --keyserver"
                + " the key server makes the report key, so leave out --password (your account password is asked by"
                + " 'safelight login')");
    }

    @Test
    void help_says_password_is_a_report_key_and_not_the_account_password() {
        for (String command : List.of("seal", "open", "send", "decrypt")) {
            assertThat(Cli.run(command, "--help").out().replaceAll("\\s+", " "))
                    .contains("--password=KEY The report's key (or an RNCryptor password): not your account password");
        }
    }

    @Test
    void a_photo_that_is_not_a_jpeg_is_named() throws IOException {
        Path draft = Fixtures.draft(dir.resolve("draft"));
        Files.writeString(draft.resolve("wound.jpg"), "this is no photo");
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("x.zip"), "--plain");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(onlyLine(r)).startsWith("safelight: wound.jpg: ");
        assertThat(dir.resolve("x.zip")).doesNotExist();
    }

    @Test
    void invalid_metadata_json_names_line_and_column_without_parser_internals() throws IOException {
        Path draft = Fixtures.draft(dir.resolve("draft"));
        Files.writeString(draft.resolve("metadata.json"), """
                {"report": {
                  "patient": {"firstname": "Ada",},
                  "consent": {"type": "signed"}
                }}
                """);
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("x.zip"), "--plain");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(onlyLine(r)).isEqualTo("safelight: metadata.json is not valid JSON at line 2, column 34:"
                + " unexpected character ('}'): was expecting double-quote to start field name");
    }

    @Test
    void metadata_json_that_ends_early_says_what_is_missing() throws IOException {
        Path draft = Fixtures.draft(dir.resolve("draft"));
        Files.writeString(draft.resolve("metadata.json"), "{\"report\": {\"patient\": {}\n");
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("x.zip"), "--plain");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(onlyLine(r)).startsWith("safelight: metadata.json is not valid JSON at line 2, column 1: the file"
                + " ends before the JSON does").doesNotContainIgnoringCase("jackson").doesNotContain("Source");
    }

    @Test
    void the_help_hint_names_the_whole_command() {
        Cli.Result r = Cli.run("keys", "log");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(onlyLine(r)).endsWith("(see 'safelight keys log --help')");
    }

    @Test
    void photos_and_videos_named_as_phones_name_them_are_sealed() throws IOException {
        Path draft = dir.resolve("draft");
        Files.createDirectories(draft);
        Files.copy(SharedFiles.media("photo-landscape.jpg"), draft.resolve("IMG_0001.JPG"));
        Files.copy(SharedFiles.media("photo-rotated.jpg"), draft.resolve("IMG_0002.JPEG"));
        Files.copy(SharedFiles.media("clip.m4v"), draft.resolve("IMG_0003.M4V"));
        Files.copy(SharedFiles.media("voice.m4a"), draft.resolve("consent.M4A"));
        Files.writeString(draft.resolve("metadata.json"), """
                {"report": {"user": {"userid": "42"}, "consent": {"type": "verbal", "consentlevels": "treatment"}}}
                """);
        Cli.Result seal = Cli.run("seal", p("draft"), "-o", p("r.zip"), "--plain");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        assertThat(seal.out()).contains("2 photos, 1 video");
        Cli.Result open = Cli.run("open", p("r.zip"), "-o", p("opened"));
        assertThat(open.exitCode()).as(open.stderr()).isZero();
        assertThat(dir.resolve("opened/IMG_0001.jpg")).exists();
        assertThat(dir.resolve("opened/IMG_0002.jpg")).exists();
        assertThat(dir.resolve("opened/IMG_0003.m4v")).exists();
        assertThat(dir.resolve("opened/consent.m4a")).exists();
    }

    @Test
    void one_item_in_two_cases_is_refused_rather_than_one_dropped() throws IOException {
        Path draft = Fixtures.draft(dir.resolve("draft"));
        Files.copy(draft.resolve("wound.jpg"), draft.resolve("wound.JPG"));
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("r.zip"), "--plain");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(onlyLine(r)).contains("wound.JPG", "wound.jpg", "keep one");
    }

    @Test
    void inspect_takes_no_report_id_from_the_file_name() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        Cli.Result seal = Cli.run("seal", p("draft"), "-o", p("sealed") + "/", "--password", "k3y",
                "--keyserver-url", "https://keys.example.org");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        Path sealed;
        try (var files = Files.list(dir.resolve("sealed"))) {
            sealed = files.findFirst().orElseThrow();
        }
        String realId = sealed.getFileName().toString().replace(".picsafe", "");
        Path renamed = Files.copy(sealed, dir.resolve("000000099" + "1".repeat(13) + "Renamed1234.picsafe"));
        Cli.Result r = Cli.run("inspect", renamed.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("report id:  " + realId).doesNotContain("Renamed1234 ", "from the file name");
    }

    @Test
    void an_unreachable_key_server_suggests_giving_the_key() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        String nowhere = "http://127.0.0.1:9";
        assertThat(Cli.run("seal", p("draft"), "-o", p("r.picsafe"), "--password", "k3y", "--keyserver-url", nowhere)
                .exitCode()).isZero();
        // signed in (to the same unreachable place), so the key is asked for
        Path config = dir.resolve("cfg/safelight");
        Files.createDirectories(config);
        Files.writeString(config.resolve("credentials.json"), "{\"server\": \"" + nowhere + "\", \"email\":"
                + " \"ada@example.org\", \"access_token\": \"t\", \"access_expires_at\": \"2999-01-01T00:00:00Z\","
                + " \"refresh_token\": \"r\"}");
        Cli.Result r = Cli.runWithEnv(Map.of("XDG_CONFIG_HOME", p("cfg")), "open", p("r.picsafe"), "-o", p("o"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(onlyLine(r)).startsWith("safelight: ").contains("cannot connect to " + nowhere)
                .endsWith("; or give the report's key with --password KEY");
    }

    @Test
    void signup_asks_for_the_password_twice_and_sends_nothing_when_they_differ() {
        Deque<String> typed = new ArrayDeque<>(List.of("correct horse battery", "correct horse batteyr"));
        List<String> prompts = new java.util.ArrayList<>();
        Cli.Result r = runTyping(Map.of("XDG_CONFIG_HOME", p("cfg")), typed, prompts, "signup", "--server",
                "http://127.0.0.1:9", "--email", "ada@example.org", "--first", "Ada", "--last", "Quill");
        assertThat(prompts).hasSize(2);
        assertThat(prompts.get(1)).isEqualTo("Type it again: ");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(onlyLine(r)).isEqualTo("safelight: the two passwords differ: nothing was sent; run the command"
                + " again");
    }

    @Test
    void signup_in_a_script_takes_safelight_password_without_asking() {
        List<String> prompts = new java.util.ArrayList<>();
        Cli.Result r = runTyping(Map.of("XDG_CONFIG_HOME", p("cfg"), "SAFELIGHT_PASSWORD", "correct horse battery"),
                new ArrayDeque<>(), prompts, "signup", "--server", "http://127.0.0.1:9", "--email", "ada@example.org",
                "--first", "Ada", "--last", "Quill");
        assertThat(prompts).isEmpty();
        assertThat(onlyLine(r)).contains("cannot connect to http://127.0.0.1:9"); // it went on to the server
    }

    /** The CLI with a terminal on which {@code typed} is typed, recording the prompts. */
    static Cli.Result runTyping(Map<String, String> env, Deque<String> typed, List<String> prompts, String... args) {
        Terminal terminal = new Terminal() {
            @Override
            public boolean present() {
                return true;
            }

            @Override
            public char[] readPassword(String prompt) {
                prompts.add(prompt);
                String next = typed.poll();
                return next == null ? null : next.toCharArray();
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, terminal);
        return new Cli.Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
