package org.safelight.accounts.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.accounts.sends.SealedCheck;
import org.safelight.accounts.uploads.ReportSend;
import org.safelight.accounts.uploads.ReportSends;
import org.safelight.accounts.uploads.SendChannel;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;
import org.safelight.client.storage.CloudStorage;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageException;
import org.safelight.client.storage.StorageProvider;
import org.safelight.format.FormatException;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.ReportFileKind;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.http.PathRules;
import org.safelight.server.http.Refusal;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;

/**
 * Box and Dropbox for PRO users, on the signed-in user's behalf:
 * <pre>
 * GET    /api/v1/accounts/me/storage                         → {services: [{provider, name, configured, connected,
 *        allowed, why?, plain_allowed}]}
 * POST   /api/v1/accounts/me/storage/{provider}/connect      → {authorize_endpoint, client_id, params, state, redirect_uri}
 * POST   /api/v1/accounts/me/storage/{provider}/finish       {code, code_verifier, state, redirect_uri?} → {connected}
 * DELETE /api/v1/accounts/me/storage/{provider}              → 204
 * POST   /api/v1/accounts/me/storage/{provider}/reports?report_id=R[&plain=true]  (the file as the body)
 *        → {sent: true, path}
 * </pre>
 * The server issues the OAuth state (bound to the user and service, ten minutes, single use:
 * {@link OAuthStates}) and fixes the redirect URI ({@code PUBLIC_URL/app/}); the browser makes the
 * PKCE verifier, keeps it in memory and hands it over once at finish, and the server trades the code
 * with it (storing no verifier) and keeps the tokens sealed ({@link StorageConnections}). PRO is checked
 * against the account as it is now (its enterprise's licence), not against the token's claim.
 * Refusals: pro_required, not_configured, storage_not_connected, destination_refused,
 * destination_unavailable. Tokens and file contents are never logged. Thread-safe.
 */
public final class StorageHandlers {
    /** Where the routes start; the upload's body limit is set for this prefix. */
    public static final String PREFIX = "/api/v1/accounts/me/storage";
    private static final int MAX_FIELD = 4096;

    private final StorageSettings settings;
    private final StorageConnections connections;
    private final UserStore users;
    private final Enterprises enterprises;
    private final ReportSends sends;
    private final TokenVerifier verifier;
    private final URI publicUrl;
    private final Clock clock;
    private final UploadSlots slots;
    private final OAuthStates states;

    public StorageHandlers(StorageSettings settings, StorageConnections connections, UserStore users,
            Enterprises enterprises, ReportSends sends, TokenVerifier verifier, URI publicUrl, Clock clock) {
        this.settings = settings;
        this.connections = connections;
        this.users = users;
        this.enterprises = enterprises;
        this.sends = sends;
        this.verifier = verifier;
        this.publicUrl = publicUrl;
        this.clock = clock;
        this.slots = connections == null ? null : new UploadSlots(connections.jdbi(), settings.uploadsPerHour(), clock);
        this.states = connections == null ? null : new OAuthStates(connections.jdbi(), clock);
    }

    private boolean pro(UserToken token) {
        return users.findById(token.userId())
                .flatMap((User u) -> enterprises.membershipOf(u.email(), u.emailVerified()))
                .map(Membership::pro).orElse(false);
    }

    public void services(Context ctx) {
        UserToken user = verifier.fromRequest(ctx);
        boolean pro = pro(user);
        Set<StorageProvider> connected = connections == null ? Set.of() : connections.connected(user.userId());
        List<Map<String, Object>> out = new ArrayList<>();
        for (StorageProvider p : StorageProvider.values()) {
            boolean configured = settings.app(p).isPresent();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("provider", p.code());
            s.put("name", p.displayName());
            s.put("configured", configured);
            s.put("connected", configured && connected.contains(p));
            s.put("allowed", configured && pro);
            if (!configured) {
                s.put("why", p.displayName() + " is not set up on this server: ask its operator.");
            } else if (!pro) {
                s.put("why", "Sending to " + p.displayName() + " needs PRO, which your enterprise's licence gives.");
            }
            s.put("plain_allowed", settings.allowPlain());
            out.add(s);
        }
        ctx.header("Cache-Control", "no-store").json(Map.of("services", out));
    }

