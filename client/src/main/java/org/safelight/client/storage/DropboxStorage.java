package org.safelight.client.storage;

import com.dropbox.core.BadRequestException;
import com.dropbox.core.DbxApiException;
import com.dropbox.core.DbxAuthFinish;
import com.dropbox.core.DbxException;
import com.dropbox.core.DbxHost;
import com.dropbox.core.DbxPKCEManager;
import com.dropbox.core.DbxRequestConfig;
import com.dropbox.core.InvalidAccessTokenException;
import com.dropbox.core.NetworkIOException;
import com.dropbox.core.RetryException;
import com.dropbox.core.ServerException;
import com.dropbox.core.oauth.DbxCredential;
import com.dropbox.core.oauth.DbxOAuthException;
import com.dropbox.core.v2.DbxClientV2;
import com.dropbox.core.v2.files.CommitInfo;
import com.dropbox.core.v2.files.FileMetadata;
import com.dropbox.core.v2.files.UploadSessionCursor;
import com.dropbox.core.v2.files.WriteMode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Dropbox through its SDK. The app is registered with "App folder" access, so a path {@code /R.picsafe}
 * is {@code Apps/<app name>/R.picsafe} in the user's Dropbox. PKCE without the app secret: the
 * verifier proves the code was asked for by whoever holds it, and refreshes need only the client ID.
 */
final class DropboxStorage implements CloudStorage {
    private static final int CHUNK = 8 * 1024 * 1024;

    private final StorageApp app;
    private final long largeFrom;
    private final long chunk;
    private final DbxRequestConfig config;

    DropboxStorage(StorageApp app, long largeFrom) {
        this.app = app;
        this.largeFrom = largeFrom;
        // Chunks no larger than what counts as large: tests send a few kilobytes in several parts.
        this.chunk = Math.max(1, Math.min(CHUNK, largeFrom));
        StorageEndpoints e = app.endpoints();
        this.config = DbxRequestConfig.newBuilder("Safelight")
                .withHttpRequestor(new RebasedRequestor(Map.of(
                        "https://" + DbxHost.DEFAULT.getApi(), e.trimmed(e.api()),
                        "https://" + DbxHost.DEFAULT.getContent(), e.trimmed(e.upload()))))
                .build();
    }

    @Override
    public StorageProvider provider() {
        return StorageProvider.DROPBOX;
    }

    @Override
    public String authorizeEndpoint() {
        return app.endpoints().authorize();
    }

    @Override
    public Map<String, String> authorizeParameters() {
        // "offline" brings a refresh token; without it the access token dies in four hours for good.
        return Map.of("token_access_type", "offline");
    }

    @Override
    public String clientId() {
        return app.clientId();
    }

    @Override
    public StorageTokens exchange(String code, String codeVerifier, String redirectUri) throws StorageException {
        try {
            DbxAuthFinish finish = new DbxPKCEManager(codeVerifier)
                    .makeTokenRequest(config, code, app.clientId(), redirectUri, DbxHost.DEFAULT);
            return new StorageTokens(finish.getAccessToken(), finish.getRefreshToken(),
                    finish.getExpiresAt() == null ? 0 : finish.getExpiresAt());
        } catch (DbxException e) {
            throw translate(e, "Dropbox did not accept the sign-in: connect again.");
        }
    }

    @Override
    public String upload(StorageTokens tokens, String fileName, InputStream content, long size,
            Consumer<StorageTokens> refreshed) throws StorageException {
        DbxCredential credential = new DbxCredential(tokens.accessToken(),
                tokens.expiresAt() == 0 ? null : tokens.expiresAt(), tokens.refreshToken(), app.clientId(),
                app.clientSecret());
        DbxClientV2 client = new DbxClientV2(config, credential);
        try {
            // An RPC first (check/user, the API's own echo): the SDK refreshes an expired token on
            // its 401 for RPCs only (an upload's stream cannot be sent twice), so the upload below
            // starts with a live token.
            client.check().user();
            if (!credential.getAccessToken().equals(tokens.accessToken())) {
                refreshed.accept(new StorageTokens(credential.getAccessToken(), credential.getRefreshToken(),
                        credential.getExpiresAt() == null ? 0 : credential.getExpiresAt()));
            }
            String path = "/" + fileName;
            FileMetadata file = size < largeFrom ? client.files().uploadBuilder(path).withMode(WriteMode.ADD)
                    .withAutorename(true).uploadAndFinish(content, size)
                    : inSession(client, path, content, size);
            return file.getPathDisplay();
        } catch (DbxException e) {
            throw translate(e, "Dropbox refused the file.");
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE,
                    "The file could not be sent to Dropbox: try again later.", e);
        }
    }

    @Override
    public boolean revoke(StorageTokens tokens) {
        DbxCredential credential = new DbxCredential(tokens.accessToken(),
                tokens.expiresAt() == 0 ? null : tokens.expiresAt(), tokens.refreshToken(), app.clientId(),
                app.clientSecret());
        try {
            // Revoking the access token disables its refresh token too (and the SDK refreshes an
            // expired one first, an RPC's 401 being one it retries).
            new DbxClientV2(config, credential).auth().tokenRevoke();
            return true;
        } catch (DbxException | RuntimeException e) {
            return false;
        }
    }

    /** Start, append chunk by chunk at the offset Dropbox has, then finish with the last chunk. */
    private FileMetadata inSession(DbxClientV2 client, String path, InputStream content, long size)
            throws DbxException, IOException {
        long sent = Math.min(chunk, size);
        String session = client.files().uploadSessionStart().uploadAndFinish(content, sent).getSessionId();
        while (size - sent > chunk) {
            client.files().uploadSessionAppendV2(new UploadSessionCursor(session, sent))
                    .uploadAndFinish(content, chunk);
            sent += chunk;
        }
        CommitInfo commit = CommitInfo.newBuilder(path).withMode(WriteMode.ADD).withAutorename(true).build();
        return client.files().uploadSessionFinish(new UploadSessionCursor(session, sent), commit)
                .uploadAndFinish(content, size - sent);
    }

    private static StorageException translate(DbxException e, String refused) {
        if (e instanceof InvalidAccessTokenException || e instanceof DbxOAuthException) {
            return new StorageException(StorageException.Kind.NOT_CONNECTED,
                    "Dropbox no longer accepts this connection: connect Dropbox again.", e);
        }
        if (e instanceof NetworkIOException || e instanceof ServerException || e instanceof RetryException) {
            return new StorageException(StorageException.Kind.UNAVAILABLE,
                    "Dropbox cannot be reached just now: try again later.", e);
        }
        if (e instanceof DbxApiException || e instanceof BadRequestException) {
            return new StorageException(StorageException.Kind.REFUSED, refused, e);
        }
        return new StorageException(StorageException.Kind.UNAVAILABLE,
                "Dropbox answered in a way Safelight does not understand: try again later.", e);
    }
}
