package org.safelight.client.fhir.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * In front of HAPI: checks the login (Basic or Bearer, constant-time), records every request with
 * the status answered, and carries out an armed fault (drop the answer and stop the server).
 */
final class Gate implements Filter {
    private static final String REFUSAL = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
            + "\"code\":\"login\",\"diagnostics\":\"missing or wrong credentials\"}]}";

    private final FhirTestServer server;
    private final FhirTestServer.Options options;

    Gate(FhirTestServer server, FhirTestServer.Options options) {
        this.server = server;
        this.options = options;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (server.stopping()) {
            dropConnection(request, response);
            return;
        }
        FhirTestServer.Fault fault = server.armedFault();
        if (fault == null || "GET".equals(request.getMethod())) {
            RecordingResponse watched = new RecordingResponse(response, r -> server.record(record(request, r, r.getStatus())));
            try {
                serve(request, watched, chain);
                watched.finish();
            } catch (IOException | ServletException | RuntimeException e) {
                server.record(record(request, watched, 500));
                throw e;
            }
            watched.commit();
            return;
        }
        // armed: hold the answer back until the fault's predicate has seen how it went
        BufferedResponse held = new BufferedResponse(response);
        int status = 500;
        try {
            serve(request, held, chain);
            status = held.getStatus();
        } finally {
            Recorded recorded = record(request, held, status);
            server.record(recorded);
            CountDownLatch fired = server.fire(fault, recorded);
            if (fired == null) {
                held.send();
            } else {
                try {
                    if (fault.answerFirst()) {
                        held.send();
                    } else {
                        dropConnection(request, response);
                    }
                } finally {
                    fired.countDown();
                }
            }
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (authorized(request)) {
            chain.doFilter(request, response);
        } else {
            refuse(response);
        }
    }

    private static Recorded record(HttpServletRequest request, HttpServletResponse response, int status) {
        String path = request.getRequestURI();
        String context = request.getContextPath() + request.getServletPath();
        if (!context.isEmpty() && path.startsWith(context)) {
            path = path.substring(context.length());
        }
        if (path.startsWith("/fhir")) {
            path = path.substring("/fhir".length());
        }
        return new Recorded(request.getMethod(), path, Optional.ofNullable(request.getQueryString()).orElse(""),
                Optional.ofNullable(request.getHeader("If-None-Exist")),
                Optional.ofNullable(request.getContentType()), status,
                Optional.ofNullable(response.getHeader("Location")));
    }

    private boolean authorized(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        FhirTestServer.Auth auth = options.auth();
        if (auth instanceof FhirTestServer.Auth.Basic basic) {
            return header != null && sameSecret(header, "Basic " + Base64.getEncoder()
                    .encodeToString((basic.user() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8)));
        }
        if (auth instanceof FhirTestServer.Auth.Bearer bearer) {
            return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    && bearer.accepts().test(header.substring(7).strip());
        }
        return true;
    }

    private void refuse(HttpServletResponse response) throws IOException {
        response.setStatus(401);
        String scheme = options.auth() instanceof FhirTestServer.Auth.Bearer ? "Bearer" : "Basic";
        response.setHeader("WWW-Authenticate", scheme + " realm=\"fhir\"");
        response.setContentType("application/fhir+json;charset=utf-8");
        response.getOutputStream().write(REFUSAL.getBytes(StandardCharsets.UTF_8));
    }

    /** Equal in time independent of where they differ (digests, so the length does not show either). */
    private static boolean sameSecret(String given, String expected) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Closes the TCP connection: the client gets no answer at all, as when a server dies. Should the
     * connection not be reachable, a 503 that closes it is the next best thing.
     */
    private static void dropConnection(HttpServletRequest request, HttpServletResponse response) {
        try {
            ServletContextRequest core = ServletContextRequest.getServletContextRequest(request);
            core.getConnectionMetaData().getConnection().getEndPoint().close();
        } catch (RuntimeException e) {
            response.setStatus(503);
            response.setHeader("Connection", "close");
        }
    }

    static Predicate<String> constant(String token) {
        return given -> sameSecret(given, token);
    }
}
