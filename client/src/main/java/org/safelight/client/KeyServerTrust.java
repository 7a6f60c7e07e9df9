package org.safelight.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.report.MalformedReportException;

/**
 * Which key servers the signed-in user's token may be sent to (DESIGN §3, Audiences): the server the
 * user signed in to, the origins in the trust list ({@code safelight trust}, kept beside the
 * credentials in {@code trusted-key-servers}, mode 0600), and those given on this command line
 * ({@code --key-server}, or a command's own key server option). Everything is compared as an origin
 * ({@link PackageJson#originOf}): a path, query or user information in a URL never matters.
 *
 * <p>Plain http goes only to the signed-in server's own origin or to a loopback host ({@code
 * localhost}, {@code 127.0.0.0/8}, {@code [::1]}), trusted or not: a token sent in clear over a
 * network can be read on the way. {@link #add} and {@link #remove} rewrite the file atomically.
 * Not thread-safe (one command at a time).
 */
public final class KeyServerTrust {
    static final String FILE = "trusted-key-servers";

    private final Path file;
    private final Set<String> listed;
    private final Set<String> forThisCommand;

    private KeyServerTrust(Path file, Set<String> listed, Set<String> forThisCommand) {
        this.file = file;
        this.listed = listed;
        this.forThisCommand = forThisCommand;
    }

    /**
     * The kept trust list plus {@code givenUrls} (from this command line).
     *
     * @throws IllegalArgumentException when a given URL is not an http(s) URL
     */
    public static KeyServerTrust load(Map<String, String> env, Collection<String> givenUrls) throws IOException {
        Path file = Credentials.folder(env).resolve(FILE);
        Set<String> listed = new LinkedHashSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    try {
                        listed.add(origin(line));
                    } catch (IllegalArgumentException e) {
                        // a hand-edited line that is no URL trusts nothing
                    }
                }
            }
        }
        Set<String> given = new LinkedHashSet<>();
        for (String url : givenUrls) {
            given.add(origin(url));
        }
        return new KeyServerTrust(file, listed, given);
    }

    /**
     * {@code scheme://host[:port]} of an http(s) URL, lower case, no default port.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String origin(String url) {
        try {
            return PackageJson.originOf(url).toString();
        } catch (MalformedReportException e) {
            throw new IllegalArgumentException(e.getMessage().replace("the key server URL", "'" + url + "'"));
        }
    }

    /**
     * The origin of {@code keyServerUrl}, where the token may go; refuses before anything is sent.
     *
     * @param signedInServer the URL of the server the user signed in to (always trusted)
     * @throws UntrustedKeyServerException when it is not trusted, or plain http on another host
     */
    public String check(String keyServerUrl, String signedInServer) {
        String origin;
        try {
            origin = origin(keyServerUrl);
        } catch (IllegalArgumentException e) {
            throw new UntrustedKeyServerException(keyServerUrl, "the key server '" + keyServerUrl
                    + "' is not an http(s) URL, so nothing was sent to it");
        }
        String home = origin(signedInServer);
        if (!origin.equals(home) && !listed.contains(origin) && !forThisCommand.contains(origin)) {
            throw new UntrustedKeyServerException(origin, "the key server " + origin + " is not one you trust, so"
                    + " nothing was sent to it; if you trust it, run 'safelight trust add " + origin + "' (or give"
                    + " --key-server " + origin + ")");
        }
        if (!plainHttpAllowed(origin, home)) {
            throw new UntrustedKeyServerException(origin, plainHttpRefusal(origin));
        }
        return origin;
    }

    /**
     * Whether a credential may go to {@code origin} over its scheme: https, the signed-in server (for
     * sync: {@code --server}), or loopback. One rule for the CLI, sync and the web's key-server list.
     */
    public static boolean plainHttpAllowed(String origin, String signedInOrigin) {
        return origin.startsWith("https://") || origin.equals(signedInOrigin) || loopback(origin);
    }

    public static String plainHttpRefusal(String origin) {
        return "the key server " + origin + " is plain http on another host, so nothing was sent to it: a sign-in"
                + " goes over plain http only to the server you signed in to or to this computer; use its https://"
                + " address";
    }

    private static boolean loopback(String origin) {
        String host = java.net.URI.create(origin).getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.equals("[::1]") || host.matches("127(\\.\\d{1,3}){3}");
    }

    /** The kept list, in the order added. */
    public List<String> listed() {
        return List.copyOf(listed);
    }

    /**
     * Adds {@code url}'s origin to the kept list.
     *
     * @return the origin added
     * @throws IllegalArgumentException when it is no http(s) URL, or plain http on a host that is not
     *     {@code signedInServer}'s (null when not signed in) or loopback
     */
    public String add(String url, String signedInServer) throws IOException {
        String origin = origin(url);
        if (!plainHttpAllowed(origin, signedInServer == null ? "" : origin(signedInServer))) {
            throw new IllegalArgumentException(plainHttpRefusal(origin).replace(", so nothing was sent to it", ""));
        }
        Set<String> next = new LinkedHashSet<>(listed);
        next.add(origin);
        save(next);
        return origin;
    }

    /** @return whether {@code url}'s origin was on the kept list */
    public boolean remove(String url) throws IOException {
        String origin = origin(url);
        Set<String> next = new LinkedHashSet<>(listed);
        boolean removed = next.remove(origin);
        if (removed) {
            save(next);
        }
        return removed;
    }

    private void save(Set<String> origins) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Key servers safelight may send your sign-in to (one origin a line); see 'safelight trust'.");
        lines.addAll(origins);
        Credentials.writePrivate(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        listed.clear();
        listed.addAll(origins);
    }
}
