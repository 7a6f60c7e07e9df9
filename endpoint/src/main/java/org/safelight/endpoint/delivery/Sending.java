package org.safelight.endpoint.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/**
 * One request of a destination that speaks HTTP (the forward, the PACS), with the ways it can fail
 * without an answer worded once: each is worth retrying.
 */
public final class Sending {
    private Sending() {
    }

    /**
     * @param to how the admin knows the other side, e.g. {@code "the PACS"}; never a URL with a secret
     * @throws DeliveryException retryable, when no answer came (timeout, refused, reset, interrupted)
     */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> answer,
                                           String to) throws DeliveryException {
        try {
            return http.send(request, answer);
        } catch (HttpTimeoutException e) {
            throw new DeliveryException(to + " did not answer in time", false, e);
        } catch (ConnectException e) {
            throw new DeliveryException(to + " refused the connection or could not be reached", false, e);
        } catch (IOException e) {
            throw new DeliveryException("the connection to " + to + " failed (" + e.getClass().getSimpleName() + ")",
                    false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("sending to " + to + " was interrupted (the endpoint is stopping)", false, e);
        }
    }
}