    /** The user, PRO, and the service configured: else the refusal that says which is missing. */
    private CloudStorage allowed(UserToken user, StorageProvider provider) {
        StorageApp app = settings.app(provider).orElseThrow(() -> new Refusal(ErrorCode.NOT_CONFIGURED,
                provider.displayName() + " is not set up on this server: ask its operator."));
        if (!pro(user)) {
            throw new Refusal(ErrorCode.PRO_REQUIRED, "Sending to " + provider.displayName()
                    + " needs PRO, which your enterprise's licence gives.");
        }
        return CloudStorage.of(app, settings.largeFrom());
    }

    private static StorageProvider provider(Context ctx) {
        return StorageProvider.of(ctx.pathParam("provider")).orElseThrow(
                () -> ApiException.notFound("no such storage service: box or dropbox"));
    }

    public void connect(Context ctx) {
        UserToken user = verifier.fromRequest(ctx);
        CloudStorage storage = allowed(user, provider(ctx));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("authorize_endpoint", storage.authorizeEndpoint());
        out.put("client_id", storage.clientId());
        out.put("params", storage.authorizeParameters());
        out.put("state", states.issue(user.userId(), storage.provider()));
        out.put("redirect_uri", callback());
        ctx.header("Cache-Control", "no-store").json(out);
    }

    public void finish(Context ctx) {
        UserToken user = verifier.fromRequest(ctx);
        StorageProvider provider = provider(ctx);
        CloudStorage storage = allowed(user, provider);
        JsonNode body = Json.body(ctx);
        String code = field(body, "code");
        String verifierText = field(body, "code_verifier");
        String state = field(body, "state");
        // RFC 7636: 43 to 128 unreserved characters.
        if (!verifierText.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw ApiException.badRequest("'code_verifier' must be 43 to 128 letters, digits, '.', '_', '~' or '-'");
        }
        // The redirect URI is ours alone: the exact callback page; a client may repeat it, not choose it.
        String redirectUri = callback();
        JsonNode given = body.get("redirect_uri");
        if (given != null && !given.isNull() && !redirectUri.equals(given.asText())) {
            throw ApiException.badRequest("'redirect_uri' must be " + redirectUri);
        }
        // Before the state and the code are used up: the tokens they bring must be sealed to be kept.
        connections.requireSealing();
        if (!states.redeem(state, user.userId(), provider)) {
            throw ApiException.badRequest("this connection was not started here, took too long or is finished"
                    + " already: start connecting again");
        }
        try {
            connections.save(user.userId(), provider, storage.exchange(code, verifierText, redirectUri));
        } catch (StorageException e) {
            throw refusal(e);
        }
        ctx.json(Map.of("connected", true));
    }

    /** The page the services send the browser back to: the app's own, on this server's public URL. */
    private String callback() {
        String base = publicUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/app/";
    }

