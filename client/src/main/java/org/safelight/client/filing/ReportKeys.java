package org.safelight.client.filing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.safelight.client.RefusedException;
import org.safelight.format.FormatException;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.StaticKeys;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.ReportId;

/**
 * How a received report's key is found, by the kind of file: a plain report needs none (when plain
 * reports are accepted at all); a static-key report is opened with the private key whose public
 * key's {@code kid} it names, out of several, so keys can rotate; a dynamic-key report's key is
 * fetched from its key server, only when that server's origin is on the trusted list, so a report's
 * author cannot collect the credential the key is asked with. Immutable.
 */
public final class ReportKeys {
    private final List<URI> trustedKeyServers;
    private final DynamicKeySource keyServers;
    private final Map<String, PrivateKey> privateKeys;
    private final boolean plainAccepted;
    private final Options options;

    /**
     * The operator's options that trust a key server and give private keys, named in the reasons a
     * report cannot be opened so that they say what to change.
     */
    public record Options(String keyServer, String privateKeys) {
        /** {@code safelight sync} and {@code open}: {@code --key-server}, {@code --private-key}. */
        public static final Options CLI = new Options("--key-server", "--private-key");
    }

    /** {@link #ReportKeys(Collection, DynamicKeySource, Collection, boolean, Options)} naming the CLI's options. */
    public ReportKeys(Collection<URI> trustedKeyServers, DynamicKeySource keyServers,
                      Collection<PrivateKey> privateKeys, boolean plainAccepted) throws FormatException {
        this(trustedKeyServers, keyServers, privateKeys, plainAccepted, Options.CLI);
    }

    /**
     * @param trustedKeyServers origins ({@link PackageJson#originOf}) the dynamic-key credential may go to
     * @param keyServers        asks a trusted key server for a key; null when dynamic keys are not fetched
     * @param privateKeys       private keys for static-key reports, any number (none: such reports need a key)
     * @param plainAccepted     whether an unencrypted report ZIP is accepted
     * @param options           the options named in reasons
     * @throws FormatException when a private key is not a CRT RSA key (its kid cannot be known)
     */
    public ReportKeys(Collection<URI> trustedKeyServers, DynamicKeySource keyServers,
                      Collection<PrivateKey> privateKeys, boolean plainAccepted, Options options)
            throws FormatException {
        this.options = options;
        this.trustedKeyServers = List.copyOf(trustedKeyServers);
        this.keyServers = keyServers;
        Map<String, PrivateKey> byKid = new LinkedHashMap<>();
        for (PrivateKey key : privateKeys) {
            byKid.put(StaticKeys.kid(StaticKeys.publicKeyOf(key)), key);
        }
        this.privateKeys = Map.copyOf(byKid);
        this.plainAccepted = plainAccepted;
    }

    /**
     * Every PKCS#8 PEM private key in {@code folder} ({@code *.pem}, {@code *.key}), for
     * {@code --endpoint-private-keys DIR}; a folder with none gives an empty list.
     *
     * @throws FormatException naming the file that is not an RSA private key
     */
    public static List<PrivateKey> readPrivateKeys(Path folder) throws IOException {
        List<PrivateKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).filter(ReportKeys::looksLikeKey).sorted().toList()) {
                keys.add(StaticKeys.readPrivateKey(f));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return keys;
    }

    private static boolean looksLikeKey(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".pem") || name.endsWith(".key");
    }

    /** Which kind of report a file is, by how its key is found. */
    public enum Kind {
        PLAIN, DYNAMIC, STATIC;

        /** {@code plain}, {@code dynamic} or {@code static}, as the endpoint records it. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A key for the opener, with the kind of report it opens. */
    public record Found(Kind kind, ReportKey key) {
    }

    /**
     * The key for a report whose {@code package.json} is {@code packageJson} (null: a plain report).
     * For a dynamic key this asks the key server: a failure then is the key step's.
     *
     * @throws RefusedException    403 {@code untrusted_key_server} when its key server is not trusted
     *                             (nothing is sent to it), or the key server's own refusal
     * @throws KeyNeededException  when no private key has the report's kid, or no key can be had
     * @throws FormatException     when a plain report is not accepted
     * @throws IOException         when the key server cannot be reached
     */
    public Found keyFor(PackageJson packageJson, ReportId report) throws IOException {
        if (packageJson == null) {
            if (!plainAccepted) {
                throw new MalformedReportException("the file is not a sealed report");
            }
            return new Found(Kind.PLAIN, new ReportKey.None());
        }
        PrivateKey privateKey = packageJson.hasStaticKey() ? privateKey(packageJson) : null;
        if (privateKey != null) {
            return new Found(Kind.STATIC, new ReportKey.Private(privateKey));
        }
        if (packageJson.hasKeyServer()) {
            // Only the origin counts: a path, query or fragment in the file must not steer the request
            // (and its credential) to another route.
            URI keyServer = packageJson.keyServerOrigin();
            if (!trustedKeyServers.contains(keyServer)) {
                throw new RefusedException(403, "untrusted_key_server", "its key server " + keyServer
                        + " is not one the Key Server Token may be sent to (add " + options.keyServer() + " " + keyServer + ")");
            }
            if (report == null) {
                throw new MalformedReportException("its package.json names no report ID to ask the key server for");
            }
            if (keyServers == null) {
                throw new KeyNeededException("its key is held by the key server at " + keyServer
                        + " and no Key Server Token is given", packageJson);
            }
            return new Found(Kind.DYNAMIC, new ReportKey.Password(keyServers.fetchKey(keyServer, report)));
        }
        if (privateKeys.isEmpty()) {
            throw new KeyNeededException("it is sealed with a static key (kid " + packageJson.staticKey().kid()
                    + "): give " + options.privateKeys(), packageJson);
        }
        throw new KeyNeededException("it is sealed with a static key (kid " + packageJson.staticKey().kid()
                + ") that none of the " + privateKeys.size() + " private keys given has (" + options.privateKeys()
                + ")", packageJson);
    }

    /**
     * The private key with the report's kid. With one key only and no key server to fall back on (or
     * no kid in the file), that key: unwrapping then says plainly which kid the report wants.
     */
    private PrivateKey privateKey(PackageJson packageJson) {
        String kid = packageJson.staticKey().kid();
        PrivateKey key = privateKeys.get(kid);
        if (key == null && privateKeys.size() == 1 && (kid.isEmpty() || !packageJson.hasKeyServer())) {
            key = privateKeys.values().iterator().next();
        }
        return key;
    }

    /** The static-key kids this holds, for a start-up line (kids are public). */
    public List<String> kids() {
        return List.copyOf(privateKeys.keySet());
    }
}
