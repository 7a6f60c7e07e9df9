package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebRoleHttpTest {
    static final String NAME = "AbCdEfGhIjKlMnOpQrStUv-0000000011462800528240";
    static final List<String> ASKED = new ArrayList<>();
    static WebServer server;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() {
        server = new WebServer((region, name) -> {
            synchronized (ASKED) {
                ASKED.add(region + "/" + name);
            }
            if (!region.equals("AU")) {
                return new SharedLinks.Status.Unknown();
            }
            return name.equals(NAME) ? new SharedLinks.Status.Active(Instant.parse("2026-11-29T10:15:00Z"))
                    : new SharedLinks.Status.Expired();
        }, List.of("https://Keys.Example.org/some/path", "http://localhost:9000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return getFrom(server, path);
    }

    static HttpResponse<String> getFrom(WebServer from, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(from.url() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertSecured(HttpResponse<String> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                "object-src blob:", "media-src blob:", "base-uri 'none'");
        assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    @Test
    void the_root_redirects_to_my_safelight() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("/app/");
        assertSecured(r);
    }

    @Test
    void the_application_page_loads_only_module_scripts_of_its_own() throws Exception {
        HttpResponse<String> r = get("/app/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertSecured(r);
        assertThat(r.body()).contains("<script type=\"module\" src=\"/app/static/main.js\"></script>")
                .doesNotContain("style=", "onclick", "<style");
    }

    @Test
    void the_favicon_is_an_svg_served_as_one_and_every_page_names_it() throws Exception {
        HttpResponse<String> icon = get("/app/static/favicon.svg");
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        assertThat(icon.body()).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        String link = "<link rel=\"icon\" href=\"/app/static/favicon.svg\" type=\"image/svg+xml\">";
        assertThat(get("/app/").body()).contains(link);
        assertThat(get("/app/report/AU/" + NAME).body()).contains(link);
        assertThat(get("/app/report/US/" + NAME).body()).contains(link);
    }

    @Test
    void scripts_and_styles_are_served_with_their_types_and_nothing_else_is() throws Exception {
        HttpResponse<String> js = get("/app/static/rncryptor.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertSecured(js);
        assertThat(get("/app/static/app.css").headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        for (String path : List.of("/app/static/nothing.js", "/app/static/..%2Fstatic%2Fmain.js",
                "/app/static/WebRole.class", "/app/static/%2e%2e", "/app/static/.hidden.js")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void vendored_libraries_are_served_from_their_folder_and_nothing_else_there_is() throws Exception {
        HttpResponse<String> qr = get("/app/static/vendor/qrcode-generator.js");
        assertThat(qr.statusCode()).isEqualTo(200);
        assertThat(qr.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertSecured(qr);
        for (String file : List.of("_u64.js", "signature_pad.js", "pdf-lib.esm.min.js", "fontkit.umd.min.js")) {
            assertThat(get("/app/static/vendor/" + file).statusCode()).as("named as its package names it: " + file)
                    .isEqualTo(200);
        }
        for (String path : List.of("/app/static/vendor/VENDORED.txt", "/app/static/vendor/..js",
                "/app/static/vendor/a..b.js", "/app/static/_u64.js", "/app/static/vendor/qrcode-generator.LICENSE.txt",
                "/app/static/vendor/..%2Fmain.js", "/app/static/vendor%2Fqrcode-generator.js", "/app/static/vendor/a/b.js",
                "/app/static/vendor/nothing.js")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void the_two_report_fonts_are_served_as_the_cli_embeds_them_and_no_other_file_is() throws Exception {
        HttpResponse<byte[]> regular = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/app/fonts/LiberationSans-Regular.ttf")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(regular.statusCode()).isEqualTo(200);
        assertThat(regular.headers().firstValue("Content-Type")).hasValue("font/ttf");
        try (java.io.InputStream in = WebRole.class.getResourceAsStream("/liberation/LiberationSans-Regular.ttf")) {
            assertThat(regular.body()).isEqualTo(in.readAllBytes());
        }
        assertThat(get("/app/fonts/LiberationSans-Bold.ttf").statusCode()).isEqualTo(200);
        for (String other : List.of("LiberationSans-Italic.ttf", "..%2Fliberation%2FLiberationSans-Regular.ttf",
                "LiberationSans-Regular.TTF", "index.html")) {
            HttpResponse<String> refused = get("/app/fonts/" + other);
            assertThat(refused.statusCode()).as(other).isEqualTo(404);
            assertSecured(refused);
        }
    }

    @Test
    void a_path_no_route_serves_still_carries_the_security_headers() throws Exception {
        HttpResponse<String> r = get("/app/no/such/page");
        assertThat(r.statusCode()).isEqualTo(404);
        assertSecured(r);
    }

    @Test
    void the_configured_key_servers_are_in_the_config_and_the_connect_policy() throws Exception {
        HttpResponse<String> r = get("/app/config.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(
                "{\"key_servers\":[\"https://keys.example.org\",\"http://localhost:9000\"],\"endpoint\":null,"
                        + "\"compose_key_server\":null}");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("connect-src 'self' https://keys.example.org http://localhost:9000;");
    }

    @Test
    void an_endpoint_on_another_origin_is_in_the_config_and_the_connect_policy_but_is_no_key_server() {
        WebRole role = new WebRole(SharedLinks.NONE, java.net.URI.create("http://localhost"),
                List.of("https://keys.example.org"), java.util.Optional.of("https://intake.hospital.example/api/report"));
        try (WebServer endpointSite = new WebServer(role)) {
            HttpResponse<String> r = getFrom(endpointSite, "/app/config.json");

            assertThat(r.body()).isEqualTo(
                    "{\"key_servers\":[\"https://keys.example.org\"],\"endpoint\":\"https://intake.hospital.example\","
                            + "\"compose_key_server\":null}");
            assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("connect-src 'self' https://keys.example.org https://intake.hospital.example;");
        }
    }

    @Test
    void a_sealing_key_server_on_another_origin_is_also_one_the_pages_may_ask() {
        WebRole role = new WebRole(SharedLinks.NONE, URI.create("http://localhost:8080"), List.of(),
                java.util.Optional.empty(), java.util.Optional.of("https://Keys.Hospital.example/api/v1"));
        try (WebServer site = new WebServer(role)) {
            HttpResponse<String> r = getFrom(site, "/app/config.json");

            assertThat(r.body()).isEqualTo("{\"key_servers\":[\"https://keys.hospital.example\"],\"endpoint\":null,"
                    + "\"compose_key_server\":\"https://keys.hospital.example\"}");
            assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("connect-src 'self' https://keys.hospital.example;");
        }
    }

    @Test
    void a_sealing_key_server_at_this_origin_is_named_but_needs_no_listing() {
        WebRole role = new WebRole(SharedLinks.NONE, URI.create("https://safelight.example/"), List.of(),
                java.util.Optional.empty(), java.util.Optional.of("https://safelight.example"));
        try (WebServer site = new WebServer(role)) {
            assertThat(getFrom(site, "/app/config.json").body()).isEqualTo(
                    "{\"key_servers\":[],\"endpoint\":null,\"compose_key_server\":\"https://safelight.example\"}");
        }
    }

    @Test
    void an_active_link_offers_to_open_it_here_or_on_a_phone_with_only_its_own_script() throws Exception {
        HttpResponse<String> r = get("/app/report/AU/" + NAME);
        assertThat(r.statusCode()).isEqualTo(200);
        assertSecured(r);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body()).contains("0000000011462800528240", "29 November 2026, 10:15 UTC",
                "href=\"/app/#/link/AU/" + NAME + "\"", "View on a phone", "http://localhost/app/report/AU/" + NAME)
                .contains("id=\"open-here\"", "id=\"share-qr\"", "data-report=\"0000000011462800528240\"",
                        "<script type=\"module\" src=\"/app/static/share-link.js\"></script>")
                .doesNotContain("style=");
        assertThat(r.body().split("<script", -1)).as("one script, from this origin").hasSize(2);
    }

    @Test
    void an_expired_link_answers_410_and_an_unknown_one_404() throws Exception {
        HttpResponse<String> expired = get("/app/report/AU/ZZZZZZZZZZZZZZZZZZZZZZ-0000000011462800528240");
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.body()).contains("This report has expired");
        assertSecured(expired);
        HttpResponse<String> unknown = get("/app/report/US/" + NAME);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No report at this address");
        assertSecured(unknown);
    }

    @Test
    void a_malformed_link_is_unknown_without_asking_the_cloud() throws Exception {
        int before;
        synchronized (ASKED) {
            before = ASKED.size();
        }
        for (String path : List.of("/app/report/au/" + NAME, "/app/report/AU/short-123",
                "/app/report/AU/AbCdEfGhIjKlMnOpQrStUv-%3Cscript%3E", "/app/report/AUS/" + NAME)) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("<script>");
        }
        synchronized (ASKED) {
            assertThat(ASKED).hasSize(before);
        }
    }

    @Test
    void a_key_server_must_be_an_http_url() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SecurityHeaders(List.of("javascript:alert(1)")))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SecurityHeaders(List.of("https://a.org; script-src *")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
