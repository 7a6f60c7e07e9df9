package org.safelight.web;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.safelight.server.role.RoleName;
import org.safelight.server.http.OpenApi;
import org.safelight.server.http.Role;

/**
 * The web role, "My Safelight": plain HTML, CSS and ES modules that sign a user in against the
 * accounts API, list their cloud reports, and open reports entirely in the browser (download,
 * key from the key server, HMAC check, decryption, unzip). Routes:
 *
 * <pre>
 * GET /                              302 to /app/
 * GET /app/                          the application page
 * GET /app/static/{file}             its scripts and styles (404 for anything else)
 * GET /app/static/vendor/{file}      the browser libraries it uses (vendor/VENDORED.txt lists them)
 * GET /app/fonts/{name}.ttf          the two Liberation Sans faces report.pdf embeds (the CLI's own files)
 * GET /app/config.json               {"key_servers": [origin, ...], "endpoint": origin | null,
 *                                    "compose_key_server": origin | null}: key servers besides this origin, the
 *                                    endpoint whose institution view the pages show, the key server of reports
 *                                    sealed in the page
 * GET /app/report/{region}/{name}    a share link's landing page: 200, 410 when expired, 404 unknown
 * </pre>
 *
 * Every answer carries {@link SecurityHeaders}. Nothing here sees a report's content or a key.
 */
public final class WebRole implements Role {
    public static final String NAME = "web"; // RoleName.WEB.id()
    private static final String OPEN_API = OpenApi.resource(WebRole.class, "/openapi/web.yaml");
    private static final Set<String> FONTS = Set.of("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf");
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");
    /** {@code {random}-{ReportID}}: 22 alphanumerics, a dash, a report ID. */
    private static final Pattern LINK_NAME = Pattern.compile("[A-Za-z0-9]{22}-([A-Za-z0-9_-]{1,64})");

    private final SharedLinks links;
    private final SecurityHeaders headers;
    private final String publicUrl;
    private final StaticAssets assets = new StaticAssets();
    private final Map<String, byte[]> fonts = new ConcurrentHashMap<>();
    private final String config;

    /**
     * @param links      which share links exist ({@link SharedLinks#NONE} without a cloud role)
     * @param publicUrl  how users reach this server; shown on the landing page
     * @param keyServers key servers on other origins that pages may ask for keys (each also
     *                   allowed by the Content-Security-Policy); this origin always is
     */
    public WebRole(SharedLinks links, URI publicUrl, List<String> keyServers) {
        this(links, publicUrl, keyServers, Optional.empty());
    }

    /**
     * Also showing an endpoint's institution view (its received reports, for its admins; their own,
     * for senders).
     *
     * @param endpoint the endpoint's URL (this origin or another one, which the
     *                 Content-Security-Policy then allows); empty: no such page
     */
    public WebRole(SharedLinks links, URI publicUrl, List<String> keyServers, Optional<String> endpoint) {
        this(links, publicUrl, keyServers, endpoint, Optional.empty());
    }

    /**
     * Also naming the key server of reports sealed in the page.
     *
     * @param composeKeyServer the key server's URL; on another origin than {@code publicUrl} it is
     *                         also one the pages may ask for keys; empty: pages seal no key-server reports
     */
    public WebRole(SharedLinks links, URI publicUrl, List<String> keyServers, Optional<String> endpoint,
                   Optional<String> composeKeyServer) {
        this.links = links;
        Optional<String> endpointOrigin = endpoint.filter(e -> !e.isBlank()).map(SecurityHeaders::origin);
        Optional<String> composeOrigin = composeKeyServer.filter(k -> !k.isBlank()).map(SecurityHeaders::origin);
        List<String> askable = new java.util.ArrayList<>(keyServers);
        // keys.js trusts this origin and the listed ones: a sealing key server elsewhere must be listed.
        composeOrigin.filter(o -> !o.equals(SecurityHeaders.origin(publicUrl.toString()))).ifPresent(askable::add);
        this.headers = new SecurityHeaders(askable, endpointOrigin.stream().toList());
        this.publicUrl = publicUrl.toString().replaceAll("/+$", "");
        this.config = configJson(headers.keyServerOrigins(), endpointOrigin.orElse(null), composeOrigin.orElse(null));
        assets.require("index.html");
    }

