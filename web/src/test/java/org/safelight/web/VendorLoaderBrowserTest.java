package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.role.RoleName;
import org.safelight.web.testing.Browser;

/**
 * vendor-loader.js refuses a library that is not the file whose hash it records: the web role runs
 * unchanged behind one extra route, added before its own, that serves signature_pad.js with a line
 * appended (still valid JavaScript, so only the integrity check can tell). No hook in the page code.
 */
class VendorLoaderBrowserTest {
    private static final String TAMPERED = "signature_pad.js";
    private static final String CHANGE = "\n;globalThis.tampered = true;\n";

    @TempDir
    static Path downloads;
    static Javalin server;
    static Browser browser;

    /** Serves the changed library in place of the real one; everything else is the web role's. */
    private static final class Tampering implements Role {
        @Override
        public RoleName roleName() {
            return RoleName.WEB;
        }

        @Override
        public void routes(JavalinDefaultRoutingApi routes) {
            routes.get("/app/static/vendor/" + TAMPERED, ctx -> ctx.contentType("text/javascript; charset=utf-8")
                    .header("Cache-Control", "no-store").result(changed()));
        }
    }

    @BeforeAll
    static void start() {
        WebRole web = new WebRole(SharedLinks.NONE, URI.create("http://localhost"), List.of());
        server = ServerApp.create(List.of(new Tampering(), web), c -> { }).start("127.0.0.1", 0);
        browser = new Browser(downloads);
        browser.get("http://localhost:" + server.port() + "/app/");
        browser.visible("#signin-form");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.stop();
    }

    private static byte[] changed() {
        try (InputStream in = VendorLoaderBrowserTest.class.getResourceAsStream("/org/safelight/web/static/vendor/" + TAMPERED)) {
            String original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return (original + CHANGE).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String LOAD = """
            const [name, done] = arguments;
            import('/app/static/vendor-loader.js').then(async (m) => {
              try {
                const library = await m.vendored(name);
                done('loaded ' + Object.keys(library).length + ' names, tampered: ' + (globalThis.tampered === true));
              } catch (e) {
                done('refused: ' + e.message + ' tampered: ' + (globalThis.tampered === true));
              }
            }, (e) => done('import failed ' + e));
            """;

    @Test
    void a_library_whose_bytes_differ_from_the_recorded_hash_is_refused_and_never_runs() {
        String served = (String) browser.asyncScript("""
                const done = arguments[0];
                fetch('/app/static/vendor/signature_pad.js').then((r) => r.text()).then(done, (e) => done('' + e));
                """);
        assertThat(served).as("the server hands out the changed file").endsWith(CHANGE);

        assertThat((String) browser.asyncScript(LOAD, "signature_pad"))
                .isEqualTo("refused: The signature_pad library could not be loaded (signature_pad.js failed its"
                        + " integrity check or could not be fetched); reload the page and try again. tampered: false");
        assertThat(browser.consoleMessages()).anyMatch(m -> m.contains("integrity"));
    }

    @Test
    void an_unchanged_library_from_the_same_server_loads() {
        assertThat((String) browser.asyncScript(LOAD, "pdf-lib")).startsWith("loaded ").endsWith("tampered: false");
    }
}
