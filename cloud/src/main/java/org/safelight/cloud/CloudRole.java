package org.safelight.cloud;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.cloud.blob.BlobNotFoundException;
import org.safelight.format.link.ReportLink;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.role.PathRule;
import org.safelight.server.role.RoleName;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.OpenApi;
import org.safelight.server.http.Role;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud role's HTTP API (documented in {@code openapi/cloud.yaml}):
 *
 * <pre>
 * POST /api/v1/cloud/reports                       a signed-in, verified user uploads a sealed report
 *      201 {report_id, region, link, download_url, expires_at, size}
 *      400 not_a_sealed_report | unsafe_zip | invalid_report_id | report_id_required | report_id_mismatch
 *      401, 403 email_unverified | quota_exceeded, 413 too_large, 429 rate_limited,
 *      503 storage_unavailable | accounts_unavailable
 * GET|HEAD /api/v1/cloud/reports/{region}/{name}    the bytes, for a verified user holding the link or the
 *      API key of the uploader's enterprise; one Range → 206; 404 unknown_report, 410 report_expired,
 *      416 range_not_satisfiable, 401, 403 email_unverified, 503 accounts_unavailable
 * GET  /api/v1/cloud/reports/{region}/{name}/status  no sign-in: 200 {expires_at, report_id, size, keyserver_url?}
 *      (the key server to ask whether the report was revoked; the size, to warn before a large
 *      download on a phone), 404, 410
 * GET  /api/v1/cloud/allowance                      a signed-in user: 200 {max_upload_bytes, quota_bytes,
 *      taken_bytes, uploads_left, uploads_per_hour}, 401
 * </pre>
 *
 * Downloads from the folder store go from the file to the socket through one direct buffer, not
 * through the heap; from S3 they stream through one buffer ({@link DownloadBody}). Links (which hold the
 * unguessable part) and tokens are never logged.
 */
public final class CloudRole implements Role {
    public static final String NAME = "cloud"; // RoleName.CLOUD.id()
    static final String UPLOAD = "/api/v1/cloud/reports";
    static final String REPORT = "/api/v1/cloud/reports/{region}/{name}";
    static final String STATUS = "/api/v1/cloud/reports/{region}/{name}/status";
    static final String ALLOWANCE = "/api/v1/cloud/allowance";
    private static final String OPEN_API = OpenApi.resource(CloudRole.class, "/openapi/cloud.yaml");
    private static final Logger LOG = LoggerFactory.getLogger(CloudRole.class);

    private final CloudStore store;
    private final TokenVerifier tokens;
    private final EnterpriseAuthority enterprises;
    private final Confirmations confirmations;
    private final CloudMeters uploads;

    /** Trusting a token that says its user had not confirmed their address (no accounts role to ask). */
    public CloudRole(CloudStore store, TokenVerifier tokens, EnterpriseAuthority enterprises) {
        this(store, tokens, enterprises, Confirmations.asTheTokenSays());
    }

    /**
     * @param confirmations asked whether a user has confirmed their address since their token said
     *                      they had not
     */
    public CloudRole(CloudStore store, TokenVerifier tokens, EnterpriseAuthority enterprises,
                     Confirmations confirmations) {
        this(store, tokens, enterprises, confirmations, new SimpleMeterRegistry());
    }

    /** Same, counting uploads stored and refused on {@code metrics} ({@link CloudMeters}). */
    public CloudRole(CloudStore store, TokenVerifier tokens, EnterpriseAuthority enterprises,
                     Confirmations confirmations, MeterRegistry metrics) {
        this.uploads = new CloudMeters(metrics);
        this.store = store;
        this.tokens = tokens;
        this.enterprises = enterprises;
        this.confirmations = confirmations;
    }

    @Override
    public RoleName roleName() {
        return RoleName.CLOUD;
    }

    @Override
    public void routes(JavalinDefaultRoutingApi routes) {
        routes.post(UPLOAD, uploads.counting(this::upload));
        routes.get(REPORT, this::download);
        routes.head(REPORT, this::download);
        routes.get(STATUS, this::status);
        routes.get(ALLOWANCE, this::allowance);
    }

    @Override
    public String openApi() {
        return OPEN_API;
    }

    /** Uploads stream to the blob store; {@link CloudStore} holds them to the operator's limit and quota. */
    @Override
    public List<PathRule> pathRules() {
        return List.of(new PathRule(UPLOAD, Long.MAX_VALUE, ErrorRenderer.COMMON));
    }

    private void upload(Context ctx) throws IOException {
        // a refusal is answered after the rest of the body is read, up to a limit (ServerApp)
        UserToken user = verifiedUser(ctx);
        store.admit(user, ctx.req().getContentLengthLong());
        Upload upload = store.accept(ctx.req().getInputStream(), ctx.queryParam("report_id"), user,
                bearer(ctx).orElseThrow());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("report_id", upload.reportId());
        body.put("region", upload.region().name());
        body.put("link", upload.link());
        body.put("download_url", upload.downloadUrl());
        body.put("expires_at", upload.expiresAt().toString());
        body.put("size", upload.size());
        ctx.header("Cache-Control", "no-store").status(201).json(body);
    }

