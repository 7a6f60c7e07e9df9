package org.safelight.accounts.sends;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.accounts.enterprise.Enterprise;
import org.safelight.accounts.enterprise.EnterpriseHandlers;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.http.Refusal;

/**
 * The enterprise admin's list of destinations (everyone else: {@code not_enterprise_admin}):
 * <pre>
 * GET    /api/v1/enterprise/destinations        → {destinations: [{id, name, kind, url | address, static_key, created_at}]}
 * POST   /api/v1/enterprise/destinations        {kind: "endpoint", name, url, static_key?} | {kind: "mailbox", name, address}
 *                                               → 201 the destination
 * DELETE /api/v1/enterprise/destinations/{id}   → 204; 404 unknown_destination
 * </pre>
 * Thread-safe.
 */
public final class DestinationAdminHandlers {
    private final Destinations destinations;
    private final EnterpriseHandlers admins;
    private final SendLimits limits;

    public DestinationAdminHandlers(Destinations destinations, EnterpriseHandlers admins, SendLimits limits) {
        this.destinations = destinations;
        this.admins = admins;
        this.limits = limits;
    }

    public void list(Context ctx) {
        Enterprise e = admins.administered(ctx);
        ctx.header("Cache-Control", "no-store").json(Map.of("destinations",
                destinations.of(e.id()).stream().map(DestinationAdminHandlers::row).toList()));
    }

    public void add(Context ctx) {
        Enterprise e = admins.administered(ctx);
        JsonNode body = Json.body(ctx);
        Destination.Kind kind = Destination.Kind.of(body.path("kind").asText("")).orElseThrow(() ->
                new Refusal(ErrorCode.BAD_REQUEST, "'kind' must be endpoint or mailbox"));
        String name = DestinationRules.name(body.path("name").asText(""));
        String target;
        String key = null;
        if (kind == Destination.Kind.ENDPOINT) {
            target = DestinationRules.endpointUrl(body.path("url").asText(""), limits.allowHttpEndpoints(),
                    limits.allowPrivateAddresses());
            key = DestinationRules.staticKey(body.path("static_key").isTextual() ? body.path("static_key").asText() : null);
        } else {
            target = DestinationRules.mailbox(body.path("address").asText(""));
        }
        Destination d = destinations.add(e.id(), name, kind, target, key).orElseThrow(() ->
                new Refusal(ErrorCode.BAD_REQUEST, "the enterprise has " + Destinations.MAX_PER_ENTERPRISE
                        + " destinations, the most it may list; remove one first"));
        ctx.status(201).header("Cache-Control", "no-store").json(row(d));
    }

    public void remove(Context ctx) {
        Enterprise e = admins.administered(ctx);
        if (!destinations.remove(e.id(), ctx.pathParam("id"))) {
            throw new Refusal(ErrorCode.UNKNOWN_DESTINATION, "the enterprise has no such destination");
        }
        ctx.status(204);
    }

    private static Map<String, Object> row(Destination d) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", d.id());
        item.put("name", d.name());
        item.put("kind", d.kind().code());
        item.put(d.kind() == Destination.Kind.ENDPOINT ? "url" : "address", d.target());
        item.put("static_key", d.staticKey());
        item.put("created_at", d.createdAt().toString());
        return item;
    }
}
