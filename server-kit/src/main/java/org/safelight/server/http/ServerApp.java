package org.safelight.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.role.PathRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the HTTP server for a set of roles, unstarted, so tests start it on a free port. Every
 * failure becomes JSON with a stable {@code error} code in one place here; unexpected exceptions are
 * logged by type only (their messages may hold data) and answered without details. Every answer,
 * Jetty's own refusals included, carries the {@link ResponseHeaders}.
 */
public final class ServerApp {
    private static final Logger LOG = LoggerFactory.getLogger(ServerApp.class);
    /** {@code -Dsafelight.http.virtual-threads=true} serves requests on virtual threads on JDK 21+. */
    static final String VIRTUAL_THREADS = "safelight.http.virtual-threads";
    /** The most of a refused request's body that is read so that the client gets the answer. */
    static final long DISCARD_LIMIT = 8 << 20;
    /** How long reading it may go on: a client trickling its body does not keep a thread. */
    private static final long DISCARD_NANOS = 5_000_000_000L;
    /**
     * Longer than any handler's own wait (the key fetch's 30 s, which turns this timer off for itself
     * and relies on its own), so it is only a last bound. Public for that role's test of the margin.
     */
    public static final long ASYNC_TIMEOUT_MILLIS = 35_000;

    private ServerApp() {
    }

    /**
     * The server for {@code roles}. Each role's {@link Role#pathRules() path rules} apply before any
     * route: a body announced over the path's limit is refused with 413, and every refusal on the
     * path — the routes' own, 404, 413, 500 and Jetty's — takes the path's {@link ErrorRenderer}.
     */
    public static Javalin create(List<Role> roles, Consumer<io.javalin.config.JavalinConfig> extra) {
        return create(roles, Operations.defaults(), extra);
    }

