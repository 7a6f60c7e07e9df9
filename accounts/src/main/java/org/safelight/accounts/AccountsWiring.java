package org.safelight.accounts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.accounts.mail.Mailer;
import org.safelight.accounts.mail.OutboxMailer;
import org.safelight.accounts.mail.SmtpMailer;
import org.safelight.accounts.storage.Spool;
import org.safelight.accounts.storage.StorageConnections;
import org.safelight.accounts.storage.StorageSettings;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.accounts.users.PasswordHasher;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.http.Role;
import org.safelight.server.role.Migrations;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.role.TokenKeys;
import org.safelight.server.role.Worker;

/**
 * The accounts role's wiring: its signing keys (in the database, read again every 30 s), its mailer (SMTP or the outbox
 * folder), its stores and the hourly purge of spent tokens. It provides to the roles built after
 * it: its {@link AccountsStores}, its {@link TokenKeys} (tokens are verified in-process) and its
 * {@link EnterpriseAuthority} (which enterprise an API key or Key Server Token belongs to).
 */
public final class AccountsWiring implements RoleWiring {
    static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final AccountsSettings settings;
    private final StorageSettings storage;

    public AccountsWiring(AccountsSettings settings) {
        this(settings, StorageSettings.NONE);
    }

    /** With Box and Dropbox as {@code storage} configures them. */
    public AccountsWiring(AccountsSettings settings, StorageSettings storage) {
        this.settings = settings;
        this.storage = storage;
    }

    public AccountsSettings settings() {
        return settings;
    }

    @Override
    public RoleName name() {
        return RoleName.ACCOUNTS;
    }

    @Override
    public Optional<Migrations> migrations() {
        return Optional.of(Migrations.of(RoleName.ACCOUNTS));
    }

    @Override
    public Map<String, String> describe(Path dataDir) {
        Map<String, String> d = new java.util.LinkedHashMap<>(settings.describe(dataDir));
        d.putAll(storage.describe(dataDir));
        return d;
    }

    @Override
    public Role build(RoleContext context) throws Exception {
        // Shared by every instance on this database; the first start imports DATA_DIR/signing-keys.json.
        SigningKeys signing = SigningKeys.open(context.database(), context.masterKey(), context.dataDir(),
                context.clock());
        Mailer mailer = settings.smtpEnabled() ? new SmtpMailer(settings.smtp(), context.clock())
                : new OutboxMailer(context.dataDir(), settings.smtpFrom(), context.clock());
        AccountsStores stores = AccountsStores.open(context.database(), context.clock());
        context.provide(AccountsStores.class, stores);
        context.provide(TokenKeys.class, signing);
        context.provide(EnterpriseAuthority.class, stores.credentials());
        // Who administers which enterprise now: the endpoint's institution view asks it in process.
        context.provide(org.safelight.server.enterprise.EnterpriseAdmins.class, stores.admins());
        // Storage tokens are sealed under the master key (DATA_DIR/master.key or SAFELIGHT_MASTER_KEY),
        // loaded only when a service is configured so that a server without one makes no key file.
        StorageConnections connections = storage.any() ? new StorageConnections(context.database().jdbi(),
                context.masterKey(), context.clock()) : null;
        java.nio.file.Path spool = context.dataDir().resolve("tmp");
        AccountsRole role = new AccountsRole(stores, mailer, signing, context.publicUrl(),
                RateLimits.standard(context.database(), context::masterKey, context.clock()), PasswordHasher.standard(), context.serviceCredential(),
                settings.sends(), storage.withSpoolDir(spool), connections, context.clock());
        context.closeOnStop(role); // finishes the mail written after answers
        return Role.withWorkers(role, List.of(Worker.periodic("signing-keys-reload", SigningKeys.RELOAD_EVERY,
                signing::reload), Worker.periodic("accounts-purge", PURGE_EVERY, () -> {
            stores.purgeExpired(context.clock().instant());
            try {
                Spool.clearLeftovers(spool, context.clock().instant()); // uploads a crash cut short
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })));
    }
}
