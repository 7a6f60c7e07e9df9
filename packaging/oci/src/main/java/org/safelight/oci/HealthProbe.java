package org.safelight.oci;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container health check with nothing but the image's Java runtime (the image has no shell, curl
 * or wget): {@code java -cp /app/classes org.safelight.oci.HealthProbe /health/ready}. Asks this
 * container's server, on {@code SAFELIGHT_PORT} (8080 by default), for the path; a full URL is taken
 * as it is. Exits 0 on a 2xx answer, 1 on any other answer or none within five seconds, 2 on a
 * malformed argument. Prints one line for the operator's {@code docker inspect}, never the body.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        System.exit(probe(args, System.getenv("SAFELIGHT_PORT")));
    }

    static int probe(String[] args, String port) {
        if (args.length != 1 || !(args[0].startsWith("/") || args[0].startsWith("http"))) {
            System.err.println("usage: HealthProbe /health/ready (or a full http(s) URL)");
            return 2;
        }
        String target = args[0].startsWith("/")
                ? "http://127.0.0.1:" + (port == null || port.isBlank() ? "8080" : port.strip()) + args[0]
                : args[0];
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<Void> answer = client.send(
                    HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            System.out.println(target + " answered " + answer.statusCode());
            return answer.statusCode() / 100 == 2 ? 0 : 1;
        } catch (IllegalArgumentException e) {
            System.err.println("not a URL: " + target);
            return 2;
        } catch (java.io.IOException e) {
            System.out.println(target + " did not answer: " + e.getClass().getSimpleName());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
