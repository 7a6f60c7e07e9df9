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
import picocli.CommandLine.Option;

/**
 * How to reach a FHIR server: its release and how to sign in to it ({@code send --to fhir:URL},
 * {@code fhir practitioners URL}). A password is never a flag: it comes from a file, from
 * {@code SAFELIGHT_FHIR_PASSWORD}, or is asked at the terminal without echo.
 */
final class FhirServerOptions {
    @Option(names = "--fhir-version", paramLabel = "stu3|r4", defaultValue = "stu3",
            description = "The FHIR release the server speaks (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--fhir-auth", paramLabel = "none|basic",
            description = "How to sign in to the FHIR server: none (testing only) or basic (default: basic when"
                    + " --fhir-user is given, else none).")
    String auth;

    @Option(names = "--fhir-user", paramLabel = "USER", description = "The FHIR server's user name, for basic.")
    String user;

    @Option(names = "--fhir-password-file", paramLabel = "FILE",
            description = "Read the FHIR password from the first line of FILE (or SAFELIGHT_FHIR_PASSWORD; without"
                    + " either it is asked at the terminal).")
    Path passwordFile;

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
        String mode = auth != null ? auth.strip().toLowerCase(Locale.ROOT) : user != null ? "basic" : "none";
        switch (mode) {
            case "none" -> {
                if (user != null || passwordFile != null) {
                    throw new Failures.UsageException("--fhir-user and --fhir-password-file are for --fhir-auth basic");
                }
                return FhirAuth.none();
            }
            case "basic" -> {
                if (user == null || user.isBlank() || user.contains(":")) {
                    throw new Failures.UsageException("--fhir-auth basic needs --fhir-user USER (without ':')");
                }
                return FhirAuth.basic(user, password(server, env, terminal));
            }
            default -> throw new Failures.UsageException("--fhir-auth must be none or basic, not '" + auth + "'");
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
