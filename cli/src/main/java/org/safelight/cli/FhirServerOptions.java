package org.safelight.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.safelight.client.fhir.FhirAuth;
import org.safelight.client.fhir.FhirClient;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.auth.ClientCredentials;
import org.safelight.client.fhir.auth.ClientCredentialsAuth;
import org.safelight.client.fhir.auth.ClientKeys;
import picocli.CommandLine.Option;

/**
 * How to reach a FHIR server: its release and how to sign in to it ({@code send --to fhir:URL},
 * {@code fhir practitioners URL}): none, Basic, or OAuth2 client credentials (SMART backend
 * services). A password or client secret is never a flag: it comes from a file, from
 * {@code SAFELIGHT_FHIR_PASSWORD}, or is asked at the terminal without echo.
 */
final class FhirServerOptions {
    @Option(names = "--fhir-version", paramLabel = "stu3|r4", defaultValue = "stu3",
            description = "The FHIR release the server speaks (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--fhir-auth", paramLabel = "none|basic|client-credentials",
            description = "How to sign in to the FHIR server: none (testing only), basic, or client-credentials"
                    + " (OAuth2, SMART backend services) (default: basic when --fhir-user is given, client-credentials"
                    + " when --fhir-client-id is, else none).")
    String auth;

    @Option(names = "--fhir-user", paramLabel = "USER", description = "The FHIR server's user name, for basic.")
    String user;

    @Option(names = "--fhir-password-file", paramLabel = "FILE",
            description = "Read the FHIR password from the first line of FILE (or SAFELIGHT_FHIR_PASSWORD; without"
                    + " either it is asked at the terminal).")
    Path passwordFile;

    @Option(names = "--fhir-token-url", paramLabel = "URL",
            description = "client-credentials: the authorization server's token endpoint (https).")
    String tokenUrl;

    @Option(names = "--fhir-client-id", paramLabel = "ID", description = "client-credentials: the client ID registered there.")
    String clientId;

    @Option(names = "--fhir-client-key-file", paramLabel = "FILE",
            description = "client-credentials: the private key that signs the client assertion (RS384 for RSA, ES384 for"
                    + " EC P-384): a JWK, a JWK Set with one key, or a PKCS#8 PEM.")
    Path clientKeyFile;

    @Option(names = "--fhir-client-secret-file", paramLabel = "FILE",
            description = "client-credentials: instead of a key, the client secret on the first line of FILE"
                    + " (client_secret_basic).")
    Path clientSecretFile;

    @Option(names = "--fhir-scope", paramLabel = "SCOPES", defaultValue = DEFAULT_SCOPE,
            description = "client-credentials: the scopes asked for (default: ${DEFAULT-VALUE}).")
    String scope;

    /** What filing reads and creates (SMART v1 system scopes). */
    static final String DEFAULT_SCOPE = "system/Patient.read system/Practitioner.read system/Patient.write"
            + " system/Media.write system/Binary.write system/DocumentManifest.write system/DocumentReference.write";

    /** Whether any option beyond the defaults was given (they mean nothing for another --to). */
    boolean given() {
        return auth != null || user != null || passwordFile != null || tokenUrl != null || clientId != null
                || clientKeyFile != null || clientSecretFile != null || !"stu3".equalsIgnoreCase(version)
                || !DEFAULT_SCOPE.equals(scope);
    }

    FhirVersion version() {
        try {
            return FhirVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--fhir-version: " + e.getMessage());
        }
    }

    /**
     * A client for {@code server}, after refusing plain http to anything but this computer (a FHIR
     * server gets the report unencrypted, and the password with it).
     *
     * @param allowPlainHttp send over plain http to another computer anyway (testing only)
     */
    FhirClient connect(URI server, boolean allowPlainHttp, Map<String, String> env, Terminal terminal)
            throws IOException {
        if (server.getScheme().equalsIgnoreCase("http") && !allowPlainHttp && !loopback(server.getHost())) {
            throw new Failures.UsageException("the report and your FHIR password would cross the network readable to"
                    + " anyone on the way to " + server.getScheme() + "://" + server.getAuthority() + " (plain http), so"
                    + " nothing was sent: use the server's https:// address (--allow-plain-http sends it anyway, for"
                    + " testing)");
        }
        FhirVersion v = version();
        return new FhirClient(server, v, auth(server, env, terminal));
    }