    private static String field(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || !n.isTextual() || n.asText().isEmpty() || n.asText().length() > MAX_FIELD) {
            throw ApiException.badRequest("'" + name + "' is required");
        }
        return n.asText();
    }

    public void disconnect(Context ctx) {
        UserToken user = verifier.fromRequest(ctx);
        StorageProvider provider = provider(ctx);
        if (connections != null) {
            // Revoked at the service first (best effort: a service down must not keep the user
            // connected here), so that the tokens stop working and not only stop being used.
            connections.stored(user.userId(), provider).ifPresent(stored -> settings.app(provider)
                    .ifPresent(app -> CloudStorage.of(app).revoke(stored.tokens())));
            connections.delete(user.userId(), provider);
        }
        ctx.status(204);
    }

    public void upload(Context ctx) throws IOException {
        UserToken user = verifier.fromRequest(ctx);
        StorageProvider provider = provider(ctx);
        CloudStorage storage = allowed(user, provider);
        String reportId = SealedCheck.reportId(ctx.queryParam("report_id"));
        boolean plain = "true".equals(ctx.queryParam("plain"));
        if (plain && !settings.allowPlain()) {
            throw new Refusal(ErrorCode.DESTINATION_REFUSED,
                    "This server sends only sealed reports to storage services: send the .picsafe file.");
        }
        StorageConnections.Stored stored = connections.stored(user.userId(), provider)
                .orElseThrow(() -> notConnected(provider));
        // The file name is the report ID, which is random: no patient name reaches the service's listing.
        String fileName = reportId + (plain ? ".zip" : ".picsafe");
        UploadSlots.Slot slot = slots.take(user.userId());
        try (Spool spool = Spool.in(settings.spoolDir())) {
            long size;
            try (InputStream in = PathRules.body(ctx)) {
                size = spool.fill(in, settings.maxUploadBytes());
            }
            if (size == 0) {
                throw ApiException.badRequest("the request has no file");
            }
            // The operator's "sealed only" holds here, not only in the browser.
            if (plain) {
                checkPlain(spool.file());
            } else {
                SealedCheck.check(spool.file(), reportId, fileName);
            }
            String path = send(storage, user.userId(), provider, stored, fileName, spool.file(), size);
            sends.record(user.userId(), reportId, new ReportSend(SendChannel.of(provider.code()).orElseThrow(), null,
                    clock.instant()));
            ctx.json(Map.of("sent", true, "path", path));
        } finally {
            slot.close();
        }
    }

    /**
     * Uploads with the stored tokens. A refused refresh forgets the connection only if the row still
     * holds the tokens that failed: when another request refreshed meanwhile (Box's refresh tokens
     * are single use, so its refresh made ours fail), it tries once more with the tokens now stored.
     */
    private String send(CloudStorage storage, String userId, StorageProvider provider,
            StorageConnections.Stored first, String fileName, Path file, long size) throws IOException {
        connections.requireSealing(); // a refresh during the upload hands out single-use tokens to be sealed
        StorageConnections.Stored[] current = {first};
        for (int attempt = 0; ; attempt++) {
            try (InputStream in = Files.newInputStream(file)) {
                return storage.upload(current[0].tokens(), fileName, in, size,
                        fresh -> connections.replace(userId, provider, current[0], fresh).ifPresent(
                                now -> current[0] = now));
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.NOT_CONNECTED) {
                    throw refusal(e);
                }
                java.util.Optional<StorageConnections.Stored> now = connections.stored(userId, provider);
                if (attempt == 0 && now.isPresent() && !now.get().sealed().equals(current[0].sealed())) {
                    current[0] = now.get();
                    continue;
                }
                connections.deleteIfUnchanged(userId, provider, current[0]);
                throw refusal(e);
            }
        }
    }

    private static void checkPlain(Path file) throws IOException {
        try {
            if (Inspection.of(file).kind() != ReportFileKind.PLAIN_REPORT) {
                throw new Refusal(ErrorCode.NOT_A_REPORT, "The file is not a plain Safelight report.");
            }
        } catch (UnsafeZipException e) {
            throw new Refusal(ErrorCode.UNSAFE_ZIP, "the file is not a safe ZIP: " + e.getMessage());
        } catch (FormatException e) {
            throw new Refusal(ErrorCode.NOT_A_REPORT, "The file is not a plain Safelight report.");
        }
    }

    private static Refusal notConnected(StorageProvider provider) {
        return new Refusal(ErrorCode.STORAGE_NOT_CONNECTED, "Connect " + provider.displayName() + " first.");
    }

    private static Refusal refusal(StorageException e) {
        return new Refusal(switch (e.kind()) {
            case NOT_CONNECTED -> ErrorCode.STORAGE_NOT_CONNECTED;
            case UNAVAILABLE -> ErrorCode.DESTINATION_UNAVAILABLE;
            case REFUSED -> ErrorCode.DESTINATION_REFUSED;
        }, e.getMessage());
    }
}
