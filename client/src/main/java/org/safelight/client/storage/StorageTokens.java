package org.safelight.client.storage;

/**
 * A user's tokens for one service. {@code expiresAt} is in epoch milliseconds (0 when the service
 * gave no lifetime). Never printed: {@link #toString()} shows no token.
 */
public record StorageTokens(String accessToken, String refreshToken, long expiresAt) {
    @Override
    public String toString() {
        return "StorageTokens[expiresAt=" + expiresAt + "]";
    }
}
