package org.safelight.cli.serve;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.safelight.accounts.AccountsStores;
import org.safelight.accounts.uploads.UploadEntry;
import org.safelight.accounts.uploads.UploadRecording;
import org.safelight.accounts.users.User;
import org.safelight.cloud.CloudLinks;
import org.safelight.cloud.CloudRole;
import org.safelight.cloud.CloudStore;
import org.safelight.cloud.Confirmations;
import org.safelight.cloud.HttpConfirmations;
import org.safelight.cloud.HttpUploadRecorder;
import org.safelight.cloud.UploadRecorder;
import org.safelight.cloud.blob.BlobStore;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.cloud.blob.S3BlobStore;
import org.safelight.cloud.blob.S3Settings;
import org.safelight.server.tasks.PeriodicTask;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.HttpEnterpriseAuthority;
import org.safelight.server.tokens.TokenVerifier;

/**
 * The cloud role's wiring: its blob store (folder or S3), the report list it writes (the accounts
 * role in this process, or the one at --accounts-url over HTTP), the API keys it trusts, and the
 * sweeper that deletes expired reports every few minutes.
 */
final class CloudWiring {
    static final Duration SWEEP_EVERY = Duration.ofMinutes(5);

    /** The role, the links for the web role's landing page, and what must be closed with the server. */
    record Built(CloudRole role, CloudLinks links, CloudStore store, List<AutoCloseable> resources) {
    }

    private CloudWiring() {
    }

    /** @param accounts the accounts role's stores when it runs in this process, else null */
    static Built build(ServeConfig config, Database database, TokenVerifier tokens, AccountsStores accounts,
                       Clock clock) throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        ServeConfig.Cloud cloud = config.cloud();
        BlobStore blobs;
        if (cloud.s3()) {
            S3BlobStore s3 = new S3BlobStore(new S3Settings(cloud.s3Endpoint(), cloud.s3Region(), cloud.s3Bucket(),
                    cloud.s3AccessKey(), cloud.s3SecretKey()));
            resources.add(s3);
            blobs = s3;
        } else {
            blobs = new FolderBlobStore(config.dataDir().resolve("cloud"));
        }
        UploadRecorder recorder;
        EnterpriseAuthority authority;
        Confirmations confirmations;
        if (accounts != null) {
            recorder = inProcess(accounts.uploadRecording());
            authority = accounts.credentials();
            confirmations = (user, bearer) -> accounts.users().findById(user.userId())
                    .map(User::emailVerified).orElse(false);
        } else {
            confirmations = new HttpConfirmations(config.accountsUrl(), HttpClient.newHttpClient());
            recorder = new HttpUploadRecorder(config.accountsUrl(), cloud.serviceCredential(), HttpClient.newHttpClient());
            // Enterprise API keys are checked by the accounts role at --accounts-url.
            authority = new HttpEnterpriseAuthority(config.accountsUrl(), HttpClient.newHttpClient(), clock);
        }
        CloudStore store = CloudStore.open(database, blobs, recorder, config.publicUrl(),
                config.dataDir().resolve("cloud").resolve(".spool"), cloud.uploads(), clock);
        resources.add(new PeriodicTask("cloud-sweeper", SWEEP_EVERY, store::sweepExpired));
        return new Built(new CloudRole(store, tokens, authority, confirmations), new CloudLinks(store), store, resources);
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