    private FhirAuth auth(URI server, Map<String, String> env, Terminal terminal) throws IOException {
        String mode = auth != null ? auth.strip().toLowerCase(Locale.ROOT) : user != null ? "basic"
                : clientId != null ? "client-credentials" : "none";
        if (!mode.equals("basic") && (user != null || passwordFile != null)) {
            throw new Failures.UsageException("--fhir-user and --fhir-password-file are for --fhir-auth basic");
        }
        if (!mode.equals("client-credentials") && (tokenUrl != null || clientId != null || clientKeyFile != null
                || clientSecretFile != null)) {
            throw new Failures.UsageException("--fhir-token-url, --fhir-client-id, --fhir-client-key-file and"
                    + " --fhir-client-secret-file are for --fhir-auth client-credentials");
        }
        switch (mode) {
            case "none" -> {
                return FhirAuth.none();
            }
            case "client-credentials" -> {
                return new ClientCredentialsAuth(clientCredentials());
            }
            case "basic" -> {
                if (user == null || user.isBlank() || user.contains(":")) {
                    throw new Failures.UsageException("--fhir-auth basic needs --fhir-user USER (without ':')");
                }
                return FhirAuth.basic(user, password(server, env, terminal));
            }
            default -> throw new Failures.UsageException("--fhir-auth must be none, basic or client-credentials, not '"
                    + auth + "'");
        }
    }

    private ClientCredentials clientCredentials() throws IOException {
        if (tokenUrl == null || clientId == null) {
            throw new Failures.UsageException("--fhir-auth client-credentials needs --fhir-token-url URL and"
                    + " --fhir-client-id ID");
        }
        if ((clientKeyFile == null) == (clientSecretFile == null)) {
            throw new Failures.UsageException("--fhir-auth client-credentials needs --fhir-client-key-file FILE or"
                    + " --fhir-client-secret-file FILE (one of them)");
        }
        URI url;
        try {
            url = new URI(tokenUrl.strip());
        } catch (java.net.URISyntaxException e) {
            throw new Failures.UsageException("--fhir-token-url is not a URL: " + tokenUrl);
        }
        try {
            if (clientKeyFile != null) {
                return ClientCredentials.withKey(url, clientId, clientKey(), scope);
            }
            String secret = Files.readString(clientSecretFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            return ClientCredentials.withSecret(url, clientId, secret, scope);
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--fhir-token-url, --fhir-client-id, --fhir-scope: " + e.getMessage());
        }
    }

    private com.nimbusds.jose.jwk.JWK clientKey() throws IOException {
        try {
            return ClientKeys.load(clientKeyFile);
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--fhir-client-key-file: " + e.getMessage());
        }
    }

    private String password(URI server, Map<String, String> env, Terminal terminal) throws IOException {
        if (passwordFile != null) {
            String first = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (first.isEmpty()) {
                throw new Failures.UsageException("the FHIR password file is empty: " + passwordFile);
            }
            return first;
        }
        String fromEnv = env.get("SAFELIGHT_FHIR_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        if (!terminal.present()) {
            throw new Failures.UsageException("no terminal to ask for the FHIR password: give --fhir-password-file FILE"
                    + " or set SAFELIGHT_FHIR_PASSWORD");
        }
        char[] typed = terminal.readPassword("FHIR password for " + user + " at " + server + ": ");
        if (typed == null || typed.length == 0) {
            throw new Failures.UsageException("no FHIR password given");
        }
        String text = new String(typed);
        Arrays.fill(typed, '\0');
        return text;
    }

    /** localhost, 127.0.0.0/8, ::1: plain http that never leaves this computer. */
    static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // a name: not resolved here, so DNS cannot make it look local
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
