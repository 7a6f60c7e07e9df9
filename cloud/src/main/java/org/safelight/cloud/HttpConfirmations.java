package org.safelight.cloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.safelight.server.http.Json;
import org.safelight.server.tokens.UserToken;

/**
 * {@link Confirmations} from an accounts role in another process: {@code GET
 * {accounts-url}/api/v1/accounts/me} with the user's own token, whose {@code email_verified} the
 * accounts role reads from the account. Thread-safe.
 */
public final class HttpConfirmations implements Confirmations {
    private final URI me;
    private final HttpClient http;

    public HttpConfirmations(URI accountsUrl, HttpClient http) {
        this.me = URI.create(accountsUrl.toString().replaceAll("/+$", "") + "/api/v1/accounts/me");
        this.http = http;
    }

    @Override
    public boolean confirmedNow(UserToken user, String bearer) {
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(me).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AccountsUnavailableException("the accounts server could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AccountsUnavailableException("interrupted while asking the accounts server", e);
        }
        if (response.statusCode() != 200) {
            // Its account is gone or the token is refused there: not confirmed. Anything else: unknown.
            if (response.statusCode() == 401 || response.statusCode() == 404) {
                return false;
            }
            throw new AccountsUnavailableException("the accounts server answered " + response.statusCode(), null);
        }
        try {
            return Json.MAPPER.readTree(response.body()).path("email_verified").asBoolean(false);
        } catch (IOException e) {
            throw new AccountsUnavailableException("the accounts server's answer was not JSON", e);
        }
    }
}
