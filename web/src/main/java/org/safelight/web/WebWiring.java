package org.safelight.web;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.safelight.cloud.CloudLinks;
import org.safelight.cloud.LinkStatus;
import org.safelight.server.http.Role;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;

/**
 * The web role's wiring: My Safelight's pages, whose share-link landing page asks the cloud role in
 * this process about links (none known when the cloud runs elsewhere). No tables, no workers.
 */
public final class WebWiring implements RoleWiring {
    private final WebSettings settings;

    public WebWiring(WebSettings settings) {
        this.settings = settings;
    }

    public WebSettings settings() {
        return settings;
    }

    @Override
    public RoleName name() {
        return RoleName.WEB;
    }

    @Override
    public Map<String, String> describe(Path dataDir) {
        return settings.describe();
    }

    @Override
    public Role build(RoleContext context) {
        SharedLinks links = context.service(CloudLinks.class).map(WebWiring::links).orElse(SharedLinks.NONE);
        // The Institution page shows the endpoint named, else the one running beside this role.
        Optional<String> endpoint = !settings.endpoint().isEmpty() ? Optional.of(settings.endpoint())
                : context.runs(RoleName.ENDPOINT) ? Optional.of(context.publicUrl().toString()) : Optional.empty();
        // Reports sealed in the page get their keys from the server named, else from this one's keys role.
        Optional<String> composeKeyServer = !settings.composeKeyServer().isEmpty()
                ? Optional.of(settings.composeKeyServer())
                : context.runs(RoleName.KEYS) ? Optional.of(context.publicUrl().toString()) : Optional.empty();
        return new WebRole(links, context.publicUrl(), settings.keyServers(), endpoint, composeKeyServer);
    }

    /** The landing page's question, answered by the cloud role in this process. */
    static SharedLinks links(CloudLinks links) {
        return (region, name) -> {
            LinkStatus status = links.status(region, name);
            if (status instanceof LinkStatus.Active active) {
                return new SharedLinks.Status.Active(active.expiresAt());
            }
            return status instanceof LinkStatus.Expired ? new SharedLinks.Status.Expired()
                    : new SharedLinks.Status.Unknown();
        };
    }
}
