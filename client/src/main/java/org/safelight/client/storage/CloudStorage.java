package org.safelight.client.storage;

import java.io.InputStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One user's side of a storage service: the OAuth 2 authorization-code flow with PKCE (the caller
 * makes the verifier and the state), and uploads into Safelight's place there (a {@code Safelight}
 * folder on Box, the app folder on Dropbox). The services' SDKs stay behind this interface.
 * Implementations are thread-safe.
 */
public interface CloudStorage {
    StorageProvider provider();

    /** The authorization page. */
    String authorizeEndpoint();

    /**
     * The service's own parameters for the authorization page, besides the standard ones
     * ({@code response_type, client_id, redirect_uri, state, code_challenge, code_challenge_method}).
     */
    Map<String, String> authorizeParameters();

    /** The client ID the authorization page is given. */
    String clientId();

    /**
     * Trades an authorization code for tokens, with the PKCE verifier whose S256 challenge went to
     * the authorization page and the same redirect URI.
     *
     * @throws StorageException REFUSED when the service refuses the code or the verifier,
     *     UNAVAILABLE when it cannot be reached
     */
    StorageTokens exchange(String code, String codeVerifier, String redirectUri) throws StorageException;

    /**
     * Uploads {@code size} bytes as {@code fileName} into Safelight's place, in an upload session
     * when the file is large. When the access token has expired, it is refreshed and the new tokens
     * are handed to {@code refreshed} before the upload goes on.
     *
     * @return where the file is, as the service names it (e.g. {@code /Safelight/R.picsafe})
     * @throws StorageException NOT_CONNECTED when the refresh is refused, UNAVAILABLE when the
     *     service cannot be reached or fails, REFUSED when it refuses the upload
     */
    String upload(StorageTokens tokens, String fileName, InputStream content, long size,
            Consumer<StorageTokens> refreshed) throws StorageException;

    /**
     * Asks the service to revoke the tokens (Box: {@code POST /oauth2/revoke}; Dropbox:
     * {@code /2/auth/token/revoke}), so that a forgotten connection cannot be used by whoever kept a
     * copy. Best effort: never throws; whether the service confirmed it.
     */
    boolean revoke(StorageTokens tokens);

    /** The service for {@code app}, uploading files over {@code largeFrom} bytes in sessions. */
    static CloudStorage of(StorageApp app, long largeFrom) {
        return switch (app.provider()) {
            case BOX -> new BoxStorage(app, largeFrom);
            case DROPBOX -> new DropboxStorage(app, largeFrom);
        };
    }

    /** The service for {@code app} with the default size for upload sessions (20 MB: Box's floor). */
    static CloudStorage of(StorageApp app) {
        return of(app, 20L * 1024 * 1024);
    }
}
