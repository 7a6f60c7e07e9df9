package org.safelight.server.role;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServiceCredential;

/**
 * How one role is built: each role module has exactly one implementation, holding the role's
 * settings (read by the module's configuration group, a picocli mixin) and assembling the role from
 * a {@link RoleContext}. {@code serve} runs the chosen roles in {@link RoleName} order, in phases:
 * <ol>
 *   <li>{@link #check} for every role, before anything is written (a refusal is a usage error);</li>
 *   <li>{@link #migrations()} applied for every role;</li>
 *   <li>{@link #build} for every role, in order, so a role finds the services the roles before it
 *       {@link RoleContext#provide provided};</li>
 *   <li>the roles' {@link Role#workers() workers} started, then HTTP;</li>
 *   <li>on stop: HTTP, then the workers, then what the roles {@link RoleContext#closeOnStop
 *       registered}, then the database.</li>
 * </ol>
 * Implementations are immutable: one wiring may build its role more than once (tests restart a
 * server).
 *
 * <p>The configuration group that goes with a wiring is a plain class of picocli {@code @Option}
 * fields (no {@code @Command}) in the role module, added to {@code serve} with {@code @Mixin}.
 * Every flag is prefixed with the role's id ({@code --endpoint-folder}) and also read from
 * {@code SAFELIGHT_<FLAG>} and the {@code --config} file by {@code serve}'s default-value provider,
 * with nothing to do in the group. The group turns its fields into the wiring's settings record
 * and refuses bad values with an {@link IllegalArgumentException} whose message names the flag.
 */
public interface RoleWiring {
    RoleName name();

    /** The role's own tables, applied before {@link #build}; none for a role without tables. */
    default Optional<Migrations> migrations() {
        return Optional.empty();
    }

    /**
     * Refuses settings that cannot work with the roles chosen (the keys role without an accounts
     * role must be told {@code --accounts-url}).
     *
     * @param running     every role this process will run
     * @param accountsUrl the accounts server given with {@code --accounts-url}, if any
     * @throws IllegalArgumentException a message for the operator naming what to give
     */
    default void check(Set<RoleName> running, Optional<URI> accountsUrl) {
    }

    /**
     * {@link #check(Set, Optional)}, for a role that also needs {@code --service-credential} when
     * it runs apart from accounts; {@code serve} calls this one.
     *
     * @param serviceCredential {@code --service-credential}, {@link ServiceCredential#NONE} when not given
     * @throws IllegalArgumentException a message for the operator naming what to give
     */
    default void check(Set<RoleName> running, Optional<URI> accountsUrl, ServiceCredential serviceCredential) {
        check(running, accountsUrl);
    }

    /** The role's effective settings for the startup log, secrets masked ({@code "****"}). */
    default Map<String, String> describe() {
        return Map.of();
    }

    /** {@link #describe()}, for settings whose defaults lie in the data folder. */
    default Map<String, String> describe(Path dataDir) {
        return describe();
    }

    /**
     * Builds the role. Resources that must outlive the build (pools, clients, files held open) are
     * given to {@link RoleContext#closeOnStop}; services other roles may use are
     * {@link RoleContext#provide provided}; background work is returned by {@link Role#workers()}
     * and not started here.
     */
    Role build(RoleContext context) throws Exception;
}