    /**
     * Also watched and stopped as {@code ops} says: {@code /health/ready} from its readiness, every
     * request timed on its registry ({@link HttpMetrics}), {@code /metrics} behind its token, and a
     * stop that first refuses new connections, then waits up to its grace for requests in flight.
     * Every request gets an id ({@link RequestIds}).
     */
    public static Javalin create(List<Role> roles, Operations ops, Consumer<io.javalin.config.JavalinConfig> extra) {
        ObjectMapper mapper = Json.MAPPER;
        PathRules rules = PathRules.of(roles);
        return Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.startup.showJavalinBanner = false;
            // Off unless asked for: on the key fetch (JDK 25, 2 cores) virtual threads cost 15-25% more
            // CPU per request than Jetty's pool of platform threads (bench/RESULTS.md).
            config.concurrency.useVirtualThreads = virtualThreads(Runtime.version().feature(),
                    System.getProperty(VIRTUAL_THREADS));
            config.http.maxRequestSize = PathRule.DEFAULT_MAX_BYTES;
            // A suspended request always ends, even if a completion were ever lost. (The key fetch turns
            // this timer off for itself: its audit append gives up after 30 s, see KeysRole.fetchKey.)
            config.http.asyncTimeout = ASYNC_TIMEOUT_MILLIS;
            // Headers every answer carries, Jetty's own refusals included; no server name or version.
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
                // No per-connection cache of whole header lines: clients that send a header hit it
                // with a different value each time, and on a key fetch (a ~600-byte bearer token on
                // every request) matching the line against it cost more than parsing it (JFR,
                // bench/keyserver-load.sh: 14.6% -> 8.7% of the server's CPU in header parsing).
                http.setHeaderCacheSize(0);
                http.addCustomizer(new ResponseHeaders());
            });
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JettyErrors(rules));
                if (!ops.shutdownGrace().isZero()) {
                    // stop: connectors stop accepting, requests in flight finish (up to the grace), then close
                    server.insertHandler(new GracefulHandler());
                    server.setStopTimeout(ops.shutdownGrace().toMillis());
                }
                server.insertHandler(new RequestIds());
            });
            HttpMetrics timing = new HttpMetrics(ops.meters());
            config.requestLogger.http(timing::record);
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyErrors(rules)));
            config.routes.before(ctx -> {
                PathRule rule = rules.ruleFor(ctx.path());
                ctx.attribute(PathRules.ATTRIBUTE, rule);
                if (ctx.req().getContentLengthLong() > rule.maxBytes()) {
                    throw PathRules.tooLarge(rule.maxBytes());
                }
            });
            config.routes.after(ResponseHeaders::enforceNoStore);
            config.routes.get("/health", ctx -> ctx.json(health(roles)));
            config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "live")));
            config.routes.get("/health/ready", ctx -> ready(ops.readiness(), ctx));
            if (ops.metricsToken().isPresent()) {
                PrometheusMeterRegistry prometheus = (PrometheusMeterRegistry) ops.meters();
                config.routes.get("/metrics", ctx -> {
                    if (!ops.opensMetrics(ctx.header("Authorization"))) {
                        throw ApiException.unauthorized("the metrics need Authorization: Bearer and the metrics token");
                    }
                    ctx.contentType(MetricsListener.CONTENT_TYPE).result(prometheus.scrape());
                });
            }
            String openApi = OpenApi.merge(roles, ops.metricsToken().isPresent());
            config.routes.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
            for (Role role : roles) {
                role.routes(config.routes);
            }
            // One table (ErrorAnswer) decides every refusal's status and catalogue code; the path's rule its shape.
            config.routes.exception(Refusal.class, (e, ctx) -> answer(rules, ctx, ErrorAnswer.of(e)));
            config.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) ->
                    answer(rules, ctx, ErrorAnswer.of(e)));
            config.routes.exception(com.fasterxml.jackson.core.JacksonException.class, (e, ctx) ->
                    answer(rules, ctx, ErrorAnswer.of(e)));
            config.routes.exception(Exception.class, (e, ctx) -> {
                ErrorAnswer answer = ErrorAnswer.of(e);
                // the route template, not the path: paths carry report ids and tokens
                if (answer.status() == 500) {
                    LOG.error("unexpected {} on {} {}", e.getClass().getName(), ctx.method(), HttpMetrics.route(ctx));
                } else {
                    LOG.warn("{} on {} {}: {}", answer.code().code(), ctx.method(), HttpMetrics.route(ctx),
                            answer.message());
                }
                answer(rules, ctx, answer);
            });
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    answer(rules, ctx, ErrorAnswer.of(ApiException.notFound("no such route: " + ctx.method() + " "
                            + ctx.path())));
                }
            });
            extra.accept(config);
        });
    }

    /** Whether to serve requests on virtual threads: when asked for and the JDK has them (21+; we build for 17). */
    static boolean virtualThreads(int javaFeatureVersion, String setting) {
        return javaFeatureVersion >= 21 && "true".equalsIgnoreCase(setting);
    }

    /** 200 {"status": "ready", "checks": {...}} or 503 {"status": "not_ready", "checks": {name: reason}}. */
    private static void ready(Readiness readiness, Context ctx) {
        Readiness.Result result = readiness.current(); // at most one run of the checks per interval
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", result.ready() ? "ready" : "not_ready");
        body.put("checks", result.checks());
        ctx.status(result.ready() ? 200 : 503).json(body);
    }

    static Map<String, Object> health(List<Role> roles) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("roles", roles.stream().map(Role::name).toList());
        return body;
    }

    /** A refusal in the shape of the request's path ({@link PathRule#errors()}). */
    private static void answer(PathRules rules, Context ctx, ErrorAnswer e) {
        discardUnreadBody(ctx);
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", e.retryAfterSeconds().toString());
        }
        ErrorRenderer errors = rules.ruleFor(ctx.path()).errors();
        ctx.status(e.status()).json(errors.body(e.status(), e.code().code(), e.message()));
    }

    /**
     * Reads and drops what is left of a refused request's body, up to {@link #DISCARD_LIMIT}, before
     * the refusal is written. Otherwise Jetty closes the connection on a client that is still
     * sending, and the client may see a reset instead of the answer. A client that sent
     * {@code Expect: 100-continue} is left alone: it waits for the answer before sending. Past the
     * limit, or after 5 s (plus at most one idle timeout for the read under way), the connection is
     * closed.
     */
    static void discardUnreadBody(Context ctx) {
        if (ctx.header("Expect") != null || ctx.req().getContentLengthLong() > DISCARD_LIMIT) {
            return;
        }
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            long deadline = System.nanoTime() + DISCARD_NANOS;
            for (int n; read < DISCARD_LIMIT && System.nanoTime() - deadline < 0 && (n = in.read(buffer)) != -1; ) {
                read += n;
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("the rest of a refused request's body could not be read ({})", e.getClass().getSimpleName());
        }
    }
}