    @Override
    public RoleName roleName() {
        return RoleName.WEB;
    }

    @Override
    public void routes(JavalinDefaultRoutingApi routes) {
        routes.get("/", ctx -> {
            headers.apply(ctx);
            ctx.redirect("/app/");
        });
        routes.get("/app/", this::application);
        // Each route serves names without a slash (an encoded one included): vendor/ only by its own.
        routes.get("/app/static/{file}", ctx -> asset(ctx, flat(ctx.pathParam("file"))));
        routes.get("/app/static/vendor/{file}", ctx -> asset(ctx, "vendor/" + flat(ctx.pathParam("file"))));
        routes.get("/app/fonts/{file}", this::font);
        routes.get("/app/config.json", this::config);
        routes.get("/app/report/{region}/{name}", this::landing);
        // Also the answers of paths no route serves (404); pages of other roles set their own policy.
        routes.before("/app/*", headers::apply);
    }

    private void application(Context ctx) {
        headers.apply(ctx);
        StaticAssets.Asset page = assets.require("index.html");
        ctx.header("Cache-Control", "no-cache").contentType(page.contentType()).result(page.bytes());
    }

    private void asset(Context ctx, String file) {
        headers.apply(ctx);
        StaticAssets.Asset asset = assets.find(file).orElse(null);
        if (asset == null) {
            ctx.status(404).header("Cache-Control", "no-store").contentType("text/plain; charset=utf-8")
                    .result("no such file");
            return;
        }
        ctx.header("Cache-Control", "no-cache").contentType(asset.contentType()).result(asset.bytes());
    }

    /**
     * report.pdf made in the browser embeds the same fonts as the CLI's, so both print alike: the
     * files are those the format library loads from the class path, and only those two are served.
     */
    private void font(Context ctx) {
        headers.apply(ctx);
        String file = ctx.pathParam("file");
        byte[] bytes = FONTS.contains(file) ? fonts.computeIfAbsent(file, WebRole::fontResource) : null;
        if (bytes == null) {
            ctx.status(404).header("Cache-Control", "no-store").contentType("text/plain; charset=utf-8")
                    .result("no such font");
            return;
        }
        ctx.header("Cache-Control", "no-cache").contentType("font/ttf").result(bytes);
    }

    private static byte[] fontResource(String file) {
        try (InputStream in = WebRole.class.getResourceAsStream("/liberation/" + file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String flat(String name) {
        return name.contains("/") ? "" : name;
    }

    private void config(Context ctx) {
        headers.apply(ctx);
        ctx.header("Cache-Control", "no-cache").contentType("application/json").result(config);
    }

    private void landing(Context ctx) {
        headers.apply(ctx);
        ctx.header("Cache-Control", "no-store");
        String region = ctx.pathParam("region");
        String name = ctx.pathParam("name");
        var m = LINK_NAME.matcher(name);
        SharedLinks.Status status = REGION.matcher(region).matches() && m.matches()
                ? links.status(region, name) : new SharedLinks.Status.Unknown();
        if (status instanceof SharedLinks.Status.Active a) {
            ctx.status(200).html(LandingPage.active(region, name, m.group(1), a.expiresAt(),
                    publicUrl + "/app/report/" + region + "/" + name));
        } else if (status instanceof SharedLinks.Status.Expired) {
            ctx.status(410).html(LandingPage.expired());
        } else {
            ctx.status(404).html(LandingPage.unknown());
        }
    }

    private static String configJson(List<String> origins, String endpoint, String composeKeyServer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key_servers", origins);
        body.put("endpoint", endpoint);
        body.put("compose_key_server", composeKeyServer);
        try {
            return org.safelight.server.http.Json.MAPPER.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String openApi() {
        return OPEN_API;
    }
}