    private void allowance(Context ctx) {
        Allowance a = store.allowance(tokens.fromRequest(ctx).userId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("max_upload_bytes", a.maxUploadBytes());
        body.put("quota_bytes", a.quotaBytes());
        body.put("taken_bytes", a.takenBytes());
        body.put("uploads_left", a.uploadsLeft());
        body.put("uploads_per_hour", a.uploadsPerHour());
        ctx.header("Cache-Control", "no-store").json(body);
    }

    private void download(Context ctx) throws IOException {
        Optional<String> enterprise = caller(ctx);
        ReportLink link = ReportLink.parse(ctx.pathParam("region"), ctx.pathParam("name"))
                .orElseThrow(CloudRole::notFound);
        CloudReport report = store.find(link).orElseThrow(CloudRole::notFound);
        if (enterprise.isPresent() && !enterprise.get().equals(report.enterpriseId())) {
            throw notFound();
        }
        if (store.expired(report)) { // by the row already read: one lookup per download
            throw expired();
        }
        long size = report.size();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(ctx.header("Range"), size);
        } catch (ByteRange.Unsatisfiable e) {
            ctx.header("Content-Range", "bytes */" + size);
            throw new ApiException(ErrorCode.RANGE_NOT_SATISFIABLE, "the requested range is outside the report's "
                    + size + " bytes");
        }
        long start = range.map(ByteRange::start).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        HttpServletResponse res = ctx.res();
        res.setStatus(range.isPresent() ? 206 : 200);
        res.setContentType("application/octet-stream");
        res.setHeader("Content-Disposition", "attachment; filename=\"" + link.reportId() + ".picsafe\"");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Accept-Ranges", "bytes");
        range.ifPresent(r -> res.setHeader("Content-Range", r.contentRange(size)));
        res.setContentLengthLong(length);
        if ("HEAD".equals(ctx.method().name())) {
            return;
        }
        Optional<FileChannel> file;
        InputStream in = null;
        try {
            file = store.openFile(link);
            if (file.isEmpty()) {
                in = store.read(link, start, length);
            }
        } catch (BlobNotFoundException e) {
            // swept between the check and the read
            res.reset();
            throw expired();
        }
        try {
            if (file.isPresent()) {
                try (FileChannel channel = file.get()) {
                    DownloadBody.fromFile(channel, start, length, res.getOutputStream(), DownloadBody.FILE_BUFFER);
                }
            } else {
                try (InputStream stream = in) {
                    DownloadBody.fromStream(stream, length, res.getOutputStream());
                }
            }
        } catch (IOException e) {
            LOG.info("a cloud download ended early ({})", e.getClass().getSimpleName());
        }
    }

    private void status(Context ctx) {
        ReportLink link = ReportLink.parse(ctx.pathParam("region"), ctx.pathParam("name"))
                .orElseThrow(CloudRole::notFound);
        LinkStatus status = store.status(link);
        if (status instanceof LinkStatus.Active active) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("expires_at", active.expiresAt().toString());
            body.put("report_id", active.reportId());
            body.put("size", active.size());
            if (!active.keyServerUrl().isEmpty()) {
                body.put("keyserver_url", active.keyServerUrl());
            }
            ctx.header("Cache-Control", "no-store").json(body);
        } else if (status instanceof LinkStatus.Expired) {
            throw expired();
        } else {
            throw notFound();
        }
    }

    /** The enterprise of an API key, or empty for a verified user; 401/403 otherwise. */
    private Optional<String> caller(Context ctx) {
        Optional<String> secret = bearer(ctx);
        if (secret.isPresent() && EnterpriseAuthority.Credential.API_KEY.looksLike(secret.get())) {
            try {
                return Optional.of(enterprises.enterpriseOf(EnterpriseAuthority.Credential.API_KEY, secret.get())
                        .orElseThrow(() -> new ApiException(ErrorCode.INVALID_API_KEY,
                                "the API key is unknown or revoked")));
            } catch (EnterpriseAuthorityUnavailableException e) {
                LOG.warn("refused a download: the accounts role could not check an API key");
                throw new ApiException(ErrorCode.ACCOUNTS_UNAVAILABLE, "the API key could not be checked; try again");
            }
        }
        verifiedUser(ctx);
        return Optional.empty();
    }

    /** A signed-in user whose address is confirmed now, whatever their token said when it was issued. */
    private UserToken verifiedUser(Context ctx) {
        UserToken user = tokens.fromRequest(ctx);
        if (user.emailVerified()) {
            return user;
        }
        boolean confirmed;
        try {
            confirmed = confirmations.confirmedNow(user, bearer(ctx).orElseThrow());
        } catch (Confirmations.AccountsUnavailableException e) {
            LOG.warn("refused a request: the accounts role could not say whether an address is confirmed");
            throw new ApiException(ErrorCode.ACCOUNTS_UNAVAILABLE, "your account could not be checked; try again");
        }
        if (!confirmed) {
            throw new ApiException(ErrorCode.EMAIL_UNVERIFIED, "verify your email address first");
        }
        return user;
    }

    private static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).trim());
    }

    private static ApiException notFound() {
        return new ApiException(ErrorCode.UNKNOWN_REPORT, "there is no report at this link");
    }

    private static ApiException expired() {
        return new ApiException(ErrorCode.REPORT_EXPIRED,
                "this report's 7 days in the cloud are over and it has been deleted; ask its sender to send it again");
    }
}
