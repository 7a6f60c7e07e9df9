package org.safelight.client.storage;

import com.box.sdk.BoxAPIConnection;
import com.box.sdk.BoxAPIException;
import com.box.sdk.BoxFile;
import com.box.sdk.BoxFolder;
import com.box.sdk.BoxItem;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/**
 * Box through its SDK: reports go into a {@code Safelight} folder at the top of the user's files,
 * made on the first upload and found afterwards. Box wants the app's secret with the code and with
 * every refresh; the code exchange is {@link BoxTokenRequest} (the SDK's own cannot send a PKCE
 * verifier), the refresh is the SDK's.
 *
 * <p>Written against the SDK's {@code com.box.sdk} API, which 5.x marks deprecated in favour of its
 * generated {@code com.box.sdkgen} one but still ships and supports; moving is a change inside this
 * class alone.
 */
@SuppressWarnings("deprecation")
final class BoxStorage implements CloudStorage {
    static final String FOLDER = "Safelight";
    private static final long EARLY_MILLIS = 60_000;

    private final StorageApp app;
    private final long largeFrom;

    BoxStorage(StorageApp app, long largeFrom) {
        this.app = app;
        this.largeFrom = largeFrom;
    }

    @Override
    public StorageProvider provider() {
        return StorageProvider.BOX;
    }

    @Override
    public String authorizeEndpoint() {
        return app.endpoints().authorize();
    }

    @Override
    public Map<String, String> authorizeParameters() {
        return Map.of();
    }

    @Override
    public String clientId() {
        return app.clientId();
    }

    private BoxAPIConnection connection(StorageTokens tokens) {
        BoxAPIConnection api = new Connection(app.clientId(), app.clientSecret(), tokens.accessToken(),
                tokens.refreshToken());
        api.setBaseURL(app.endpoints().api());
        api.setBaseUploadURL(app.endpoints().upload());
        // Refreshes are ours (below), so that a refused one is told apart from a refused upload.
        api.setAutoRefresh(false);
        api.setMaxRetryAttempts(0);
        return api;
    }

    String tokenUrl() {
        return connection(new StorageTokens("", "", 0)).getTokenURL();
    }

    @Override
    public StorageTokens exchange(String code, String codeVerifier, String redirectUri) throws StorageException {
        return new BoxTokenRequest(tokenUrl()).exchange(app, code, codeVerifier, redirectUri);
    }

    @Override
    public String upload(StorageTokens tokens, String fileName, InputStream content, long size,
            Consumer<StorageTokens> refreshed) throws StorageException {
        BoxAPIConnection api = connection(tokens);
        try {
            if (tokens.expiresAt() != 0 && tokens.expiresAt() - EARLY_MILLIS <= System.currentTimeMillis()) {
                refresh(api, refreshed);
            }
            BoxFolder folder;
            try {
                folder = safelightFolder(api);
            } catch (BoxAPIException e) {
                if (e.getResponseCode() != 401) {
                    throw e;
                }
                refresh(api, refreshed); // expired before its time (revoked, clock skew): once more
                folder = safelightFolder(api);
            }
            BoxFile.Info file = size < largeFrom ? folder.uploadFile(content, fileName)
                    : folder.uploadLargeFile(content, fileName, size);
            return "/" + FOLDER + "/" + file.getName();
        } catch (BoxAPIException e) {
            throw translate(e);
        } catch (IOException e) {
            throw unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        }
    }

    @Override
    public boolean revoke(StorageTokens tokens) {
        try {
            // Box revokes the access token and its refresh token together, given either.
            connection(tokens).revokeToken();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void refresh(BoxAPIConnection api, Consumer<StorageTokens> refreshed) throws StorageException {
        try {
            api.refresh();
        } catch (BoxAPIException e) {
            if (e.getResponseCode() >= 400 && e.getResponseCode() < 500) {
                throw new StorageException(StorageException.Kind.NOT_CONNECTED,
                        "Box no longer accepts this connection: connect Box again.", e);
            }
            throw translate(e);
        }
        refreshed.accept(new StorageTokens(api.getAccessToken(), api.getRefreshToken(),
                api.getLastRefresh() + api.getExpires()));
    }

    /** The folder named Safelight at the top, made when missing (or found when made meanwhile). */
    private static BoxFolder safelightFolder(BoxAPIConnection api) {
        BoxFolder root = BoxFolder.getRootFolder(api);
        for (int attempt = 0; ; attempt++) {
            for (BoxItem.Info item : root.getChildren("name")) {
                if (item instanceof BoxFolder.Info && FOLDER.equals(item.getName())) {
                    return new BoxFolder(api, item.getID());
                }
            }
            try {
                return root.createFolder(FOLDER).getResource();
            } catch (BoxAPIException e) {
                if (e.getResponseCode() != 409 || attempt > 0) {
                    throw e;
                }
                // Made by another upload between the listing and now: list again.
            }
        }
    }

    private static StorageException translate(BoxAPIException e) {
        int status = e.getResponseCode();
        if (status == 401) {
            return new StorageException(StorageException.Kind.NOT_CONNECTED,
                    "Box no longer accepts this connection: connect Box again.", e);
        }
        if (status <= 0 || status == 429 || status >= 500) {
            return unavailable(e);
        }
        return new StorageException(StorageException.Kind.REFUSED, "Box refused the file.", e);
    }

    /**
     * The SDK's connection, also speaking plain HTTP: only where the operator set an {@code http://}
     * base (the tests' fake, a proxy on the same host); the real addresses are all HTTPS.
     */
    private static final class Connection extends BoxAPIConnection {
        Connection(String clientId, String clientSecret, String accessToken, String refreshToken) {
            super(clientId, clientSecret, accessToken, refreshToken);
        }

        @Override
        protected OkHttpClient.Builder modifyHttpClientBuilder(OkHttpClient.Builder builder) {
            return builder.connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT));
        }
    }

    private static StorageException unavailable(Exception e) {
        return new StorageException(StorageException.Kind.UNAVAILABLE,
                "Box cannot be reached just now: try again later.", e);
    }
}
