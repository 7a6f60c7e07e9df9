package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The headers every answer carries, made a rule of the server rather than of each route: those a
 * handler writes, those of the error mapper, and those Jetty writes itself before any route runs.
 */
class ResponseHeadersTest {
    private Javalin app;

    @BeforeEach
    void start() {
        Role role = TestRoles.of("test", routes -> {
            routes.get("/json", ctx -> ctx.json(List.of(1)));
            routes.get("/page", ctx -> ctx.html("<p>hello</p>"));
            routes.get("/public", ctx -> ctx.header("Cache-Control", "public, max-age=60").json(List.of(2)));
            routes.get("/refused", ctx -> {
                throw ApiException.unauthorized("sign in first");
            });
            routes.get("/fails", ctx -> {
                throw new IllegalStateException("boom");
            });
        });
        app = ServerApp.create(List.of(role), c -> { }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private RawHttp.Answer get(String target, String... headers) throws Exception {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headers) {
            request.append(h).append("\r\n");
        }
        return RawHttp.send(app.port(), request.append("Connection: close\r\n\r\n").toString());
    }

    private static void assertSafeHeaders(RawHttp.Answer a) {
        assertThat(a.header("X-Content-Type-Options")).as("nosniff on %s", a.status()).isEqualTo("nosniff");
        assertThat(a.header("X-Frame-Options")).as("frames on %s", a.status()).isEqualTo("DENY");
        assertThat(a.header("Server")).as("no server version on %s", a.status()).isNull();
        assertThat(a.header("X-Powered-By")).isNull();
    }

    @Test
    void every_answer_of_a_route_or_of_the_error_mapper_says_nosniff_and_cannot_be_framed() throws Exception {
        for (String target : List.of("/json", "/page", "/refused", "/fails", "/no-such-route", "/health")) {
            RawHttp.Answer a = get(target);
            assertSafeHeaders(a);
            assertThat(a.header("Strict-Transport-Security")).as("no HSTS over plain HTTP").isNull();
        }
    }

    @Test
    void any_request_carrying_authorization_is_answered_no_store_whatever_the_route_or_outcome() throws Exception {
        for (String target : List.of("/json", "/page", "/refused", "/fails", "/no-such-route")) {
            RawHttp.Answer a = get(target, "Authorization: Bearer anything");
            assertThat(a.header("Cache-Control")).as(target).contains("no-store");
        }
        assertThat(get("/json").header("Cache-Control")).isNull();
    }

    @Test
    void a_route_that_allows_caching_still_answers_a_request_carrying_authorization_with_no_store_alone()
            throws Exception {
        RawHttp.Answer authorized = get("/public", "Authorization: Bearer anything");

        assertThat(authorized.header("Cache-Control")).isEqualTo("no-store");
        assertThat(get("/public").header("Cache-Control")).isEqualTo("public, max-age=60");
    }

    @Test
    void jettys_own_refusals_carry_the_same_headers_and_no_server_version() throws Exception {
        RawHttp.Answer malformed = RawHttp.send(app.port(), "GET /json HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n");
        RawHttp.Answer longUri = get("/json?x=" + "a".repeat(20_000));
        RawHttp.Answer bigHeaders = get("/json", "X-Big: " + "b".repeat(40_000));
        RawHttp.Answer badEncoding = get("/%zz");

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(longUri.status()).isEqualTo(414);
        assertThat(bigHeaders.status()).isEqualTo(431);
        assertThat(badEncoding.status()).isEqualTo(400);
        for (RawHttp.Answer a : List.of(malformed, longUri, bigHeaders, badEncoding)) {
            assertSafeHeaders(a);
            assertThat(a.body()).contains("\"error\":\"").doesNotContain("Jetty", "jetty");
        }
    }
}
