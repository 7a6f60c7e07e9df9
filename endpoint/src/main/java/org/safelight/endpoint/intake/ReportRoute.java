package org.safelight.endpoint.intake;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.MultipartReader;
import org.safelight.server.http.PathRules;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/report} (the seed's intake): a multipart form with {@code token} (an
 * endpoint-scoped token for this endpoint: user tokens and key-server tokens are refused) followed
 * by {@code picsafe_file}. The file streams from the request into the {@link Intake}; the answer
 * {@code {"success": true, "report_id": ...}} is written only once the intake has stored it. Every
 * refusal is an {@link ApiException}, rendered by the path's rule as {@code {"success": false, ...}}.
 * A plain report sent over plain HTTP is refused (its content crossed the network in the clear)
 * unless the operator allowed it for testing; the scheme is the client's, as a trusted proxy reports it.
 */
public final class ReportRoute {
    public static final String PATH = "/api/report";
    private static final Logger LOG = LoggerFactory.getLogger(ReportRoute.class);
    private static final int MAX_TOKEN_BYTES = 16 * 1024;

    private final Intake intake;
    private final TokenVerifier endpointTokens;
    private final Senders senders;
    private final boolean allowPlainHttp;
    private final Clock clock;

    public ReportRoute(Intake intake, TokenVerifier endpointTokens, Senders senders, boolean allowPlainHttp, Clock clock) {
        this.intake = intake;
        this.endpointTokens = endpointTokens;
        this.senders = senders;
        this.allowPlainHttp = allowPlainHttp;
        this.clock = clock;
    }

    public void routes(JavalinDefaultRoutingApi r) {
        r.post(PATH, this::receive);
    }

    /** A failure reading the request itself (the client's side), told apart from the store's. */
    private static final class RequestReadException extends IOException {
        RequestReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    void receive(Context ctx) throws IOException {
        MultipartReader form;
        try {
            form = MultipartReader.of(PathRules.body(ctx), ctx.contentType());
        } catch (MultipartReader.MalformedMultipartException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        String token = null;
        Intake.Receipt receipt = null;
        try {
            for (MultipartReader.Part part; (part = form.next()) != null; ) {
                if (part.name().equals("token")) {
                    byte[] bytes = part.body().readNBytes(MAX_TOKEN_BYTES + 1);
                    if (bytes.length > MAX_TOKEN_BYTES) {
                        throw ApiException.badRequest("the token field is too long");
                    }
                    token = new String(bytes, StandardCharsets.UTF_8).strip();
                } else if (part.name().equals("picsafe_file") && receipt == null) {
                    receipt = store(ctx, token, part);
                }
            }
        } catch (MultipartReader.MalformedMultipartException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (receipt == null) {
            throw ApiException.badRequest(token == null ? "the form has no token and no picsafe_file field"
                    : "the form has no picsafe_file field");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("report_id", receipt.reportId());
        ctx.json(body);
    }

    private Intake.Receipt store(Context ctx, String token, MultipartReader.Part part) throws IOException {
        if (token == null || token.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_TOKEN, "send the token field (a token for this endpoint) before picsafe_file");
        }
        UserToken sender = endpointTokens.verify(token);
        if (!sender.emailVerified()) {
            throw new ApiException(ErrorCode.EMAIL_UNVERIFIED, "verify your email address before sending reports");
        }
        if (!senders.allows(sender.email())) {
            throw new ApiException(ErrorCode.SENDER_NOT_ALLOWED, "this endpoint does not take reports from your address");
        }
        BufferedInputStream file = new BufferedInputStream(new ClientStream(part.body()), 64 * 1024);
        if (!allowPlainHttp && !"https".equals(ctx.scheme()) && FileStart.of(file) == FileStart.OTHER_ZIP) {
            throw new ApiException(ErrorCode.PLAIN_OVER_HTTP, "a plain report must be sent over HTTPS; this one came"
                    + " over plain HTTP, so its content crossed the network unencrypted: use https://");
        }
        try {
            return intake.receive(file, part.fileName(), new Arrival(Arrival.Source.HTTPS, sender.email(), true, null,
                    clock.instant()));
        } catch (IntakeRefusedException e) {
            throw new ApiException(e.errorCode(), e.getMessage());
        } catch (RequestReadException e) {
            if (e.getCause() instanceof MultipartReader.MalformedMultipartException malformed) {
                throw malformed;
            }
            throw ApiException.badRequest("the upload broke off");
        } catch (IOException e) {
            LOG.error("a received report could not be stored ({})", e.getClass().getSimpleName());
            throw new ApiException(ErrorCode.STORAGE_UNAVAILABLE, "the report could not be stored; send it again later");
        }
    }

    /** The file part, its read failures marked as the client's. */
    private static final class ClientStream extends FilterInputStream {
        ClientStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (RequestReadException e) {
                throw e;
            } catch (IOException e) {
                throw new RequestReadException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new RequestReadException(e);
            }
        }
    }
}
