package org.safelight.cloud;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safelight.accounts.AccountsStores;
import org.safelight.accounts.uploads.UploadEntry;
import org.safelight.accounts.uploads.UploadRecording;
import org.safelight.accounts.users.User;
import org.safelight.cloud.blob.BlobStore;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.cloud.blob.S3BlobStore;
import org.safelight.cloud.blob.S3Settings;
import org.safelight.server.http.Role;
import org.safelight.server.role.Migrations;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.role.Worker;
import org.safelight.server.tokens.TokenAudience;

/**
 * The cloud role's wiring: its blob store (folder or S3), the report list it writes (the accounts
 * role in this process, or the one at --accounts-url over HTTP with the service credential), the
 * API keys it trusts, and the sweeper that deletes expired reports every few minutes. It provides
 * its {@link CloudStore} and {@link CloudLinks} (the web role's landing page asks about share
 * links in-process).
 */
public final class CloudWiring implements RoleWiring {
    static final Duration SWEEP_EVERY = Duration.ofMinutes(5);

    private final CloudSettings settings;

    public CloudWiring(CloudSettings settings) {
        this.settings = settings;
    }

    public CloudSettings settings() {
        return settings;
    }

    @Override
    public RoleName name() {
        return RoleName.CLOUD;
    }

    @Override
    public Optional<Migrations> migrations() {
        return Optional.of(Migrations.of(RoleName.CLOUD));
    }

    @Override
    public void check(Set<RoleName> running, Optional<URI> accountsUrl) {
        if (running.contains(RoleName.ACCOUNTS)) {
            return;
        }
        if (accountsUrl.isEmpty()) {
            throw new IllegalArgumentException("the cloud role without accounts needs --accounts-url: the accounts"
                    + " server whose users it serves and whose report lists it writes");
        }
        if (!settings.serviceCredential().configured()) {
            throw new IllegalArgumentException("the cloud role without accounts needs --service-credential (or"
                    + " SAFELIGHT_SERVICE_CREDENTIAL): the secret the accounts server was given for writing its"
                    + " upload log");
        }
    }

    @Override
    public Map<String, String> describe(Path dataDir) {
        return settings.describe(dataDir);
    }

    @Override
    public Role build(RoleContext context) throws Exception {
        BlobStore blobs;
        if (settings.s3()) {
            blobs = context.closeOnStop(new S3BlobStore(new S3Settings(settings.s3Endpoint(), settings.s3Region(),
                    settings.s3Bucket(), settings.s3AccessKey(), settings.s3SecretKey())));
        } else {
            blobs = new FolderBlobStore(context.dataDir().resolve("cloud"));
        }
        Optional<AccountsStores> local = context.service(AccountsStores.class);
        UploadRecorder recorder;
        Confirmations confirmations;
        if (local.isPresent()) {
            AccountsStores accounts = local.get();
            recorder = inProcess(accounts.uploadRecording());
            confirmations = (user, bearer) -> accounts.users().findById(user.userId())
                    .map(User::emailVerified).orElse(false);
        } else {
            URI accountsUrl = context.accountsUrl().orElseThrow();
            confirmations = new HttpConfirmations(accountsUrl, context.http());
            recorder = new HttpUploadRecorder(accountsUrl, settings.serviceCredential(), context.http());
        }
        CloudStore store = CloudStore.open(context.database(), context::masterKey, blobs, recorder, context.publicUrl(),
                context.dataDir().resolve("cloud").resolve(".spool"), settings.uploads(), context.clock());
        context.provide(CloudStore.class, store);
        context.provide(CloudLinks.class, new CloudLinks(store));
        // Enterprise API keys: the accounts role here, or the one at --accounts-url.
        CloudRole role = new CloudRole(store, context.tokens(TokenAudience.users(context.issuer())),
                context.enterprises(), confirmations);
        return Role.withWorkers(role, List.of(Worker.periodic("cloud-sweeper", SWEEP_EVERY, store::sweepExpired)));
    }

    /**
     * Records on the accounts role's log in this process, with the sender as their account is now
     * ({@link UploadRecording}).
     */
    static UploadRecorder inProcess(UploadRecording recording) {
        return (upload, token) -> {
            Optional<UploadEntry> recorded;
            try {
                recorded = recording.record(upload.userId(), new UploadEntry(upload.reportId(),
                        upload.region().name(), upload.name(), upload.link(), upload.downloadUrl(), upload.userId(),
                        upload.email(), upload.senderName() == null ? "" : upload.senderName(),
                        upload.enterpriseId(), upload.size(), upload.uploadedAt(), upload.expiresAt(),
                        upload.keyServerUrl()));
            } catch (RuntimeException e) {
                throw new UploadRecorder.UploadRecordingException("the report list could not be written ("
                        + e.getClass().getSimpleName() + ")", e);
            }
            return recorded.orElseThrow(UploadRecorder.SenderNotConfirmedException::new).enterpriseId();
        };
    }
}
